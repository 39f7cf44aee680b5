/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts.h - the container's root file system and system view
 *
 * Theory of Operation: everything here runs in the container's first
 * process, in its own mount namespace.
 *   0. mnt_open(): while it still has the user's own ids, the process opens
 *      what only the user may reach: the mount points in the user's state
 *      directory (mode 0700) and the sources of volumes (cloned with
 *      open_tree(), so that a volume is exactly what the user could read).
 *   1. The image's layers, unpacked for the container's slot of ids in the
 *      store (image/cache.c), are opened.
 *   2. mnt_rootfs(): they become the read-only lower layers of an overlay
 *      whose upper and work directories are on a tmpfs: the container
 *      writes there, never to the image, and all of it goes away with the
 *      mount namespace (eci-run -d: in a directory of its slot instead,
 *      kept for its next start, see image/cache.c).  Layer paths are given to overlayfs as
 *      /proc/self/fd/N, so no host path is resolved by container root nor
 *      shown in mountinfo.
 *   3. mnt_system(): /dev (see dev.c), /sys (read-only, masked),
 *      /etc/hostname, /etc/hosts and /etc/resolv.conf, volumes, --tmpfs
 *      mounts; then mnt_system_proc(): /proc (the workload's procfs, given
 *      as proc_fd, or a new one; with Docker's masked and read-only paths
 *      either way), and --read-only last.  Nothing is mounted below /proc
 *      (mnt_reserved_dst()), so the order of the two is free: /proc comes
 *      last as the workload makes it while the rest is built.
 *      Every system mount point is made a real directory of the rootfs —
 *      a symlink the image planted as /proc or /dev is removed, never
 *      followed — and every mount is attached with move_mount() onto an fd,
 *      so no path is resolved twice.
 *   4. mnt_pivot(): pivot_root into the rootfs and detach the old root.
 * The workload then runs in a nested user and mount namespace (init.c): to
 * it, every mount made here is locked by the kernel — it cannot be
 * unmounted to reveal what lies beneath, and its read-only, nosuid, nodev
 * and noexec flags cannot be cleared, even with CAP_SYS_ADMIN.
 * Errors name the mount and carry the kernel's errno.
 */
#ifndef ECI_MOUNTS_H
#define ECI_MOUNTS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define MNT_MAX_VOLUMES 64
#define MNT_MAX_TMPFS 16
#define MNT_MAX_DEVICES 16

struct mnt_volume {
	const char *flag;	/* "-v" or "--mount", for messages */
	const char *spec;	/* the flag's value, for messages */
	char *src;		/* absolute host path; a named volume's directory */
	char *name;		/* a named volume (see volume_resolve()), or NULL */
	uid_t owner;		/* named: the host uid owning its _data, 0: none yet */
	int dirfd;		/* child, named: its directory, opened as the user */
	char *dst;		/* absolute, normalised container path */
	bool ro;
	dev_t dev;		/* the source the policy checked ... */
	ino_t ino;		/* ... which the child's clone must be */
	int tree;		/* child: open_tree() clone of src */
};

struct mnt_tmpfs {
	const char *spec;	/* the flag's value, for messages */
	char *dst;		/* absolute, normalised container path */
	char *size;		/* "size=" value or NULL */
	char *mode;		/* "mode=" value or NULL */
	unsigned attrs;		/* MOUNT_ATTR_* */
};

/* --device HOST[:CTR[:PERMS]]: a host device node bound in the container */
struct mnt_device {
	const char *spec;	/* the flag's value, for messages */
	char *src;		/* the host path given */
	char *dst;		/* absolute, normalised container path */
	dev_t dev;		/* the node the policy judged (admit) ... */
	ino_t ino;		/* ... which the child's clone must be */
	mode_t type;		/* S_IFCHR or S_IFBLK */
	dev_t rdev;		/* the device it is */
	int tree;		/* child: open_tree() clone of src */
};

struct mnt_cgroups;

