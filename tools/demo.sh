#!/bin/sh
# demo.sh O — run eci-run on the embedded default image as an unprivileged
# account and show what the container sees, and what the host sees of it.
# As root: the account "ecidemo" is created (with one slot of 65536
# subordinate ids) if missing, and the build is staged with the helper's file
# capabilities.  As an ordinary user: the build tree's eci-run, with the
# installed helper (sudo make install install-privileged).
set -eu
o=$1
stage=
trap '[ -n "$stage" ] && rm -rf "$stage"' EXIT
if [ "$(id -u)" = 0 ]; then
	sh tools/account.sh ecidemo 1 >/dev/null
	stage=$(mktemp -d /tmp/eci-demo.XXXXXX)
	sh tools/stage.sh "$o" "$stage"
	eci="$stage/bin/eci-run"
	as() { runuser -u ecidemo -- env -u XDG_RUNTIME_DIR "$@"; }
	user=ecidemo
else
	eci="$(cd "$o/bin" && pwd)/eci-run"
	as() { "$@"; }
	user=$(id -un)
fi
uid=$(id -u "$user")
range=$(grep "^$user:" /etc/subuid | head -n1 | cut -d: -f2,3)

cat <<TXT
== eci demo
user: $user (uid $uid), subordinate uids in /etc/subuid: ${range%:*}, ${range#*:} ids
\$ eci-run default sh -c '…'
TXT
cd /
as "$eci" default /bin/sh -c '
	echo "--- inside the container"
	echo "id:                $(id)"
	echo "uid_map:           $(cat /proc/self/uid_map | tr -s " " | sed "s/^ //")  (the workload'"'"'s nested namespace; host view below)"
	echo "pid of this shell: $$   (pid 1 is $(cat /proc/1/comm))"
	echo "interfaces:        $(tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d " " | tr "\n" " ")"
	echo "mounts:            $(cut -d" " -f5 /proc/self/mountinfo | tr "\n" " ")"
	echo "/root, /home:      $(ls -A /root /home | tr "\n" " ")"
	for p in /etc/subuid /etc/shadow /home/'"$user"' /work /usr/bin/docker; do
		test -e "$p" && echo "VISIBLE: $p"
	done
	echo "host paths:        none visible (/etc/subuid, /etc/shadow, /home/'"$user"', /work)"
	echo "hostname:          $(hostname)"
	echo "capabilities:      $(grep CapEff /proc/self/status | cut -f2) (Docker'"'"'s 14), $(grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status | tr "\t\n" "  ")"
	umount /proc/sys 2>/dev/null && echo "umount /proc/sys:  SUCCEEDED (bad)" || echo "umount /proc/sys:  refused"
	if [ -e /proc/sysrq-trigger ]; then
		{ echo h > /proc/sysrq-trigger; } 2>/dev/null && echo "sysrq-trigger:     WRITABLE (bad)" || echo "sysrq-trigger:     read-only"
	fi
'
echo "exit status: $?"

echo "--- from the host, while a container sleeps"
as "$eci" default sleep 3 &
sleep 1
echo "processes of the container (host view):"
# (not the zombie of the first container's pid 1, if the host's init has
# not reaped it yet: it holds no ids any more)
ps -eo user:12,uid,pid,stat,comm | awk -v s="${range%:*}" -v c="${range#*:}" \
	'NR == 1 || ($2 >= s && $2 < s + c && $4 !~ /^Z/) { printf "%-12s %9s %7s %s\n", $1, $2, $3, $5 }'
init=$(ps -eo uid,pid,comm | awk -v s="${range%:*}" -v c="${range#*:}" \
	'$3 == "eci-init" && $1 >= s && $1 < s + c { print $2; exit }')
[ -n "$init" ] && echo "uid_map of the container, from the host: $(tr -s ' ' < "/proc/$init/uid_map" | sed 's/^ //')  (container 0 → host → count)"
echo "(container root runs as a subordinate uid: not $user's own uid $uid, never 0)"
wait
