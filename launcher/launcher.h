/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * launcher.h - eci-run's internal interfaces
 *
 * Exit codes, as docker run's: the workload's own status; 128+N when it was
 * killed by signal N; EXIT_ECI (125) when eci-run itself fails or refuses;
 * EXIT_CANNOT_INVOKE (126); EXIT_NOT_FOUND (127).
 */
#ifndef ECI_LAUNCHER_H
#define ECI_LAUNCHER_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "netmode.h"
#include "spec.h"

#define EXIT_ECI 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

/* Sync socket messages, child -> parent and parent -> child. */
enum sync_type {
	SYNC_GO = 1,		/* parent: maps written, carry on */
	SYNC_FAIL,		/* child: setup failed, see err */
	SYNC_EXEC_FAIL,		/* workload: exec failed, exit with code */
	SYNC_TTY,		/* workload: the pty master, as SCM_RIGHTS */
	SYNC_NET,		/* pid 1: the workload's network namespace is there */
	SYNC_NET_DONE,		/* launcher: pasta/slirp4netns configured it */
};

struct sync_msg {
	int type;
	int code;
	unsigned slot;		/* SYNC_GO: first host uid of the container's slot */
	struct eci_err err;
};

#define OPT_MAX 256

struct opts {
	const char *image;	/* NULL: default */
	char **cmd;		/* NULL: the image's */
	const char *hostname;	/* --hostname */
	bool read_only;		/* --read-only */
	const char *volumes[MNT_MAX_VOLUMES];	/* -v */
	size_t nvolumes;
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
	const char *name;	/* --name */
	const char *memory, *pids_limit, *cpus;	/* --memory, --pids-limit, --cpus */
	const char *publish[NET_MAX_PORTS];	/* -p */
	size_t npublish;
};

/* cli.c */
int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e);
void cli_usage(FILE *f);
/* Is @arg -h or --help?  Sub-commands answer it with their usage on stdout. */
bool cli_is_help(const char *arg);

/* helper.c */
int helper_find(char *buf, size_t size, struct eci_err *e);
int helper_check_subids(struct eci_err *e);
struct helper_proc {
	pid_t pid;
	int in, out;		/* its stdin and stdout */
};
int helper_start(struct helper_proc *h, const char *helper, struct eci_err *e);
int helper_map(struct helper_proc *h, pid_t pid, const char *prefer, char *range, size_t size,
	       struct eci_err *e);
void helper_abandon(struct helper_proc *h);
void helper_reap(struct helper_proc *h);

/* state.c */
#define STATE_ENV "env"			/* BASE/ID/env: the workload's, NUL-ended */
#define STATE_SECCOMP "seccomp.bpf"	/* BASE/ID/seccomp.bpf: its filter */
struct json_t;
int state_create(struct spec *s, struct eci_err *e);
void state_remove(struct spec *s);
void state_write_meta(const struct spec *s, pid_t init, unsigned slot);
/* The workload's user, directory, environment, capabilities, no_new_privs
 * and seccomp filter, from its state directory @dir and @meta, into @s
 * (whose user and workdir then point into @meta). */
int state_load_process(int dir, const struct json_t *meta, struct spec *s, struct eci_err *e);
int state_base(char *buf, size_t size);
int state_open_base(const char *base, struct eci_err *e);
void state_remove_stale(int basefd);
/* the container is gone: remove its state, or keep what -d leaves for logs */
void state_exit(struct spec *s, int code);
/* does BASE/ID (@dirfd) hold an exited container kept for logs and ps -a? */
bool state_finished(int dirfd);
/* state_remove_stale(), telling @removed (may be NULL) each entry it removed */
void state_sweep(int basefd, void (*removed)(const char *name, const char *why));

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
/* exec: the running container called @what (name or id prefix): its state
 * directory as an fd, and its meta.json in @meta (json_decref it); or -1. */
int ops_find_meta(const char *what, struct json_t **meta, struct eci_err *e);

/* env.c */
int env_set(struct spec *s, const char *kv, bool replace);
int env_flag(struct spec *s, const char *flag, const char *arg, struct eci_err *e);
int env_build(struct spec *s, const struct opts *o, struct eci_err *e);
void env_free(struct spec *s);

/* security.c: capabilities, no_new_privs and seccomp from the flags */
int security_build(struct spec *s, const struct opts *o, struct eci_err *e);
int security_filter(struct spec *s, struct eci_err *e);

/* enforce.c: the policy applied to the flags and the spec */
int enforce_flags(struct spec *s, const struct opts *o, struct eci_err *e);
int enforce_spec(struct spec *s, const struct opts *o, const char *image, struct eci_err *e);

/* execcmd.c: eci-run exec [OPTIONS] NAME|ID CMD [ARG...] */
int exec_main(int argc, char **argv);

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

/* imagecmd.c: eci-run image … */
int image_main(int argc, char **argv);

/* spec.c */
int spec_build(struct spec *s, const struct opts *o, struct eci_err *e);
void spec_free(struct spec *s);

