/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * core.h - one container's life, for both front ends (eci-run, eci-runc)
 *
 * Theory of Operation: a front end turns its input (flags, config.json)
 * into a struct spec (spec.h) and hands it to the core, which carries it
 * out: the container's first process (child.c) builds the root and
 * becomes pid 1 (init.c), which forks the workload into nested namespaces
 * that lock the system view (nest.c); the workload — and any process an
 * exec adds — becomes the container's through the same two steps
 * (init_set_ids(), init_lock_down()) and init_exec().  Capabilities
 * (caps.c), the seccomp filters (seccomp.c, profile.c, scdefault.c), the
 * user (user.c), the environment (env.c), the terminal (tty.c) and the
 * signals passed on to pid 1 (signals.c) are the core's too.
 *
 * The parent (eci-run, or eci-runc create) and the container's processes
 * talk over one SOCK_SEQPACKET socket, a struct sync_msg a record:
 *   eci-run                            eci-runc create
 *   1. parent -> child  SYNC_GO        1. parent -> child  SYNC_GO
 *      (maps written; slot: its first host uid)
 *   2. workload -> parent SYNC_NET     2. pid 1 -> parent  SYNC_TTY
 *      (pasta, slirp4netns: the           (with a terminal: the pty's
 *      workload's netns and tap exist,    master, SCM_RIGHTS)
 *      while pid 1 builds the root)
 *   3. parent -> pid 1  SYNC_NET_DONE  3. pid 1 -> parent  SYNC_READY
 *      (with the program's pidfd,         (built; waits on exec.fifo)
 *      SCM_RIGHTS; at once, or with -p
 *      once it is ready; pid 1 reads it
 *      just before the workload goes
 *      and waits for the route)
 *   4. workload -> parent SYNC_TTY (-t: the pty's master)
 *   5. eci-run in the foreground without -t: pid 1 -> parent SYNC_EXITED
 *      (code: the workload's), once pid 1 has reaped it and just before
 *      pid 1 ends; the parent puts the state away meanwhile
 * and, instead of the next message, from any of them: SYNC_FAIL (a step
 * failed, err says which), from pid 1 SYNC_NET_FAIL (the network program
 * exited, or took too long, before the network was up: the parent adds its
 * log's words), or, from the workload, SYNC_EXEC_FAIL (exec failed, code is
 * 126 or 127).  A
 * failure stays queued on the socket after its sender is gone, so the
 * parent reads it after waitpid().
 *
 * Exit codes, as docker run's: the workload's own status; 128+N when it was
 * killed by signal N; EXIT_ECI (125) when eci itself fails or refuses;
 * EXIT_CANNOT_INVOKE (126); EXIT_NOT_FOUND (127).
 */
#ifndef ECI_CORE_H
#define ECI_CORE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "capset.h"
#include "err.h"
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
	SYNC_NET,		/* workload: its network namespace and tap are there */
	SYNC_NET_DONE,		/* launcher: pasta/slirp4netns configured it */
	SYNC_READY,		/* eci-runc's pid 1: built, waiting for start */
	SYNC_NET_FAIL,		/* pid 1: pasta/slirp4netns exited or was too slow */
	SYNC_EXITED,		/* pid 1: the workload ended with code; pid 1 ends next */
};

struct sync_msg {
	int type;
	int code;
	unsigned slot;		/* SYNC_GO: first host uid of the container's slot */
	bool sent;		/* SYNC_EXITED: frames went out through the tap, or
				 * may have (net_stop() lets the program finish) */
	struct eci_err err;
};

/* env.c: set KEY=VALUE (@replace: over an existing KEY); 0 or -errno */
int env_set(struct spec *s, const char *kv, bool replace);
/* the index of @kv's KEY in @env (of @n entries), or -1 */
int env_find(char **env, size_t n, const char *kv);
void env_free(struct spec *s);

/* signals.c */
/* Pass the signals a user or an engine sends on to @pid (0: not yet); the
 * terminal's own (^C, ^\) reach the whole process group already. */
void container_forward_signals(pid_t pid);
/* Before it, pid 1: every signal but those of faults and job control */
void container_forward_every(void);
/* Before it, eci-run: SIGTERM passed on as @sig (--stop-signal), which is
 * passed on too */
void container_stop_signal(int sig);
void container_default_signals(void);
/* Has one of them that ends a container (TERM, INT, QUIT, HUP) come since? */
bool container_stop_asked(void);
/* Hold those signals (@block) or let them in again. */
void container_block_signals(bool block);
/* Wait for @pid: its exit code, or 128+N if signal N killed it. */
int container_wait(pid_t pid);
/* child.c: never returns */
void child_main(struct spec *s, int sock) __attribute__((noreturn));
/* child.c: container root (uid and gid 0, no groups), parent-death signal */
int child_become_root(struct eci_err *e);

/* init.c: pid 1 forks the workload, which waits on *@nest_fd and closes
 * first every fd of pid 1's it does not need (host fds) */
pid_t init_fork(struct spec *s, int sock, int *nest_fd);
/* init.c: the workload's own pid namespace: the procfs it makes first, for
 * the root's /proc (s->mnt.proc_fd), received once pid 1 needs it, so that
 * pid 1 builds meanwhile; on failure pid 1 ends (the workload with it) */
void init_await_proc(struct spec *s, int sock, int nest, pid_t pid);
/* init.c: pid 1, the rest of its life; never returns.  @rootfd: the
 * container's root, which pid 1 pivots into (eci-runc: -1, pivoted
 * already); @pid and @nest from init_fork(). */
void init_main(struct spec *s, int sock, int rootfd, pid_t pid, int nest) __attribute__((noreturn));
/* init.c: pid 1 into the root @rootfd (pivot_root), the workload being @pid */
int init_enter_root(struct spec *s, int rootfd, pid_t pid, struct eci_err *e);
/* init.c: the workload (or an exec'd process) from @nest's handshake (-1:
 * its namespaces already joined) to exec; never returns */
void init_workload(struct spec *s, int sock, int nest) __attribute__((noreturn));

/* caps.c: capability sets (capset.h) applied to a process */
int caps_drop_bounding(uint64_t keep, struct eci_err *e);
int caps_keep_across_setuid(struct eci_err *e);
int caps_apply(uint64_t set, uint64_t ambient, bool root, struct eci_err *e);
int caps_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient,
	      struct eci_err *e);
/* The workload's sets: config.json's (s->oci) or derived from s->caps */
int caps_workload(const struct spec *s, bool root, struct eci_err *e);

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

/* The mount supervisor's filter (mountsup.c), and its loading with a
 * listener: the listener's fd, or -1 */
int sc_build_supervisor(struct sc_filter *f, struct eci_err *e);
int sc_load_listener(const struct sc_filter *f, struct eci_err *e);

/* mountsup.c: procfs and sysfs mounted by pid 1 for the container (see there) */
/* Is the workload to be supervised (CAP_SYS_ADMIN granted)? */
bool sup_wanted(const struct spec *s);
/* Pid 1's life from the workload's release: serve @listener, reap, and
 * return the exit code of @main_pid; new instances are masked as @plan's;
 * @proc: a procfs of pid 1's pid namespace */
struct mnt_plan;
int sup_serve(int listener, pid_t main_pid, const struct mnt_plan *plan, int proc);

/* user.c: -u, checked in the launcher, resolved in the container */
#define USER_MAX_GROUPS SPEC_MAX_GROUPS
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
	/* the mount supervisor's filter (NULL: none), loaded between the
	 * two, its listener's fd stored in *listener */
	const struct sc_filter *supervisor;
	int *listener;
};
int init_set_ids(const struct user *u, struct eci_err *e);
int init_lock_down(const struct lockdown *l, struct eci_err *e);
/* init.c: exec @argv with @env and only fds 0-2, looked up in its PATH; on
 * failure, the exit code (127 not found, 126 cannot invoke) and @e */
