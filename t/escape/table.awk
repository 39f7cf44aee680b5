# table.awk — the attempt × configuration table of the escape catalogue and
# a Check-style summary (t/escape/run.sh, t/escape/clients.sh).
#   awk -v dir=DIR -v confs="A|B|..." -v min=N -v hostfail=0|1 -f table.awk
# DIR/A, DIR/B ... hold each configuration's lines "NAME BLOCKED (why)" or
# "NAME ESCAPED (what)".  Every cell must read blocked (a missing row is
# allowed only where the kernel may lack the object: sysrq, TIOCSTI, a :ro
# volume); fewer than N rows, or a host check that failed, fails too.
BEGIN {
	n = split(confs, conf, "|")
	for (c = 1; c <= n; c++) {
		f = dir "/" conf[c]
		while ((getline line < f) > 0) {
			if (line ~ /^TOTAL/) continue
			name = line; sub(/ +(BLOCKED|ESCAPED) \(.*$/, "", name)
			if (!(name in seen)) { seen[name] = 1; order[++k] = name }
			res[name, c] = line ~ / BLOCKED / ? "blocked" : (line ~ / ESCAPED / ? "**ESCAPED**" : "?")
		}
	}
	printf "| attempt |"
	for (c = 1; c <= n; c++) printf " %s |", conf[c]
	printf "\n|---|"
	for (c = 1; c <= n; c++) printf "---|"
	printf "\n"
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
	if (k < min) fails++
	fails += hostfail
	printf "\n%d%%: Checks: %d, Failures: %d, Errors: 0\n", checks ? 100 * (checks - fails) / checks : 0, checks, fails
	exit fails > 0
}
