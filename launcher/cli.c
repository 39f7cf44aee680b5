// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - eci-run's command line
 *
 * Options end at the first non-option, which is the image; everything after
 * it is the command, passed on untouched (as with docker run).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "launcher.h"

#ifndef ECI_VERSION
#define ECI_VERSION "0.1.0"
#endif

void cli_usage(FILE *f)
{
	fputs("usage: eci-run [OPTIONS] [IMAGE [COMMAND [ARG...]]]\n", f);
}

/* Sub-commands take -h for help, as docker's do; eci-run's run takes it
 * for --hostname, as docker run does. */
int cli_sub_help(const char *verb, const struct cli_sub *subs, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(name, subs[i].name)) {
			printf("usage: eci-run %s %s\n\n%s\nOptions:\n%s"
			       "  -h, --help                show this help and exit\n",
			       verb, subs[i].usage, subs[i].what, subs[i].opts ? subs[i].opts : "");
			return 0;
		}
	return -1;
}

bool cli_is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

int cli_pull_mode(const char *arg, enum img_pull_mode *mode, struct eci_err *e)
{
	static const char *const names[] = { "missing", "always", "never" };

	for (int i = 0; i < 3; i++)
		if (!strcmp(arg, names[i])) {
			*mode = (enum img_pull_mode)i;
			return 0;
		}
	return eci_fail(e, 0, "--pull %s: expected missing, always or never", arg);
}

