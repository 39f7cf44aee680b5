#!/bin/sh
# bench.sh O — eci side by side with the tools people would use instead,
# medians over repeated runs (hyperfine), one Markdown table, also written
# to BENCHMARKS.md with the machine's description.  Run as root: the
# rootless tools run as the unprivileged account ecitest, dockerd is a
# private one started here and stopped again.
set -eu
o=$1
[ "$(id -u)" = 0 ] || { echo "bench.sh: run as root (make bench)" >&2; exit 1; }
for p in hyperfine bubblewrap; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' ||
		{ apt-get update -qq && apt-get install -y -qq "$p" >/dev/null; }
done
sh tools/account.sh ecitest 4 >/dev/null
stage=$(mktemp -d /tmp/eci-bench.XXXXXX)
work=$(mktemp -d /tmp/eci-bench-work.XXXXXX)
run=$(mktemp -d /run/eci-bench.XXXXXX)
data=$(mktemp -d /var/lib/eci-bench.XXXXXX)
cleanup() {
	[ -f "$run/docker.pid" ] && kill "$(cat "$run/docker.pid")" 2>/dev/null && sleep 2
	pkill -f "containerd-shim-runc-v2 -namespace moby -address $run" 2>/dev/null || true
	grep -E " ($run|$data)" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null || true
	rm -rf "$stage" "$work" "$run" "$data"
}
trap cleanup EXIT
sh tools/stage.sh "$o" "$stage" >/dev/null
chmod 0755 "$work"
layer=$stage/share/eci/images/default/blobs/sha256/$(ls -S "$stage/share/eci/images/default/blobs/sha256" | head -n1)
mkdir "$work/rootfs"
tar -xf "$layer" -C "$work/rootfs"
chown -R ecitest: "$work"

median() { sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | head -n1; }
bench() { # bench NAME USER CMD
	json=$work/$(echo "$1" | tr ' /' '__').json
	if [ "$2" = root ]; then
		hyperfine -N -w 5 -r "${RUNS:-50}" --export-json "$json" "$3" >/dev/null 2>&1 || return 1
	else
		runuser -u "$2" -- hyperfine -N -w 5 -r "${RUNS:-50}" --export-json "$json" "$3" >/dev/null 2>&1 || return 1
	fi
	median "$json"
}

cd /
t_eci=$(bench eci ecitest "$stage/bin/eci-run default /bin/true")
t_bwrap=$(bench bwrap ecitest "bwrap --unshare-all --ro-bind $work/rootfs / --proc /proc --dev /dev /bin/true")
t_unshare=$(bench unshare ecitest "unshare -Urmpfn --mount-proc /bin/true")

(dockerd --data-root "$data" --exec-root "$run/x" --pidfile "$run/docker.pid" \
	-H "unix://$run/docker.sock" --iptables=false --bridge=none \
	--add-runtime "eci=$stage/bin/eci-runc" > "$work/dockerd.log" 2>&1 &)
for i in $(seq 1 150); do docker -H "unix://$run/docker.sock" info >/dev/null 2>&1 && break; sleep 0.2; done
docker -H "unix://$run/docker.sock" import "$layer" eci-default >/dev/null
export DOCKER_HOST="unix://$run/docker.sock"
RUNS=${DOCKER_RUNS:-20}
t_deci=$(bench docker-eci root "docker run --rm --network none --runtime eci eci-default /bin/true")
t_drunc=$(bench docker-runc root "docker run --rm --network none --runtime runc eci-default /bin/true")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; }
ms() { awk -v a="$1" 'BEGIN { printf "%.1f ms", a * 1000 }'; }
{
	echo "# Benchmarks"
	echo
	echo "Machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr), $(. /etc/os-release; echo "$PRETTY_NAME")."
	echo "Medians of hyperfine runs ($(date -u +%Y-%m-%d)); \`make bench\` regenerates this file."
	echo
	echo "| what | eci | peer | median eci | median peer | eci / peer |"
	echo "|---|---|---|---|---|---|"
	echo "| cold start of /bin/true, default image | eci-run | bwrap --unshare-all | $(ms "$t_eci") | $(ms "$t_bwrap") | $(ratio "$t_eci" "$t_bwrap") |"
	echo "| same, floor | eci-run | unshare -Urmpfn --mount-proc | $(ms "$t_eci") | $(ms "$t_unshare") | $(ratio "$t_eci" "$t_unshare") |"
	echo "| docker run --rm IMG true | --runtime eci | --runtime runc | $(ms "$t_deci") | $(ms "$t_drunc") | $(ratio "$t_deci" "$t_drunc") |"
	echo
	echo "eci-run does more than its peers here: the subordinate map through the"
	echo "helper (with its lease), an overlay over the per-slot layer copy, the"
	echo "masked and read-only system view, a nested user namespace that locks every"
	echo "mount, and a seccomp filter."
} | tee "$OLDPWD/BENCHMARKS.md"
