/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * runc.h - eci-runc, the engine's runtime
 *
 * Theory of Operation: dockerd and containerd (containerd-shim-runc-v2)
 * call an OCI runtime with runc's command line.  eci-runc answers that
 * command line with eci's isolation, whatever config.json asks for:
 *   - the container always gets a user namespace, its root mapped to an
 *     exclusive 65536-id slot of the pool account's subordinate ranges
 *     (leases shared with eci-newidmap's registry); the container's own
 *     storage (the engine's root-owned image layers, its files for this
 *     container, named volumes) is made to appear correctly owned inside
 *     through idmapped mounts, and the root file system overlay is rebuilt
 *     over idmapped layers (an overlay cannot be idmapped itself); every
 *     other host path keeps its host ownership (create.c, classify());
 *   - host namespaces are refused (the policy's gate says why,
 *     policy/gate.c); a namespace named by path must be another eci
 *     container's, whose user namespace and slot the container then shares
 *     (a pod), or a fresh network namespace the engine made (nsjoin.c);
 *   - capabilities never exceed what config.json lists nor the policy's
 *     ceiling (the gate judges all five sets), and stay inside the
 *     user namespace; eci's own system view (masked and read-only paths,
 *     locked mounts) and its default seccomp profile apply in all cases,
 *     --privileged included; the engine's profile cannot loosen it;
 *   - mounts of an engine's socket (recognised by what it is) and of
 *     blockedMounts are refused, through the gate both front ends share
 *     (policy/gate.c); so is serving an engine that listens on TCP
 *     without TLS (exposeDockerAPIOnTCP2375), and an image that
 *     allowedImages does not list, where the engine names it.
 * The container is built by the same code as eci-run's (core/: pid 1, the
 * nested namespaces, caps, seccomp, the steps of an exec; mounts/); what
 * differs is the front end, the state under --root, the engine's storage
 * and binds, and the engine's stdio.  eci-runc links nothing of eci-run's
 * (launcher/).
 *
 * `create` leaves pid 1 blocked on a fifo of the state directory; `start`
 * writes to it.  Errors are written to --log as JSON lines
 * ({"level":"error","msg":…}), the last of which the shim shows to the
 * docker user.
 */
#ifndef ECI_RUNC_H
#define ECI_RUNC_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>

#include "core.h"

#define RUNC_POOL_USER "eci-engine"
#define RUNC_MAX_BINDS 64
#define RUNC_CAP_SETS 5		/* bounding, effective, inheritable, permitted, ambient */

/*
 * What a bind mount's source is (create.c, classify()): the container's own
 * storage is shown with its range of ids, like its root file system; any
 * other host path keeps the host's ownership, except that under a
 * directory of filesharingAllowedDirectories its owner's ids are the
 * container root's.
 */
enum rbind_kind { RBIND_HOST, RBIND_STORAGE, RBIND_SHARED };

struct rbind {
	char *src;		/* host path, as config.json gives it */
	char *dst;		/* container path */
	bool ro, noexec, dir;
	bool device;		/* linux.devices: a host device node, given as it is */
	int fd;			/* the source, opened once (O_PATH): checked, then mounted */
	enum rbind_kind kind;
	uid_t owner;		/* RBIND_SHARED: the host ids container root acts as */
	gid_t group;
};

/* The namespaces config.json may name by path (nsjoin.c). */
enum { RNS_NET, RNS_IPC, RNS_PID, RNS_UTS, RNS_CGROUP, RNS_N };

struct rjoin {
	int fd[RNS_N];		/* each named namespace, opened once; -1 */
	bool net_fresh;		/* fd[RNS_NET]: a fresh one of the engine's */
	int user;		/* the eci container's user namespace (its pid 1's), or -1 */
	int nested;		/* its workload's, owning fd[RNS_NET]; -1 */
	int pidfd;		/* its pid 1, which must outlive our create; -1 */
	pid_t pid;
	char target[256];	/* its id */
};

struct rconfig {
	char id[256];
	char bundle[4096];
	char state[4096];	/* --root/ID */
	char rootfs[4096];	/* root.path: the engine's overlay */
	bool readonly_root;
	struct rbind bind[RUNC_MAX_BINDS];
	size_t nbinds;
	char tmpfs_spec[MNT_MAX_TMPFS][4200];	/* what the tmpfs entries point at */
	char shm_spec[4200];			/* /dev/shm's options */
	struct mnt_tmpfs shm;			/* and what they say */
	char cgroups_path[512];	/* linux.cgroupsPath, as config.json gives it */
	bool systemd_cgroup;	/* --systemd-cgroup: it is slice:prefix:name */
	struct cgroups cg;	/* its directories (cgroup_plan()) */
	struct cg_limits limits;	/* linux.resources */
	json_t *hooks;		/* prestart / createRuntime, kept as JSON */
	char console[4096];	/* --console-socket */
	char pidfile[4096];	/* --pid-file */
	bool setid_guard;	/* a writable host path is mounted: no set-id bits */
	int lock_fd;		/* state dir's lock, held while create runs */
	/* what the policy's gate judges (runc_check_host()) */
	struct pol_caps cap_ask[RUNC_CAP_SETS];	/* process.capabilities, set by set */
	struct pol_host_ns host_ns[8];		/* namespaces config.json leaves the host's */
	size_t nhost_ns;
	char *ns_path[RNS_N];	/* linux.namespaces[].path, or NULL */
	struct rjoin join;	/* what they are (runc_join_judge()) */
	char image[1024];	/* the engine's name for the image (annotations), or "" */
	char image_digest[72];	/* the digest that name carries, or "" */
};