int init_exec(char **argv, char **env, struct eci_err *e);
int user_resolve(const char *arg, struct user *u, struct eci_err *e);
/* The workload's user: s->user resolved, with eci-runc's groups */
int user_of_spec(const struct spec *s, struct user *u, struct eci_err *e);

/* rlimit.c: process.rlimits and oomScoreAdj for @pid (0: the caller) */
int rlimit_resource(const char *name);
int rlimit_apply(pid_t pid, const struct spec_oci *o, struct eci_err *e);
/* eci-run's --ulimit NAME=SOFT[:HARD]: at most the caller's hard limit */
int rlimit_parse_flag(const char *arg, struct spec_rlimit *l, struct eci_err *e);

/* sysctl.c: linux.sysctl; pid 1 writes them, the workload @pid's
 * namespaces made (see there) */
int sysctl_check(const char *key, const char *value, struct eci_err *e);
int sysctl_apply(struct spec *s, pid_t pid, struct eci_err *e);
/* A network namespace the engine gave (engine.netns_given): its net.*
 * sysctls, and docker's defaults, written by the parent (host root), the
 * container's groups being @gid0.. on the host */
int sysctl_apply_given(const struct spec *s, int netns, gid_t gid0, struct eci_err *e);

/* tty.c: -t */
void tty_size(struct spec *s);
int tty_child(const struct spec *s, int sock, struct eci_err *e);
/* -t: the pty @slave bound on the container's /dev/console (as runc). */
int tty_console(int slave, struct eci_err *e);
/* the pty's master, from the workload; -1 if it failed first (@pending) */
int tty_master(int sock, struct sync_msg *pending);
/* relay between it and stdin/stdout until @pid ends */
int tty_relay(int master, pid_t pid, bool interactive);

