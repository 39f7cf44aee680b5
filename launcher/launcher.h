/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * launcher.h - eci-run's internal interfaces
 *
 * eci-run is the front end of the core (core.h) for people: its command
 * line becomes a spec (spec.c, env.c, security.c), which passes the policy's
 * gate (admit.c), the launcher's
 * side of a run (container.c, state.c, detach.c; the helper client is the
 * core's, core/helper.c) starts the
 * core's first process and waits, and the other verbs (ps, stop, logs, rm,
 * gc, exec, image, policy, doctor) live here too.
 */
#ifndef ECI_LAUNCHER_H
#define ECI_LAUNCHER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "netmode.h"
#include "core.h"
#include "spec.h"

#define OPT_MAX 256

struct opts {
	const char *image;	/* NULL: default */
	char **cmd;		/* NULL: the image's */
	const char *hostname;	/* --hostname */
	bool read_only;		/* --read-only */
	const char *volumes[MNT_MAX_VOLUMES];	/* -v */
	size_t nvolumes;
	const char *mounts[MNT_MAX_VOLUMES];	/* --mount */
	size_t nmounts;
	const char *tmpfs[MNT_MAX_TMPFS];	/* --tmpfs */
	size_t ntmpfs;
	const char *user;	/* -u */
	const char *workdir;	/* -w */
	bool tty, interactive;	/* -t, -i */
	bool detach, rm;	/* -d, --rm */
	bool privileged;	/* --privileged */
	const char *env[OPT_MAX];	/* -e */
	size_t nenv;
	const char *env_files[OPT_MAX];	/* --env-file */
	size_t nenv_files;
	const char *cap_add[OPT_MAX], *cap_drop[OPT_MAX];
	size_t ncap_add, ncap_drop;
	const char *security_opt[OPT_MAX];	/* --security-opt */
	size_t nsecurity_opt;
	const char *network;	/* --network */
	const char *userns;	/* --userns: NULL or "keep-id" */
	const char *name;	/* --name */
	const char *memory, *pids_limit, *cpus;	/* --memory, --pids-limit, --cpus */
	const char *publish[NET_MAX_PORTS];	/* -p */
	size_t npublish;
	enum img_pull_mode pull;	/* --pull */
	const char *entrypoint;	/* --entrypoint ("": none) */
	const char *dns[OPT_MAX];	/* --dns */
	size_t ndns;
	const char *add_host[OPT_MAX];	/* --add-host */
	size_t nadd_host;
	const char *devices[MNT_MAX_DEVICES];	/* --device */
	size_t ndevices;
	const char *ulimit[SPEC_MAX_RLIMITS];	/* --ulimit */
	size_t nulimit;
	const char *shm_size;	/* --shm-size */
	const char *stop_signal;	/* --stop-signal */
	bool env_host;		/* --env-host */
	bool init;		/* --init: eci-init is pid 1, the workload pid 2 */
	const char *restart;	/* --restart */
	const char *labels[OPT_MAX];	/* -l */
	size_t nlabels;
	char **args;		/* the command line after "eci-run" */
	/* start: the exited container run again (not flags) */
	const char *id;
	unsigned slot;
};

/* cli.c: @o zeroed by the caller */
int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e);
/* Does @argv surely parse, without -d, --userns, --help or --version? */
bool cli_plain(int argc, char **argv);
void cli_usage(FILE *f);
/* Is @arg -h or --help?  Sub-commands answer it with their usage on stdout. */
bool cli_is_help(const char *arg);
/* A command of a verb with commands (image, volume): its help text. */
struct cli_sub {
	const char *name, *usage, *what, *opts;
};
/* "eci-run VERB SUB --help" of @subs on stdout: 0, or -1 when @name is none of them */
int cli_sub_help(const char *verb, const struct cli_sub *subs, size_t n, const char *name);
/* --pull missing|always|never */
int cli_pull_mode(const char *arg, enum img_pull_mode *mode, struct eci_err *e);

/* state.c */
#define STATE_ENV "env"			/* BASE/ID/env: the workload's, NUL-ended */
#define STATE_SECCOMP "seccomp.bpf"	/* BASE/ID/seccomp.bpf: its filter */
struct json_t;
int state_create(struct spec *s, struct eci_err *e);
void state_remove(struct spec *s);
/* meta.json in two: what is known once pid 1 is cloned (its process files
 * written; NULL if JSON cannot hold it), then with the slot the helper
 * gave, written (@j is consumed; NULL: no record, exec refuses) */
