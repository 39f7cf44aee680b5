/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cgdeleg.h - what delegating a cgroup to a container's root gives it
 *
 * The directory itself (to make cgroups below it) and the files that move
 * processes and enable controllers for children, as systemd's Delegate=
 * does; never a limit file, so that the container cannot raise its own
 * limits.  eci-runc, root, chowns them (core/cgroup.c); eci-run's
 * privileged helper gives their group to the slot's first gid
 * (newidmap/cgroups.c), and the launcher makes them group-writable.
 */
#ifndef ECI_CGDELEG_H
#define ECI_CGDELEG_H

#define CG_DELEGATED_FILES \
	{ "cgroup.procs", "tasks", "cgroup.threads", "cgroup.subtree_control" }
#define CG_DELEGATED_NFILES 4

/* cgroup v2 lets no cgroup with processes give controllers to its
 * children: a delegated container's pid 1 (eci's init, which the
 * container cannot see, so cannot move) leaves the container's own v2
 * cgroup for this leaf below it once the workload is there (core/cgroup.c) */
#define CG_INIT_LEAF ".eci-init"

/* statfs(2)'s f_type of cgroup v1 and v2 */
#define CG_V1_MAGIC 0x27e0eb
#define CG_V2_MAGIC 0x63677270

/* The most hierarchies a container has a cgroup in (as CG_MAX_HIER) */
#define CG_DELEGATED_MAX 16

#endif
