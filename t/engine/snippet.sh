#!/bin/sh
# snippet.sh NAME FILE — print the configuration snippet NAME (daemon.json,
# config.toml, containers.conf) of README.md or doc/eci-runc.8 as written:
# the lines between "<!-- snippet NAME -->" (README) or '.\" snippet NAME'
# (the man page) and the next end marker, less the Markdown fence and the
# roff requests (.nf, .fi, .RS, .RE) around them.  Exit 1 when FILE has no
# such snippet.  t/engine/run.sh and clients.sh start the engines with
# what it prints.
set -eu
awk -v name="$1" '
	$0 == "<!-- snippet " name " -->" || $0 == ".\\\" snippet " name { on = 1; found = 1; next }
	on && ($0 == "<!-- end snippet -->" || $0 == ".\\\" end snippet") { on = 0; next }
	on && !/^```/ && !/^\.(nf|fi|RS|RE)$/ { print }
	END { exit !found }
' "$2"