static void help(void)
{
	cli_usage(stdout);
	fputs("\nRun COMMAND in a new rootless container of IMAGE, its root mapped to a\n"
	      "subordinate id range of yours (see /etc/subuid).\n\n"
	      "IMAGE    'default' (or omitted): the embedded busybox image; a name of\n"
	      "         your store (eci-run image ls); a registry's [HOST[:PORT]/]NAME[:TAG]\n"
	      "         or NAME@sha256:DIGEST, fetched with skopeo when not in the store\n"
	      "         (a name without HOST is docker.io's); a directory holding an\n"
	      "         OCI image layout (DIR[:TAG])\n"
	      "COMMAND  defaults to the image's entrypoint and command; with neither\n"
	      "         given, on a terminal: a shell, as with -it\n\n"
	      "Options:\n"
	      "      --add-host NAME:IP    add a line to /etc/hosts (IP host-gateway: the\n"
	      "                            host, with --network pasta or slirp4netns)\n"
	      "      --cap-add CAP         add a capability (name, with or without CAP_, or ALL)\n"
	      "      --cap-drop CAP        drop a capability (or ALL)\n"
	      "  -d, --detach              run in the background: print the container's id\n"
	      "                            and return; its output goes to eci-run logs\n"
	      "      --device HOST[:CTR[:rwm]]  a host device, if the policy's allowedDevices\n"
	      "                            names it (see eci-run policy show)\n"
	      "      --dns IP              a name server for /etc/resolv.conf (repeatable)\n"
	      "  -e, --env KEY[=VALUE]     set an environment variable\n"
	      "      --entrypoint CMD      run CMD instead of the image's entrypoint (and\n"
	      "                            not its command); \"\" clears the entrypoint\n"
	      "      --env-file FILE       read KEY=VALUE lines from FILE\n"
	      "      --env-host            start from your environment (the image's and\n"
	      "                            -e's on top)\n"
	      "  -h, --hostname NAME       the container's host name (default: its short id)\n"
	      "      --init                eci's init as pid 1, the workload pid 2: it reaps\n"
	      "                            orphans and passes on every signal (default: the\n"
	      "                            workload is pid 1, as with docker)\n"
	      "  -l, --label KEY[=VALUE]   set a label (inspect shows it, ps filters by it)\n"
	      "      --memory SIZE         memory limit (512m, 2g): beyond it, the kernel's\n"
	      "                            OOM killer ends the process\n"
	      "      --mount type=bind|volume|tmpfs,target=DST[,source=SRC][,readonly]\n"
	      "                            [,tmpfs-size=N][,tmpfs-mode=OCTAL]: as -v or --tmpfs\n"
	      "      --name NAME           a name for ps, stop, exec, logs, rm (unique)\n"
	      "  -i, --interactive         keep stdin open (else it is /dev/null)\n"
	      "      --network MODE        pasta, slirp4netns or none; default: the policy's\n"
	      "                            defaultNetwork, else pasta where installed and\n"
	      "                            allowed, else slirp4netns, else none\n"
	      "  -p, --publish [IP:]HOST:CTR[/udp]  publish a port (on 127.0.0.1 by default)\n"
	      "      --cpus N              CPU time, in CPUs (1.5)\n"
	      "      --pids-limit N        at most N processes (-1: no limit)\n"
	      "      --privileged          every capability, inside the container's namespaces\n"
	      "      --pull WHEN           fetch IMAGE from its registry: missing (default:\n"
	      "                            when not in the store), always, never\n"
	      "      --read-only           mount the root file system read-only\n"
	      "      --restart POLICY      with -d: no (default), or on-failure[:N]: start it\n"
	      "                            again (from the image) after a non-zero exit, N\n"
	      "                            times at most\n"
	      "      --rm                  with -d: keep nothing once it exits (without -d,\n"
	      "                            always so)\n"
	      "      --security-opt OPT    no-new-privileges[=false], seccomp=unconfined|FILE\n"
	      "      --shm-size SIZE       size of /dev/shm (bytes, or with k, m, g; 64m)\n"
	      "      --stop-signal SIG     what stop sends the workload (default: the image's\n"
	      "                            StopSignal, else SIGTERM)\n"
	      "  -t, --tty                 allocate a pseudo-terminal\n"
	      "      --tmpfs PATH[:OPTS]   mount a tmpfs (OPTS: size=, mode=, ro, exec, suid, dev)\n"
	      "  -u, --user USER[:GROUP]   run as this user (name or id, from the image)\n"
	      "      --ulimit NAME=SOFT[:HARD]  a resource limit (nofile, nproc, core, ...;\n"
	      "                            -1: unlimited), at most your own hard limit\n"
	      "      --userns keep-id      your own uid and gid are the same ids inside, and\n"
	      "                            the default user: what it writes in your -v\n"
	      "                            directories is yours (container root stays a\n"
	      "                            subordinate id); policy: allowKeepId\n"
	      "  -v, --volume SRC:DST[:ro] bind-mount the host path SRC (absolute, or from '.')\n"
	      "                            at DST (nosuid, nodev), or the named volume SRC,\n"
	      "                            made on first use (see eci-run volume --help);\n"
	      "                            also :rw, :z, :Z (SELinux labels: nothing to do)\n"
	      "  -w, --workdir DIR         working directory (created if missing)\n"
	      "      --help                show this help and exit\n"
	      "      --version             show the version and exit\n\n"
	      "--memory, --cpus and --pids-limit need a cgroup delegated to you (see\n"
	      "eci-run(1), LIMITS); elsewhere they are refused.\n"
	      "No network ('bad address', 'could not resolve'): see 'eci-run policy show'\n"
	      "(allowedNetworks, defaultNetwork) and ask for one: --network pasta.\n\n"
	      "Also: eci-run image pull|import|ls|rm, volume create|ls|inspect|rm, policy show,\n"
	      "ps, stop, start, restart, kill, wait, exec, cp, inspect, port, top, logs, rm,\n"
	      "gc, doctor (each with --help).\n\n"
	      "Exit status: the command's; 128+N if it was killed by signal N;\n"
	      "125 if eci-run failed; 126 if the command cannot be invoked;\n"
	      "127 if it was not found.\n",
	      stdout);
}

#define ADD(list, n, flag)                                                     \
	do {                                                                   \
		if ((n) == OPT_MAX)                                            \
			return eci_fail(e, 0, flag ": given too many times"); \
		(list)[(n)++] = optarg;                                        \
	} while (0)

enum { OPT_VERSION = 256, OPT_READ_ONLY, OPT_TMPFS, OPT_PRIVILEGED,
       OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECURITY_OPT, OPT_ENV_FILE, OPT_NETWORK,
       OPT_NAME, OPT_MEMORY, OPT_PIDS, OPT_CPUS, OPT_RM, OPT_USERNS, OPT_PULL, OPT_MOUNT,
       OPT_HELP, OPT_ENTRYPOINT, OPT_DNS, OPT_ADD_HOST, OPT_DEVICE, OPT_ULIMIT, OPT_SHM_SIZE,
       OPT_INIT, OPT_ENV_HOST, OPT_RESTART, OPT_STOP_SIGNAL };

