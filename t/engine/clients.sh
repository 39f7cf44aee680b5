#!/bin/sh
# clients.sh STAGE DOCKER_HOST RUN DIR — the client scenarios
# (STAGE/t/clients-tests, t/engine/check_clients.c) through three engines,
# each configured with its snippet of README.md as written, the stage's
# eci-runc standing where the snippet says /usr/local/bin/eci-runc (the one
# change made to it):
#
#  - dockerd: run.sh's, started with the daemon.json snippet (DOCKER_HOST);
#  - containerd: a private one (its own --root under DIR, --state and
#    socket under RUN, never the system's), config.toml = "version = 2" and
#    the config.toml snippet; driven by ctr with the runtime type and the
#    BinaryName that containerd says it read (its CRI plugin's log line);
#    ctr run --cni uses a network of this run's own (a bridge and a subnet
#    of its own, 10.200-249.x, beside the engine tests' docker networks in
#    10.100-199.x; IPAM state under RUN), seen by ctr alone: ctr reads
#    /etc/cni/net.d and /opt/cni/bin, which it is shown in a mount
#    namespace of its own;
#  - podman: as root with its own --root, --runroot, --tmpdir and network
#    directory, CONTAINERS_CONF a file of this run's: two settings of the
#    harness's (below) and the containers.conf snippet.
#
# The default image's OCI layout (STAGE/share/eci/images/default) is
# imported into containerd and loaded into podman as eci-default.  RUN and
# DIR are run.sh's (it unmounts what is left under them and removes them);
# containerd, its shims and podman's containers are stopped here, always.
# ECI_CLIENTS_EXEC="COMMAND" runs COMMAND in the tests' stead, in their
# environment (to look at the engines by hand).
set -u
stage=$1 host=$2 run=$3 dir=$4
tools=$PWD/t/engine
c=$run/ctrd p=$run/podman sn=$run/snippets
mkdir -p "$c" "$p" "$sn" "$run/clients"
tag=$$
bridge=ecit$((tag % 100000))

stop() {
	# what a failed scenario left in dockerd: its bridge would outlive dockerd
	ids=$(docker -H "$host" ps -aq --filter name=eci-t- 2>/dev/null)
	[ -n "$ids" ] && docker -H "$host" rm -f $ids >/dev/null 2>&1
	ids=$(docker -H "$host" network ls -q --filter name=eci-t- 2>/dev/null)
	[ -n "$ids" ] && docker -H "$host" network rm $ids >/dev/null 2>&1
	if [ -x "$p/podman" ]; then
		timeout 60 "$p/podman" pod rm -a -f -t 0 >/dev/null 2>&1
		timeout 60 "$p/podman" rm -a -f -t 0 >/dev/null 2>&1
		timeout 60 "$p/podman" system reset -f >/dev/null 2>&1
	fi
	if [ -f "$c/pid" ]; then
		kill "$(cat "$c/pid")" 2>/dev/null
		for i in $(seq 1 50); do kill -0 "$(cat "$c/pid")" 2>/dev/null || break; sleep 0.2; done
		rm -f "$c/pid"
	fi
	# this containerd's shims, known by its socket
	pkill -f "containerd-shim-runc-v2 -namespace eci -address $c/containerd.sock" 2>/dev/null
	ip link del "$bridge" 2>/dev/null
	true
}
trap stop EXIT

# The snippets, from the README (used) and from eci-runc(8) (compared by
# the tests).
for s in daemon.json config.toml containers.conf; do
	sh "$tools/snippet.sh" "$s" README.md > "$sn/readme.$s" || echo "clients: README.md has no snippet $s"
	sh "$tools/snippet.sh" "$s" doc/eci-runc.8 > "$sn/man.$s" || echo "clients: eci-runc(8) has no snippet $s"
done
use() { sed "s|/usr/local/bin/eci-runc|$stage/bin/eci-runc|g" "$sn/readme.$1"; }

layer=$(ls -S "$stage/share/eci/images/default/blobs/sha256/" | head -n1)
tar -C "$stage/share/eci/images/default" -cf "$dir/default.tar" .

# --- containerd ---------------------------------------------------------
{ echo "version = 2"; use config.toml; } > "$c/config.toml"
containerd --config "$c/config.toml" --root "$dir/containerd" --state "$c/state" \
	--address "$c/containerd.sock" > "$dir/containerd.log" 2>&1 &
echo $! > "$c/pid"
mkdir -p "$c/net.d" "$c/fifo" "$c/ipam"
cat > "$c/net.d/10-eci-t.conflist" <<EOF
{
  "cniVersion": "1.0.0",
  "name": "eci-t-$tag",
  "plugins": [
    { "type": "bridge", "bridge": "$bridge", "isGateway": true, "ipMasq": false,
      "ipam": { "type": "host-local", "dataDir": "$c/ipam",
                "ranges": [[{ "subnet": "10.$((200 + tag % 50)).$((tag / 50 % 250)).0/24" }]] } }
  ]
}
EOF
# ctr in a mount namespace of its own, where /etc/cni/net.d is this run's
# and /opt/cni/bin Debian's plugins (/usr/lib/cni).
cat > "$c/ctr" <<EOF
#!/bin/sh
exec unshare -m sh -c 'mount --bind "\$0/net.d" /etc/cni/net.d && mount -t tmpfs -o mode=0755 eci-t /opt &&
	mkdir -p /opt/cni && ln -s /usr/lib/cni /opt/cni/bin && exec ctr -a "\$0/containerd.sock" -n eci "\$@"' "$c" "\$@"
