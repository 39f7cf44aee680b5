#!/bin/sh
# sysimage.sh — the system-container test image (issue 24): Debian 12
# (bookworm, minbase) with systemd, dbus and docker.io, as a `docker save`
# archive that both `docker load` and `eci-run image import` take.  Prints
# its path.  Root only (debootstrap).
#
#   sh t/images/sysimage.sh                 build if missing; print the path
#   sh t/images/sysimage.sh --inner STAGE DIR
#                                           DIR/inner.tar (eci-inner:latest,
#                                           the stage's default busybox layer,
#                                           Cmd sh) for the dockerd inside the
#                                           system container, which has no
#                                           network to pull from; DIR/probe
#                                           (the static escape probe) and
#                                           DIR/check.sh (syscheck.sh, the
#                                           tests' steps inside)
#
# The image is cached in $ECI_SYSIMAGE_CACHE (default /var/cache/eci-test,
# root's, 0755) as sys-KEY/sys.tar, KEY a hash of the suite, variant,
# architecture, package list and this recipe's version: a change of any of
# them builds a new one, nothing else does; one unused for 30 days is
# removed when another is built.  Builds run under a lock (two runs at
# once build once), in a temporary directory of the cache renamed into
# place when complete: a failed or killed build leaves no image behind.
# The only host asked is the Debian mirror apt is configured with
# (/etc/apt/sources.list*), or $ECI_SYSIMAGE_MIRROR.
#
# What the image holds beyond the packages: nothing of apt's caches, no
# device nodes (the runtime makes /dev), dockerd and containerd not
# enabled (the tests start dockerd by hand: enabled, it would start, or
# fail, at every boot of the systemd test), Cmd /sbin/init, StopSignal
# SIGRTMIN+3 (systemd's halt).
set -eu
SUITE=bookworm
VARIANT=minbase
PACKAGES="systemd systemd-sysv dbus docker.io containerd runc iptables iproute2 procps \
ca-certificates busybox"
# The host's (debootstrap's default): Debian's names are OCI's for amd64
# and arm64.
ARCH=$(dpkg --print-architecture)
# Bumped when what is done to the rootfs after debootstrap changes.
RECIPE=2
# GNU tar format: names as the bytes they are.  A pax archive carries
# non-ASCII names (ca-certificates has two) as UTF-8 header records, which
# eci-run's import, in the C locale, refuses ("Pathname can't be converted
# from UTF-8 to current locale"); no file of the image has an xattr to keep.
TAR="tar --sort=name --numeric-owner --format=gnu"

die() { echo "sysimage.sh: $*" >&2; exit 1; }

# The archive's URI apt uses for SUITE's main component: deb822 .sources
# stanzas (Types/URIs/Suites/Components) or one-line "deb URI SUITE ..."
mirror() {
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		case $f in
		*.sources)
			awk -v s="$SUITE" '
				function flush() { if (deb && suite && uri != "") { print uri; exit 0 } deb = suite = 0; uri = "" }
				/^[ \t]*$/ { flush(); next }
				/^Types:/ { for (i = 2; i <= NF; i++) if ($i == "deb") deb = 1 }
				/^URIs:/ { uri = $2 }
				/^Suites:/ { for (i = 2; i <= NF; i++) if ($i == s) suite = 1 }
				END { flush() }' "$f" ;;
		*)
			awk -v s="$SUITE" '$1 == "deb" {
				i = 2
				if ($2 ~ /^\[/) { while (i < NF && $i !~ /\]$/) i++; i++ }
				if ($(i + 1) == s) { print $i; exit 0 } }' "$f" ;;
		esac
	done | head -n 1
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

# archive OUT REPOTAG CONFIG-BODY LAYER.tar: a one-layer `docker save`
# archive; LAYER.tar is moved into it
archive() {
	aout=$1 atag=$2 abody=$3 alayer=$4
	ad=$(dirname "$alayer")/archive
	mkdir "$ad" "$ad/l1"
	printf '{"created":"2024-01-01T00:00:00Z","architecture":"%s","os":"linux","config":{%s},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$ARCH" "$abody" "$(sha "$alayer")" > "$ad/config.json"
	c=$(sha "$ad/config.json")
	mv "$ad/config.json" "$ad/$c.json"
	mv "$alayer" "$ad/l1/layer.tar"
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":["l1/layer.tar"]}]' "$c" "$atag" \
		> "$ad/manifest.json"
	$TAR --mtime=@0 --owner=0 --group=0 -C "$ad" -cf "$aout" .
	rm -rf "$ad"
}

PATHENV='"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'