static const struct option longopts[] = {
	{ "cap-add", required_argument, NULL, OPT_CAP_ADD },
	{ "cap-drop", required_argument, NULL, OPT_CAP_DROP },
	{ "detach", no_argument, NULL, 'd' },
	{ "env", required_argument, NULL, 'e' },
	{ "env-file", required_argument, NULL, OPT_ENV_FILE },
	{ "interactive", no_argument, NULL, 'i' },
	{ "label", required_argument, NULL, 'l' },
	{ "name", required_argument, NULL, OPT_NAME },
	{ "memory", required_argument, NULL, OPT_MEMORY },
	{ "mount", required_argument, NULL, OPT_MOUNT },
	{ "pids-limit", required_argument, NULL, OPT_PIDS },
	{ "cpus", required_argument, NULL, OPT_CPUS },
	{ "network", required_argument, NULL, OPT_NETWORK },
	{ "net", required_argument, NULL, OPT_NETWORK },
	{ "privileged", no_argument, NULL, OPT_PRIVILEGED },
	{ "publish", required_argument, NULL, 'p' },
	{ "pull", required_argument, NULL, OPT_PULL },
	{ "security-opt", required_argument, NULL, OPT_SECURITY_OPT },
	{ "tty", no_argument, NULL, 't' },
	{ "user", required_argument, NULL, 'u' },
	{ "userns", required_argument, NULL, OPT_USERNS },
	{ "workdir", required_argument, NULL, 'w' },
	{ "help", no_argument, NULL, OPT_HELP },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "hostname", required_argument, NULL, 'h' },
	{ "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
	{ "dns", required_argument, NULL, OPT_DNS },
	{ "add-host", required_argument, NULL, OPT_ADD_HOST },
	{ "device", required_argument, NULL, OPT_DEVICE },
	{ "ulimit", required_argument, NULL, OPT_ULIMIT },
	{ "shm-size", required_argument, NULL, OPT_SHM_SIZE },
	{ "stop-signal", required_argument, NULL, OPT_STOP_SIGNAL },
	{ "init", no_argument, NULL, OPT_INIT },
	{ "env-host", no_argument, NULL, OPT_ENV_HOST },
	{ "restart", required_argument, NULL, OPT_RESTART },
	{ "read-only", no_argument, NULL, OPT_READ_ONLY },
	{ "rm", no_argument, NULL, OPT_RM },
	{ "tmpfs", required_argument, NULL, OPT_TMPFS },
	{ "volume", required_argument, NULL, 'v' },
	{ NULL, 0, NULL, 0 },
};

/* POSIX order ("+"): the first word that is no flag is the image */
#define SHORTOPTS "+:h:dv:e:itu:w:p:l:"

/*
 * Whether the command line surely asks for a plain run: it parses, and
 * asks for neither -d nor --userns (whose helper is started otherwise,
 * launcher/startcmd.c), nor --help or --version.  The same getopt_long()
 * pass as cli_parse()'s, which looks at no value and keeps nothing; getopt
 * starts from scratch for cli_parse() after it.
 */
