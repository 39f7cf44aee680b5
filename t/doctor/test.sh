#!/bin/sh
# test.sh STAGE [ACCOUNT] — eci-run doctor as different accounts (root).
#
# The namespace suites run as one account and cannot switch, so these
# checks live here: doctor as ACCOUNT (default "ecitest", with slots) exits
# 0 and counts its slots, although an optional check fails on this machine
# (and one made to fail: no pasta nor slirp4netns on PATH); as
# "ecitest-nosub", an account with no subordinate ranges at all, it exits 1
# and names /etc/subuid, /etc/subgid and the usermod commands, with a range
# that is nobody's yet (and eci-run refuses with one message naming them), and (through copies of the files bound over them in
# a private mount namespace) fails a range too small and notes one it skips;
# as root it tries an idmapped mount and leaves no mount behind; the
# state directory, made for the user, and one someone else made first; a
# start's lease written in place, and one that is not root's file refused.
# Each case is one check; the last line is Check's summary.
set -u
stage=$1
acct=${2:-ecitest}
nosub=ecitest-nosub
[ "$(id -u)" = 0 ] || { echo "SKIP doctor: needs root to use the test accounts"; echo "Skipped: 1"; exit 0; }
eci=$stage/bin/eci-run
out=$(mktemp)
trap 'rm -f "$out"' EXIT
checks=0 failures=0

pass() { checks=$((checks + 1)); echo "PASS $1"; }
fail() {
	checks=$((checks + 1)) failures=$((failures + 1))
	echo "FAIL $1: $2"
	sed 's/^/    | /' "$out"
}
# has PATTERN: does the last output hold the fixed string PATTERN?
has() { grep -qF -- "$1" "$out"; }
# doctor USER [ENV...]: run it as USER (from /, which every account reaches);
# output in $out, exit status in $rc.
doctor() {
	u=$1
	shift
	(cd / && runuser -u "$u" -- env -u XDG_RUNTIME_DIR "$@" "$eci" doctor) > "$out" 2>&1
	rc=$?
}
# slots USER: 65536-id slots of USER's lines in /etc/subuid.
slots() { awk -F: -v n="$1" '$1 == n && NF == 3 { s += int($3 / 65536) } END { print s + 0 }' /etc/subuid; }

sh tools/account.sh "$acct" 4 > /dev/null || exit 1
if ! id "$nosub" > /dev/null 2>&1; then
	useradd --create-home --shell /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$nosub" || exit 1
fi
if grep -q "^$nosub:" /etc/subuid /etc/subgid; then
	sed -i "/^$nosub:/d" /etc/subuid /etc/subgid
fi

# 1. A healthy account: exit 0, every required check OK, its slots counted.
doctor "$acct"
n=$(slots "$acct")
if [ "$rc" != 0 ]; then
	fail "healthy account exits 0" "exit $rc"
elif ! has "OK   /etc/subuid: $n slots of 65536 ids for $acct" ||
	! has "OK   /etc/subgid: $n slots of 65536 ids for $acct" ||
	! has ": $n containers at once"; then
	fail "healthy account: its $n slots counted" "no such OK lines"
elif ! has "OK   user namespaces enabled: user.max_user_namespaces = " ||
	! has "OK   overlayfs in a user namespace" || ! has "OK   eci-newidmap: $stage/bin/eci-newidmap" ||
	! has "OK   policy intact" || ! has "eci can run here: every required check passed" ||
	grep -q '^FAIL' "$out"; then
	fail "healthy account: every required check OK" "a line is missing or failed"
else
	pass "healthy account: exit 0, $n slots"
fi

# 1b. --privileged's cgroups: this account divides none outside t/cgdeleg.sh
if has "--   cgroups for --privileged (systemd, an engine inside): none may be divided by you"; then
	pass "--privileged's cgroups: read-only without delegation, said"
else
	fail "--privileged's cgroups: read-only without delegation, said" "no such line"
fi

# 2. Optional checks do not count: what fails here (the cgroup check on a
#    hybrid setup) and what is made to fail (no network program on PATH).
if grep -q '^WARN' "$out" && [ "$rc" = 0 ]; then
	pass "optional failure on this machine ($(grep -c '^WARN' "$out") WARN), exit 0"
elif ! grep -q '^WARN' "$out" && [ "$rc" = 0 ]; then
	pass "no optional failure on this machine, exit 0"
else
	fail "optional failures keep exit 0" "exit $rc"
fi
doctor "$acct" PATH=/nonexistent
if [ "$rc" = 0 ] && has "WARN neither pasta nor slirp4netns on PATH" && has "fix: " &&
	has "apt-get install passt"; then
	pass "no pasta nor slirp4netns: WARN with the fix, exit 0"
