/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spec.h - one container, fully decided before any namespace exists
 *
 * Theory of Operation: main() turns flags and the image into a spec; after
 * that nothing is parsed, looked up or refused, and the child only carries
 * it out.  Everything the child needs is already open (layer fds, the
 * rootfs mount point) or already built (argv, env), so the child does not
 * have to resolve host paths it may no longer be allowed to traverse once it
 * runs as container root.
 */
#ifndef ECI_SPEC_H
#define ECI_SPEC_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "image.h"
#include "store.h"
#include "mounts.h"
#include "netmode.h"
#include "policy.h"

struct sock_filter;
struct sc_filter {
	struct sock_filter *insns;	/* NULL: unconfined */
	unsigned short len;
	/* The default filter (sc_default()): it lets the workload's last
	 * steps before its exec through, and so may be loaded before them,
	 * while pid 1 still builds the root (init.c) */
	bool setup_ok;
};

#define ECI_ID_LEN 32

/*
 * eci-runc: what config.json asks of the container's processes beyond what
 * eci-run's flags can say, carried out by the core (eci-run leaves it
 * unset): the parent gives pid 1 its rlimits and OOM score before it runs
 * (the workload inherits them; raising a hard limit needs the host's
 * CAP_SYS_RESOURCE, which no process in the container has); pid 1 writes
 * the sysctls in the namespaces the workload will run in (sysctl.c); the
 * workload takes exactly these groups and capability sets.
 */
#define SPEC_MAX_GROUPS 64
#define SPEC_MAX_RLIMITS 16
#define SPEC_MAX_SYSCTLS 64
struct spec_rlimit {
	int resource;			/* RLIMIT_* */
	uint64_t soft, hard;
};
struct spec_sysctl {
	char *key, *value;
};
struct spec_oci {
	struct spec_rlimit rlimit[SPEC_MAX_RLIMITS];	/* process.rlimits */
	size_t nrlimits;
	bool oom_set;
	int oom_score_adj;		/* process.oomScoreAdj */
	int umask;			/* process.user.umask, or -1 */
	bool groups_set;		/* process.user.additionalGids: exactly these */
	gid_t groups[SPEC_MAX_GROUPS];
	size_t ngroups;
	bool caps_set;			/* process.capabilities: each set as listed */
	uint64_t effective, permitted, inheritable, ambient;	/* within caps */
	struct spec_sysctl sysctl[SPEC_MAX_SYSCTLS];	/* linux.sysctl */
	size_t nsysctls;
};

/*
 * eci-runc create: the root comes from the engine.  Before it lets pid 1
 * go, the parent has placed in pid 1's mount namespace, under
 * mnt.statedir: the engine's layers idmapped (l0 … lN-1, bottom first),
 * the directory of its upper idmapped (u/, with the overlay's upper — diff/
 * of dockerd and podman, fs/ of containerd — and a work directory of
 * eci's), or a plain-directory root idmapped as u/ itself; and each bind
 * source as the policy judged it (b0 …).
 * pid 1 waits on start_fd (the state directory's exec.fifo) for start.
 */
#define ENGINE_WORKDIR "eci-work"
/* Beside it, with CAP_SYS_ADMIN: the inner engines' storage (mnt_inner),
 * gone with the engine's directory when the container is removed */
#define ENGINE_INNERDIR "eci-inner"
struct engine_plan {
	bool on;			/* eci-runc */
	int start_fd;			/* exec.fifo, opened by pid 1 */
	size_t nlayers;
	char upper[256];		/* the upper's name in u/ (diff, fs); "": u/
					 * is a plain-directory root itself */
	size_t nbinds;
	const char *bind_dst[MNT_MAX_VOLUMES];
	bool bind_ro[MNT_MAX_VOLUMES];
	bool bind_noexec[MNT_MAX_VOLUMES];
	bool bind_device[MNT_MAX_VOLUMES];	/* a device node: not nodev */
	bool inner;			/* b<nbinds>: ENGINE_INNERDIR, placed */
	/*
	 * Namespaces config.json names by path (runc/nsjoin.c judged them).
	 * A pod member's workload joins the nested user namespace and the
	 * network namespace of the other eci container's workload
	 * (nest_userns, nest_netns) instead of making its own; a network
	 * namespace the engine made afresh (netns_given: pid 1 was cloned in
	 * it) is the workload's too.  -1: none.
	 */
	int nest_userns, nest_netns;
	bool netns_given;
	bool cgroupns_joined;		/* pid 1 was cloned in the pod's cgroup namespace */
};