struct json_t *state_meta_prepare(const struct spec *s, pid_t init);
void state_meta_commit(const struct spec *s, struct json_t *j, unsigned slot);
/* The workload's user, directory, environment, capabilities, no_new_privs
 * and seccomp filter, from its state directory @dir and @meta, into @s
 * (whose user and workdir then point into @meta). */
int state_load_process(int dir, const struct json_t *meta, struct spec *s, struct eci_err *e);
/* The user's state directory (STATE_USERS_DIR/UID) into @buf, as snprintf */
int state_base(char *buf, size_t size);
/* Open it: 1 and *@fd when it is there, the user's and closed to others;
 * 0 when it is not there yet; -1 when it is there and must not be used. */
int state_check_base(const char *base, int *fd, struct eci_err *e);
/* Open it, asking eci-newidmap to make it the first time; a refusal is
 * audited.  The fd, or -1. */
int state_open_base(const char *base, struct eci_err *e);
void state_remove_stale(int basefd);
/* start: take the exited container's directory again (s->id) */
int state_reopen(struct spec *s, struct eci_err *e);
/* the container is gone: remove its state, or keep what -d leaves for logs */
void state_exit(struct spec *s, int code);
/* does BASE/ID (@dirfd) hold an exited container kept for logs and ps -a? */
bool state_finished(int dirfd);
/* state_remove_stale(), telling @removed (may be NULL) each entry it removed */
void state_sweep(int basefd, void (*removed)(const char *name, const char *why));
/* a start's: SWEEP_AT_START entries of the list, picked at random */
void state_sweep_some(int basefd);

/* ops.c: eci-run ps | stop | doctor, and logs | rm | gc (manage.c) */
int ops_main(int argc, char **argv);
struct ops_find {
	const char *what;	/* a name, or an id or a prefix of one */
	pid_t launcher, init;
	bool finished;		/* exited, kept for logs (-d) */
	char id[64];
};
/* the state directory, after removing what dead launchers left */
int ops_open_state(struct eci_err *e);
struct json_t;
int ops_each(int base, bool all, int (*fn)(struct json_t *m, void *ctx), void *ctx);
bool ops_find(int base, bool all, struct ops_find *f);
bool ops_running(int base, const char *id);
/* stop: SIGTERM, after @secs pid 1's SIGKILL; returns once it has ended */
void ops_kill(int base, const struct ops_find *f, int secs);
int logs_main(int argc, char **argv);
int rm_main(int argc, char **argv);
int gc_main(int argc, char **argv);

/* detach.c: eci-run -d */
int detach_start(struct eci_err *e);
int detach_open_log(struct spec *s, struct eci_err *e);
int detach_ready(struct spec *s, int sock, struct sync_msg *pending);
/* --restart: after a run that ended with @code, is another one due?  Waits
 * the pause before it, and counts it. */
bool detach_restart_due(struct spec *s, int code);
/* exec: the running container called @what (name or id prefix): its state
 * directory as an fd, and its meta.json in @meta (json_decref it); or -1. */
int ops_find_meta(const char *what, struct json_t **meta, struct eci_err *e);

/* env.c: the flags' part (-e, --env-file, the image's Env, defaults) */
int env_flag(struct spec *s, const char *flag, const char *arg, struct eci_err *e);
int env_build(struct spec *s, const struct opts *o, struct eci_err *e);

/* security.c: capabilities, no_new_privs and seccomp from the flags */
int security_build(struct spec *s, const struct opts *o, struct eci_err *e);
int security_filter(struct spec *s, struct eci_err *e);

/* admit.c: the container at the policy's gate (policy_gate()), once the image
 * and the capabilities are known; narrows s->caps to the ceiling */
int admit(struct spec *s, const struct opts *o, struct eci_err *e);

/* startcmd.c: a container's run (main's, and start's again), start, restart;
 * launch_early(): the helper started before anything else (main's run) */
void launch_early(int argc, char **argv);
int launch(int argc, char **argv, const char *id, unsigned slot);
int start_main(int argc, char **argv);