bool cli_plain(int argc, char **argv)
{
	bool plain = true;
	int c;

	optind = 0;
	opterr = 0;
	while (plain && (c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1)
		plain = c != 'd' && c != OPT_USERNS && c != OPT_HELP && c != OPT_VERSION && c != ':' &&
			c != '?';
	optind = 0;
	return plain;
}

int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e)
{
	int c;

	opterr = 0;
	while ((c = getopt_long(argc, argv, SHORTOPTS, longopts, NULL)) != -1) {
		switch (c) {
		case OPT_HELP:
			help();
			exit(0);
		case OPT_VERSION:
			printf("eci-run %s\n", ECI_VERSION);
			exit(0);
		case 'h':
			o->hostname = optarg;
			break;
		case OPT_ENTRYPOINT:
			o->entrypoint = optarg;
			break;
		case OPT_DNS:
			ADD(o->dns, o->ndns, "--dns");
			break;
		case OPT_ADD_HOST:
			ADD(o->add_host, o->nadd_host, "--add-host");
			break;
		case OPT_DEVICE:
			if (o->ndevices == MNT_MAX_DEVICES)
				return eci_fail(e, 0, "--device: at most %d", MNT_MAX_DEVICES);
			o->devices[o->ndevices++] = optarg;
			break;
		case OPT_ULIMIT:
			if (o->nulimit == SPEC_MAX_RLIMITS)
				return eci_fail(e, 0, "--ulimit: at most %d", SPEC_MAX_RLIMITS);
			o->ulimit[o->nulimit++] = optarg;
			break;
		case OPT_SHM_SIZE:
			o->shm_size = optarg;
			break;
		case OPT_STOP_SIGNAL:
			o->stop_signal = optarg;
			break;
		case OPT_INIT:
			o->init = true;
			break;
		case OPT_ENV_HOST:
			o->env_host = true;
			break;
		case OPT_RESTART:
			o->restart = optarg;
			break;
		case OPT_READ_ONLY:
			o->read_only = true;
			break;
		case OPT_TMPFS:
			if (o->ntmpfs == MNT_MAX_TMPFS)
				return eci_fail(e, 0, "--tmpfs: at most %d", MNT_MAX_TMPFS);
			o->tmpfs[o->ntmpfs++] = optarg;
			break;
		case 'v':
			if (o->nvolumes == MNT_MAX_VOLUMES)
				return eci_fail(e, 0, "-v: at most %d volumes", MNT_MAX_VOLUMES);
			o->volumes[o->nvolumes++] = optarg;
			break;
		case OPT_MOUNT:
			if (o->nmounts == MNT_MAX_VOLUMES)
				return eci_fail(e, 0, "--mount: at most %d", MNT_MAX_VOLUMES);
			o->mounts[o->nmounts++] = optarg;
			break;
		case 'e':
			ADD(o->env, o->nenv, "-e");
			break;
		case 'l':
			if (!optarg[0] || optarg[0] == '=')
				return eci_fail(e, 0, "-l %s: a label is KEY[=VALUE], KEY not empty",
						optarg);
			ADD(o->labels, o->nlabels, "-l");
			break;
		case OPT_ENV_FILE:
			ADD(o->env_files, o->nenv_files, "--env-file");
			break;
		case OPT_CAP_ADD:
			ADD(o->cap_add, o->ncap_add, "--cap-add");
			break;
		case OPT_CAP_DROP:
			ADD(o->cap_drop, o->ncap_drop, "--cap-drop");
			break;
		case OPT_SECURITY_OPT:
			ADD(o->security_opt, o->nsecurity_opt, "--security-opt");
			break;
		case OPT_NAME:
			o->name = optarg;
			break;
		case OPT_MEMORY:
			o->memory = optarg;
			break;
		case OPT_PIDS:
			o->pids_limit = optarg;
			break;
		case OPT_CPUS:
			o->cpus = optarg;
			break;
		case OPT_NETWORK:
			o->network = optarg;
			break;
		case OPT_PULL:
			if (cli_pull_mode(optarg, &o->pull, e) < 0)
				return -1;
			break;
		case 'p':
			if (o->npublish == NET_MAX_PORTS)
				return eci_fail(e, 0, "-p: at most %d ports", NET_MAX_PORTS);
			o->publish[o->npublish++] = optarg;
			break;
		case OPT_PRIVILEGED:
			o->privileged = true;
			break;
		case 'i':
			o->interactive = true;
			break;
		case 'd':
			o->detach = true;
			break;
		case OPT_RM:
			o->rm = true;
			break;
		case 't':
			o->tty = true;
			break;
		case 'u':
			o->user = optarg;
			break;
		case 'w':
			o->workdir = optarg;
			break;
		case OPT_USERNS:
			/* podman's keep-id; the default is a private range */
			if (strcmp(optarg, "keep-id"))
				return eci_fail(e, 0, "--userns %s: eci knows only keep-id (without "
						"--userns, container ids are a private range of yours)",
						optarg);
			o->userns = optarg;
			break;
		case ':':
			return eci_fail(e, 0, "flag %s needs a value", argv[optind - 1]);
		default:
			if (optopt >= 256 && strchr(argv[optind - 1], '='))
				return eci_fail(e, 0, "flag %.*s takes no value",
						(int)strcspn(argv[optind - 1], "="), argv[optind - 1]);
			if (optopt && optopt < 256 && optopt != '?')
				return eci_fail(e, 0, "unknown flag: -%c", optopt);
			return eci_fail(e, 0, "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->image = argv[optind++];
	if (optind < argc)
		o->cmd = argv + optind;
	/* Plain eci-run on a terminal: the image's shell, interactive, as
	 * docker run -it would give (without a terminal, sh reads nothing). */
	if (!o->image && !o->detach && isatty(0) && isatty(1))
		o->tty = o->interactive = true;
	return 0;
}
