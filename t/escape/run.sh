#!/bin/sh
# run.sh STAGE DOCKER_HOST — the escape catalogue (STAGE/t/probe escape) in
# four configurations: eci-run, eci-run --privileged (as the test account),
# the engine with --runtime eci, and the engine with --privileged.  Prints
# the attempt × configuration table (also written to STAGE/RESULTS.md) and
# a Check-style summary: every attempt must be BLOCKED everywhere.
set -u
stage=$1
host=$2
probe=$stage/t/probe
canary=$(mktemp -d /tmp/eci-canary.XXXXXX)
ro=$(mktemp -d /tmp/eci-ro.XXXXXX)
chmod 0755 "$ro" "$canary"
out=$(mktemp -d)
trap 'rm -rf "$canary" "$ro" "$out"' EXIT

cd /
runuser -u ecitest -- env -u XDG_RUNTIME_DIR "$stage/bin/eci-run" -v "$probe:/probe:ro" \
	-v "$ro:/ro:ro" default /probe escape "$canary" > "$out/eci-run" 2>&1
runuser -u ecitest -- env -u XDG_RUNTIME_DIR "$stage/bin/eci-run" --privileged \
	-v "$probe:/probe:ro" -v "$ro:/ro:ro" default /probe escape "$canary" > "$out/eci-run --privileged" 2>&1
DOCKER_HOST=$host docker run --rm --runtime eci --network none -v "$probe:/probe:ro" \
	-v "$ro:/ro:ro" eci-default /probe escape "$canary" > "$out/engine" 2>&1
DOCKER_HOST=$host docker run --rm --runtime eci --network none --privileged \
	-v "$probe:/probe:ro" -v "$ro:/ro:ro" eci-default /probe escape "$canary" > "$out/engine --privileged" 2>&1

awk -v dir="$out" '
BEGIN {
	n = split("eci-run|eci-run --privileged|engine|engine --privileged", conf, "|")
	for (c = 1; c <= n; c++) {
		f = dir "/" conf[c]
		while ((getline line < f) > 0) {
			if (line ~ /^TOTAL/) continue
			name = line; sub(/ +(BLOCKED|ESCAPED) \(.*$/, "", name)
			if (!(name in seen)) { seen[name] = 1; order[++k] = name }
			res[name, c] = line ~ / BLOCKED / ? "blocked" : (line ~ / ESCAPED / ? "**ESCAPED**" : "?")
		}
	}
	printf "| attempt | %s | %s | %s | %s |\n|---|---|---|---|---|\n", conf[1], conf[2], conf[3], conf[4]
	for (i = 1; i <= k; i++) {
		printf "| %s ", order[i]
		for (c = 1; c <= n; c++) {
			v = ((order[i], c) in res) ? res[order[i], c] : "missing"
			printf "| %s ", v
			checks++
			if (v != "blocked" && !(order[i] ~ /sysrq|TIOCSTI|:ro volume/ && v == "missing")) fails++
		}
		printf "|\n"
	}
	if (k < 25) fails++
	printf "\n%d%%: Checks: %d, Failures: %d, Errors: 0\n", checks ? 100 * (checks - fails) / checks : 0, checks, fails
	exit fails > 0
}' | tee "$stage/RESULTS.md"
