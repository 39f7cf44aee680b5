#!/bin/sh
# clients.sh STAGE — the escape catalogue's engine rows (STAGE/t/probe
# escape) through the two other clients of t/engine/clients.sh, which calls
# this with its environment: ctr (ECI_CLIENT_CTR, the runtime flags
# ECI_CTR_ECI that containerd read from its snippet) and podman
# (ECI_CLIENT_PODMAN, eci-runc its default runtime), each plain and
# --privileged, with the binds of t/escape/run.sh: the probe and a
# directory read-only, root's directory (/rootdir) and a world-writable one
# (/wdir) writable, checked from the host afterwards (unchanged; no set-id
# file).  Prints the attempt × configuration table (also written to
# STAGE/RESULTS-clients.md) and a Check-style summary: every attempt must be
# BLOCKED everywhere.
set -u
stage=$1
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
fixture() {
	(cd "$rootdir" && ls -A && stat -c '%n %u:%g %a %s %Y' . file secret && cat file secret)
}
before=$(fixture)

cd /
if [ -n "${ECI_CLIENT_CTR:-}" ]; then
	binds="--mount type=bind,src=$probe,dst=/probe,options=rbind:ro
		--mount type=bind,src=$ro,dst=/ro,options=rbind:ro
		--mount type=bind,src=$rootdir,dst=/rootdir,options=rbind:rw
		--mount type=bind,src=$wdir,dst=/wdir,options=rbind:rw"
	# shellcheck disable=SC2086
	timeout 120 $ECI_CLIENT_CTR run --rm $ECI_CTR_ECI --fifo-dir "$ECI_CTR_FIFO" $binds \
		docker.io/library/eci-default:latest "eci-t-$$-escape" /probe escape "$canary" \
		> "$out/ctr" 2>&1
	# shellcheck disable=SC2086
	timeout 120 $ECI_CLIENT_CTR run --rm $ECI_CTR_ECI --fifo-dir "$ECI_CTR_FIFO" --privileged \
		$binds docker.io/library/eci-default:latest "eci-t-$$-escape-p" /probe escape "$canary" \
		> "$out/ctr --privileged" 2>&1
else
	echo "ctr: the harness did not start containerd" > "$out/ctr"
	echo "ctr: the harness did not start containerd" > "$out/ctr --privileged"
fi
if [ -n "${ECI_CLIENT_PODMAN:-}" ]; then
	vols="-v $probe:/probe:ro -v $ro:/ro:ro -v $rootdir:/rootdir -v $wdir:/wdir"
	# shellcheck disable=SC2086
	timeout 120 "$ECI_CLIENT_PODMAN" run --rm --network none $vols eci-default \
		/probe escape "$canary" > "$out/podman" 2>&1
	# shellcheck disable=SC2086
	timeout 120 "$ECI_CLIENT_PODMAN" run --rm --network none --privileged $vols eci-default \
		/probe escape "$canary" > "$out/podman --privileged" 2>&1
else
	echo "podman: the harness could not load the image" > "$out/podman"
	echo "podman: the harness could not load the image" > "$out/podman --privileged"
fi

hostfail=0
for c in ctr "ctr --privileged" podman "podman --privileged"; do
	if ! grep -q '^TOTAL ' "$out/$c"; then
		echo "$c: the probe did not run: $(grep -v 'BLOCKED\|ESCAPED' "$out/$c" | tail -n 2)"
		hostfail=1
	fi
done
if [ "$(fixture)" != "$before" ]; then
	echo "HOST: $rootdir changed:"; echo "$before"; echo "-- now:"; fixture
	hostfail=1
fi
setid=$(find "$wdir" -perm /6000)
if [ -n "$setid" ]; then
	echo "HOST: set-id files left in $wdir:"; ls -ln $setid
	hostfail=1
fi
awk -v dir="$out" -v hostfail="$hostfail" -v min=1 \
	-v confs="ctr|ctr --privileged|podman|podman --privileged" \
	-f "$table" | tee "$stage/RESULTS-clients.md"
