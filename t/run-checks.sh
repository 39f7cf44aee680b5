#!/bin/sh
# run-checks.sh O — run every test suite of the build in O.
#
# Unit tests run as whoever runs make.  Namespace tests run as an
# unprivileged account with subordinate ranges: as root, the account
# "ecitest" (4 slots of 65536 ids) is created if missing and the build is
# staged with the helper's file capabilities in a prefix it can reach; as an
# ordinary user, the tests run as that user against the build tree (with the
# installed, capable eci-newidmap).  The last line sums up every suite:
# "N passed, N failed, N skipped".
set -u
o=$1
log=$(mktemp)
stage=
cleanup() { rm -f "$log"; [ -n "$stage" ] && rm -rf "$stage"; }
trap cleanup EXIT
status=0

echo "== unit tests"
"$o/t/unit-tests" | tee -a "$log" || status=1

echo "== namespace tests"
if [ "$(id -u)" = 0 ]; then
	sh tools/account.sh ecitest 4 || exit 1
	stage=$(mktemp -d /tmp/eci-check.XXXXXX)
	sh tools/stage.sh "$o" "$stage" || exit 1
	runuser -u ecitest -- env -u XDG_RUNTIME_DIR ECI_PREFIX="$stage" ECI_SRCDIR="$PWD" \
		ECI_POLICY_ROOT="$stage/policies" "$stage/t/ns-tests" | tee -a "$log" || status=1
	echo "== namespace tests, account with one slot"
	sh tools/account.sh ecitest1 1 || exit 1
	runuser -u ecitest1 -- env -u XDG_RUNTIME_DIR ECI_PREFIX="$stage" ECI_NS_ONESLOT=1 \
		"$stage/t/ns-tests" | tee -a "$log" || status=1
else
	env -u XDG_RUNTIME_DIR ECI_PREFIX="$o" ECI_SRCDIR="$PWD" "$o/t/ns-tests" | tee -a "$log" || status=1
fi

awk '
/^[0-9]+%: Checks: / {
	gsub(",", ""); checks += $3; fail += $5 + $7
}
/^Skipped: / { skip += $2 }
END {
	printf "%d passed, %d failed, %d skipped\n", checks - fail, fail, skip
	exit (fail > 0 || checks == 0)
}' "$log" || status=1
exit $status
