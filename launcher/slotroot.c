// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * slotroot.c - do something as the root of one of the user's slots
 *
 * Theory of Operation: what a container leaves behind belongs to its
 * slot's ids (a volume's files, the cgroups it made below its own), which
 * the user cannot touch as themselves.  A child of the launcher makes a
 * user namespace of its own, the helper maps it to that slot (the slot
 * asked for as its preference, and refused unless it is the one given: a
 * slot another container of the user's holds now is not free), and the
 * child, that slot's root, runs @fn; its exit status is the answer.  The
 * child dies with the launcher (parent-death signal) and holds nothing of
 * the helper's.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"

static void child(int ready, int go, const struct helper_proc *hp, int (*fn)(void *),
		  void *ctx)
{
	char c = 'r';

	close(hp->in);
	close(hp->out);
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	if (unshare(CLONE_NEWUSER) < 0 || write(ready, &c, 1) != 1)
		_exit(111);
	close(ready);
	if (read(go, &c, 1) != 1 || setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
		_exit(111);
	_exit(fn(ctx) < 0 ? 1 : 0);
}

static int child_wait(pid_t pid)
{
	int status;

	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

int slot_root_run(uid_t owner, int (*fn)(void *), void *ctx, const char *what,
		  struct eci_err *e)
{
	char helper[4096], prefer[16], range[128], c;
	struct helper_proc hp;
	int ready[2], go[2], code;
	unsigned slot = 0;
	pid_t pid;

	if (helper_find(helper, sizeof(helper), e) < 0 || policy_check_helper(helper, e) < 0 ||
	    helper_start(&hp, helper, false, e) < 0)
		return -1;
	if (pipe2(ready, O_CLOEXEC) < 0)
		return helper_abandon(&hp), eci_fail(e, errno, "pipe");
	if (pipe2(go, O_CLOEXEC) < 0) {
		close(ready[0]);
		close(ready[1]);
		return helper_abandon(&hp), eci_fail(e, errno, "pipe");
	}
	pid = fork();
	if (pid == 0)
		child(ready[1], go[0], &hp, fn, ctx);
	close(ready[1]);
	close(go[0]);
	snprintf(prefer, sizeof(prefer), "%u", (unsigned)owner);
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		code = eci_fail(e, errno, "%s: a user namespace to do it in", what);
	else if ((code = helper_map(&hp, pid, prefer, range, sizeof(range), e)) == 0 &&
		 (sscanf(range, "uid:%u:", &slot) != 1 || slot != owner))
		code = eci_fail(e, 0, "%s: its files belong to the ids of slot %u, which another "
				"container of yours holds now; eci removes them as that slot's "
				"root: try again once it has ended", what, (unsigned)owner);
	if (code < 0) {
		helper_abandon(&hp);
		close(ready[0]);
		close(go[1]);
		if (pid > 0) {
			kill(pid, SIGKILL);
			child_wait(pid);
		}
		return -1;
	}
	helper_reap(&hp);
	code = write(go[1], "g", 1) == 1 ? 0 : -1;
	close(go[1]);
	close(ready[0]);
	if (child_wait(pid) != 0 || code < 0)
		return eci_fail(e, 0, "%s: could not do it as the root of slot %u", what,
				(unsigned)owner);
	return 0;
}
