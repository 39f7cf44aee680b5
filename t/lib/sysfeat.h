/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * sysfeat.h - what the system-container tests (issue 24) need of a runtime
 *
 * Both front ends' suites run t/images/syscheck.sh's "features" step as the
 * workload of a --privileged container of the system image before they
 * build their suite: a test needing a feature the runtime lacks today is
 * not added but skipped, printed with the step's reason and counted; once
 * the feature lands, the same test is added and asserts for real.  A probe
 * that does not finish skips nothing, and neither does ECI_SYS_FORCE=1 (to
 * see how far a test gets today).
 */
#ifndef ECI_T_SYSFEAT_H
#define ECI_T_SYSFEAT_H

#include <check.h>
#include <stddef.h>

enum sys_feature {
	SYS_PID1 = 1 << 0,	/* the workload is pid 1 */
	SYS_PROC = 1 << 1,	/* proc mounts in a new pid namespace */
	SYS_SYSFS = 1 << 2,	/* sysfs mounts in a new network namespace */
	SYS_CGROUPS = 1 << 3,	/* a cgroup can be made in every hierarchy */
	SYS_SDCGROUP = 1 << 4,	/* ... in systemd's */
	SYS_NFEATURES = 5,
};

struct sys_features {
	char why[SYS_NFEATURES][256];	/* empty: present */
};

/* Parse the features step's output into @f; 0, or -1 when it lacks the
 * closing "features=done" (then @f says every feature is present). */
int sys_features_parse(const char *out, struct sys_features *f);

/* Run sh -c COMMAND (formatted): the features step in a container, and
 * parse what it prints into @f (nothing missing if it did not finish). */
__attribute__((format(printf, 2, 3))) void sys_features_probe(struct sys_features *f,
							       const char *fmt, ...);

/* Add @test to @tc, or skip it when @f lacks one of @needs. */
void sys_add(TCase *tc, const TTest *test, const struct sys_features *f, unsigned needs);

/* FRONT exec NAME sh /eci-sys/check.sh STEP (FRONT "docker" or eci-run's
 * path, both of which have exec and logs): it exits 0 and prints each line
 * of @want, else the test fails with the container's last lines of log. */
void sys_step(const char *front, const char *name, const char *step, const char *want);

/* The host's pid of the one process whose command line holds @word (the
 * inner web server of the publish step, /www-TAG), or 0. */
int sys_pid_with(const char *word);

/* Its real uid on the host, from /proc/PID/status (-1 if gone). */
long sys_host_uid(int pid);

/*
 * What docker:dind's entrypoint does on cgroup v2 (sh, no single quote):
 * every process of the container's root cgroup moved to a child "init",
 * then every controller of the root enabled for its children, which the
 * kernel allows only to a cgroup with no process of its own.  Prints
 * "enabled", "none" (this host's v2 tree has no controller), or the
 * error.
 */
#define SYS_ENABLE_ALL                                                                         \
	"u=/sys/fs/cgroup/unified; [ -e $u/cgroup.controllers ] || u=/sys/fs/cgroup; "         \
	"mkdir -p $u/init; for p in $(cat $u/cgroup.procs); do "                               \
	"echo $p > $u/init/cgroup.procs; done 2>/dev/null; "                                    \
	"c=$(sed \"s/^/+/; s/ / +/g\" $u/cgroup.controllers); case $c in \"\" | +) echo none ;; " \
	"*) echo \"$c\" > $u/cgroup.subtree_control && echo enabled ;; esac"

/* eci's init, set aside in its leaf of the container's cgroup2 tree: the
 * container may not freeze, kill or limit it there.  Prints "held". */
#define SYS_INIT_HELD                                                                          \
	"u=/sys/fs/cgroup/unified; [ -e $u/cgroup.controllers ] || u=/sys/fs/cgroup; "         \
	"for f in cgroup.freeze cgroup.kill pids.max; do [ -e $u/.eci-init/$f ] || continue; "   \
	"{ echo 1 > $u/.eci-init/$f; } 2>/dev/null && echo wrote $f; done; "                     \
	"[ -d $u/.eci-init ] && echo held"

#endif