/* nest.c: the workload side (after fork) and pid 1's side of the handshake
 * over @sync, a socketpair between them. */
/* @join_user, @join_net: the namespaces to join instead of making new ones
 * (a pod member, see struct engine_plan), or -1 */
/* @tap: with @own_net, the tap device to make for pasta or slirp4netns, or NULL;
 * then @parent (the parent's socket) hears SYNC_NET at once, @flag naming
 * the program in a failure */
int nest_enter(int sync, bool own_net, const char *tap, int parent, const char *flag,
	       int join_user, int join_net, struct eci_err *e);
/* Wait until pid 1 has mapped them and built the root, then copy its mount
 * namespace (locked).  @tty: set to the terminal pid 1 passes with the
 * release, if it does */
int nest_await(int sync, int *tty, struct eci_err *e);
/* @joined: the workload joined a user namespace already mapped */
/* @keep_uid, @keep_gid: kept as themselves beyond the slot's ids (keep-id), or -1 */
int nest_map(int proc, pid_t pid, int sync, bool joined, long long keep_uid, long long keep_gid,
	     struct eci_err *e);
/* let it go; @tty (-1: none) goes with it, to be its terminal */
int nest_release(int sync, int tty, struct eci_err *e);
/* The workload, after its mount namespace is made: pid 1 gets a hold on it
 * ("n", and the namespace's fd when /proc has it), which it takes after the
 * release, before the mount supervisor's listener. */
void nest_hand_mounts(int sync);
int nest_join_net(pid_t pid, struct eci_err *e);

/* container.c: the parent's side of one container's life */
/*
 * Clone the container's first process into the namespaces of @flags
 * (CLONE_NEW*), with a sync socket; it closes @drop (@ndrop fds the
 * parent holds for itself) and runs child_main().  Returns its pid (or -1,
 * errno set); *@sock is the parent's end.
 */
pid_t container_clone(struct spec *s, int flags, int *sock, const int *drop, size_t ndrop);
/*
 * The same, its first process cloned inside namespaces that exist: @join
 * lists their fds (-1: none) in the order they are entered — a network
 * namespace of the host's user namespace first, then the user namespace,
 * then those it owns.  A forked process enters them (the caller keeps its
 * own) and clones the first process as the caller's child.
 */
