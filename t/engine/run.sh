#!/bin/sh
# run.sh STAGE — end-to-end tests of eci-runc under a real dockerd (root).
#
# Starts a private dockerd (its own --data-root, --exec-root, --pidfile and
# socket, --iptables=false --bridge=none) with STAGE/bin/eci-runc registered
# as the runtime "eci", and the test build of it (STAGE/t/eci-runc-policytest,
# reading its policy from a root-owned directory the tests write to) as
# "eci-pol", and the same given an image name in config.json as "eci-img"; imports the default image's layer as eci-default, runs
# STAGE/t/engine-tests, then the client scenarios through dockerd, ctr and
# podman (t/engine/clients.sh), then the escape catalogue, and always stops
# dockerd (and the second one the exposure test starts,
# t/engine/tcp-engine.sh).  dockerd's "eci" and its default runtime come
# from the daemon.json snippet of README.md, as written but for the path of
# eci-runc.  ECI_ENGINE_PARTS="engine clients escape" (the default) picks
# the parts to run; "sys" (opt-in) runs the system-container suite of
# t/engine/check_sys.c on the Debian image of t/images/sysimage.sh (built
# once, cached), with runc --privileged as the baseline: runc as it is, or
# with the capabilities the host's root lacks taken out
# (t/engine/runcpriv.sh, the runtime "runc-priv").
set -u
stage=$1
parts=${ECI_ENGINE_PARTS:-engine clients escape}
[ "$(id -u)" = 0 ] || { echo "SKIP engine: needs root to run dockerd"; echo "Skipped: 1"; exit 0; }
sh tools/account.sh eci-engine 64 >/dev/null || exit 1
# The regular user whose directory the file-sharing tests share.
sh tools/account.sh ecitest 4 >/dev/null || exit 1
tools=$PWD/t/engine
dir=$(mktemp -d /var/lib/eci-e2e.XXXXXX)
run=$(mktemp -d /run/eci-e2e.XXXXXX)
sock=$run/docker.sock
sys=
stop() {
	[ -n "$sys" ] && rm -rf "$sys"
	sh "$tools/tcp-engine.sh" stop "$run/tcp" "$dir/tcp"
	[ -f "$run/docker.pid" ] && kill "$(cat "$run/docker.pid")" 2>/dev/null
	for i in $(seq 1 50); do [ -f "$run/docker.pid" ] || break; sleep 0.2; done
	pkill -f "containerd-shim-runc-v2 -namespace moby -address $run" 2>/dev/null
	grep -E " ($run|$dir)" /proc/self/mountinfo | awk '{ print $5 }' | sort -r |
		xargs -r -n1 umount -l 2>/dev/null
	rm -rf "$dir" "$run"
}
trap stop EXIT
# Policy for "eci-pol": the defaults of policy.d; each test adds its file
# and removes it.  Root's and closed to others, as policy/tamper.c wants.
mkdir -m 0755 "$run/policy"
cp policy.d/*.json "$run/policy/"
chmod 0644 "$run/policy/"*.json
printf '#!/bin/sh\nexec env ECI_POLICY_DIR=%s %s/t/eci-runc-policytest "$@"\n' \
	"$run/policy" "$stage" > "$run/eci-pol"
chmod 0755 "$run/eci-pol"
# "eci-img": eci-pol told the image's identity in config.json's annotations,
# as an engine such as containerd tells it (dockerd 20.10 tells none): the
# name in $run/image-annotation, when a test wrote one.
cat > "$run/eci-img" <<EOF
#!/bin/sh
b= prev=
for a in "\$@"; do [ "\$prev" = --bundle ] && b=\$a; prev=\$a; done
if [ -n "\$b" ] && [ -s "$run/image-annotation" ]; then
	n=\$(cat "$run/image-annotation")
	sed -i "1s|^{|{\\"annotations\\":{\\"io.containerd.image.name\\":\\"\$n\\"},|" "\$b/config.json"
fi
exec "$run/eci-pol" "\$@"
EOF
chmod 0755 "$run/eci-img"
# runc --privileged, within what the host's root holds.
sh "$tools/runcpriv.sh" "$run/runc-priv" > "$run/runc-priv.caps" || exit 1
# The daemon.json snippet, /usr/local/bin/eci-runc being the stage's; the
# flags' runtimes are merged with its (dockerd allows both for "runtimes").
sh "$tools/snippet.sh" daemon.json README.md |
	sed "s|/usr/local/bin/eci-runc|$stage/bin/eci-runc|g" > "$run/daemon.json" ||
	{ echo "README.md has no daemon.json snippet"; exit 1; }
dockerd --config-file "$run/daemon.json" --data-root "$dir/data" --exec-root "$run/x" \
	--pidfile "$run/docker.pid" -H "unix://$sock" --iptables=false --bridge=none \
	--ip-forward=false --add-runtime "eci-pol=$run/eci-pol" --add-runtime "eci-img=$run/eci-img" \
	--add-runtime "runc-priv=$run/runc-priv" \
	> "$dir/dockerd.log" 2>&1 &
for i in $(seq 1 150); do
	docker -H "unix://$sock" info >/dev/null 2>&1 && break
	sleep 0.2
done
docker -H "unix://$sock" info >/dev/null 2>&1 || { echo "dockerd did not start:"; tail -5 "$dir/dockerd.log"; exit 1; }
layer=$(ls -S "$stage/share/eci/images/default/blobs/sha256/" | head -n1)
docker -H "unix://$sock" import "$stage/share/eci/images/default/blobs/sha256/$layer" eci-default >/dev/null || exit 1
rc=0
case " $parts " in *" engine "*)
	DOCKER_HOST="unix://$sock" ECI_RUNC_ROOT="$run/x/runtime-runc/moby" ECI_PREFIX="$stage" \
		ECI_ENGINE_RUN="$run" ECI_ENGINE_EXEC_ROOT="$run/x" ECI_ENGINE_POLICY="$run/policy" \
		ECI_ENGINE_TCP="sh $tools/tcp-engine.sh start $run/tcp $dir/tcp $stage $run/eci-pol" \
		ECI_ENGINE_TCP_STOP="sh $tools/tcp-engine.sh stop $run/tcp $dir/tcp" \
		"$stage/t/engine-tests" || rc=1
esac
case " $parts " in *" clients "*)
	echo "== the same scenarios through dockerd, containerd (ctr) and podman"
	sh "$tools/clients.sh" "$stage" "unix://$sock" "$run" "$dir" || rc=1
esac
case " $parts " in *" escape "*)
	echo "== escape catalogue (t/escape), four configurations"
	sh t/escape/run.sh "$stage" "unix://$sock" "$run" || rc=1
esac
case " $parts " in *" sys "*)
	echo "== system containers: systemd and Docker-in-Docker, --privileged (issue 24)"
	# Bound into the containers, which must reach it: not under $run (0700).
	sys=$(mktemp -d /tmp/eci-sys.XXXXXX)
	chmod 0755 "$sys"
	if img=$(sh t/images/sysimage.sh) && sh t/images/sysimage.sh --inner "$stage" "$sys" >/dev/null &&
		name=$(docker -H "unix://$sock" load -i "$img" | sed -n 's/^Loaded image: //p') &&
		[ -n "$name" ]; then
		baseline=runc
		[ -s "$run/runc-priv.caps" ] && baseline=runc-priv &&
			echo "runc --privileged without $(tr '\n' ' ' < "$run/runc-priv.caps")(the host's root lacks them)"
		DOCKER_HOST="unix://$sock" ECI_PREFIX="$stage" ECI_SYS_IMAGE="$name" ECI_SYS_DIR="$sys" \
			ECI_SYS_RUNC="$baseline" "$stage/t/engine-tests" || rc=1
		# What a failed test left, before the dockerd inside meets stop().
		docker -H "unix://$sock" ps -aq --filter label=eci-sys-test |
			xargs -r docker -H "unix://$sock" rm -f > /dev/null
	else
		echo "FAILED: the system image or the inner one (t/images/sysimage.sh), or docker load"
		rc=1
	fi
esac
exit $rc