struct mnt_plan {
	const char *statedir;	/* holds rootfs/ and rw/ */
	const char *hostname;
	const char *host_ip;	/* host.eci.internal, or NULL */
	const char *dns_ip;	/* the resolver, or NULL */
	const char *net_mode;	/* for resolv.conf's comment */
	bool read_only;
	bool engine;		/* eci-runc: /etc files come as the engine's binds */
	bool net_program;	/* pasta or slirp4netns starts once pid 1 asks */
	bool sys_late;		/* /sys by mnt_sys(), in the workload's network
				 * namespace, not by mnt_system() */
	bool keep_procsys;	/* mnt_system() leaves procsys_fd open */
	/* CAP_SYS_ADMIN granted: the sysctls the kernel keeps per namespace
	 * are writable in /proc/sys (those of the network namespace only if
	 * it is the container's own, @sysctl_net), the others stay read-only */
	bool sysctl_ns, sysctl_net;
	/* the container's cgroups are delegated to its root (eci-runc): its
	 * cgroup hierarchies are mounted writable, still rooted at its own
	 * cgroup, where the engine asks for a writable /sys/fs/cgroup */
	bool cgroup_rw;
	const char *shm_size;	/* /dev/shm's size= and mode=, or NULL: 64 MiB, 1777 */
	const char *shm_mode;
	struct mnt_volume vol[MNT_MAX_VOLUMES];
	size_t nvol;
	struct mnt_tmpfs tmpfs[MNT_MAX_TMPFS];
	size_t ntmpfs;
	struct mnt_device dev[MNT_MAX_DEVICES];
	size_t ndev;
	char *dns;		/* --dns: "nameserver IP" lines, or NULL: the network's */
	char *hosts;		/* --add-host: "IP<TAB>NAME" lines for /etc/hosts, or NULL */
	/* child: mount points opened by mnt_open() */
	int rootfs_fd, rw_fd;
	/* eci-runc: the engine's upper and a work directory, idmapped; eci-run
	 * -d: the container's own kept in its slot (image/cache.c); else -1: a
	 * tmpfs of the container's own */
	int upper_fd, work_fd;
	/* eci-runc, a plain-directory root: its idmapped mount, detached, to
	 * be the root itself (no overlay); else -1 */
	int root_tree_fd;
	/* sys_late, eci-run: /sys/fs/cgroup built ahead by mnt_system() in
	 * the scratch tmpfs, for mnt_sys() to move into place; -1 none yet,
	 * -2 none to mount (cgroup2 refused, the directory stays empty) */
	int cg_tree_fd;
	/* pid 1: the cgroup hierarchies surveyed and mounted while it waited
	 * for its maps (mnt_cgroups_early()), for the tree to place; NULL */
	struct mnt_cgroups *cg_early;
	/* CAP_SYS_ADMIN granted: an O_PATH directory on the store's file
	 * system (eci-run: in the container's slot; eci-runc: beside the
	 * engine's upper directory) whose subdirectories become the inner
	 * engines' storage (mnt_inner); else -1 */
	int inner_fd;
	/* keep_procsys: /proc/sys of the container's /proc, opened (O_PATH)
	 * before it is made read-only, for pid 1 to write the sysctls the
	 * engine asks for; -1 */
	int procsys_fd;
	/* the workload's own pid namespace: its procfs, made by the workload
	 * (fsmount) and mounted at /proc in its place; else -1, and /proc is
	 * a new procfs of pid 1's pid namespace */
	int proc_fd;
};

/*
 * Where engines that run inside a container keep their layers: overlayfs
 * refuses an upper directory on the container's own overlay root, so with
 * CAP_SYS_ADMIN each is a directory of the store's file system, bound
 * there unless a volume or tmpfs of the user's is.
 */
extern const char *const mnt_inner[];
#define MNT_NINNER 4

/**
 * mnt_parse_volume() - parse "SRC:DST[:OPTS]" as given to -v
 * @v:    filled on success (strings allocated)
 * @spec: the flag's value
 * @e:    error record; the message names the flag
 *
 * SRC is a host path, absolute or starting with '.' (relative to the
 * working directory, as docker 23 and later take it), which must exist, or
 * else the name of a volume (mnt_volume_name_ok()); DST must be absolute,
 * without "..".  OPTS: ro, rw, z, Z, comma-separated (z and Z ask for an
 * SELinux label, which a host without SELinux does not need).
 * Return: 0 or negative.
 */
int mnt_parse_volume(struct mnt_volume *v, const char *spec, struct eci_err *e);

/**
 * mnt_parse_mount() - parse --mount's "type=…,source=…,target=…[,…]"
 * @p:    a bind or a named volume goes to p->vol, a tmpfs to p->tmpfs
 * @spec: the flag's value
 *
 * Docker's keys: type (bind, volume, tmpfs; default volume), source|src,
 * target|dst|destination, readonly|ro[=true|false], tmpfs-size,
 * tmpfs-mode.  Any other key is refused, named.
 * Return: 0 or negative.
 */
int mnt_parse_mount(struct mnt_plan *p, const char *spec, struct eci_err *e);

/* Docker's rule for a volume's name: [a-zA-Z0-9][a-zA-Z0-9_.-]*, here at
 * most 128 characters. */
bool mnt_volume_name_ok(const char *name);
#define MNT_VOLUME_NAME_RULE "[a-zA-Z0-9][a-zA-Z0-9_.-]*, at most 128 characters"

/**
 * mnt_parse_tmpfs() - parse "PATH[:OPTIONS]" as given to --tmpfs
 *
 * OPTIONS: comma-separated size=, mode=, ro, rw, exec, noexec, suid,
 * nosuid, dev, nodev, noatime, strictatime, relatime, atime, nodiratime,
 * diratime (default: rw,noexec,nosuid,nodev as Docker's), the last of two
 * contrary ones winning.
 * Return: 0 or negative.
 */
int mnt_parse_tmpfs(struct mnt_tmpfs *t, const char *spec, struct eci_err *e);