else
	fail "no pasta nor slirp4netns: WARN with the fix, exit 0" "exit $rc"
fi

# 3. No subordinate range: exit 1, both files and the usermod commands named.
doctor "$nosub"
if [ "$rc" != 1 ]; then
	fail "no subordinate range exits 1" "exit $rc"
elif ! has "FAIL /etc/subuid: no usable range for $nosub" ||
	! has "FAIL /etc/subgid: no usable range for $nosub" ||
	! has "'usermod --add-subuids " || ! has "'usermod --add-subgids " ||
	! has "eci cannot run here: 2 required checks failed"; then
	fail "no subordinate range: /etc/subuid, /etc/subgid and usermod named" "missing"
else
	pass "no subordinate range: exit 1, /etc/subuid and usermod --add-subuids named"
fi
# The range the fix suggests overlaps no line of either file.
range=$(sed -n "s/.*'usermod --add-subuids \([0-9]*-[0-9]*\) $nosub'.*/\1/p" "$out" | head -n1)
if [ -n "$range" ] && [ $((${range#*-} - ${range%-*} + 1)) = 65536 ] &&
	awk -F: -v a="${range%-*}" -v b="${range#*-}" \
		'NF == 3 && $2 <= b && $2 + $3 - 1 >= a { bad = 1 } END { exit bad }' /etc/subuid /etc/subgid; then
	pass "the suggested range $range is 65536 ids nobody has"
else
	fail "the suggested range is 65536 free ids" "range '$range'"
fi

# eci-run itself: one message, eci-run's, naming /etc/subuid and the fix
# (the helper, started before that check, hears EOF and says nothing).
(cd / && runuser -u "$nosub" -- env -u XDG_RUNTIME_DIR "$eci" --network none default true) > "$out" 2>&1
rc=$?
if [ "$rc" = 125 ] && [ "$(wc -l < "$out")" = 1 ] &&
	has "eci-run: no entry for $nosub in /etc/subuid: ask an administrator to run 'usermod --add-subuids "; then
	pass "eci-run with no subordinate range: exit 125, one message naming /etc/subuid"
else
	fail "eci-run with no subordinate range: exit 125, one message naming /etc/subuid" "exit $rc"
fi

# 4. Ranges it cannot use, seen through copies of the files bound over them
#    in a mount namespace of the test's own (the real files stay as they are):
#    too small in /etc/subuid, one containing id 0, and one slot in /etc/subgid.
dir=$(mktemp -d)
start=${range%-*}
start=${start:-50000000}
{ cat /etc/subuid; echo "$nosub:$start:1000"; echo "$nosub:0:70000"; } > "$dir/subuid"
{ cat /etc/subgid; echo "$nosub:$start:65536"; } > "$dir/subgid"
chmod 0755 "$dir" && chmod 0644 "$dir/subuid" "$dir/subgid"
line=$(($(wc -l < /etc/subuid) + 1))
unshare -m sh -c 'mount --bind "$1/subuid" /etc/subuid && mount --bind "$1/subgid" /etc/subgid &&
	cd / && runuser -u "$2" -- "$3" doctor' sh "$dir" "$nosub" "$eci" > "$out" 2>&1
rc=$?
rm -rf "$dir"
if [ "$rc" = 1 ] && has "FAIL /etc/subuid: the range of $nosub (line $line) has fewer than 65536 ids" &&
	has "note: line $((line + 1)) skipped: range contains id 0" &&
	has "OK   /etc/subgid: 1 slot of 65536 ids for $nosub (from line" && has ": 1 container at once" &&
	has "eci cannot run here: 1 required check failed"; then
	pass "a range too small and one with id 0: FAIL and a note naming their lines, exit 1"
else
	fail "a range too small and one with id 0: FAIL and a note naming their lines, exit 1" "exit $rc"
fi

# 5. --help, and an argument it does not take.
(cd / && runuser -u "$acct" -- "$eci" doctor --help) > "$out" 2>&1
rc=$?
if [ "$rc" = 0 ] && has "usage: eci-run doctor" && has "Exit status 0 when every required check passed"; then
	pass "doctor --help: exit 0"
else
	fail "doctor --help: exit 0" "exit $rc"
fi
(cd / && runuser -u "$acct" -- "$eci" doctor --frobnicate) > "$out" 2>&1
rc=$?
if [ "$rc" = 125 ] && has "eci-run: doctor: unknown argument --frobnicate"; then
	pass "doctor with an unknown argument: exit 125"
else
	fail "doctor with an unknown argument: exit 125" "exit $rc"
fi

# 6. Root: the idmapped mount is tried, and no mount of it is left.
"$eci" doctor > "$out" 2>&1
rc=$?
if ! has "OK   idmapped mounts (eci-runc): a tmpfs file of root's shows as uid 4000000000"; then
	fail "root: idmapped mounts tried" "no OK line"
elif { [ "$rc" = 0 ] && ! has "eci can run here"; } || { [ "$rc" = 1 ] && ! has "eci cannot run here"; } ||
	{ [ "$rc" != 0 ] && [ "$rc" != 1 ]; }; then
	fail "root: the last line agrees with exit $rc" "it does not"
elif grep -q eci-doctor /proc/self/mountinfo /proc/1/mountinfo; then
	fail "root: no mount left behind" "an eci-doctor mount is still there"
else
	pass "root: idmapped mount OK, nothing left behind, exit $rc"
fi

# 7. The state directory, /run/eci/users/UID: made for the user by the
#    helper at the first eci-run (ps will do, no slot needed), the user's
#    and closed; one another account made first (here root makes it, for
#    nobody) is named by doctor, and eci-run refuses it (125) and audits
#    the refusal (the scenario "unlocked" sends the audit log to stderr).
nuid=$(id -u "$nosub")
sdir=/run/eci/users/$nuid
rm -rf "$sdir"
(cd / && runuser -u "$nosub" -- "$eci" ps) > "$out" 2>&1
rc=$?
if [ "$rc" = 0 ] && [ "$(stat -c '%u %a' "$sdir" 2>&1)" = "$nuid 700" ] &&
	[ "$(stat -c '%u:%g %a' /run/eci/users)" = "0:0 1731" ]; then
	pass "state directory: made by the helper, $sdir the user's (0700)"
else
	fail "state directory: made by the helper, the user's (0700)" "exit $rc, $(stat -c '%u %a' "$sdir" 2>&1)"
fi
doctor "$nosub"
if has "OK   state directory $sdir: yours, closed to others"; then
	pass "doctor: the state directory OK"
else
	fail "doctor: the state directory OK" "no OK line"
fi
rm -rf "$sdir"
mkdir -m 0700 "$sdir" && chown 65534 "$sdir"
doctor "$nosub"
if [ "$rc" = 1 ] && has "FAIL state directory $sdir is not yours (owner 65534, a directory)" &&
	has "'rm -r $sdir'"; then
	pass "doctor: a state directory someone else made: FAIL, named, exit 1"
else
	fail "doctor: a state directory someone else made: FAIL, named, exit 1" "exit $rc"
fi
(cd / && runuser -u "$nosub" -- env ECI_POLICY_DIR="$stage/policies/unlocked" \
	"$stage/t/eci-run-policytest" ps) > "$out" 2>&1
rc=$?
if [ "$rc" = 125 ] &&
	has "eci-run: state directory $sdir is not yours (owner 65534, a directory): someone else made it, and it is never used" &&
	grep -q '"action":"refused".*"detail":"state directory '"$sdir"' is not yours' "$out" &&
	[ "$(stat -c %u "$sdir")" = 65534 ] && [ -z "$(ls -A "$sdir")" ]; then
	pass "eci-run: a state directory someone else made: refused (125), audited, untouched"
else
	fail "eci-run: a state directory someone else made: refused (125), audited, untouched" "exit $rc"
fi
(cd / && runuser -u "$nosub" -- "$stage/bin/eci-newidmap" --state-dir) > "$out" 2>&1
rc=$?
if [ "$rc" = 100 ] && has "eci-newidmap: $sdir is not yours (owner 65534): someone else made it"; then
	pass "eci-newidmap --state-dir: one someone else made: refused (100), named"
else
	fail "eci-newidmap --state-dir: one someone else made: refused (100), named" "exit $rc"
fi
rm -rf "$sdir"
# A parent that is not root's alone (for the moment of one call): refused.
chgrp 65534 /run/eci/users
(cd / && runuser -u "$nosub" -- "$stage/bin/eci-newidmap" --state-dir) > "$out" 2>&1
rc=$?
chgrp 0 /run/eci/users
if [ "$rc" = 100 ] && [ ! -e "$sdir" ] &&
	has "eci-newidmap: /run/eci/users is not root's own (owner 0:65534, mode 1731): refusing to use it"; then
	pass "eci-newidmap --state-dir: a parent not root's own: refused (100), nothing made"
else
	fail "eci-newidmap --state-dir: a parent not root's own: refused (100), nothing made" "exit $rc"
fi

# 6. A uid that /etc/passwd does not know (a directory service's user): the
#    helper loads no NSS module, so lines that name a user do not match it,
#    and its refusal says to name the uid; a line naming the uid is used
#    (the request then fails on its pid: process 2 is not the caller's).
#    Copies of the files bound over them, as in 4.
unnamed=4242424
while getent passwd "$unnamed" > /dev/null; do unnamed=$((unnamed + 1)); done
dir=$(mktemp -d)
start=${range%-*}
start=${start:-50000000}
chmod 0755 "$dir"
helper_as_unnamed() {
	unshare -m sh -c 'mount --bind "$1/subuid" /etc/subuid && mount --bind "$1/subgid" /etc/subgid &&
		cd / && echo 2 | setpriv --reuid "$2" --regid "$2" --clear-groups "$3" --stdin' \
		sh "$dir" "$unnamed" "$stage/bin/eci-newidmap" > "$out" 2>&1
	rc=$?
}
{ cat /etc/subuid; echo "somebody:$start:65536"; } > "$dir/subuid"
{ cat /etc/subgid; echo "somebody:$start:65536"; } > "$dir/subgid"
chmod 0644 "$dir/subuid" "$dir/subgid"
helper_as_unnamed
if [ "$rc" = 100 ] && has "no usable entry for $unnamed (uid $unnamed) in /etc/subuid" &&
	has "(uid $unnamed is not in /etc/passwd, where this program finds user names: lines for it must name it by uid)"; then
	pass "eci-newidmap: a uid not in /etc/passwd: refused (100), told to name the uid"
else
	fail "eci-newidmap: a uid not in /etc/passwd: refused (100), told to name the uid" "exit $rc"
fi
{ cat /etc/subuid; echo "$unnamed:$start:65536"; } > "$dir/subuid"
{ cat /etc/subgid; echo "$unnamed:$start:65536"; } > "$dir/subgid"
helper_as_unnamed
if [ "$rc" = 100 ] && has "process 2 is not yours" && ! has "/etc/passwd"; then
	pass "eci-newidmap: a uid not in /etc/passwd: its lines by uid are used"
else
	fail "eci-newidmap: a uid not in /etc/passwd: its lines by uid are used" "exit $rc"
fi
rm -rf "$dir"

# 8. A start writes its slot's lease over the old one in place (subid/
#    lease.c): the lease files keep their inodes from one run to the next.
leases() { (cd /run/eci/leases && ls -i | awk '$2 ~ /^[0-9]+$/ { print $2, $1 }' | sort); }
(cd / && runuser -u "$acct" -- env -u XDG_RUNTIME_DIR "$eci" --network none default true) > "$out" 2>&1
before=$(leases)
(cd / && runuser -u "$acct" -- env -u XDG_RUNTIME_DIR "$eci" --network none default true) >> "$out" 2>&1
rc=$?
after=$(leases)
kept=$(printf '%s\n' "$before" | while read -r n i; do
	[ -n "$n" ] && printf '%s\n' "$after" | grep -qx "$n $i" && echo "$n"; done | wc -l)
if [ "$rc" = 0 ] && [ -n "$before" ] && [ "$kept" = "$(printf '%s\n' "$before" | grep -c .)" ]; then
	pass "a start writes its lease in place: the lease files keep their inodes"
else
	fail "a start writes its lease in place: the lease files keep their inodes" \
		"exit $rc; before: $before; after: $after"
fi

# 9. A lease file that is not root's own regular file with one link (here a
#    second link to it) is refused, not written through: exit 125, the
#    helper's message naming it.
links=
for line in $(awk -F: -v n="$acct" '$1 == n && NF == 3 { print $2 ":" $3 }' /etc/subuid); do
	s0=${line%:*} k=0
	while [ "$k" -lt $((${line#*:} / 65536)) ]; do
		f=/run/eci/leases/$((s0 + k * 65536))
		[ -e "$f" ] || : > "$f"
		ln "$f" "$f.link" && links="$links $f.link"
		k=$((k + 1))
	done
done
(cd / && runuser -u "$acct" -- env -u XDG_RUNTIME_DIR "$eci" --network none default true) > "$out" 2>&1
rc=$?
# shellcheck disable=SC2086
rm -f $links
if [ "$rc" = 125 ] && has "eci-newidmap: lease /run/eci/leases/" &&
	has "is not a file of root's own: refusing it"; then
	pass "a lease file with a second link: refused (125), named"
else
	fail "a lease file with a second link: refused (125), named" "exit $rc"
fi

ok=$((checks - failures))
echo "$((ok * 100 / checks))%: Checks: $checks, Failures: $failures, Errors: 0"
[ "$failures" = 0 ]
