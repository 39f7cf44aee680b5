#!/bin/sh
# bench.sh O — eci side by side with the tools people would use instead, in
# one run, one Markdown table of medians, ratios and the issue's targets,
# written to BENCHMARKS.md with the machine's description (root only).
#
#   1  cold start of /bin/true: eci-run, bwrap, runc, crun and podman
#      rootless, unshare (the floor); eci-run's per-step timeline (the
#      code of BEFORE, a git revision, and this one)
#   2  docker run --rm IMG true, --runtime eci against runc, one dockerd;
#      the same on a bridge network; Docker-in-Docker's start against runc
#      --privileged
#   3  a generated 200 MB image: import against tar -xf of its layer; its
#      first start in a slot (unpack) against tar -xf and against later
#      starts; the same files in 4 layers, first start against tar -xf of
#      the 4
#   4  PSS of eci's own processes while the workload sleeps, against bwrap's
#   5  start of the 1st, 10th, 50th and 100th concurrently running container
#   6  a syscall-heavy loop under the default seccomp filter and without one
#   7  TCP container → host loopback through pasta
#   8  the runtime alone: run and delete of /bin/true on a bundle, eci-runc
#      against runc and crun (as root)
#   9  start with a network: --network pasta and slirp4netns against none;
#      rootless podman's default network against its none
#
# Items 1, 3-6 measure eci-run with no network, as its peers run (a network
# namespace with loopback only), so they pass --network none: without it,
# eci-run's default is pasta where it is installed and allowed.
# The rootless tools run as the unprivileged account ecitest (item 5 as
# ecitest-bench, which gets 110 slots), each with a store and a runtime
# directory of this run's own (eci-run keeps its state in the account's
# /run/eci/users/UID whatever XDG_RUNTIME_DIR says; runc and crun use it).  dockerd is a private one started here.  Everything
# started is stopped and removed again, on failure too; an item that fails
# says "n/a" and why in its row, and the others go on.  Knobs: RUNS (start
# times, default 50), START_RUNS (item 1, eci-run and bwrap, 150), DOCKER_RUNS (20), SLOW_RUNS (runs of the slower
# items, 10), SCALE_PASSES (5), ITEMS (which items, default all; with fewer,
# the table is printed but BENCHMARKS.md is left as it is).
set -eu
o=$1
[ "$(id -u)" = 0 ] || { echo "bench.sh: run as root (make bench)" >&2; exit 1; }
src=$(pwd)
BEFORE=${BEFORE-2497c7c}
RUNS=${RUNS:-50} START_RUNS=${START_RUNS:-150} DOCKER_RUNS=${DOCKER_RUNS:-20} SLOW_RUNS=${SLOW_RUNS:-10} SCALE_PASSES=${SCALE_PASSES:-5} SECCOMP_RUNS=${SECCOMP_RUNS:-15}
ITEMS=${ITEMS:-1 2 3 4 5 6 7 8 9}

missing=
for p in hyperfine bubblewrap runc crun passt slirp4netns busybox-static podman uidmap python3; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'ok installed' || missing="$missing $p"
done
if [ -n "$missing" ]; then
	# shellcheck disable=SC2086
	{ apt-get update -qq && apt-get install -y -qq $missing >/dev/null; } ||
		echo "bench.sh: could not install$missing; their rows will say n/a" >&2
fi
# Under a subreaper that reaps orphans at once, as a host's init does
# (tools/reap.py says why): once python3 is there.
if [ -z "${ECI_BENCH_REAPER:-}" ] && command -v python3 >/dev/null; then
	ECI_BENCH_REAPER=1 exec python3 tools/reap.py sh "$0" "$@"
fi
sh tools/account.sh ecitest 4 >/dev/null
sh tools/account.sh ecitest-bench 110 >/dev/null
# eci-runc's pool (items 2 and 8), as make install-privileged makes it
sh tools/account.sh eci-engine 64 >/dev/null

stage=$(mktemp -d /tmp/eci-bench.XXXXXX)
work=$(mktemp -d /tmp/eci-bench-work.XXXXXX)
run=$(mktemp -d /run/eci-bench.XXXXXX)
data=$(mktemp -d /var/lib/eci-bench.XXXXXX)
eci=$stage/bin/eci-run

# as USER CMD...: CMD as USER, with this run's store and runtime directory
# (root: as is).  $AS_ecitest is the same as a string, for hyperfine.
as_prefix() {
	echo "setpriv --reuid=$1 --regid=$1 --init-groups env HOME=/home/$1 USER=$1 LOGNAME=$1" \
		"XDG_RUNTIME_DIR=$work/rt-$1 XDG_DATA_HOME=$work/store-$1"
}
# With NSWRAP set, in a mount namespace of its own (tmpfs_run below).
as() {
	u=$1
	shift
	if [ "$u" = root ]; then $NSWRAP "$@"; else $NSWRAP $(as_prefix "$u") "$@"; fi
}
NSWRAP=
AS_ecitest=$(as_prefix ecitest)

# tree PID: PID and its descendants, one a line
tree() {
	echo "$1"
	for c in $(pgrep -P "$1"); do tree "$c"; done
}

# Processes of ecitest-bench or of its subordinate ids still running.
bench_left() {
	ps -eo uid= | awk -v me="$(id -u ecitest-bench)" \
		'NR == FNR { if ($1 == "ecitest-bench") { s[++n] = $2; c[n] = $3 } next }
		 $1 == me { k++; next }
		 { for (i = 1; i <= n; i++) if ($1 >= s[i] && $1 < s[i] + c[i]) { k++; break } }
		 END { print k + 0 }' FS=: /etc/subuid FS=' ' -
}

