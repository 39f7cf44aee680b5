// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subids.c - the test account's own subordinate ranges, for every suite
 */
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "util.h"

size_t ns_my_ranges(struct subid_range *r)
{
	struct passwd *pw = getpwuid(getuid());
	char *buf = NULL;
	size_t len = 0, n;

	if (read_all_at(AT_FDCWD, "/etc/subuid", 1 << 20, &buf, &len) < 0)
		return 0;
	n = subid_parse(buf, len, pw ? pw->pw_name : NULL, getuid(), getuid(), r, NULL, NULL);
	free(buf);
	return n;
}

struct subid_range ns_my_range(void)
{
	struct subid_range r[SUBID_MAX_RANGES];

	ck_assert_uint_gt(ns_my_ranges(r), 0);
	return r[0];
}

size_t ns_my_slots(void)
{
	struct subid_range r[SUBID_MAX_RANGES];

	return subid_slot_count(r, ns_my_ranges(r));
}

#define SWEEP_MAX 16

/* How many entries /s/@glob names under @src. */
static int sweep_left(const char *src, const char *glob)
{
	char cmd[4400];
	struct run_result r;
	int n;

	snprintf(cmd, sizeof(cmd), "ls -d %s/%s 2>/dev/null | wc -l", src, glob);
	t_host_sh(cmd, &r);
	n = atoi(r.out);
	t_run_free(&r);
	return n;
}

/*
 * What a container root unpacked or wrote in a store (slots/SLOT and all
 * below it) is that root's: the test account cannot remove it, a container
 * of the same slot can.  One container per slot, all running at once so
 * that each gets a slot of its own, with @src mounted at /s: each removes
 * /s/@glob as far as it owns it, then waits to be let go.  A slot another
 * suite holds meanwhile is missed: up to @rounds passes, a second apart.
 * Returns how many entries are left.
 */
int ns_slots_clear(const char *src, const char *glob, int rounds)
{
	size_t n = ns_my_slots() < SWEEP_MAX ? ns_my_slots() : SWEEP_MAX;
	char bin[4096], vol[4200], cmd[256], line[64];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)"exec \"$@\" 2>/dev/null",
			 (char *)"sh", (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i",
			 (char *)"-v", vol, (char *)"default", (char *)"/bin/sh", (char *)"-c",
			 cmd, NULL };
	pid_t pid[SWEEP_MAX];
	int in[SWEEP_MAX], out[SWEEP_MAX], left;

	snprintf(vol, sizeof(vol), "%s:/s", src);
	snprintf(cmd, sizeof(cmd), "rm -rf /s/%s 2>/dev/null; echo ready; read x", glob);
	for (int round = 0; (left = sweep_left(src, glob)) > 0 && round < rounds; round++) {
		if (round)
			sleep(1);
		for (size_t i = 0; i < n; i++) {
			pid[i] = t_spawn(argv, &in[i], &out[i]);
			/* "ready", or EOF if it got no slot */
			if (pid[i] > 0)
				t_read_line(out[i], line, sizeof(line));
		}
		for (size_t i = 0; i < n; i++) {
			if (pid[i] <= 0)
				continue;
			t_let_go(in[i]);
			close(out[i]);
			waitpid(pid[i], NULL, 0);
		}
	}
	return left;
}