EOF
chmod 0755 "$c/ctr"
for i in $(seq 1 100); do ctr -a "$c/containerd.sock" version >/dev/null 2>&1 && break; sleep 0.2; done
ctr_eci=
if ctr -a "$c/containerd.sock" version >/dev/null 2>&1 &&
	ctr -a "$c/containerd.sock" -n eci images import --base-name docker.io/library/eci-default \
		"$dir/default.tar" >/dev/null; then
	# What containerd read for the runtime eci: "Runtimes:map[eci:{Type:T ...
	# Options:map[BinaryName:B] ...} runc:{...}]" in its CRI plugin's log line.
	line=$(grep -o 'Runtimes:map\[eci:{[^}]*}' "$dir/containerd.log" | head -n1)
	type=$(echo "$line" | sed -n 's/.*eci:{Type:\([^ ]*\) .*/\1/p')
	bin=$(echo "$line" | sed -n 's/.*BinaryName:\([^] ]*\).*/\1/p')
	if [ -n "$type" ] && [ -n "$bin" ]; then
		ctr_eci="--runtime $type --runc-binary $bin --runc-root $c/eci-root"
	else
		echo "clients: containerd did not say it read the runtime eci:"
		grep -E 'level=(error|warning)|cri plugin' "$dir/containerd.log" | tail -n 5
	fi
else
	echo "clients: containerd did not start or import the image:"; tail -n 5 "$dir/containerd.log"
fi

# --- podman -------------------------------------------------------------
# The harness's settings, before the snippet: netavark for the default
# network, whichever backend a host had before; and the open files and
# processes containers get by default.  podman as root asks for 1048576 and
# more of each, beyond its own hard limits: only CAP_SYS_RESOURCE may give
# that, which machines such as CI's (a container themselves) withhold, from
# runc and eci-runc alike.
{
	printf '[containers]\ndefault_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n'
	printf '[network]\nnetwork_backend = "netavark"\n'
	use containers.conf
} > "$p/containers.conf"
cat > "$p/podman" <<EOF
#!/bin/sh
exec env CONTAINERS_CONF="$p/containers.conf" podman --root "$dir/podman" --runroot "$p/run" \
	--tmpdir "$p/tmp" --network-config-dir "$p/net" --cgroup-manager cgroupfs \
	--events-backend file --storage-driver overlay "\$@"
EOF
chmod 0755 "$p/podman"
podman_ok=
if timeout 120 "$p/podman" load -i "$dir/default.tar" >/dev/null 2>&1 &&
	timeout 60 "$p/podman" tag localhost/latest:latest eci-default &&
	timeout 60 "$p/podman" rmi localhost/latest:latest >/dev/null; then
	podman_ok=1
else
	echo "clients: podman could not load the image:"
	timeout 60 "$p/podman" load -i "$dir/default.tar" 2>&1 | tail -n 3
fi

# Each scenario under eci-runc, and under plain runc, which must pass the
# same assertions (ECI_CLIENTS_RUNC=0: eci-runc alone).
ECI_CLIENTS_RUNC=${ECI_CLIENTS_RUNC:-1}
ECI_PREFIX=$stage ECI_SNIPPETS=$sn ECI_CLIENTS_TMP=$run/clients
ECI_LAYER=$stage/share/eci/images/default/blobs/sha256/$layer
ECI_CLIENT_DOCKER="docker -H $host" ECI_DOCKER_ROOT=$run/x/runtime-runc/moby
ECI_CLIENT_CTR=${ctr_eci:+$c/ctr} ECI_CTR_ECI=$ctr_eci ECI_CTR_FIFO=$c/fifo
ECI_CTR_RUNC="--runtime io.containerd.runc.v2 --runc-root $c/runc-root"
# (the shim gives the runtime --root ROOT/NAMESPACE)
ECI_CTR_ECI_ROOT=$c/eci-root/eci ECI_CTR_RUNC_ROOT=$c/runc-root/eci
ECI_CLIENT_PODMAN=${podman_ok:+$p/podman} ECI_PODMAN_ROOT=/run/eci-runc
export ECI_CLIENTS_RUNC ECI_PREFIX ECI_SNIPPETS ECI_CLIENTS_TMP ECI_LAYER ECI_CLIENT_DOCKER \
	ECI_DOCKER_ROOT ECI_CLIENT_CTR ECI_CTR_ECI ECI_CTR_FIFO ECI_CTR_RUNC ECI_CTR_ECI_ROOT \
	ECI_CTR_RUNC_ROOT ECI_CLIENT_PODMAN ECI_PODMAN_ROOT
rc=0
${ECI_CLIENTS_EXEC:-"$stage/t/clients-tests"} || rc=1
[ -n "${ECI_CLIENTS_EXEC:-}" ] && exit $rc
echo "== escape catalogue (t/escape), the engine rows through ctr and podman"
sh t/escape/clients.sh "$stage" || rc=1
exit $rc