cleanup() {
	set +e
	# Containers of this run: the ones of -d by id, then any process of
	# the bench account, and the trees recorded in $work/pids (ecitest is
	# shared: only what this run started is touched).
	# shellcheck disable=SC2046
	[ -s "$work/ids" ] && as ecitest-bench "$eci" rm -f $(cat "$work/ids") >/dev/null 2>&1
	# (again while any is left: a loop of starts may be forking the next)
	for i in 1 2 3 4 5 6 7 8 9 10; do
		ps=$(ps -o pid= -u ecitest-bench) && [ -n "$ps" ] || break
		for p in $ps; do kill -KILL "$p" 2>/dev/null; done
		sleep 0.2
	done
	# shellcheck disable=SC2046
	[ -f "$work/pids" ] && for p in $(cat "$work/pids"); do kill -KILL $(tree "$p") 2>/dev/null; done
	rs=$work/u-ecitest/runc-state
	[ -d "$rs" ] && for c in $(as ecitest runc --root "$rs" list -q 2>/dev/null); do
		as ecitest runc --root "$rs" delete -f "$c" >/dev/null 2>&1
	done
	# rootless podman's pause process (it keeps its user namespace)
	[ -f "$work/podman.ok" ] && pkill -KILL -u ecitest -f 'catatonit|podman' 2>/dev/null
	[ -f "$run/docker.pid" ] && kill "$(cat "$run/docker.pid")" 2>/dev/null && sleep 2
	pkill -f "containerd-shim-runc-v2 -namespace moby -address $run" 2>/dev/null
	grep -E " ($run|$data|$work)" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$stage" "$work" "$run" "$data"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

sh tools/stage.sh "$o" "$stage" >/dev/null
# eci's programs as an installed program is held, read from the disk, not
# as a fresh copy leaves them in the page cache (its large folios, which
# the faults of an exec map more of): the peers' programs are read from
# the disk too.  Copied fresh, eci-run and eci-init measured 650-754 KiB of
# PSS from one staging to the next, read back 567-623 (item 4).
sync
for f in "$stage"/bin/*; do dd if="$f" iflag=nocache count=0 status=none; done
chmod 0755 "$work"
# The runtime directory is a tmpfs of the user's, as pam_systemd makes
# /run/user/UID for a login session.
for u in ecitest ecitest-bench; do
	mkdir -m 0700 "$work/rt-$u" "$work/store-$u" "$work/u-$u"
	mount -t tmpfs -o "mode=0700,uid=$(id -u "$u"),gid=$(id -g "$u"),size=64m" tmpfs "$work/rt-$u"
	chown "$u:" "$work/rt-$u" "$work/store-$u" "$work/u-$u"
done
: > "$work/pids"
layer=$stage/share/eci/images/default/blobs/sha256/$(ls -S "$stage/share/eci/images/default/blobs/sha256" | head -n1)
mkdir "$work/rootfs"
tar -xf "$layer" -C "$work/rootfs"
chown -R ecitest: "$work/rootfs"
cd /

# --- measuring ---------------------------------------------------------------

# why FILE: the last line of FILE, fit for a table cell
why() { grep -v '^[[:space:]]*$' "$1" 2>/dev/null | tail -n1 | tr '|' '/' | cut -c1-90; }

median() { sed -n 's/.*"median": *\([0-9.e-]*\).*/\1/p' "$1" | head -n1; }

# hf NAME USER RUNS CMD [PREPARE]: the median wall time of CMD in seconds,
# or "n/a (why)".  CMD runs once by hand first, so that a failure says why.
# With PREPARE (run before every run, through the shell, untimed) CMD runs
# through the shell too, whose start hyperfine subtracts; else without.
# ecitest is shared: when its slots are all taken by someone else's
# containers, a start fails, so a failed series is tried again twice.
hf() {
	hn=$1 hu=$2 hr=$3 hc=$4 hp=${5:-}
	# hyperfine writes its report as USER
	if [ "$hu" = root ]; then json=$work/$hn.json; else json=$work/u-$hu/$hn.json; fi
	err=$work/$hn.err
	for try in 1 2 3; do
		[ -z "$hp" ] || as "$hu" sh -c "$hp" >/dev/null 2>&1 || true
		if ! as "$hu" sh -c "$hc" >/dev/null 2>"$err"; then
			[ $try = 3 ] || { sleep 5; continue; }
			echo "n/a ($(why "$err"))"
			return 0
		fi
		if [ -n "$hp" ]; then
			as "$hu" hyperfine -w 1 -r "$hr" -p "$hp" --export-json "$json" "$hc" >/dev/null 2>"$err"
		else
			as "$hu" hyperfine -N -w 5 -r "$hr" --export-json "$json" "$hc" >/dev/null 2>"$err"
		fi && { median "$json"; return 0; }
		[ $try = 3 ] || sleep 5
	done
	# hyperfine hides the command's message: a run by hand may show it
	as "$hu" sh -c "$hc" >/dev/null 2>"$err.1" || err=$err.1
	echo "n/a (3 tries: $(why "$err"))"
}

# turns NAME USER RUNS CMD_A CMD_B: sets t_a and t_b to the median wall
# times of CMD_A and CMD_B in seconds (or "n/a (why)"), measured by hf()
# in turn, in TURNS blocks of RUNS/TURNS runs each (A B, B A, ...), the
# medians taken over all the blocks' runs.  Two series measured one after
# the other carry the machine's drift into their ratio: here the two
# commands see it alike.
TURNS=${TURNS:-5}
turns() {
	tn=$1 tu=$2 tr=$(($3 / TURNS)) k=0
	t_a= t_b=
	while [ "$k" -lt "$TURNS" ]; do
		for tx in $(if [ $((k % 2)) = 0 ]; then echo a b; else echo b a; fi); do
			if [ "$tx" = a ]; then tc=$4; else tc=$5; fi
			r=$(hf "$tn-$tx$k" "$tu" "$tr" "$tc")
			num "$r" || { eval "t_$tx=\$r"; }
		done
		k=$((k + 1))
	done
	for tx in a b; do
		eval "tv=\$t_$tx"
		[ -z "$tv" ] || continue
		if [ "$tu" = root ]; then td=$work; else td=$work/u-$tu; fi
		tv=$(python3 -c 'import json, statistics, sys
print(statistics.median(t for f in sys.argv[1:] for t in json.load(open(f))["results"][0]["times"]))' \
			$(k=0; while [ "$k" -lt "$TURNS" ]; do echo "$td/$tn-$tx$k.json"; k=$((k + 1)); done)) ||
			tv="n/a (the blocks' reports)"
		eval "t_$tx=\$tv"
	done
}

# pair NAME RUNS PREP_A CMD_A PREP_B CMD_B: CMD_A and CMD_B measured in
# turn (tools/interleave.py), as root (a command of a user's says so, with
# $AS_ecitest); sets pa and pb to their medians in seconds, or to
# "n/a (why)".  For the rows that depend on the disk's state.
pair() {
	pn=$1
	shift
	if python3 "$src/tools/interleave.py" "$@" > "$work/$pn.pair" 2> "$work/$pn.err"; then
		read -r pa pb < "$work/$pn.pair"
	else
		pa="n/a ($(why "$work/$pn.err"))" pb=$pa
	fi
}

num() { case $1 in '' | n/a* | —*) return 1 ;; esac; }
ratio() { if num "$1" && num "$2"; then awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f×", a / b }'; else echo n/a; fi; }
ms() { if num "$1"; then awk -v a="$1" 'BEGIN { printf "%.1f ms", a * 1000 }'; else echo "$1"; fi; }
kib() { if num "$1"; then echo "$1 KiB"; else echo "$1"; fi; }
mbs() { if num "$1"; then awk -v a="$1" 'BEGIN { printf "%.0f MB/s", a }'; else echo "$1"; fi; }

# row N WHAT ECI PEER FORMAT E P [MAX]: a table row for item N; E and P are
# raw values (FORMAT shows them), MAX the target for E / P.
row() {
	if [ -n "${8:-}" ]; then
		tgt="≤ $8×"
		if num "$6" && num "$7"; then
			met=$(awk -v a="$6" -v b="$7" -v m="$8" 'BEGIN { print (a / b <= m + 1e-9) ? "yes" : "no" }')
		else
			met=—
		fi
	else
		tgt=— met=—
	fi
	printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$4" \
		"$($5 "$6")" "$($5 "$7")" "$(ratio "$6" "$7")" "$tgt" "$met" >> "$work/rows.$1"
}
note() { echo "$*" >> "$work/notes"; }

# --- 1: cold start ---------------------------------------------------------------
item_1() {
	turns eci ecitest "$START_RUNS" "$eci --network none default /bin/true" \
		"bwrap --unshare-all --ro-bind $work/rootfs / --proc /proc --dev /dev /bin/true"
	t_eci=$t_a t_bwrap=$t_b
	t_unshare=$(hf unshare ecitest "$RUNS" "unshare -Urmpfn --mount-proc /bin/true")
	# runc spec --rootless, as ecitest (its map names the caller), for the
	# same root file system, with a network namespace like the others.
	mkdir "$work/runc" && chown ecitest: "$work/runc"
	if (cd "$work/runc" && as ecitest runc spec --rootless) 2>"$work/runc.err"; then
		sed -i -e 's/"terminal": true/"terminal": false/' \
			-e 's|^\(\t*\)"sh"$|\1"/bin/true"|' \
			-e "s|\"path\": \"rootfs\"|\"path\": \"$work/rootfs\"|" \
			-e 's|"type": "user"|"type": "user"\n\t\t\t},\n\t\t\t{\n\t\t\t\t"type": "network"|' \
			"$work/runc/config.json"
		t_runc=$(hf runc ecitest "$((RUNS / 2))" "runc --root $work/u-ecitest/runc-state run -b $work/runc bench-runc")
		t_crun=$(hf crun ecitest "$((RUNS / 2))" "crun --root $work/u-ecitest/crun-state run -b $work/runc bench-crun")
	else
		t_runc="n/a (runc spec: $(why "$work/runc.err"))" t_crun=$t_runc
	fi
	# eci-run's state and the leases are in /run/eci, which is on this
	# machine's root ext4; on Debian /run is a tmpfs.  The same start with
	# /run/eci on a tmpfs, in a mount namespace of the measurement's own
	# (what runs outside still sees the real one).
	printf '%s\n' 'mount --make-rprivate / && mount -t tmpfs -o mode=0711,size=16m eci-bench-run /run/eci && exec "$@"' \
		> "$work/tmpfs-run.sh"
	NSWRAP="unshare -m sh $work/tmpfs-run.sh"
	turns eci-tmpfs ecitest "$START_RUNS" "$eci --network none default /bin/true" \
		"bwrap --unshare-all --ro-bind $work/rootfs / --proc /proc --dev /dev /bin/true"
	t_ecit=$t_a t_bwrapt=$t_b
	NSWRAP=
	t_podman=$(podman_start none)
	w="cold start of /bin/true, default image"
	row 1 "$w" eci-run "bwrap --unshare-all" ms "$t_eci" "$t_bwrap" 1.3
	row 1 "$w" eci-run "runc rootless" ms "$t_eci" "$t_runc" 0.15
	row 1 "$w" eci-run "crun rootless" ms "$t_eci" "$t_crun"
	row 1 "$w" eci-run "podman rootless, --runtime runc" ms "$t_eci" "$t_podman"
	row 1 "same, /run/eci on a tmpfs (as /run is on Debian)" eci-run "bwrap --unshare-all" ms "$t_ecit" "$t_bwrapt" 1.3
	row 1 "same, floor" eci-run "unshare -Urmpfn --mount-proc" ms "$t_eci" "$t_unshare"
	[ -z "${ECI_BENCH_REAPER:-}" ] ||
		note "1: the whole run is under a subreaper that reaps orphans at once (tools/reap.py), as a host's init does. bwrap and eci-run both return while the init of their pid namespace ends, which the reaper of orphans then collects; this machine's init does so about once a second, and in a loop of starts the zombies piled up by the hundred, each an entry of /proc that eci's helper asks for its ids (in turn, 150 runs each: eci-run / bwrap 1.37-1.41× so, 1.18-1.19× under the subreaper)."
	timeline
}

# Rootless podman as ecitest, with a storage and configuration of this
# run's own and the default image imported: --runtime runc (crun refuses
# this host's hybrid cgroups rootless), cgroupfs (no systemd user session).
PODMAN="podman --cgroup-manager cgroupfs --events-backend file --runtime runc"
podman_ready() {
	[ -f "$work/podman.ok" ] && return 0
	command -v podman >/dev/null && command -v newuidmap >/dev/null || {
		echo "n/a (podman or newuidmap not installed)" > "$work/podman.ok.err"; return 1; }
	mkdir -p "$work/u-ecitest/podman" && chown ecitest: "$work/u-ecitest/podman"
	cp "$layer" "$work/u-ecitest/podman/layer.tar" && chmod a+r "$work/u-ecitest/podman/layer.tar"
	as ecitest env XDG_DATA_HOME="$work/u-ecitest/podman/data" XDG_CONFIG_HOME="$work/u-ecitest/podman/cfg" \
		$PODMAN import "$work/u-ecitest/podman/layer.tar" eci-default >/dev/null 2>"$work/podman.ok.err" || {
		echo "n/a (podman import: $(why "$work/podman.ok.err"))" > "$work/podman.ok.err"; return 1; }
	: > "$work/podman.ok"
}
# podman_start NET: the median start of podman run --rm --network NET (none,
# or "default": podman's own default network)
podman_start() {
	podman_ready || { cat "$work/podman.ok.err"; return 0; }
	case $1 in default) net= ;; *) net="--network $1" ;; esac
	hf "podman-$1" ecitest "$SLOW_RUNS" "env XDG_DATA_HOME=$work/u-ecitest/podman/data XDG_CONFIG_HOME=$work/u-ecitest/podman/cfg $PODMAN run --rm $net eci-default /bin/true"
}