/* container.c: parent side; returns the exit code for eci-run */
int container_run(struct spec *s, struct helper_proc *hp);
/* Pass the signals a user or an engine sends on to @pid (0: not yet); the
 * terminal's own (^C, ^\) reach the whole process group already. */
void container_forward_signals(pid_t pid);
void container_default_signals(void);
/* Hold those signals (@block) or let them in again. */
void container_block_signals(bool block);
/* Wait for @pid: its exit code, or 128+N if signal N killed it. */
int container_wait(pid_t pid);
/* The code to exit with: @code, unless a SYNC_FAIL or SYNC_EXEC_FAIL is in
 * @pending (may be NULL) or queued on @sock; prints its message. */
int container_report(int sock, int code, struct sync_msg *pending);

/* child.c: never returns */
void child_main(struct spec *s, int sock) __attribute__((noreturn));
/* child.c: container root (uid and gid 0, no groups), parent-death signal */
int child_become_root(struct eci_err *e);

/* init.c: pid 1 forks the workload, which waits on *@nest_fd; @drop (may be
 * NULL) runs first in the workload, to close pid 1's host fds */
pid_t init_fork(struct spec *s, int sock, int *nest_fd, void (*drop)(struct spec *));
/* init.c: pid 1, the rest of its life; never returns.  @rootfd: the
 * container's root, which pid 1 pivots into (eci-runc: -1, pivoted
 * already); @pid and @nest from init_fork(). */
void init_main(struct spec *s, int sock, int rootfd, pid_t pid, int nest) __attribute__((noreturn));
/* init.c: the workload (or an exec'd process) from @nest's handshake (-1:
 * its namespaces already joined) to exec; never returns */
void init_workload(struct spec *s, int sock, int nest) __attribute__((noreturn));

/* caps.c: capability sets as bit masks */
uint64_t caps_default(void);
uint64_t caps_all(void);
int caps_parse(const char *flag, const char *name, uint64_t *mask, struct eci_err *e);
int caps_drop_bounding(uint64_t keep, struct eci_err *e);
int caps_keep_across_setuid(struct eci_err *e);
int caps_apply(uint64_t set, uint64_t ambient, bool root, struct eci_err *e);

/* seccomp.c, profile.c: a filter exported as classic BPF (spec.h) */
int sc_build_default(uint64_t caps, struct sc_filter *f, struct eci_err *e);
uint64_t sc_caps_that_matter(void);
/* scdefault.c: the default filter, prebuilt at build time when it can be */
int sc_default(uint64_t caps, struct sc_filter *f, struct eci_err *e);
int sc_build_file(const char *path, uint64_t caps, struct sc_filter *f, struct eci_err *e);
int sc_export(void *ctx, struct sc_filter *f, struct eci_err *e);
int sc_load(const struct sc_filter *f, struct eci_err *e);
/* The set-id guard (seccomp.c): a filter stacked under any profile, for a
 * container that has a writable host path mounted; see sc_build_setid_guard. */
int sc_build_setid_guard(struct sc_filter *f, struct eci_err *e);

/* user.c: -u, checked in the launcher, resolved in the container */
#define USER_MAX_GROUPS 64
struct user {
	uid_t uid;
	gid_t gid;
	gid_t groups[USER_MAX_GROUPS];
	int ngroups;
	char name[64];
	char home[256];
};
int user_check(const char *arg, struct eci_err *e);

/* init.c: the two steps that make a process the container's (see there) */
struct sc_filter;
struct lockdown {
	bool no_new_privs;
	uint64_t caps;			/* the bounding set to keep */
	const struct sc_filter *guard;	/* the set-id guard (insns NULL: none) */
	const struct sc_filter *filter;	/* the seccomp filter (insns NULL: none) */
};
int init_set_ids(const struct user *u, struct eci_err *e);
int init_lock_down(const struct lockdown *l, struct eci_err *e);
/* init.c: exec @argv with @env and only fds 0-2, looked up in its PATH; on
 * failure, the exit code (127 not found, 126 cannot invoke) and @e */
int init_exec(char **argv, char **env, struct eci_err *e);
int user_resolve(const char *arg, struct user *u, struct eci_err *e);

/* tty.c: -t */
void tty_size(struct spec *s);
int tty_child(const struct spec *s, int sock, struct eci_err *e);
/* the pty's master, from the workload; -1 if it failed first (@pending) */
int tty_master(int sock, struct sync_msg *pending);
/* relay between it and stdin/stdout until @pid ends */
int tty_relay(int master, pid_t pid, bool interactive);

/* nest.c: the workload side (after fork) and pid 1's side of the handshake
 * over @sync, a socketpair between them. */
int nest_enter(int sync, bool own_net, struct eci_err *e);
int nest_map(int proc, pid_t pid, int sync, struct eci_err *e);
int nest_release(int sync, struct eci_err *e);
int nest_join_net(pid_t pid, struct eci_err *e);

/* sync helpers (container.c) */
void sync_send_fail(int sock, int type, int code, const struct eci_err *e);

#endif
