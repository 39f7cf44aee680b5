#!/bin/sh
# sys.sh STAGE ACCOUNT — the namespace suite "sys" (t/ns/check_sys.c:
# systemd and Docker-in-Docker in eci-run --privileged, issue 24) as
# ACCOUNT, an unprivileged account with subordinate ranges, in cgroups
# delegated to it.  Root only: it
# builds the system image first (t/images/sysimage.sh, cached in
# /var/cache/eci-test) and the inner image, probe and steps into a
# directory the account can read, removed afterwards, as the image is from
# the account's store (the suite imports it).  ECI_SYS_FORCE=1 runs
# the tests a missing feature would skip.
set -u
stage=$1 account=$2
[ "$(id -u)" = 0 ] || { echo "SKIP sys: needs root to build the system image"; echo "Skipped: 1"; exit 0; }
img=$(sh t/images/sysimage.sh) || exit 1
dir=$(mktemp -d /tmp/eci-sys.XXXXXX)
trap 'rm -rf "$dir"' EXIT
chmod 0755 "$dir"
sh t/images/sysimage.sh --inner "$stage" "$dir" > /dev/null || exit 1
src=$PWD
cd /
# In cgroups delegated to the account, every hierarchy, as an
# administrator gives them (t/cgdeleg.sh --all): eci-run --privileged
# gives the container's to its root, for systemd and the inner engine.
# A failed test leaves its container (and the dockerd in it) behind: it
# goes before the cgroups do.
# shellcheck disable=SC2016
sh "$src/t/cgdeleg.sh" --all "$account" runuser -u "$account" -- env -u XDG_RUNTIME_DIR \
	ECI_PREFIX="$stage" ECI_NS_SYS=1 \
	ECI_SYS_IMAGE="$img" ECI_SYS_DIR="$dir" ${ECI_SYS_FORCE:+ECI_SYS_FORCE=1} \
	sh -c '"$1/t/ns-tests"; rc=$?
		"$1/bin/eci-run" rm -f sys-sd sys-dd sys-dind > /dev/null 2>&1
		"$1/bin/eci-run" image rm eci-sys > /dev/null 2>&1
		exit $rc' sh "$stage"