# The per-step timeline of eci-run --network none default /bin/true, and
# of the same with --network pasta (ECI_TIMELINE, tools/timeline.py), of
# the code of git revision $BEFORE, built here, and of this code: one table
# each, the median time since the exec of each step.
timeline() {
	tl_runs=$RUNS
	cp "$src/tools/timeline.py" "$work/timeline.py"
	chmod a+rx "$work/timeline.py"
	before=
	if [ -n "$BEFORE" ] && git -C "$src" rev-parse -q --verify "$BEFORE^{commit}" >/dev/null; then
		b=$work/before
		mkdir -p "$b/src" && git -C "$src" archive "$BEFORE" | tar -x -C "$b/src" &&
			make -C "$b/src" -j"$(nproc)" O=build all >/dev/null 2>"$work/tl-build.err" &&
			(cd "$b/src" && sh tools/stage.sh build "$b/stage") >/dev/null 2>>"$work/tl-build.err" &&
			before=$(git -C "$src" log -1 --format='%h, %cs' "$BEFORE")
	fi
	: > "$work/timeline.md"
	timeline_of none "the helper's steps are not marked (it reads no environment); its start and work are the gap before \"mapped by the helper\"" &&
		echo >> "$work/timeline.md" &&
		timeline_of pasta "pasta starts once the workload's network namespace is made (\"network program started\"); the workload goes once pasta has set its default route (\"pid 1: network up\"); at the end pid 1 waits for the workload's TCP sockets to have delivered what they hold (none here) and for pasta to have read every frame of the tap (\"pid 1: sockets drained\"), and eci-run then stops pasta (once pasta is done with those frames, when there were any)"
}