/**
 * mnt_parse_device() - parse "HOST[:CTR[:PERMS]]" as given to --device
 *
 * HOST must be absolute; CTR (default: HOST) absolute, without ".."; PERMS
 * must hold r and w (eci cannot narrow a device to one of them).  What
 * HOST is, the policy judges later (launcher/admit.c).
 * Return: 0 or negative.
 */
int mnt_parse_device(struct mnt_device *d, const char *spec, struct eci_err *e);

/**
 * mnt_add_dns() - one --dns address, appended to @p->dns
 * Return: 0, or negative when @ip is not an IPv4 or IPv6 address.
 */
int mnt_add_dns(struct mnt_plan *p, const char *ip, struct eci_err *e);

/**
 * mnt_add_host() - one --add-host NAME:IP (or NAME=IP), appended to @p->hosts
 * @gateway: what "host-gateway" stands for (the host's address on the
 *           container's network), or NULL when the network has none
 * Return: 0 or negative (a bad name or address; host-gateway without one).
 */
int mnt_add_host(struct mnt_plan *p, const char *spec, const char *gateway, struct eci_err *e);

/**
 * mnt_clean_path() - check and normalise an absolute container path
 * @path: input
 * @out:  normalised ("//a/./b/" -> "/a/b"), of at least strlen(path)+2
 *
 * Return: 0, or -EINVAL if not absolute or if it has a ".." component.
 */
int mnt_clean_path(const char *path, char *out);

/**
 * mnt_reserved_dst() - where nothing of the user's or the engine's is mounted
 * @dst: a clean container path (mnt_clean_path())
 *
 * /proc and /sys, and what is below them: the container's own procfs and
 * sysfs are there, and a mount under /sys would lie under the sysfs,
 * mounted last (init.c), hidden without a word.  Docker's runc refuses
 * these too, /proc by name and /sys as its sysfs refuses the mount point.
 * Return: for a refusal's words, "/proc: the container's own procfs is
 * there" (or /sys's) if @dst is one of them or below, else NULL.
 */
const char *mnt_reserved_dst(const char *dst);

/* Step 0: open mount points and volume sources, as the user. */
int mnt_open(struct mnt_plan *p, struct eci_err *e);

/* Step 1b, pid 1 before its maps: the cgroup hierarchies' mounts, made
 * ahead for the tree of this cgroup namespace until @until is readable;
 * mnt_cgroups_free() (and mnt_plan_free()) closes them. */
void mnt_cgroups_early(struct mnt_plan *p, int until);
void mnt_cgroups_free(struct mnt_plan *p);

/* Step 2: overlay over the image's layers (lowest first); returns the
 * root fd. */
int mnt_rootfs(struct mnt_plan *p, const int *layers, size_t n, struct eci_err *e);

/* Step 3: system view but /proc, per-container files, volumes, tmpfs. */
int mnt_system(struct mnt_plan *p, int rootfd, struct eci_err *e);

/* Step 3, last: /proc (proc_fd, the workload's, which may come later than
 * the rest needs it) with its masks, and --read-only. */
int mnt_system_proc(struct mnt_plan *p, int rootfd, struct eci_err *e);

/* Step 3b, with sys_late: sysfs (read-only, with its masks) at /sys of
 * @rootfd, for the network namespace the caller is in. */
int mnt_sys(const struct mnt_plan *p, int rootfd, struct eci_err *e);

/*
 * A new procfs (@sys false: for the caller's pid namespace, with proc
 * options @opts, "hidepid=N,gid=N,subset=pid", any other refused with
 * EINVAL) or sysfs (@sys: for its network namespace, no options) at
 * proc/ or sys/ of the empty directory @scratch, with @attrs
 * (MOUNT_ATTR_*) and the masks of the container's own; @scratch gets a
 * dev/null for them.
 */
int mnt_instance(const struct mnt_plan *p, int scratch, bool sys, const char *opts,
		 unsigned attrs, struct eci_err *e);

/* Step 4: make @rootfd the root and detach the old one. */
int mnt_pivot(int rootfd, struct eci_err *e);

/* idmap.c: eci-runc's storage and binds, placed for pid 1 (see there) */
enum mnt_ids {
	MNT_IDS_HOST,		/* as they are: host ids stay the host's */
	MNT_IDS_CONTAINER,	/* the container's own storage: its range */
	MNT_IDS_OWNER,		/* a shared directory: its owner is container root */
};
struct mnt_placed_src {
	int fd;			/* the source, as the policy judged it (O_PATH) */
	const char *name;	/* for messages */
	enum mnt_ids ids;
	uid_t owner;		/* MNT_IDS_OWNER */
	gid_t group;
};
int mnt_place(pid_t child, const char *dir, const char *const *layers, size_t nlayers,
	      const char *upper_dir, const struct mnt_placed_src *binds, size_t nbinds, uid_t uid0,
	      gid_t gid0, struct eci_err *e);

/* Release what mnt_open() and the parsers allocated. */
void mnt_plan_free(struct mnt_plan *p);

#endif
