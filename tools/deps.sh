#!/bin/sh
# deps.sh — install the Debian packages eci needs to build and test, when
# they are missing.  As root it runs apt-get; otherwise it prints the command.
set -eu
pkgs="gcc make pkg-config libc6-dev libmnl-dev libcap-dev uuid-dev check libjansson-dev
libarchive-dev libseccomp-dev libssl-dev busybox-static libcap2-bin passwd util-linux
skopeo docker-registry
procps iproute2 file passt slirp4netns docker.io containerd runc clang libclang-rt-14-dev
cppcheck musl-tools podman netavark aardvark-dns catatonit containernetworking-plugins iptables
debootstrap"
# podman (4.3), the engine tests' third client: netavark (and aardvark-dns)
# for its default bridge network and -p, catatonit for a pod's infra
# container; containernetworking-plugins (bridge, host-local in
# /usr/lib/cni) for ctr run --cni; iptables for netavark's -p.
# debootstrap builds the system-container tests' Debian image
# (t/images/sysimage.sh).
# pasta and slirp4netns open /dev/net/tun as the user: Debian's udev rules
# make it 0666, which machines without udev (containers, CI VMs) may lack.
if [ "$(id -u)" = 0 ] && [ -c /dev/net/tun ] && [ "$(stat -c %a /dev/net/tun)" != 666 ]; then
	chmod 0666 /dev/net/tun
fi
missing=
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "eci needs these Debian packages:$missing" >&2
	echo "run as root: apt-get install$missing" >&2
	exit 1
fi
echo "installing:$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
# The tests start docker-registry as a private process of their own; the
# package's system service (a registry on every address, port 5000) is
# not wanted.
case " $missing " in
*" docker-registry "*)
	if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
		systemctl disable --now docker-registry >/dev/null 2>&1 || true
	fi ;;
esac