# One table: eci-run --network $1 default /bin/true, of $BEFORE's code
# (if built) and of this code in turn (timeline.py A B B A ...: the
# machine's pace drifts during a run); $2 says what the steps show.
timeline_of() {
	: > "$work/tl.before" && chown ecitest: "$work/tl.before"
	if [ -z "$before" ] || ! as ecitest env TMPDIR="$work/rt-ecitest" TIMELINE_OUT2="$work/tl.before" \
		python3 "$work/timeline.py" "$tl_runs" "$eci" --network "$1" default /bin/true -- \
		"$work/before/stage/bin/eci-run" --network "$1" default /bin/true > "$work/tl.after" 2>"$work/tl.err"; then
		: > "$work/tl.before"
		as ecitest env TMPDIR="$work/rt-ecitest" python3 "$work/timeline.py" "$tl_runs" \
			"$eci" --network "$1" default /bin/true > "$work/tl.after" 2>"$work/tl.err" || return 0
	fi
	{
		echo "Per-step timeline of \`eci-run --network $1 default /bin/true\` as ecitest ($tl_runs runs after 3 warm-ups, medians; ECI_TIMELINE=FILE, tools/timeline.py; the code before and now in turn): the time since the exec of eci-run at which each step ended; $2."
		echo
		if [ -s "$work/tl.before" ]; then
			echo "| step | before ($before) | now | now, after the previous step |"
			echo "|---|---|---|---|"
			awk -F'|' 'NR == FNR { if (FNR > 2) b[$2] = $3; next }
				FNR > 2 { x = ($2 in b) ? b[$2] : " — "; printf "|%s|%s|%s|%s|\n", $2, x, $3, $4 }' \
				"$work/tl.before" "$work/tl.after"
		else
			echo "| step | now | after the previous step |"
			echo "|---|---|---|"
			tail -n +3 "$work/tl.after"
		fi
	} >> "$work/timeline.md"
}

# --- 2: docker run ---------------------------------------------------------------
item_2() {
	command -v dockerd >/dev/null || { row 2 "docker run --rm IMG true" "--runtime eci" "--runtime runc" ms "n/a (no dockerd)" "n/a"; return 0; }
	# runc --privileged asks for capabilities root may lack here (a VM):
	# runc-priv is runc without them (t/engine/runcpriv.sh)
	sh "$src/t/engine/runcpriv.sh" "$run/runc-priv" > "$run/runc-priv.caps"
	(dockerd --data-root "$data" --exec-root "$run/x" --pidfile "$run/docker.pid" \
		-H "unix://$run/docker.sock" --iptables=false --bridge=none \
		--add-runtime "eci=$stage/bin/eci-runc" --add-runtime "runc-priv=$run/runc-priv" \
		> "$work/dockerd.log" 2>&1 &)
	for i in $(seq 1 150); do docker -H "unix://$run/docker.sock" info >/dev/null 2>&1 && break; sleep 0.2; done
	export DOCKER_HOST="unix://$run/docker.sock"
	docker import "$layer" eci-default >/dev/null
	# in turn, eci and runc: dockerd's own pace drifts during a run
	pair docker "$DOCKER_RUNS" true "docker run --rm --network none --runtime eci eci-default /bin/true" \
		true "docker run --rm --network none --runtime runc eci-default /bin/true"
	t_deci=$pa t_drunc=$pb
	row 2 "docker run --rm IMG true, one dockerd" "--runtime eci" "--runtime runc" ms "$t_deci" "$t_drunc" 1.0
	# The same on a bridge network of the engine's: its veth, address and
	# name server, configured by dockerd's hook through pid 1.
	docker network create --subnet 10.231.7.0/24 eci-bench >/dev/null
	pair docker-br "$DOCKER_RUNS" true "docker run --rm --network eci-bench --runtime eci eci-default /bin/true" \
		true "docker run --rm --network eci-bench --runtime runc eci-default /bin/true"
	t_beci=$pa t_brunc=$pb
	docker network rm eci-bench >/dev/null
	row 2 "same, --network on a bridge" "--runtime eci" "--runtime runc" ms "$t_beci" "$t_brunc" 1.0
	# Docker-in-Docker start: a --privileged container of the Debian
	# system image (t/images/sysimage.sh, debootstrap, cached) up, and the
	# dockerd inside answering on overlay2, against runc --privileged.
	prunc=runc
	[ -s "$run/runc-priv.caps" ] && prunc=runc-priv
	if sysimg=$(sh "$src/t/images/sysimage.sh" 2>"$work/sysimage.err") && sysdir=$(mktemp -d /tmp/eci-sys.XXXXXX) &&
		chmod 0755 "$sysdir" && sh "$src/t/images/sysimage.sh" --inner "$stage" "$sysdir" >/dev/null &&
		sysname=$(docker load -i "$sysimg" | sed -n 's/^Loaded image: //p') && [ -n "$sysname" ]; then
		dind() {
			echo "docker run -d --name eci-dind --runtime $1 --privileged --network none" \
				"-v $sysdir:/eci-sys:ro $sysname sh /eci-sys/check.sh serve >/dev/null &&" \
				"docker exec eci-dind sh /eci-sys/check.sh dockerd | grep -q driver=overlay2"
		}
		t_dd_eci=$(hf dind-eci root "$SLOW_RUNS" "$(dind eci)" "docker rm -f eci-dind >/dev/null 2>&1; true")
		t_dd_runc=$(hf dind-runc root "$SLOW_RUNS" "$(dind "$prunc")" "docker rm -f eci-dind >/dev/null 2>&1; true")
		docker rm -f eci-dind >/dev/null 2>&1
		rm -rf "$sysdir"
	else
		t_dd_eci="n/a (no system image: $(why "$work/sysimage.err"))" t_dd_runc=n/a
	fi
	row 2 "Docker-in-Docker start: --privileged, dockerd inside answering on overlay2" "--runtime eci" \
		"runc --privileged" ms "$t_dd_eci" "$t_dd_runc"
}

# --- 8: the runtime alone ----------------------------------------------------------
# run (create and start, in the foreground) and delete of /bin/true on one
# bundle, as root, no engine in the way: eci-runc (its pool's slot, the
# plain directory idmapped) against runc and crun on the same bundle, as
# youki and crun publish it.
item_8() {
	b=$work/bundle
	mkdir -p "$b" && cp -a "$work/rootfs" "$b/rootfs" && chown -R root:root "$b/rootfs"
	(cd "$b" && runc spec) || return 1
	sed -i -e 's/"terminal": true/"terminal": false/' -e 's|^\(\t*\)"sh"$|\1"/bin/true"|' \
		"$b/config.json"
	# rtcmd BIN NAME [OPTION]: run and delete in one shell, the same for
	# every runtime; a run that fails fails the row (its status, not
	# delete's)
	rtcmd() {
		echo "sh -c '$1 ${3:-} --root $work/rt-$2 run -b $b bench-$2 >/dev/null; r=\$?; $1 --root $work/rt-$2 delete -f bench-$2; exit \$r'"
	}
	for rt in eci runc crun; do
		case $rt in
		eci) bin=$stage/bin/eci-runc ;;
		*) bin=$(command -v $rt) || { eval "t_$rt='n/a (no $rt)'"; continue; } ;;
		esac
		cmd=$(rtcmd "$bin" "$rt")
		eval "t_$rt=\$(hf rt-$rt root \"\$RUNS\" \"\$cmd\")"
	done
	row 8 "run and delete of /bin/true on a bundle, as root" eci-runc runc ms "$t_eci" "$t_runc" 0.5
	row 8 "same" eci-runc crun ms "$t_eci" "$t_crun"
	# crun refuses a host's hybrid cgroup layout; shown the cgroup2
	# hierarchy alone (a mount namespace of the measurement's own) it
	# runs, without cgroups where root may not raise RLIMIT_MEMLOCK for
	# its device filter (a VM's root without CAP_SYS_RESOURCE)
	num "$t_crun" && return 0
	bin=$(command -v crun) || return 0
	printf '%s\n' 'mount --make-rprivate / && mount -t cgroup2 eci-bench-cg2 /sys/fs/cgroup && exec "$@"' \
		> "$work/cg2-run.sh"
	NSWRAP="unshare -m sh $work/cg2-run.sh"
	t_crun2=$(hf rt-crun2 root "$RUNS" "$(rtcmd "$bin" crun2 --cgroup-manager=disabled)")
	NSWRAP=
	row 8 "same, crun with no cgroup (it refuses this host's hybrid cgroups)" eci-runc \
		"crun --cgroup-manager=disabled" ms "$t_eci" "$t_crun2"
	note "8: crun refuses this host's hybrid cgroup layout (\"$(echo "$t_crun" | sed 's/^n\/a (//; s/)$//')\"). Its second row runs it in a mount namespace of the measurement's own where /sys/fs/cgroup is the cgroup2 hierarchy alone, with --cgroup-manager=disabled: it makes no cgroup there, where eci-runc and runc make one each run."
}

