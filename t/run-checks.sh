#!/bin/sh
# run-checks.sh O — run every test suite of the build in O.
#
# Unit tests run as whoever runs make.  Namespace tests run as an
# unprivileged account with subordinate ranges: as root, the account
# "ecitest" (4 slots of 65536 ids) is created if missing and the build is
# staged with the helper's file capabilities in a prefix it can reach;
# "ecitest1" (one slot) runs the one-slot suite; as an ordinary user, the
# tests run as that user against the build tree (with the installed,
# capable eci-newidmap).  Each run must end with Check's summary and exit 0;
# the last line sums up every suite: "N passed, N failed, N skipped".
set -u
o=$1
log=$(mktemp)
out=$(mktemp)
stage=
cleanup() { rm -f "$log" "$out"; [ -n "$stage" ] && rm -rf "$stage"; }
trap cleanup EXIT
status=0

# run NAME COMMAND...: run one test program, show and keep its output.
run() {
	name=$1
	shift
	"$@" > "$out" 2>&1
	rc=$?
	cat "$out"
	cat "$out" >> "$log"
	if [ $rc -ne 0 ] || ! grep -q '^[0-9]*%: Checks: ' "$out"; then
		echo "FAILED: $name (exit $rc)"
		echo "0%: Checks: 1, Failures: 1, Errors: 0" >> "$log"
		status=1
	fi
}

echo "== unit tests"
run unit env ECI_PREFIX="$(cd "$o" && pwd)" "$o/t/unit-tests"

echo "== bash completion (as whoever runs make, like the unit tests)"
run completion bash t/completion/test.sh "$o"

echo "== namespace tests"
if [ "$(id -u)" = 0 ]; then
	sh tools/account.sh ecitest 4 || exit 1
	stage=$(mktemp -d /tmp/eci-check.XXXXXX)
	sh tools/stage.sh "$o" "$stage" || exit 1
	# An 8 MiB store, to fill the disk during an import.
	small=$(mktemp -d /tmp/eci-small.XXXXXX)
	mount -t tmpfs -o size=8m,mode=0700,uid="$(id -u ecitest)",gid="$(id -g ecitest)" eci-small "$small"
	run namespaces runuser -u ecitest -- env -u XDG_RUNTIME_DIR ECI_PREFIX="$stage" \
		ECI_SRCDIR="$PWD" ECI_POLICY_ROOT="$stage/policies" ECI_SMALL_STORE="$small" \
		ECI_NS_CGROUPS=0 "$stage/t/ns-tests"
	umount "$small" && rmdir "$small"
	echo "== limits, in cgroups an administrator delegated to ecitest (t/cgdeleg.sh)"
	run limits sh t/cgdeleg.sh ecitest runuser -u ecitest -- env -u XDG_RUNTIME_DIR \
		ECI_PREFIX="$stage" ECI_SRCDIR="$PWD" ECI_POLICY_ROOT="$stage/policies" \
		CK_RUN_SUITE=netlimits CK_RUN_CASE=limits "$stage/t/ns-tests"
	echo "== namespace tests, account with one slot"
	sh tools/account.sh ecitest1 1 || exit 1
	run one-slot runuser -u ecitest1 -- env -u XDG_RUNTIME_DIR ECI_PREFIX="$stage" \
		ECI_NS_ONESLOT=1 "$stage/t/ns-tests"
	echo "== load: 20 containers at once, then 200 in a row (an account with 24 slots)"
	sh tools/account.sh ecitest-load 24 || exit 1
	run load runuser -u ecitest-load -- env -u XDG_RUNTIME_DIR ECI_PREFIX="$stage" ECI_NS_LOAD=1 \
		"$stage/t/ns-tests"
	echo "== engine tests (dockerd with --runtime eci)"
	run engine sh t/engine/run.sh "$stage"
	# Debian's system image, debootstrapped once (a minute) and cached in
	# /var/cache/eci-test; ECI_CHECK_SYS=0 leaves these out, counted.
	if [ "${ECI_CHECK_SYS:-1}" != 0 ]; then
		echo "== system containers, dockerd --privileged (t/engine/check_sys.c, issue 24)"
		run sys-engine env ECI_ENGINE_PARTS=sys sh t/engine/run.sh "$stage"
		echo "== system containers, eci-run --privileged as ecitest (t/ns/check_sys.c, issue 24)"
		run sys-ns sh t/ns/sys.sh "$stage" ecitest
	else
		echo "SKIP sys: ECI_CHECK_SYS=0"
		echo "Skipped: 2" >> "$log"
	fi
	echo "== eci-run doctor as ecitest, as ecitest-nosub (no subordinate ranges) and as root"
	run doctor sh t/doctor/test.sh "$stage"
else
	run namespaces env -u XDG_RUNTIME_DIR ECI_PREFIX="$o" ECI_SRCDIR="$PWD" "$o/t/ns-tests"
	echo "SKIP engine: dockerd needs root (run make check as root)"
	echo "Skipped: 1" >> "$log"
	echo "SKIP doctor: needs root to use the test accounts"
	echo "Skipped: 1" >> "$log"
fi

echo "== fuzz smoke: every libFuzzer target for 20 seconds"
if make --no-print-directory -s O="$o" fuzzers > "$out" 2>&1; then
	run fuzz sh t/fuzz/smoke.sh "$o" 20
else
	cat "$out"
	echo "FAILED: fuzz: the fuzzers do not build (they need clang and libclang-rt-14-dev)"
	echo "0%: Checks: 1, Failures: 1, Errors: 0" >> "$log"
	status=1
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