struct cg_limits;
struct cgroups;

struct spec {
	char id[ECI_ID_LEN + 1];	/* hex uuid */
	char hostname[65];		/* --hostname, or 12 hex of the id */
	char name[65];			/* --name, or the hostname */
	struct img img;
	struct policy policy;		/* effective policy */
	struct store store;		/* the user's image store */
	int slots_fd;			/* its slots/ directory */
	char prefer[1024];		/* slots that hold the image unpacked */
	unsigned slot;			/* child: first host uid of its slot */
	char **argv;			/* entrypoint + command */
	char **env;			/* the workload's environment */
	size_t nenv, envcap;
	bool home_set;			/* HOME came from the image or -e */
	const char *workdir;
	const char *user;		/* -u, the image's User, or "0" */
	/* --userns keep-id: the user's own uid and gid are the same ids in
	 * the container (subid_map_text()) and its default user */
	bool keep_id;
	uid_t keep_uid;
	gid_t keep_gid;
	char keep_user[32];		/* "UID:GID" */
	bool tty, interactive;		/* -t, -i */
	/* the workload is pid 1 of a pid namespace of its own, below pid 1's
	 * (init.c); false: eci-run --init, or a pid namespace joined */
	bool own_pidns;
	int tty_fd;			/* eci-runc: the pty slave made by pid 1 */
	unsigned short tty_rows, tty_cols;	/* -t: the user's terminal's size */
	int stop_signal;		/* eci-run: what SIGTERM (a stop) is passed on as */
	uint64_t caps;			/* capability set of the workload */
	uint64_t caps_added;		/* --cap-add: ambient for a non-root user */
	bool no_new_privs;
	struct sc_filter seccomp;	/* insns NULL: unconfined */
	struct sc_filter setid_guard;	/* insns NULL: none (no writable host path) */
	const char *seccomp_profile;	/* NULL: default; "unconfined"; a file */
	char statedir[4096];		/* $XDG_RUNTIME_DIR/eci/ID */
	int statedir_fd;		/* its base directory */
	struct mnt_plan mnt;		/* rootfs, volumes, tmpfs, read-only */
	struct net_plan net;		/* --network, -p */
	/* eci-run --memory, --pids-limit, --cpus (launcher/limits.c); NULL: none */
	struct cg_limits *limits;
	struct cgroups *cg;
	bool cg_made;			/* its directories were made: remove them */
	/* eci-run --privileged: they are given to container root as well
	 * (limits.c), and pid 1 makes its cgroup namespace in them */
	bool cg_delegated;
	/* then (and in eci-runc): the container's cgroup v2 directory, which
	 * pid 1 leaves for a leaf below once the workload is in it */
	const char *cg_v2_dir;
	int userns_fd;			/* then: the container's, to clear them */
	int lock_fd;			/* statedir, flock()ed while we live */
	/* eci-run -d (detach.c); with detach false the fields below are unused */
	bool detach;			/* -d: the launcher runs in the background */
	bool rm;			/* --rm: with -d, keep no state at exit */
	bool detached;			/* -d: the container runs, eci-run returned */
	int log_fd;			/* -d: statedir/log, the workload's stdout+stderr */
	int ready_fd;			/* -d: to the eci-run waiting for the id */
	bool restart;			/* -d --restart on-failure[:N] */
	long restart_max;		/* N, or -1: no limit */
	long restarts;			/* done so far */
	char shm_size[24];		/* --shm-size, in bytes (mnt.shm_size) */
	/* eci-run: what meta.json records for start, inspect and ps --filter,
	 * and where a kept container's writable layer is (state.c, child.c) */
	char **cli_args;		/* the command line after "eci-run", NULL-ended */
	const char *const *labels;	/* -l KEY=VALUE */
	size_t nlabels;
	bool keep_upper;		/* -d: the writable layer on disk, in the slot */
	/* pid 1: the slot's containers/ directory, where it removes the
	 * container's inner storage when the workload is done; or -1 */
	int inner_rm_fd;
	unsigned want_slot;		/* start: the slot that layer is in (0: any) */
	struct engine_plan engine;	/* eci-runc create */
	struct spec_oci oci;		/* eci-runc: config.json's process fields */
};

/* Every fd of a fresh spec closed (-1). */
void spec_init(struct spec *s);

#endif