# layout NAME TAR...: an OCI layout $work/NAME of these uncompressed layers
layout() {
	lo=$work/$1
	shift
	mkdir -p "$lo/blobs/sha256"
	diffs= layers=
	for t in "$@"; do
		hex=$(sha256sum "$t" | cut -d' ' -f1)
		cp "$t" "$lo/blobs/sha256/$hex"
		diffs="$diffs${diffs:+,}\"sha256:$hex\""
		layers="$layers${layers:+,}{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:$hex\",\"size\":$(stat -c %s "$t")}"
	done
	printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$(dpkg --print-architecture)" "$diffs" > "$work/cfg"
	cfg=$(sha256sum "$work/cfg" | cut -d' ' -f1)
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
		"$cfg" "$(stat -c %s "$work/cfg")" "$layers" > "$work/man"
	man=$(sha256sum "$work/man" | cut -d' ' -f1)
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
		"$man" "$(stat -c %s "$work/man")" > "$lo/index.json"
	mv "$work/cfg" "$lo/blobs/sha256/$cfg"
	mv "$work/man" "$lo/blobs/sha256/$man"
	printf '{"imageLayoutVersion":"1.0.0"}' > "$lo/oci-layout"
	chmod -R a+rX "$lo"
}

# --- 3: a 200 MB image ---------------------------------------------------------------
# The runs that write a tree move the last run's tree aside instead of
# removing it, and the trees are removed at the end of the item: on an
# ext4 without a journal (as here), each new inode skips, one by one, the
# inodes of its group freed less than 60 s before, or 360 s while their
# inode table block is not written back, which the new inodes beside them
# make it (recently_deleted() in the kernel's ialloc.c).  A run after the
# removal of thousands of files paid for that removal, 1-3 s here, more or
# less by where the files had been.  That needs about 13 GB free; with less,
# the trees are removed at once (ASIDE says which, for the note).
aside_setup() {
	mkdir -p "$work/aside"
	chmod 1777 "$work/aside"
	if [ "$(df -Pk "$work" | awk 'NR == 2 { print $4 }')" -gt 16000000 ]; then
		ASIDE="moved aside, not removed"
		mv=mv
	else
		ASIDE="removed at once (less than 16 GB was free)"
		mv=rm
	fi
	cat > "$work/aside.sh" <<-EOF
	# aside.sh PATH...: each PATH that exists moved into a directory of its own
	for p; do
		[ -e "\$p" ] || continue
		if [ $mv = mv ]; then t=\$(mktemp -d $work/aside/a.XXXXXX) && mv "\$p" "\$t/"; else rm -rf "\$p"; fi
	done
	EOF
}

# The default image's files plus /data: 180 MB of /dev/urandom in four
# files and 20 MB in 5000 files of 4 KiB, one uncompressed layer in an OCI
# layout (the recipe of image/mkdefault.sh).
big_image() {
	r=$work/bigroot
	cp -a "$work/rootfs" "$r"
	mkdir -p "$r/data/small"
	for i in 1 2 3 4; do head -c 45000000 /dev/urandom > "$r/data/big$i"; done
	head -c 20480000 /dev/urandom | (cd "$r/data/small" && split -b 4096 -a 4 - f)
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \
		-C "$r" -cf "$work/big.tar" .
	sh "$work/aside.sh" "$r"
	bighex=$(sha256sum "$work/big.tar" | cut -d' ' -f1)
	chmod a+r "$work/big.tar"
	layout big "$work/big.tar"
}

# The same files as big_image() in 4 layers: the default image's files and
# 45 MB; 45 MB; 90 MB; 20 MB in 5000 small files.
multi_image() {
	r=$work/multiroot
	mkdir -p "$r/1" "$r/2/data" "$r/3/data" "$r/4/data/small"
	cp -a "$work/rootfs/." "$r/1/"
	mkdir -p "$r/1/data"
	head -c 45000000 /dev/urandom > "$r/1/data/big1"
	head -c 45000000 /dev/urandom > "$r/2/data/big2"
	head -c 45000000 /dev/urandom > "$r/3/data/big3"
	head -c 45000000 /dev/urandom > "$r/3/data/big4"
	head -c 20480000 /dev/urandom | (cd "$r/4/data/small" && split -b 4096 -a 4 - f)
	for i in 1 2 3 4; do
		tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \
			-C "$r/$i" -cf "$work/multi$i.tar" .
	done
	sh "$work/aside.sh" "$r"
	chmod a+r "$work"/multi?.tar
	layout multi "$work"/multi1.tar "$work"/multi2.tar "$work"/multi3.tar "$work"/multi4.tar
	multihex=
	for i in 1 2 3 4; do multihex="$multihex $(sha256sum "$work/multi$i.tar" | cut -d' ' -f1)"; done
}