struct ns_enter {
	int net, user, ipc, pid, uts, cgroup;
};
pid_t container_clone_in(struct spec *s, int flags, const struct ns_enter *join, int *sock,
			 const int *drop, size_t ndrop);

/* SYNC_GO with the slot: 0, or -1 if pid 1 is gone (see container_outcome) */
int container_go(int sock, unsigned slot);
/* The next message, which must be @type: 0; else -1 and *@pending holds what came */
int container_await(int sock, int type, struct sync_msg *pending);
/*
 * How it ended: a failure left on the socket (or read already, @pending)
 * overrides @code, the exit code so far: its message goes to @e and the
 * result is EXIT_ECI, or the exec failure's own code.  Without one, @code.
 */
int container_outcome(int sock, int code, struct sync_msg *pending, struct eci_err *e);
void sync_send_fail(int sock, int type, int code, const struct eci_err *e);

/* helper.c: eci-newidmap, found, started before the container exists,
 * and asked to map it (eci-run; eci-runc is root and leases itself) */
int helper_find(char *buf, size_t size, struct eci_err *e);
int helper_check_subids(struct eci_err *e);
struct helper_proc {
	pid_t pid;
	int in, out;		/* its stdin and stdout */
	/* the container's cgroup directories whose group the helper gives to
	 * container root (newidmap/cgroups.c); helper_map() closes them */
	int cg_fd[16];
	size_t cg_n;
};
/* @keep_id: --userns keep-id, the caller's own uid and gid kept inside */
int helper_start(struct helper_proc *h, const char *helper, bool keep_id, struct eci_err *e);
int helper_map(struct helper_proc *h, pid_t pid, const char *prefer, char *range, size_t size,
	       struct eci_err *e);
/* helper_map() in two: the request (-1 if it could not be sent, which
 * helper_answer() then reports), and, after other work, its answer */
int helper_ask(struct helper_proc *h, pid_t pid, const char *prefer);
int helper_answer(struct helper_proc *h, int asked, char *range, size_t size, struct eci_err *e);
void helper_abandon(struct helper_proc *h);
void helper_reap(struct helper_proc *h);
/* eci-newidmap --state-dir: make the user's state directory; 0 or -1 */
int helper_state_dir(struct eci_err *e);

/* cgroup.c: a container's cgroups, one directory per hierarchy (see there) */
#define CG_MAX_HIER 16
#define CG_PATH_MAX 1024
struct cg_dir {
	char ctrls[128];	/* v1: the hierarchy's controllers ("cpu", "name=systemd"); v2: "" */
	char path[CG_PATH_MAX];	/* the container's directory in it */
	size_t base;		/* cgroup_plan(): the length of the mount point */
};
struct cgroups {
	size_t n;
	struct cg_dir d[CG_MAX_HIER];
};
/* linux.resources, as OCI's: 0 leaves a value as it is, -1 is no limit */
struct cg_limits {
	long long memory, memory_swap, memory_reservation;
	long long swappiness;		/* -1: left as it is */
	bool no_oom_kill;
	long long pids;
	unsigned long long cpu_shares, cpu_period;
	long long cpu_quota;
	const char *cpus, *mems;	/* NULL or "": left as they are */
	unsigned blkio_weight;
};
/* The directories of cgroupsPath @path (empty: @id) with runc's meaning:
 * absolute, relative to our own cgroups, or (@systemd) slice:prefix:name */
int cgroup_plan(const char *path, const char *id, bool systemd, struct cgroups *cg,
		struct eci_err *e);
/* As text, one "CONTROLLERS<TAB>DIRECTORY" line each, and back */
int cgroup_format(const struct cgroups *cg, char *buf, size_t size);
int cgroup_parse(const char *text, struct cgroups *cg);
/* Made, limited, @pid moved in; a limit that cannot be written fails, named */
int cgroup_enter(const struct cgroups *cg, pid_t pid, const struct cg_limits *l,
		 struct eci_err *e);
