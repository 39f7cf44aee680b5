#!/bin/sh
# syscheck.sh STEP [TAG] — the steps of the system-container tests (issue
# 24), run inside the container of t/images/sysimage.sh's image by both
# front ends (docker exec, eci-run exec), from /eci-sys/check.sh where the
# tests bind sysimage.sh --inner's directory.  Each step prints "KEY=VALUE"
# lines the tests assert on, and exits non-zero at the first that fails,
# after what the step's log says.
#
#   boot      systemctl is-system-running --wait (90 s at most): state=STATE;
#             the failed units when degraded
#   unit      a oneshot unit of /run/systemd/system that touches a file:
#             unit=started, touched=yes, journal=yes (journalctl has its line)
#   serve     the container's command: dockerd (overlay2) in the foreground
#   dockerd   dockerd (overlay2), started in the background unless serve
#             runs it: inner=runtime
#             when /var/lib/docker is a mount the runtime made (eci's, on
#             the store's file system), else inner=tmpfs, one made here
#             (overlayfs takes no overlayfs upper layer); storage=FSTYPE;
#             driver=overlay2 once `docker info` answers (60 s at most)
#   load      docker load of /eci-sys/inner.tar: loaded=eci-inner:latest
#   id        docker run --rm eci-inner id: the line it prints
#   publish   docker run -d -p 8080:80 of busybox httpd serving TAG, fetched
#             at 127.0.0.1:8080: served=TAG (the httpd's command line holds
#             /www-TAG, for the host to find its process)
#   escape    /eci-sys/probe escape in an inner container: its TOTAL line
#   features  what systemd and an inner runtime need, each one missing as
#             "missing=KEY why" (KEY pid1, proc, sysfs, cgroups, sdcgroup), then
#             features=done
set -u
step=$1
tag=${2-}
log=/run/eci-syscheck.log

fail() { echo "failed=$*"; [ -f "$log" ] && tail -n 20 "$log"; exit 1; }

# /var/lib/docker: the runtime's mount where it made one (eci's, on the
# store's file system), else a tmpfs made here (overlayfs takes no
# overlayfs upper layer)
storage() {
	mkdir -p /var/lib/docker
	mountpoint -q /var/lib/docker || mount -t tmpfs -o mode=0711 dind /var/lib/docker ||
		fail "mount a tmpfs on /var/lib/docker"
}

case $step in
boot)
	# Right after the start, systemd may not listen yet on its socket,
	# nor have made /run/systemd/system, without which systemctl says
	# "offline" (no systemd as pid 1).
	for _ in $(seq 1 180); do
		state=$(timeout 90 systemctl is-system-running --wait 2>&1)
		case $state in *"Failed to connect to bus"* | offline) sleep 0.5 ;; *) break ;; esac
	done
	echo "state=$state"
	[ "$state" = degraded ] && systemctl --failed --no-legend --no-pager
	case $state in running | degraded) ;; *) exit 1 ;; esac
	;;
unit)
	mkdir -p /run/systemd/system
	printf '[Service]\nType=oneshot\nExecStart=/bin/sh -c "echo eci-touch-ran; touch /run/eci-touched"\n' \
		> /run/systemd/system/eci-touch.service
	systemctl daemon-reload > "$log" 2>&1 || fail "systemctl daemon-reload"
	systemctl start eci-touch.service >> "$log" 2>&1 || fail "systemctl start eci-touch.service"
	echo unit=started
	[ -f /run/eci-touched ] || fail "no /run/eci-touched"
	echo touched=yes
	# The journal may take a moment to have the line.
	for _ in 1 2 3 4 5 6 7 8 9 10; do
		journalctl -u eci-touch.service --no-pager 2>&1 | grep -q eci-touch-ran && break
		sleep 0.5
	done
	journalctl -u eci-touch.service --no-pager > "$log" 2>&1
	grep -q eci-touch-ran "$log" || fail "journalctl lacks eci-touch-ran"
	echo journal=yes
	;;
