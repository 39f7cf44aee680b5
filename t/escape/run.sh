#!/bin/sh
# run.sh STAGE DOCKER_HOST ENGINE_RUN — the escape catalogue (STAGE/t/probe
# escape) in four configurations: eci-run, eci-run --privileged (as the test
# account), the engine with --runtime eci, and the engine with --privileged.
# Prints the attempt × configuration table (also written to
# STAGE/RESULTS.md) and a Check-style summary: every attempt must be
# BLOCKED everywhere.
#
# Then the ways around the administrator's policy, tried as a user would,
# in the same four configurations: eci-run's test build under the staged
# scenarios (STAGE/policies), the engine's runtimes eci-pol and eci-img of
# t/engine/run.sh, whose policy directory and image annotation are under
# ENGINE_RUN.
#
# Then the user's terminal, given to the workload without -t and without a
# seccomp filter, and the state directory, which another user tries to
# make first, in the same four configurations.
#
# Two host directories are bound in writable as well: /rootdir, root's
# (0755, a file of 0644 and a root-only one of 0600), and /wdir, writable
# by everyone (0777).  Afterwards they are checked from the host: the
# fixture unchanged, no new entry in /rootdir, no set-id file in /wdir.
set -u
stage=$1
host=$2
erun=$3
probe=$stage/t/probe
table=$PWD/t/escape/table.awk
canary=$(mktemp -d /tmp/eci-canary.XXXXXX)
ro=$(mktemp -d /tmp/eci-ro.XXXXXX)
rootdir=$(mktemp -d /tmp/eci-rootdir.XXXXXX)
wdir=$(mktemp -d /tmp/eci-wdir.XXXXXX)
chmod 0755 "$ro" "$canary" "$rootdir"
chmod 0777 "$wdir"
echo root-file > "$rootdir/file"
echo root-secret > "$rootdir/secret"
chmod 0644 "$rootdir/file"
chmod 0600 "$rootdir/secret"
out=$(mktemp -d)
trap 'rm -rf "$canary" "$ro" "$rootdir" "$wdir" "$out"' EXIT
# What the host sees of the fixture: names, owners, modes, contents.
fixture() {
	(cd "$rootdir" && ls -A && stat -c '%n %u:%g %a %s %Y' . file secret && cat file secret)
}
before=$(fixture)
# The account whose state directory another one tries to take first.
sh tools/account.sh ecitest-state 1 > /dev/null || exit 1
vols="-v $probe:/probe:ro -v $ro:/ro:ro -v $rootdir:/rootdir -v $wdir:/wdir"

cd /
runuser -u ecitest -- env -u XDG_RUNTIME_DIR "$stage/bin/eci-run" $vols \
	default /probe escape "$canary" > "$out/eci-run" 2>&1
runuser -u ecitest -- env -u XDG_RUNTIME_DIR "$stage/bin/eci-run" --privileged $vols \
	default /probe escape "$canary" > "$out/eci-run --privileged" 2>&1
DOCKER_HOST=$host docker run --rm --runtime eci --network none $vols \
	eci-default /probe escape "$canary" > "$out/engine" 2>&1
DOCKER_HOST=$host docker run --rm --runtime eci --network none --privileged $vols \
	eci-default /probe escape "$canary" > "$out/engine --privileged" 2>&1

# policy ROW CONF WORD COMMAND...: BLOCKED when COMMAND is refused with WORD.
policy() {
	row=$1 conf=$2 word=$3
	shift 3
	if "$@" > "$out/policy" 2>&1; then
		echo "$row ESCAPED (it ran)"
	elif grep -q "$word" "$out/policy"; then
		echo "$row BLOCKED ($word)"
	else
		echo "$row ESCAPED (no refusal naming $word: $(tail -n 1 "$out/policy"))"
	fi >> "$out/$conf"
}
user() { runuser -u ecitest -- env -u XDG_RUNTIME_DIR "$@"; }
prun() { p=$1; shift; user ECI_POLICY_DIR="$stage/policies/$p" "$stage/t/eci-run-policytest" "$@"; }
docker_pol() { DOCKER_HOST=$host docker run --rm --network none "$@"; }
caps="policy: more than the default capabilities, allowPrivileged false"
ecifile=$erun/policy/90-escape.json
printf '{"allowPrivileged": {"value": false, "locked": true}}\n' > "$ecifile"
policy "$caps" eci-run allowPrivileged prun locks --cap-add ALL --cap-drop SYS_MODULE default true
policy "$caps" "eci-run --privileged" allowPrivileged prun locks --privileged default true
policy "$caps" engine allowPrivileged docker_pol --runtime eci-pol --cap-add ALL \
	--cap-drop SYS_MODULE eci-default true
policy "$caps" "engine --privileged" allowPrivileged docker_pol --runtime eci-pol --privileged \
	eci-default true
# allowedImages pins a digest: eci-run's user puts another image under its
# name in the store (a copy of the default image's manifest as the pinned
# blob); the engine names an allowed image without the pinned digest.
pin=5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed5eed
user sh -c 's=${XDG_DATA_HOME:-$HOME/.local/share}/eci; d=$(cat "$s/refs/default:latest");
	cp "$s/blobs/sha256/${d#sha256:}" "$s/blobs/sha256/'$pin'" &&
	echo "sha256:'$pin'" > "$s/refs/eci-t-forged:latest"'