/* verbs.c: eci-run kill | wait | top | port; inspect.c: inspect */
int kill_main(int argc, char **argv);
int wait_main(int argc, char **argv);
int top_main(int argc, char **argv);
int port_main(int argc, char **argv);
int inspect_main(int argc, char **argv);
/* cpcmd.c: eci-run cp */
int cp_main(int argc, char **argv);

/* execcmd.c: eci-run exec [OPTIONS] NAME|ID CMD [ARG...] */
int exec_main(int argc, char **argv);
/* pid 1 of the container @meta describes, checked to be its launcher's
 * child, and its workload (join_open()); join_close() it */
int ops_open_target(const struct json_t *meta, struct join_target *t, struct eci_err *e);

/* policycmd.c: eci-run policy show [--json] */
int policy_main(int argc, char **argv);

/* What eci-run checks before any container, as policy show and doctor
 * report it: the policy loads (the administrator's files untampered, the
 * user's settings well formed), and the helper is the administrator's. */
struct integrity {
	bool policy_ok, helper_ok;
	struct eci_err policy, helper;	/* why not, when not */
	char helper_path[4096];		/* the helper found, when found */
};

/**
 * policy_integrity() - load the policy and check the helper
 * @p:  filled as policy_load() does, even on failure; free with policy_free()
 * @in: the verdicts and their reasons
 */
struct policy;
void policy_integrity(struct policy *p, struct integrity *in);

/* doctor.c: eci-run doctor; exit status 0 when eci can run */
int doctor_main(int argc, char **argv);

/* volume.c: named volumes in the store (see there) */
int volume_main(int argc, char **argv);
/* Each named volume of the spec: made if new, its directory and owner */
int volume_resolve(struct spec *s, struct eci_err *e);
/* The slot that owns the volumes' data, if any, is the only one to ask for */
void volume_prefer(struct spec *s);
/* The helper gave @slot: may the container write its volumes from there? */
int volume_check_slot(const struct spec *s, unsigned slot, struct eci_err *e);
/* The names, for meta.json: a JSON array (new reference) */
struct json_t *volume_names(const struct spec *s);

/* imagecmd.c: eci-run image … */
int image_main(int argc, char **argv);
/* allowedImages of @p judged on @ref, then skopeo fetches it into @st */
int image_fetch(const struct policy *p, struct store *st, const struct img_ref *ref,
		char digest[72], struct eci_err *e);

/* limits.c: --memory, --pids-limit, --cpus in a cgroup delegated to the
 * user: read and placed (refused where none is), pid 1 moved in before it
 * goes on, the directories removed at the end */
int limits_build(struct spec *s, const struct opts *o, struct eci_err *e);
int limits_enter(struct spec *s, pid_t pid, struct eci_err *e);
/* CAP_SYS_ADMIN: a cgroup given to container root wherever the user may
 * divide one (added to the limits' ones) */
int limits_delegate(struct spec *s, struct eci_err *e);

/* slotroot.c: @fn(@ctx) as the root of the user's slot @owner (its first
 * host uid), in a user namespace the helper maps to it; 0, or -1 with @e
 * (@what: what the message names) */
int slot_root_run(uid_t owner, int (*fn)(void *), void *ctx, const char *what,
		  struct eci_err *e);
/* Then: the directories whose group the helper gives to container root
 * (at most @max fds into @fd, *@n of them), and once it has, group-writable */
int limits_delegate_open(struct spec *s, int *fd, size_t max, size_t *n, struct eci_err *e);
int limits_delegate_finish(struct spec *s, gid_t gid, struct eci_err *e);
void limits_remove(struct spec *s);

/* spec.c: @s zeroed by the caller */
int spec_build(struct spec *s, const struct opts *o, struct eci_err *e);
void spec_free(struct spec *s);

/* container.c: parent side; returns the exit code for eci-run.  pasta or
 * slirp4netns is left stopped but not yet reaped: net_detach(&s->net). */
int container_run(struct spec *s, struct helper_proc *hp);
/* The code to exit with: @code, unless a SYNC_FAIL, SYNC_NET_FAIL or
 * SYNC_EXEC_FAIL is in @pending (may be NULL) or queued on @sock; prints
 * its message. */
int container_report(int sock, int code, struct sync_msg *pending);

#endif