item_3() {
	aside_setup
	big_image
	mb=$(awk -v s="$(stat -c %s "$work/big.tar")" 'BEGIN { printf "%.0f", s / 1e6 }')
	x=$work/u-ecitest/tarx
	t_imp=$(hf import ecitest "$SLOW_RUNS" "$eci image import --name bigbench $work/big" \
		"$eci image rm bigbench >/dev/null 2>&1; sync")
	t_tar=$(hf tar ecitest "$SLOW_RUNS" "tar -xf $work/big.tar -C $x" "sh $work/aside.sh $x; mkdir $x && sync")
	sh "$work/aside.sh" "$x"
	as ecitest "$eci" image ls 2>/dev/null | grep -q '^bigbench ' ||
		as ecitest "$eci" image import --name bigbench "$work/big" >/dev/null
	# A first start in a slot unpacks the layer there; root puts every
	# slot's copy away before each run, so that each run is such a first
	# start.  (in turn with tar -xf, each after sync: the disk's writeback
	# and discards drift during a run)
	pair big-cold "$SLOW_RUNS" "sh $work/aside.sh $work/store-ecitest/eci/slots/*/layers/$bighex; sync" \
		"$AS_ecitest $eci --network none bigbench /bin/true" \
		"$AS_ecitest sh -c 'sh $work/aside.sh $x; mkdir $x && sync'" "$AS_ecitest tar -xf $work/big.tar -C $x"
	t_cold=$pa t_ctar=$pb
	sh "$work/aside.sh" "$x"
	turns warm ecitest "$RUNS" "$eci --network none bigbench /bin/true" "$eci --network none default /bin/true"
	t_warm=$t_a t_dwarm=$t_b
	# The same files in 4 layers: first start against tar -xf of the 4
	multi_image
	as ecitest "$eci" image import --name multibench "$work/multi" >/dev/null
	rmm=
	for h in $multihex; do rmm="$rmm $work/store-ecitest/eci/slots/*/layers/$h"; done
	pair multi-cold "$SLOW_RUNS" "sh $work/aside.sh $rmm; sync" "$AS_ecitest $eci --network none multibench /bin/true" \
		"$AS_ecitest sh -c 'sh $work/aside.sh $x; mkdir $x && sync'" \
		"$AS_ecitest sh -c 'for t in $work/multi1.tar $work/multi2.tar $work/multi3.tar $work/multi4.tar; do tar -xf \$t -C $x; done'"
	t_mcold=$pa t_mtar=$pb
	rm -rf "$x" "$work/aside"
	row 3 "image import of a $mb MB layer (OCI layout)" "eci-run image import" "tar -xf of the layer" ms "$t_imp" "$t_tar" 1.2
	row 3 "first start of that image in a slot (unpack)" "first start" "tar -xf of the layer" ms "$t_cold" "$t_ctar" 1.0
	row 3 "same" "first start" "later start" ms "$t_cold" "$t_warm"
	row 3 "first start of the same files in 4 layers" "first start" "tar -xf of the 4 layers" ms "$t_mcold" "$t_mtar" 0.8
	row 3 "start of /bin/true, image in the slot already" "$mb MB image" "default image" ms "$t_warm" "$t_dwarm" 1.1
	note "3: import copies the layer into the store and checks its digest; it is unpacked at the first start in a slot (the next row). Import and tar -xf: $SLOW_RUNS runs each, the image removed (eci-run image rm) or the directory tar wrote put away, and sync, before each run. First start: $SLOW_RUNS runs of eci-run as ecitest, in turn with as many of tar -xf (tools/interleave.py, A B B A …, so that the disk's writeback and discards, which drift during a run, weigh on both alike; medians), after one warm-up each; before each run root puts away the layer's unpacked copy in every slot of the store and syncs, or the directory tar wrote is put away and a new one made and synced. The trees of earlier runs were $ASIDE: on an ext4 without a journal (as here), each new inode skips, one by one, the inodes of its group freed less than 60 s before, or 360 s while their inode table block is not written back, which new inodes beside them make it (recently_deleted() in the kernel); so a run after the removal of the last run's files paid for that removal, 1–3 s here, by where they had been, for eci-run and tar alike. The 4-layer image holds the same files as the single layer (the default image's and 45 MB, 45 MB, 90 MB, 20 MB in 5000 files of 4 KiB), its tar -xf the 4 one after the other into one directory."
}

# --- 9: start with a network ---------------------------------------------------------
# The start of eci-run --network pasta|slirp4netns default /bin/true
# against --network none in the same run; the target is an absolute one:
# at most 10 ms more.  Rootless podman's default network against its
# --network none for comparison.
# netrow WHAT ECI PEER E P: a row whose target is E - P <= 10 ms
netrow() {
	if num "$4" && num "$5"; then
		d=$(awk -v a="$4" -v b="$5" 'BEGIN { printf "+%.1f ms", (a - b) * 1000 }')
		met=$(awk -v a="$4" -v b="$5" 'BEGIN { print (a - b <= 0.010 + 1e-9) ? "yes" : "no" }')
	else
		d=n/a met=—
	fi
	printf '| 9 | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$1" "$2" "$3" "$(ms "$4")" \
		"$(ms "$5")" "$d" "${6:-≤ +10 ms}" "${7:-$met}" >> "$work/rows.9"
}

item_9() {
	# each tool in turn with a none of its own (turns()): measured one
	# after the other, the three drifted apart by more than the target
	turns net-pasta ecitest "$RUNS" "$eci --network pasta default /bin/true" \
		"$eci --network none default /bin/true"
	t_pasta=$t_a t_none=$t_b
	turns net-slirp ecitest "$RUNS" "$eci --network slirp4netns default /bin/true" \
		"$eci --network none default /bin/true"
	t_slirp=$t_a t_none2=$t_b
	netrow "start of /bin/true with a network" "--network pasta" "--network none" "$t_pasta" "$t_none"
	netrow "same" "--network slirp4netns" "--network none" "$t_slirp" "$t_none2"
	p_none=$(podman_start none)
	p_def=$(podman_start default)
	netrow "rootless podman (--runtime runc): its default network" "podman run" "podman run --network none" \
		"$p_def" "$p_none" — —
	note "9: the difference of the medians is the eci / peer column here; each tool's start and --network none's are measured in turn ($RUNS runs each, in $TURNS blocks, A B, B A, ...), none twice, once beside each tool. eci-run starts the network tool as soon as the workload's network namespace exists, while the root is built; without -p the workload goes once the namespace has its address and default route (an rtnetlink event), with -p once the tool is fully up. At the end, pid 1 waits until the TCP sockets the workload left have delivered what they hold (at most 2 s; none here, which the namespace's /proc/net/sockstat says at once) and until the tool has read every frame of the tap (the qdisc's and the link's counters), and eci-run stops the tool then, without waiting for pid 1's exit. podman: $SLOW_RUNS runs each."
}

# --- 4: resident cost ---------------------------------------------------------------
# pss ROOT REGEX: "KIB NAME..." — the PSS (smaps_rollup) of the processes
# of ROOT's tree named REGEX
pss() {
	total=0 names=
	for p in $(tree "$1"); do
		c=$(cat "/proc/$p/comm" 2>/dev/null) || continue
		echo "$c" | grep -Eqx "$2" || continue
		k=$(awk '/^Pss:/ { print $2 }' "/proc/$p/smaps_rollup" 2>/dev/null) || continue
		total=$((total + k)) names="$names $c"
	done
	echo "$total$names"
}

# resident NAME REGEX CMD...: start CMD as ecitest, wait for its sleep, print
# pss() of its tree, kill the tree
resident() {
	rn=$1 rx=$2
	shift 2
	as ecitest "$@" >/dev/null 2>"$work/$rn.err" &
	bg=$!
	echo "$bg" >> "$work/pids"
	i=0
	until tree "$bg" | while read -r p; do cat "/proc/$p/comm" 2>/dev/null; done | grep -qx sleep; do
		i=$((i + 1))
		if [ $i -gt 100 ] || ! kill -0 "$bg" 2>/dev/null; then
			echo "n/a (no sleep after 10 s: $(why "$work/$rn.err"))"
			# shellcheck disable=SC2046
			kill -KILL $(tree "$bg") 2>/dev/null || true
			return 0
		fi
		sleep 0.1
	done
	sleep 1
	pss "$bg" "$rx"
	pids=$(tree "$bg")
	kill -TERM $pids 2>/dev/null || true
	sleep 1
	kill -KILL $pids 2>/dev/null || true
	wait "$bg" 2>/dev/null || true
}