int cgroup_limit(const struct cgroups *cg, const struct cg_limits *l, struct eci_err *e);
/* pause (@freeze) and resume, waited for a few seconds at most */
int cgroup_freeze(const struct cgroups *cg, bool freeze, struct eci_err *e);
bool cgroup_frozen(const struct cgroups *cg);
/* The container's cgroups to its root, host ids @uid:@gid: each directory
 * and the files that move processes and enable controllers for children
 * (the kernel's delegation), never its own limits. */
int cgroup_delegate(const struct cgroups *cg, uid_t uid, gid_t gid, struct eci_err *e);
/* eci-run: what the helper gives to container root's group (newidmap/
 * cgroups.c), made group-writable by their owner, the user */
int cgroup_open_dirs(const struct cgroups *cg, int *fd, struct eci_err *e);
int cgroup_group_writable(const struct cgroups *cg, gid_t gid, struct eci_err *e);
/* The cgroups the container made below its own, deepest first (run as
 * container root: they are its); false if some is left */
bool cgroup_clear_below(const struct cgroups *cg);
/* Pid 1, container root, from its container's v2 cgroup @v2dir (NULL:
 * none) into the leaf CG_INIT_LEAF below it, once the workload is there */
void cgroup_init_aside(const char *v2dir);
void cgroup_kill(const struct cgroups *cg);
/* @sig to every process of @cg and of the cgroups it made */
void cgroup_signal(const struct cgroups *cg, int sig);
/* Removed (their processes being gone, a moment at most): false if some is left */
bool cgroup_remove(const struct cgroups *cg);
bool cgroup_left(const struct cgroups *cg);
/* Move the caller into the cgroups of @pid (a pidfd of it: @pidfd) */
int cgroup_join_of(pid_t pid, int pidfd, struct eci_err *e);
/* Only those of its cgroups named @leaf (eci-run's "eci-ID", made for the
 * container's limits): the caller's own elsewhere */
int cgroup_join_leaf(pid_t pid, int pidfd, const char *leaf, struct eci_err *e);
/* eci-run: the directories "eci-@id" for the limits @l asks for (@flag:
 * the flags of memory, pids and cpu, NULL where none), below cgroups the
 * user may divide, or a refusal naming the flag; @l gains docker's swap */
/* eci-run --privileged: "eci-@id" in every hierarchy where the user may
 * divide a cgroup, added to @cg; how many */
int cgroup_delegable(const char *id, struct cgroups *cg, struct eci_err *e);
/* eci-run gc: the "eci-ID" directories below the user's delegated cgroups
 * whose ID @live() says is no container's any more, removed, each told to
 * @removed (a launcher that was killed leaves them); what such a container
 * made below one (its root's, host uid @owner) first by @clear(), as that
 * slot's root */
void cgroup_delegated_sweep(bool (*live)(const char *id, void *ctx), void *ctx,
			    void (*removed)(const char *path),
			    bool (*clear)(const char *path, uid_t owner));
int cgroup_delegated(const char *id, struct cg_limits *l, const char *const flag[3],
		     struct cgroups *cg, struct eci_err *e);

/* join.c: a process into a running container (see there) */
struct join_target {
	pid_t init;		/* pid 1, as the host sees it */
	int init_fd;		/* its pidfd, checked by the front end */
	pid_t workload;		/* join_open() */
	int workload_fd;
	bool only_workload;	/* join every namespace through the workload */
};
/* The workload, found and held: 0, or -1 with @e */
int join_open(struct join_target *t, struct eci_err *e);
/* The workload's bounding set: what a joining process may have at most */
int join_bounding(const struct join_target *t, uint64_t *caps, struct eci_err *e);
/* Non-dumpable, then into pid 1's and the workload's namespaces (not the
 * network's with @host_net); the caller forks the process after it. */
int join_enter(const struct join_target *t, bool host_net, struct eci_err *e);
void join_close(struct join_target *t);

#endif