inner() {
	stage=$1 out=$2
	blobs=$stage/share/eci/images/default/blobs/sha256
	[ -d "$blobs" ] || die "$blobs: no default image in the stage"
	[ -x "$stage/t/probe" ] || die "$stage/t/probe: no probe in the stage (make tests)"
	mkdir -p "$out"
	t=$(mktemp -d "$out/.inner.XXXXXX")
	# The default image's one layer is its largest blob (as t/engine/run.sh
	# takes it); a plain tar, else compressed.
	layer=$blobs/$(ls -S "$blobs" | head -n 1)
	case $(od -An -tx1 -N4 "$layer" | tr -d ' ') in
	1f8b*) gzip -dc "$layer" > "$t/layer.tar" ;;
	28b52ffd) zstd -qdc "$layer" > "$t/layer.tar" ;;
	*) cp "$layer" "$t/layer.tar" ;;
	esac || die "$layer: cannot read the default layer"
	archive "$t/inner.tar" eci-inner:latest "\"Cmd\":[\"/bin/sh\"],$PATHENV" "$t/layer.tar"
	cp "$stage/t/probe" "$t/probe"
	cp "$(dirname "$0")/syscheck.sh" "$t/check.sh"
	chmod 0644 "$t/inner.tar"
	chmod 0755 "$t" "$t/probe" "$t/check.sh"
	mv -f "$t/inner.tar" "$t/probe" "$t/check.sh" "$out/"
	rmdir "$t"
	echo "$out/inner.tar"
}

# What is done to the rootfs once debootstrap is through.
settle() {
	r=$1
	rm -rf "$r"/var/cache/apt/archives/*.deb "$r"/var/lib/apt/lists/* "$r"/var/log/*.log \
		"$r"/var/cache/debconf/*-old "$r"/etc/machine-id "$r"/var/lib/dbus/machine-id
	# systemd writes its own on first boot (an empty file: "not yet set").
	: > "$r/etc/machine-id"
	rm -f "$r"/etc/systemd/system/*.wants/docker.* "$r"/etc/systemd/system/*.wants/containerd.*
	rm -rf "${r:?}"/dev/* "${r:?}"/proc/* "${r:?}"/sys/* "${r:?}"/run/*
}

build() {
	cache=$1 key=$2 uri=$3
	t=$(mktemp -d "$cache/.build.XXXXXX")
	trap 'rm -rf "$t"' EXIT
	echo "sysimage.sh: debootstrap $VARIANT $SUITE from $uri into $t (a few minutes)" >&2
	if ! debootstrap --variant="$VARIANT" --include="$(printf %s "$PACKAGES" | tr -s ' ' ,)" \
		"$SUITE" "$t/rootfs" "$uri" > "$t/debootstrap.log" 2>&1; then
		tail -n 15 "$t/debootstrap.log" >&2
		[ -f "$t/rootfs/debootstrap/debootstrap.log" ] && tail -n 15 "$t/rootfs/debootstrap/debootstrap.log" >&2
		die "debootstrap $SUITE from $uri failed (log above)"
	fi
	settle "$t/rootfs"
	$TAR -C "$t/rootfs" -cf "$t/layer.tar" . ||
		die "tar of the rootfs failed"
	rm -rf "$t/rootfs"
	archive "$t/sys.tar" "eci-sys:$key" \
		"\"Cmd\":[\"/sbin/init\"],$PATHENV,\"StopSignal\":\"SIGRTMIN+3\"" "$t/layer.tar" ||
		die "cannot write the image archive"
	printf 'suite %s\nvariant %s\narch %s\npackages %s\nrecipe %s\nmirror %s\n' \
		"$SUITE" "$VARIANT" "$ARCH" "$PACKAGES" "$RECIPE" "$uri" > "$t/info"
	chmod 0644 "$t/sys.tar" "$t/info"
	chmod 0755 "$t"
	mv "$t" "$cache/sys-$key" || die "cannot move the image into $cache/sys-$key"
	trap - EXIT
}

if [ "${1-}" = --inner ]; then
	[ $# -eq 3 ] || die "usage: sysimage.sh --inner STAGE DIR"
	inner "$2" "$3"
	exit 0
fi
[ $# -eq 0 ] || die "usage: sysimage.sh | sysimage.sh --inner STAGE DIR"
cache=${ECI_SYSIMAGE_CACHE:-/var/cache/eci-test}
key=$(printf '%s\n' "$SUITE" "$VARIANT" "$ARCH" "$PACKAGES" "$RECIPE" | sha256sum | cut -c1-16)
img=$cache/sys-$key/sys.tar
if [ ! -f "$img" ]; then
	[ "$(id -u)" = 0 ] || die "$img missing, and building it needs root (debootstrap)"
	command -v debootstrap > /dev/null || die "debootstrap missing: apt-get install debootstrap"
	uri=${ECI_SYSIMAGE_MIRROR:-$(mirror)}
	[ -n "$uri" ] || die "no Debian mirror for $SUITE in /etc/apt/sources.list*"
	mkdir -p "$cache"
	chmod 0755 "$cache"
	[ "$(stat -c %u "$cache")" = 0 ] || die "$cache is not root's"
	exec 9> "$cache/.lock"
	flock 9 || die "cannot lock $cache/.lock"
	# Another run may have built it while this one waited.
	if [ ! -f "$img" ]; then
		find "$cache" -mindepth 2 -maxdepth 2 -name info -mtime +30 |
			while read -r old; do rm -rf "$(dirname "$old")"; done
		build "$cache" "$key" "$uri"
	fi
fi
# Used: kept 30 days more.
[ "$(id -u)" != 0 ] || touch "$(dirname "$img")/info"
echo "$img"