# samples NAME REGEX CMD...: resident() three times; "KIB NAME..." with the
# median KIB, or the first "n/a (why)"
samples() {
	: > "$work/$1.kib"
	for i in 1 2 3; do
		r=$(resident "$@")
		case $r in n/a*) echo "$r"; return 0 ;; esac
		echo "${r%% *}" >> "$work/$1.kib"
	done
	echo "$(medof < "$work/$1.kib" | cut -d. -f1) ${r#* }"
}

item_4() {
	r_eci=$(samples pss-eci 'eci-.*' "$eci" --network none default /bin/sleep 600)
	r_bwrap=$(samples pss-bwrap bwrap bwrap --unshare-all --ro-bind "$work/rootfs" / \
		--proc /proc --dev /dev /bin/sleep 600)
	p_eci=${r_eci%% *} p_bwrap=${r_bwrap%% *}
	case $r_eci in n/a*) p_eci=$r_eci ;; esac
	case $r_bwrap in n/a*) p_bwrap=$r_bwrap ;; esac
	row 4 "PSS while the workload sleeps, sleep excluded" "eci-run" "bwrap --unshare-all" kib "$p_eci" "$p_bwrap" 1.0
	num "$p_eci" && num "$p_bwrap" && note "4: processes counted: eci's ${r_eci#* }, bwrap's ${r_bwrap#* } (the workload is sleep 600); PSS from /proc/PID/smaps_rollup 1 s after the sleep started, the median of 3 containers each. eci's programs are read from the disk, as the peers' are: the bench drops the page cache of the copies it stages (a fresh copy's large folios gave eci-run and eci-init 650-754 KiB from one staging to the next, read back 567-623)."
	return 0
}

# --- 5: scale ---------------------------------------------------------------
# scale_pass N OUT: start N containers with -d as ecitest-bench, one after
# the other, each left running; "START END" (seconds) of each in OUT.
scale_pass() {
	as ecitest-bench bash -c '
		for i in $(seq 1 "$1"); do
			t0=$EPOCHREALTIME
			"$2" -d --rm --network none default sleep 900 >> "$3" || exit 1
			t1=$EPOCHREALTIME
			echo "${t0/,/.} ${t1/,/.}"
		done' sh "$1" "$eci" "$work/u-ecitest-bench/ids" > "$2" 2>"$work/scale.err" ||
		{ cp "$work/u-ecitest-bench/ids" "$work/ids"; echo "scale: $(why "$work/scale.err")" >&2; return 1; }
	cp "$work/u-ecitest-bench/ids" "$work/ids"
}

# Stop every container of the last pass and wait until none is left.
scale_stop() {
	# shellcheck disable=SC2046
	as ecitest-bench "$eci" rm -f $(cat "$work/ids") >/dev/null 2>"$work/stop.err" || true
	: > "$work/ids"
	: > "$work/u-ecitest-bench/ids"
	i=0
	while [ "$(bench_left)" != 0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	left=$(bench_left)
	sleep 2		# the kernel tears the namespaces down in the background
}

# medof: the median of the numbers on stdin, one a line
medof() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) printf "%.6f\n", NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

item_5() {
	# A first pass unpacks the default image in every slot it uses: the
	# measured passes start in slots that already have it.
	scale_pass 100 "$work/scale-warm"
	scale_stop
	for p in $(seq 1 "$SCALE_PASSES"); do
		scale_pass 100 "$work/scale.$p"
		running=$(as ecitest-bench "$eci" ps | tail -n +2 | wc -l)
		scale_stop
		[ "$left" = 0 ] || { echo "$left processes left after eci-run rm -f" >&2; return 1; }
	done
	ps_left=$(as ecitest-bench "$eci" ps -a | tail -n +2 | wc -l)
	# starts A B: the start times of the A-th to B-th container of every pass
	starts() { for f in "$work"/scale.*; do sed -n "$1,$2p" "$f"; done | awk '{ printf "%.6f\n", $2 - $1 }'; }
	t1=$(starts 1 1 | medof)
	for k in 10 50 100; do
		if [ "$k" = 100 ]; then max=1.2; else max=; fi
		row 5 "start while $((k - 1)) others run (${k}th container)" "${k}th start" "1st start" ms \
			"$(starts $k $k | medof)" "$t1" $max
	done
	note "5: eci-run -d --rm --network none default sleep 900 as ecitest-bench (110 slots): $SCALE_PASSES passes of 100 starts in a row, each container left running ($running at once), each start timed until eci-run returns with the container running; the table shows the median over the passes of the N-th start. A first pass of 100 unpacked the image in each slot. Median of starts 1-10 of all passes: $(ms "$(starts 1 10 | medof)"), of starts 91-100: $(ms "$(starts 91 100 | medof)"). After eci-run rm -f of each pass: no process of the account or its ids left, $ps_left containers in eci-run ps -a at the end."
}

# --- 6: seccomp ---------------------------------------------------------------
# sc_result V: the median of variant V's runs, or why there is none
sc_result() { if grep -q n/a "$work/sc.$1"; then cat "$work/sc.$1"; else medof < "$work/sc.$1"; fi; }

# One run of each of the three in turn, SECCOMP_RUNS times: the machine's
# load drifts over a minute, and a series of one after a series of the other
# measured that drift more than the filter.  The allow-all filter (an
# architecture check and "allow") is the floor: what any filter costs.
item_6() {
	dd="dd if=/dev/zero of=/dev/null bs=1 count=2000000"
	printf '{"defaultAction": "SCMP_ACT_ALLOW"}\n' > "$work/allow-all.json"
	chmod 0644 "$work/allow-all.json"
	for v in default allow unconfined; do : > "$work/sc.$v"; done
	for i in $(seq 0 "$SECCOMP_RUNS"); do
		for v in default allow unconfined; do
			case $v in
			default) opt= ;;
			allow) opt="--security-opt seccomp=$work/allow-all.json" ;;
			unconfined) opt="--security-opt seccomp=unconfined" ;;
			esac
			a=$(date +%s%N)
			if ! as ecitest $eci --network none $opt default $dd 2>"$work/sc.err"; then
				# one failed: no row compares series of unequal length
				for f in default allow unconfined; do echo "n/a ($v: $(why "$work/sc.err"))" > "$work/sc.$f"; done
				break 2
			fi
			b=$(date +%s%N)
			# run 0 is the warm-up
			[ "$i" = 0 ] || echo "$(( (b - a) / 1000 ))" | awk '{ printf "%.6f\n", $1 / 1e6 }' >> "$work/sc.$v"
		done
	done
	t_default=$(sc_result default) t_allow=$(sc_result allow) t_unconfined=$(sc_result unconfined)
	row 6 "$dd (4 M syscalls), whole run" "default seccomp filter" "seccomp=unconfined" ms "$t_default" "$t_unconfined" 1.05
	row 6 "same, floor: any filter" "allow-all filter" "seccomp=unconfined" ms "$t_allow" "$t_unconfined"
	note "6: the whole run of eci-run default $dd is timed, the container's start (about 10 ms) included; 2 million read(2) and 2 million write(2) of one byte. $SECCOMP_RUNS runs of each after a warm-up, the three in turn (default filter, allow-all filter, unconfined), medians. The allow-all filter (a profile of defaultAction SCMP_ACT_ALLOW: an architecture check and allow) shows what having any filter costs here: the kernel's syscall entry takes its slow path for every syscall of a filtered task, whatever the filter says (read and write are in the kernel's per-filter allow cache, so the default filter's rules are not run for them)."
}