serve)
	# dockerd as the container's command, as docker:dind runs it: the
	# processes it starts are the workload's (a runtime's mounts of proc
	# and sysfs are done for the workload's processes, not docker exec's)
	storage
	exec dockerd --storage-driver overlay2 > /run/dockerd.log 2>&1
	;;
dockerd)
	if ! docker info > /dev/null 2>&1 && ! pgrep -x dockerd > /dev/null; then
		storage
		dockerd --storage-driver overlay2 > /run/dockerd.log 2>&1 &
	fi
	if mountpoint -q /var/lib/docker && [ "$(stat -f -c %T /var/lib/docker)" != tmpfs ]; then
		echo inner=runtime
	else
		echo inner=tmpfs
	fi
	echo "storage=$(stat -f -c %T /var/lib/docker)"
	log=/run/dockerd.log
	for _ in $(seq 1 300); do
		docker info > /dev/null 2>&1 && break
		pgrep -x dockerd > /dev/null || fail "dockerd exited"
		sleep 0.2
	done
	docker info > /dev/null 2>&1 || fail "dockerd did not answer in 60 s"
	echo "driver=$(docker info -f '{{.Driver}}')"
	;;
load)
	docker load -i /eci-sys/inner.tar > "$log" 2>&1 || fail "docker load"
	sed -n 's/^Loaded image: /loaded=/p' "$log"
	;;
id)
	docker run --rm eci-inner id 2> "$log" || fail "docker run --rm eci-inner id"
	;;
publish)
	docker rm -f eci-web > /dev/null 2>&1
	docker run -d --name eci-web -p 8080:80 eci-inner sh -c \
		"mkdir /www-$tag && echo $tag > /www-$tag/index.html && exec httpd -f -p 80 -h /www-$tag" \
		> "$log" 2>&1 || fail "docker run -d -p 8080:80"
	for _ in $(seq 1 50); do
		got=$(timeout 5 busybox wget -q -O - http://127.0.0.1:8080/ 2>> "$log") && break
		sleep 0.2
	done
	echo "served=${got-}"
	;;
escape)
	docker run --rm -v /eci-sys/probe:/probe:ro eci-inner /probe escape > "$log" 2>&1 ||
		fail "docker run /probe escape"
	grep ESCAPED "$log"
	grep '^TOTAL' "$log" || fail "no TOTAL line"
	;;
features)
	# What systemd and a nested runtime need of the container, each
	# missing one as "missing=KEY why": the workload as pid 1; proc
	# mounted in a new pid namespace and sysfs in a new network namespace
	# (runc's mounts for an inner container); a cgroup of its own made in
	# every hierarchy it sees (runc's cgroup v1 manager joins them all).
	# (Run as the container's workload, not through exec.)
	[ "$$" = 1 ] ||
		echo "missing=pid1 the workload is pid $$, pid 1 is $(cat /proc/1/comm) (issue 24)"
	why=$(unshare -m -p -f --mount-proc true 2>&1) ||
		echo "missing=proc mount -t proc in a new pid namespace: ${why#unshare: }"
	why=$(unshare -m -n sh -c 'mount -t sysfs sysfs /sys' 2>&1 | head -n 1) ||
		echo "missing=sysfs mount -t sysfs in a new network namespace: ${why#mount: }"
	why=
	for d in /sys/fs/cgroup/*/; do
		[ -L "${d%/}" ] && continue
		if mkdir "${d}eci-syscheck" 2> /dev/null; then
			rmdir "${d}eci-syscheck"
		else
			why="$why $(basename "$d")"
		fi
	done
	[ -z "$why" ] || echo "missing=cgroups no cgroup can be made in:$why (not delegated)"
	# systemd's own: name=systemd on a hybrid host, else the cgroup2 root.
	sd=/sys/fs/cgroup/systemd
	[ -d "$sd" ] || sd=/sys/fs/cgroup
	if mkdir "$sd/eci-syscheck" 2> /dev/null; then
		rmdir "$sd/eci-syscheck"
	else
		echo "missing=sdcgroup no cgroup can be made in $sd, where systemd keeps its units"
	fi
	echo features=done
	;;
*)
	echo "syscheck.sh: no step $step" >&2
	exit 2
	;;
esac