img="policy: an image allowedImages does not pin"
policy "$img" eci-run "is corrupt" prun pin-forged eci-t-forged true
policy "$img" "eci-run --privileged" "is corrupt" prun pin-forged --privileged eci-t-forged true
user sh -c 's=${XDG_DATA_HOME:-$HOME/.local/share}/eci;
	rm -f "$s/blobs/sha256/'$pin'" "$s/refs/eci-t-forged:latest"'
printf '{"allowedImages": {"value": ["eci-default@sha256:%s"], "locked": true}}\n' $pin > "$ecifile"
echo eci-default > "$erun/image-annotation"
policy "$img" engine allowedImages docker_pol --runtime eci-img eci-default true
policy "$img" "engine --privileged" allowedImages docker_pol --runtime eci-img --privileged \
	eci-default true
rm -f "$ecifile" "$erun/image-annotation" "$out/policy"

# The user's terminal: the workload given it (-i, no -t) and no seccomp
# filter pushes "echo INJECTED" into it with TIOCSTI (the probe), on a pty
# of script(1) that is the session's controlling terminal, as a login's
# is.  BLOCKED when the probe ran and nothing came back: no echo of what
# it pushed, nothing read by the shell that holds the terminal after it.
on_tty() {
	conf=$1
	shift
	SHELL=/bin/bash script -qec "$*; read -r -t 1 l && echo \"SHELL-READ:\$l\"" /dev/null \
		< /dev/null > "$out/tty" 2>&1
	if ! grep -q '^tiocsti ' "$out/tty"; then
		echo "$tty_row ESCAPED (the probe did not run: $(tail -n 1 "$out/tty"))"
	elif grep -q 'INJECTED' "$out/tty"; then
		echo "$tty_row ESCAPED ($(grep '^tiocsti ' "$out/tty" | tr -d '\r'): it was typed)"
	else
		echo "$tty_row BLOCKED ($(grep '^tiocsti ' "$out/tty" | tr -d '\r'))"
	fi >> "$out/$conf"
}
tty_row="terminal: type into the user's terminal (-i, no filter)"
tty_eci="runuser -u ecitest -- env -u XDG_RUNTIME_DIR $stage/bin/eci-run -i -v $probe:/probe:ro"
tty_docker="DOCKER_HOST=$host docker run --rm -i --network none -v $probe:/probe:ro"
on_tty eci-run "$tty_eci --security-opt seccomp=unconfined default /probe tiocsti"
on_tty "eci-run --privileged" \
	"$tty_eci --privileged --security-opt seccomp=unconfined default /probe tiocsti"
on_tty engine "$tty_docker --runtime eci --security-opt seccomp=unconfined eci-default /probe tiocsti"
on_tty "engine --privileged" \
	"$tty_docker --runtime eci --privileged --security-opt seccomp=unconfined eci-default /probe tiocsti"

# The state directory: another account (nobody) makes every place eci-run
# could keep a user's state in first, for an account of the test's own that
# has none yet; BLOCKED when that account's containers run all the same.
# eci-runc's state is under the engine's --root, which the engine made.
state_row="state directory: another user makes it first"
vuid=$(id -u ecitest-state)
squat() {
	for d in /tmp/eci-$vuid /run/user/$vuid /run/eci/users/$vuid "$erun/x/runtime-eci/moby/squat"; do
		runuser -u nobody -- mkdir -p "$d" 2>/dev/null
	done
}
unsquat() {
	for d in /tmp/eci-$vuid /run/user/$vuid /run/eci/users/$vuid "$erun/x/runtime-eci/moby/squat"; do
		[ "$(stat -c %U "$d" 2>/dev/null)" = nobody ] && rm -rf "$d"
	done
	rm -rf "/run/eci/users/$vuid"
}
state() {
	conf=$1
	shift
	squat
	if "$@" > "$out/state" 2>&1; then
		echo "$state_row BLOCKED (it ran)"
	else
		echo "$state_row ESCAPED (refused: $(tail -n 1 "$out/state"))"
	fi >> "$out/$conf"
	unsquat
}
victim() { runuser -u ecitest-state -- env -u XDG_RUNTIME_DIR "$stage/bin/eci-run" "$@"; }
state eci-run victim default true
state "eci-run --privileged" victim --privileged default true
state engine docker_pol --runtime eci eci-default true
state "engine --privileged" docker_pol --runtime eci --privileged eci-default true
rm -f "$out/tty" "$out/state"

hostfail=0
if [ "$(fixture)" != "$before" ]; then
	echo "HOST: $rootdir changed:"; echo "$before"; echo "-- now:"; fixture
	hostfail=1
fi
setid=$(find "$wdir" -perm /6000)
if [ -n "$setid" ]; then
	echo "HOST: set-id files left in $wdir:"; ls -ln $setid
	hostfail=1
fi

awk -v dir="$out" -v hostfail="$hostfail" -v min=58 \
	-v confs="eci-run|eci-run --privileged|engine|engine --privileged" \
	-f "$table" | tee "$stage/RESULTS.md"