/* What state.json records of a created container. */
struct rstate {
	pid_t pid;			/* pid 1, in the host's pid namespace */
	unsigned long long starttime;	/* its start time (/proc/PID/stat field 22) */
	unsigned slot;			/* first host uid of its slot */
	char bundle[4096];
	bool setid_guard;		/* exec'd processes get the set-id guard too */
	bool pid_shared;		/* in another container's pid namespace (a pod):
					 * pid 1's end does not end the others */
};

/* runc/main.c: blank pid 1's inherited command line */

/* runc/log.c */
extern const char *runc_log_path;
extern bool runc_log_json;
void runc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void runc_warn(const char *msg);	/* eci_warn_hook */

/* runc/config.c: config.json -> spec + engine parts + the gate's request */
int runc_load_config(struct rconfig *rc, struct spec *s, struct eci_err *e);
/* What runc_load_config() allocated, freed (the fds of binds closed) */
void runc_free_config(struct rconfig *rc, struct spec *s);
/* A process object's rlimits, oomScoreAdj, user.umask, consoleSize, and
 * the members eci-runc refuses; messages name "@where.MEMBER" */
int runc_process_more(json_t *p, struct spec_oci *o, unsigned short *rows, unsigned short *cols,
		      const char *where, struct eci_err *e);
/* linux.resources (config.json, update --resources) into @l; a field eci-runc
 * does not apply is refused, named after @where */
int runc_resources(json_t *res, struct cg_limits *l, const char *where, struct eci_err *e);
/* The policy's gate for this container (policy_gate()), once classify() has
 * told its storage from other host paths; then its seccomp filter. */
int runc_check_host(struct rconfig *rc, struct spec *s, struct eci_err *e);

/* runc/nsjoin.c: the namespaces named by path, judged (host ones are added
 * to host_ns, for the gate); runc_join_alive(): the container joined, if
 * any, still runs */
int runc_ns_kind(const char *type);
int runc_join_judge(struct rconfig *rc, struct eci_err *e);
bool runc_join_alive(const struct rconfig *rc);
void runc_join_init(struct rconfig *rc);
void runc_join_free(struct rconfig *rc);

/* runc/state.c */
int runc_state_dir(const char *root, const char *id, char *out, size_t size);
int runc_save_state(const struct rconfig *rc, pid_t pid, unsigned slot);
/* ROOT/ID/state.json into @st: 0, or < 0 (no such container, or no pid in it) */
int runc_read_state(const char *root, const char *id, struct rstate *st);
/* A pidfd of @st's pid 1, checked to be that process (its start time) and
 * alive after the check; -ESRCH when it has exited or the pid is another's */
int runc_open_init(const struct rstate *st);
/* "created", "running", "paused" or "stopped" (pid 1 as runc_open_init() sees it) */
const char *runc_status(const char *root, const char *id, const struct rstate *st);
/* Create ROOT/ID (mode 0711) and hold its lock in rc->lock_fd while create
 * runs; record what a crashed create must undo (its cgroups path). */
int runc_state_begin(struct rconfig *rc, struct eci_err *e);
/* The last step of a create that succeeded: from now on the container is
 * the engine's to delete, never collected as half-made. */
int runc_state_done(const struct rconfig *rc);
/* --pid-file: @pid written to @path (none: 0) in one rename; -1, errno */
int runc_write_pidfile(const char *path, pid_t pid);
/* The cgroups create recorded for container @id: 0, or -errno. */
int runc_load_cgroups(const char *root, const char *id, struct cgroups *cg);
/* Remove what creates killed half-way left under @root. */
void runc_gc(const char *root);
/* ROOT/ID of a deleted container: emptied and kept as the next one's, or removed */
void runc_state_remove(const char *root, const char *state);

/* runc/exec.c */
int runc_exec(const char *root, const char *id, const char *process, const char *pidfile,
	      const char *consock, bool detach, uint64_t ceiling);

/* runc/create.c */
int runc_create(struct rconfig *rc, struct spec *s);
int runc_send_console(const char *path, int master, struct eci_err *e);
int runc_console_connect(const char *path, struct eci_err *e);
int runc_console_send(int sock, int master, struct eci_err *e);

#endif
