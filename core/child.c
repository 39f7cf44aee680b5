// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * child.c - the container's first process, from clone() to pid 1
 *
 * It starts in fresh namespaces with the user's uid, which its new user
 * namespace does not map.  Once the parent reports the maps written it
 * becomes container root (setresuid(0) inside maps to the first id of the
 * subordinate range, never to the user's own uid), drops the supplementary
 * groups it inherited, sets up network, rootfs and system view, and turns
 * into the container's init.  Any failure goes back over the sync socket as
 * {errno, message} and ends the process; the parent prints it.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <grp.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "mounts.h"

static void fail(int sock, struct eci_err *e) __attribute__((noreturn));
static void fail(int sock, struct eci_err *e)
{
	sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, e);
	_exit(EXIT_ECI);
}

/* Block until the parent has written the maps; EOF means it is gone. */
static int await_go(int sock, unsigned *slot, struct eci_err *e)
{
	struct sync_msg m;
	ssize_t n;

	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != SYNC_GO)
		return eci_fail(e, 0, "launcher went away before the id maps were written");
	*slot = m.slot;
	return 0;
}

int child_become_root(struct eci_err *e)
{
	if (setresgid(0, 0, 0) < 0)
		return eci_fail(e, errno, "setresgid 0");
	if (setresuid(0, 0, 0) < 0)
		return eci_fail(e, errno, "setresuid 0");
	/* The host groups the user was in mean nothing in here (unmapped). */
	if (setgroups(0, NULL) < 0)
		return eci_fail(e, errno, "setgroups");
	/* A uid change clears the parent-death signal: set it after. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_PDEATHSIG");
	return 0;
}

/*
 * overlayfs takes only layers of the caller's own mount namespace (it
 * clones their mounts), so the store's slots/ directory is opened again
 * here, by path, while the user's own ids still reach it.
 */
static int reopen_slots(struct spec *s, struct eci_err *e)
{
	char path[sizeof(s->store.path) + 8];

	snprintf(path, sizeof(path), "%s/slots", s->store.path);
	close(s->slots_fd);
	s->slots_fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->slots_fd < 0)
		return eci_fail(e, errno, "open %s", path);
	return 0;
}

/* The root file system and its system view; returns its fd (pid 1 pivots
 * into it, see init.c). */
static int build_root(struct spec *s, struct eci_err *e)
{
	int layers[IMG_MAX_LAYERS];
	_cleanup_close_ int rootfd = -1;
	int r;

	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		return eci_fail(e, errno, "sethostname");
	for (size_t i = 0; i < s->img.nlayers; i++)
		layers[i] = -1;
	r = img_slot_layers(&s->img, s->slots_fd, s->slot, layers, e);
	if (r == 0) {
		rootfd = mnt_rootfs(&s->mnt, layers, s->img.nlayers, e);
		r = rootfd < 0 ? -1 : 0;
	}
	for (size_t i = 0; i < s->img.nlayers; i++)
		if (layers[i] >= 0)
			close(layers[i]);
	if (r < 0 || mnt_system(&s->mnt, rootfd, e) < 0)
		return -1;
	return steal_fd(rootfd);
}

/* What pid 1 and the workload must not keep: the store, the state
 * directory, the layers and the volumes' sources are host fds. */
static void drop_host_fds(struct spec *s)
{
	for (size_t i = 0; i < s->img.nlayers; i++)
		close(s->img.layer_fd[i]);
	s->img.nlayers = 0;
	mnt_plan_free(&s->mnt);
	close(s->mnt.rootfs_fd);
	close(s->mnt.rw_fd);
	close(s->statedir_fd);
	close(s->slots_fd);
	store_close(&s->store);
}

void child_main(struct spec *s, int sock)
{
	struct eci_err e = { 0 };
	int rootfd = -1, nest;
	pid_t pid;

	/* Die with the launcher even before the maps are written. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	close(s->lock_fd);	/* the lock is the launcher's: it must die with it */
	if (s->detach)
		close(s->ready_fd);	/* else the waiting eci-run sees no EOF */
	/*
	 * mnt_open() runs with the user's own ids, before setresuid(0): it
	 * opens the mount points in the user's state directory (mode 0700)
	 * and the volumes' sources, exactly as far as the user may reach.
	 */
	if (await_go(sock, &s->slot, &e) < 0 || mnt_open(&s->mnt, &e) < 0 ||
	    reopen_slots(s, &e) < 0 || child_become_root(&e) < 0)
		fail(sock, &e);
	/* -d: the log is stdout and stderr of pid 1 and so of the workload. */
	if (s->detach && (dup2(s->log_fd, 1) < 0 || dup2(s->log_fd, 2) < 0)) {
		eci_fail(&e, errno, "-d: the log as stdout");
		fail(sock, &e);
	}
	if (s->detach)
		close(s->log_fd);
	/* The workload makes its namespaces while the root is built (init.c);
	 * if building fails, pid 1's exit takes it along. */
	pid = init_fork(s, sock, &nest, drop_host_fds);
	rootfd = build_root(s, &e);
	if (rootfd < 0)
		fail(sock, &e);
	drop_host_fds(s);
	init_main(s, sock, rootfd, pid, nest);
}
