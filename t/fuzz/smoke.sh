#!/bin/sh
# smoke.sh O [SECONDS] — run every libFuzzer target of the build in O for
# SECONDS (20) each, from its committed corpus copied to a scratch
# directory.  A crash, a sanitizer report or a leak fails that fuzzer; its
# input is kept as O/fuzz/smoke-NAME/crash-*.  Prints one line per fuzzer
# and Check's summary line, which t/run-checks.sh counts.
set -u
o=$1 secs=${2:-20}
# name:corpus
targets="subid:subid/fuzz/corpus policy:policy/fuzz/corpus path:t/fuzz/corpus/path
lease:t/fuzz/corpus/lease seccomp:t/fuzz/corpus/seccomp config:t/fuzz/corpus/config
manifest:t/fuzz/corpus/manifest"
# libseccomp 2.5.4 itself leaks a few hundred bytes on some profiles with
# many conflicting conditional rules; only allocations made inside it are
# suppressed.
export LSAN_OPTIONS="suppressions=$PWD/t/fuzz/lsan.supp:print_suppressions=0"
n=0 failed=0
for t in $targets; do
	name=${t%%:*} corpus=${t#*:}
	bin=$o/fuzz/fuzz_$name dir=$o/fuzz/smoke-$name
	n=$((n + 1))
	rm -rf "$dir" && mkdir -p "$dir/corpus" && cp "$corpus"/* "$dir/corpus/"
	if "$bin" -max_total_time="$secs" -artifact_prefix="$dir/" "$dir/corpus" \
		> "$dir/log" 2>&1; then
		execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$dir/log" | tail -n 1)
		echo "fuzz $name: ${secs} s, ${execs:-?} executions, no crash"
	else
		failed=$((failed + 1))
		echo "FAILED: fuzz $name (see $dir/log):"
		grep -E 'ERROR|SUMMARY|artifact' "$dir/log" | head -n 5
	fi
done
echo "$(( (n - failed) * 100 / n ))%: Checks: $n, Failures: $failed, Errors: 0"
[ "$failed" = 0 ]
