#!/bin/sh
# tcp-engine.sh start RUN DATA STAGE POLWRAPPER | stop RUN DATA
#
# A second private dockerd for the exposure test of check_engine.c: its own
# exec root RUN/x, data root DATA, socket RUN/docker.sock, and the API also
# on tcp://127.0.0.1:PORT (a free port) without TLS — with --tls=false
# spelled out, as dockerd's own warning tells administrators to do (it also
# spares the 15 s dockerd waits otherwise).  Runtimes: "eci" (STAGE's
# eci-runc) and "eci-pol" (POLWRAPPER, the policy test build).  start prints
# the two addresses, unix:// first, once the image is imported; stop ends
# that dockerd and what it started, and removes RUN and DATA.
set -u
cmd=$1 run=$2 data=$3

stop() {
	if [ -f "$run/docker.pid" ]; then
		kill "$(cat "$run/docker.pid")" 2>/dev/null
		for i in $(seq 1 50); do [ -f "$run/docker.pid" ] || break; sleep 0.2; done
	fi
	# Shims left by this dockerd (it normally ends them): by pid.
	for p in $(pgrep -f -- "-address $run/x/containerd/containerd.sock"); do
		kill "$p" 2>/dev/null
	done
	grep -E " ($run|$data)[/ ]" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$run" "$data"
}

# A TCP port nobody listens on (or talks from), starting somewhere of our own.
free_port() {
	p=$((20000 + $$ % 20000))
	for i in $(seq 1 200); do
		hex=$(printf ':%04X ' "$p")
		grep -qi "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$p"; return 0; }
		p=$((p + 1))
	done
	return 1
}

case $cmd in
start)
	stage=$4 pol=$5
	stop
	mkdir -p -m 0700 "$run" "$data" || exit 1
	port=$(free_port) || { echo "tcp-engine: no free port" >&2; exit 1; }
	dockerd --data-root "$data/data" --exec-root "$run/x" --pidfile "$run/docker.pid" \
		-H "unix://$run/docker.sock" -H "tcp://127.0.0.1:$port" --tls=false \
		--iptables=false --bridge=none --ip-forward=false \
		--add-runtime "eci=$stage/bin/eci-runc" --add-runtime "eci-pol=$pol" \
		> "$data/dockerd.log" 2>&1 &
	pid=$!
	for i in $(seq 1 150); do
		docker -H "unix://$run/docker.sock" info >/dev/null 2>&1 && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.2
	done
	if ! docker -H "unix://$run/docker.sock" info >/dev/null 2>&1; then
		echo "tcp-engine: dockerd did not start:" >&2
		tail -5 "$data/dockerd.log" >&2
		exit 1
	fi
	layer=$(ls -S "$stage/share/eci/images/default/blobs/sha256/" | head -n1)
	docker -H "unix://$run/docker.sock" import \
		"$stage/share/eci/images/default/blobs/sha256/$layer" eci-default >/dev/null || exit 1
	echo "unix://$run/docker.sock"
	echo "tcp://127.0.0.1:$port"
	;;
stop)
	stop
	;;
*)
	echo "usage: tcp-engine.sh start RUN DATA STAGE POLWRAPPER | stop RUN DATA" >&2
	exit 2
	;;
esac
