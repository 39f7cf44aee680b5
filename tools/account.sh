#!/bin/sh
# account.sh NAME SLOTS — make sure the unprivileged account NAME exists and
# has at least SLOTS × 65536 subordinate uids and gids (root only).  An
# account whose ranges are smaller gets one new range of that size instead.
set -eu
name=$1 slots=$2
count=$((slots * 65536))
[ "$(id -u)" = 0 ] || { echo "account.sh: must run as root" >&2; exit 1; }

# First id above every range already handed out, at least 1000000.
next_free() {
	awk -F: 'BEGIN { m = 1000000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' \
		/etc/subuid /etc/subgid 2>/dev/null || echo 1000000
}

touch /etc/subuid /etc/subgid
chmod 0644 /etc/subuid /etc/subgid
if ! id "$name" >/dev/null 2>&1; then
	useradd --create-home --shell /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$name"
	echo "created account $name"
fi
# total NAME FILE: the ids NAME has in FILE.
total() { awk -F: -v n="$1" '$1 == n && NF == 3 { t += $3 } END { print t + 0 }' "$2"; }
if [ "$(total "$name" /etc/subuid)" -lt "$count" ] || [ "$(total "$name" /etc/subgid)" -lt "$count" ]; then
	start=$(next_free)
	sed -i "/^$name:/d" /etc/subuid /etc/subgid
	usermod --add-subuids "$start-$((start + count - 1))" \
		--add-subgids "$start-$((start + count - 1))" "$name"
	echo "gave $name subordinate ids $start-$((start + count - 1)) ($slots × 65536)"
fi