# --- 7: pasta ---------------------------------------------------------------
# A listener on the host's 127.0.0.1 counts what arrives from the first byte
# to the end; the container sends 200 MB of zeros with busybox nc.
item_7() {
	py=/usr/bin/python3
	[ -x $py ] || py=python3
	cat > "$work/sink.py" <<'EOF'
import socket, sys, time
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(1)
s.settimeout(60)
with open(sys.argv[1] + ".tmp", "w") as f:
    f.write("%d\n" % s.getsockname()[1])
import os
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
c, _ = s.accept()
c.settimeout(60)
n, t0, buf = 0, None, bytearray(1 << 20)
while True:
    k = c.recv_into(buf)
    if not k:
        break
    if t0 is None:
        t0 = time.monotonic()
    n += k
print("%d %.6f" % (n, time.monotonic() - t0))
EOF
	: > "$work/rates"
	for i in 1 2 3; do
		rm -f "$work/port"
		timeout 90 $py "$work/sink.py" "$work/port" > "$work/sink.out" 2>"$work/sink.err" &
		sp=$!
		echo "$sp" >> "$work/pids"
		j=0
		while [ ! -s "$work/port" ] && [ $j -lt 50 ]; do sleep 0.1; j=$((j + 1)); done
		port=$(cat "$work/port" 2>/dev/null) || { echo "sink: $(why "$work/sink.err")" >&2; return 1; }
		timeout 90 sh -c "$AS_ecitest $eci --network pasta default sh -c 'dd if=/dev/zero bs=65536 count=3200 2>/dev/null | nc host.eci.internal $port'" \
			>/dev/null 2>"$work/pasta.err" || { kill "$sp" 2>/dev/null; echo "eci-run: $(why "$work/pasta.err")" >&2; return 1; }
		wait "$sp" || { echo "sink: $(why "$work/sink.err")" >&2; return 1; }
		awk '$1 == 209715200 { printf "%.3f\n", $1 / $2 / 1e6 }' "$work/sink.out" >> "$work/rates"
	done
	[ "$(wc -l < "$work/rates")" = 3 ] || { echo "fewer bytes arrived than sent" >&2; return 1; }
	rate=$(sort -n "$work/rates" | sed -n 2p)
	printf '| 7 | TCP container → host 127.0.0.1 through pasta, 200 MiB | --network pasta | — | %s | — | — | report | — |\n' \
		"$(mbs "$rate")" >> "$work/rows.7"
	note "7: median of 3 transfers of 200 MiB (busybox nc to host.eci.internal), timed by the host's listener from the first byte to the end of the stream."
}

# --- the run ---------------------------------------------------------------
load=$(cut -d' ' -f1-3 /proc/loadavg)
begin=$(date +%s)
item() { # item N TITLE: item_N in a subshell; if it fails, one n/a row says why
	echo "bench: $1. $2" >&2
	: > "$work/rows.$1"
	set +e
	(set -e; "item_$1") 2>"$work/item$1.err"
	rc=$?
	set -e
	if [ $rc != 0 ]; then
		printf '| %s | %s | n/a (%s) | | | | | | |\n' "$1" "$2" "$(why "$work/item$1.err")" > "$work/rows.$1"
	fi
}
for i in 1 4 6 7 9 3 5 2 8; do
	case " $ITEMS " in *" $i "*) ;; *) continue ;; esac
	case $i in
	1) item 1 "cold start" ;;
	2) item 2 "docker run" ;;
	3) item 3 "a 200 MB image" ;;
	4) item 4 "resident cost" ;;
	5) item 5 "100 containers" ;;
	6) item 6 "seccomp" ;;
	7) item 7 "pasta throughput" ;;
	8) item 8 "the runtime alone" ;;
	9) item 9 "start with a network" ;;
	esac
done
secs=$(($(date +%s) - begin))

{
	echo "# Benchmarks"
	echo
	echo "Machine: $(nproc) cores ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)),"
	echo "$(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -sr), $(. /etc/os-release; echo "$PRETTY_NAME"),"
	echo "$(df -T /tmp | awk 'NR == 2 { print $2 }') under /tmp; load average $load at the start (the machine is shared)."
	echo "Peers: $(bwrap --version 2>/dev/null | head -n1), runc $(runc --version 2>/dev/null | sed -n 's/^runc version //p'),"
	echo "crun $(crun --version 2>/dev/null | sed -n 's/^crun version //p'), $(hyperfine --version 2>/dev/null),"
	echo "docker $(docker --version 2>/dev/null | sed -n 's/^Docker version \([^,]*\).*/\1/p'), passt $(dpkg-query -W -f='${Version}' passt 2>/dev/null),"
	echo "slirp4netns $(dpkg-query -W -f='${Version}' slirp4netns 2>/dev/null), podman $(dpkg-query -W -f='${Version}' podman 2>/dev/null)."
	case $(file -b "$stage/bin/eci-newidmap" 2>/dev/null) in
	*static-pie*|*statically*) echo "eci-newidmap: a static program on musl (musl-gcc; glibc's start-up asks the CPU for its caches)." ;;
	*) echo "eci-newidmap: built with glibc (no musl-gcc at build time)." ;;
	esac
	echo "Medians of hyperfine runs ($(date -u +%Y-%m-%d), ${secs} s in all); \`make bench\` regenerates this file."
	echo
	echo "| # | what | eci | peer | eci | peer | eci / peer | target | met |"
	echo "|---|---|---|---|---|---|---|---|---|"
	for i in 1 9 2 3 4 5 6 7 8; do cat "$work/rows.$i" 2>/dev/null || true; done
	echo
	echo "How: 1, 3, 4, 6 and 7 as ecitest, with a store and runtime directory of"
	echo "this run's own (the runtime directory a tmpfs, as a login session's"
	echo "/run/user/UID is; eci-run's state is in /run/eci/users/UID). Start times: $RUNS runs (runc and crun $((RUNS / 2))) after 5"
	echo "warm-ups; eci-run's and bwrap's $START_RUNS each, and the two warm starts of item 3, in turn, in $TURNS blocks (hyperfine, A B, B A, ..., 5 warm-ups a block; the median of all runs);"
	echo "\`docker run\` $DOCKER_RUNS, eci's and runc's in turn (tools/interleave.py); the"
	echo "slower items $SLOW_RUNS runs after 1."
	echo "bwrap and runc run the default image's files from a plain directory; runc"
	echo "with the spec of \`runc spec --rootless\` plus a network namespace, crun"
	echo "with the same bundle."
	[ -f "$work/notes" ] && sort -s -t: -k1,1n "$work/notes" | sed 's/^/\n/'
	[ -f "$work/timeline.md" ] && { echo; echo "## Where a start's time goes"; echo; cat "$work/timeline.md"; }
	echo
	echo "eci-run does more than its peers here: the subordinate map through the"
	echo "helper (with its lease), an overlay over the per-slot layer copy, the"
	echo "masked and read-only system view, a nested user namespace that locks every"
	echo "mount, and a seccomp filter."
} > "$work/BENCHMARKS.md"
cat "$work/BENCHMARKS.md"
# A run of some items only does not replace the full table.
[ "$ITEMS" != "1 2 3 4 5 6 7 8 9" ] || cp "$work/BENCHMARKS.md" "$src/BENCHMARKS.md"
