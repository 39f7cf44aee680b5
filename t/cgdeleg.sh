#!/bin/sh
# cgdeleg.sh [--all] ACCOUNT COMMAND... — run COMMAND (as root; it drops to
# ACCOUNT itself, e.g. with runuser) in cgroups delegated to ACCOUNT, as an
# administrator would delegate them: for each hierarchy of the memory, pids
# and cpu controllers (--all: every hierarchy this host mounts, v1 and v2,
# as a system container needs), a directory below our own cgroup, chowned
# to the account with its cgroup.procs (and v1's tasks; v2's
# subtree_control, the controllers enabled).  COMMAND runs with
# $ECI_NS_CGROUPS naming the directories in which eci-run makes its
# containers' (v1: the one the account is in; v2: the parent of the leaf
# it is in).  Everything is removed afterwards; COMMAND's exit status is
# ours.  Without any such hierarchy, COMMAND runs with ECI_NS_CGROUPS unset
# (its tests then skip).
set -u
all=
[ "$1" = --all ] && { all=1; shift; }
account=$1
shift
made=
dirs=
enter=
name=eci-t-deleg.$$

# own CONTROLLER-FIELD: our cgroup in that hierarchy ("" for v2)
own() { awk -F: -v c="$1" '$2 == c { print $3; exit }' /proc/self/cgroup; }
# mnt v1 CONTROLLER | mnt v2: where the hierarchy is mounted
mnt() {
	if [ "$1" = v1 ]; then
		awk -v c="$2" '$9 == "cgroup" { n = split($NF, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $5; exit } }' /proc/self/mountinfo
	else
		awk '$9 == "cgroup2" { print $5; exit }' /proc/self/mountinfo
	fi
}

ctrls="memory pids cpu"
# --all: every v1 hierarchy by its first controller (or name=), then v2
[ -n "$all" ] && ctrls=$(awk -F: '$1 != 0 { split($2, o, ","); print o[1] }' /proc/self/cgroup)
for c in $ctrls ${all:+v2}; do
	m=
	[ "$c" != v2 ] && m=$(mnt v1 "$c")
	if [ -n "$m" ]; then
		line=$(awk -F: -v c="$c" '{ n = split($2, o, ","); for (i = 1; i <= n; i++) if (o[i] == c) { print $3; exit } }' /proc/self/cgroup)
		d=$m${line%/}/$name
		case " $made " in *" $d "*) continue ;; esac
		mkdir "$d" || exit 1
		if [ -f "$d/cpuset.cpus" ]; then	# a new cpuset has none: its parent's
			cat "${d%/*}/cpuset.cpus" > "$d/cpuset.cpus"
			cat "${d%/*}/cpuset.mems" > "$d/cpuset.mems"
		fi
		chown "$account" "$d" "$d/cgroup.procs" "$d/tasks" || exit 1
		made="$made $d"
		dirs="$dirs $d"
		enter="$enter $d"
		continue
	fi
	m=$(mnt v2)
	[ -n "$m" ] || continue
	line=$(own "")
	p=$m${line%/}
	[ "$c" = v2 ] || grep -qw "$c" "$p/cgroup.controllers" 2>/dev/null || continue
	d=$p/$name
	if [ ! -d "$d" ]; then
		mkdir "$d" "$d/leaf" || exit 1
		made="$d/leaf $d $made"
		chown "$account" "$d" "$d/cgroup.procs" "$d/cgroup.subtree_control" \
			"$d/leaf" "$d/leaf/cgroup.procs" || exit 1
		dirs="$dirs $d"
		enter="$enter $d/leaf"
	fi
	[ "$c" = v2 ] && continue
	echo "+$c" > "$p/cgroup.subtree_control" 2>/dev/null
	echo "+$c" > "$d/cgroup.subtree_control" || exit 1
done
[ -n "$made" ] || { exec "$@"; }

sh -c 'for d in $1; do echo $$ > "$d/cgroup.procs" || exit 1; done; shift; exec "$@"' \
	sh "$enter" env ECI_NS_CGROUPS="${dirs# }" "$@"
rc=$?
for d in $made; do
	for i in 1 2 3 4 5 6 7 8 9 10; do rmdir "$d" 2>/dev/null && break; sleep 0.2; done
	[ -d "$d" ] && { echo "cgdeleg.sh: $d is left" >&2; rc=1; }
done
exit $rc
