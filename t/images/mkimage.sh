#!/bin/sh
# mkimage.sh OUT TAG — the images t/ns/check_images.c runs, built into OUT
# from busybox-static with tar, gzip, zstd (if present), sha256sum, stat,
# sed and printf only (no python3, no jq on CI).  TAG goes into the names of
# the canaries the malicious images aim at, so that runs never meet.
#
#   oci/             OCI layout, 3 layers, tagged v1 (org.opencontainers.
#                    image.ref.name): 1 busybox, /etc/passwd with app
#                    (1234:2345); 2 (gzip) files of 1234:2345, a setuid-root
#                    file, /data/{a,b}, /gone; 3 (zstd if there is zstd,
#                    else plain tar) .wh.gone, data/.wh..wh..opq, data/c;
#                    config: Entrypoint, Cmd, Env, WorkingDir /work, User app
#   oci.tar          the same layout as an oci-archive
#   docker.tar       the same image as `docker save` writes it (uncompressed
#                    layers, RepoTags testimg:v1)
#   docker-bad.tar   docker.tar with layer 3 swapped for another tar: it no
#                    longer hashes to its diff_id
#   base/            layer 1 alone, Cmd /bin/sh
#   badstop/         base/ with a StopSignal that is no signal (SIGBOGUS)
#   poison/          a layer other than layer 1 whose config claims layer
#                    1's diff_id (and holds /poisoned)
#   evil-*/          layer 1 and one hostile layer each (see below)
#   evil-archive.tar an oci-archive of base/ with hostile entries beside it
#   rootfs/          a plain root file system: bin/busybox, bin/sh, etc/f
#   keepid/          layer 1 and a layer of the running user's uid and gid
#                    (/setid, mode 6755, and /tag) with root's /rootsuid (4755)
#   stack/           layer 1 and five more, more than a machine has CPUs to
#                    unpack them at once: /stack/N in layer N, each whiting
#                    out the one before (.wh.N-1); /opq/{a,b} in 2 made
#                    opaque in 3 (/opq/c); /keep/x in 2, /keep/y in 4, x
#                    whited out in 5; /big (16 MB) in 4; /tags/N (TAG); layer
#                    3 gzip, 5 zstd (if there is zstd), the others plain tar
#   stackbad/        stack/ with the config's diff_id of layer 3 wrong (its
#                    gzip blob's digest)
#   NAME.info        "key HEX" lines: manifest, config, layerN, diffN, ...
#
# mkimage.sh --big OUT MB — OUT/big/: layer 1 and a plain tar layer holding
# MB megabytes of /dev/urandom (to be killed while it is imported).
set -eu
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkimage.sh: $busybox missing: apt-get install busybox-static" >&2; exit 1; }
umask 022
TAR="tar --sort=name --mtime=@0 --numeric-owner --format=gnu"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

sha() { sha256sum "$1" | cut -d' ' -f1; }

# diffid LAYER: the sha256 of the uncompressed tar
diffid() {
	case $1 in
	*.gz) gzip -dc "$1" ;;
	*.zst) zstd -qdc "$1" ;;
	*) cat "$1" ;;
	esac | sha256sum | cut -d' ' -f1
}

mediatype() {
	case $1 in
	*.gz) echo application/vnd.oci.image.layer.v1.tar+gzip ;;
	*.zst) echo application/vnd.oci.image.layer.v1.tar+zstd ;;
	*) echo application/vnd.oci.image.layer.v1.tar ;;
	esac
}

# config CONFIG-BODY DIFFID... : the image config JSON on stdout
config() {
	cbody=$1 cids='' csep=''
	shift
	for cd in "$@"; do
		cids="$cids$csep\"sha256:$cd\""
		csep=,
	done
	printf '{"created":"2024-01-01T00:00:00Z","architecture":"amd64","os":"linux","config":{%s},"rootfs":{"type":"layers","diff_ids":[%s]}}' \
		"$cbody" "$cids"
}

# put DIR FILE: copy FILE into the layout DIR's blobs; $d its digest, $s its size
put() {
	d=$(sha "$2")
	s=$(stat -c %s "$2")
	mkdir -p "$1/blobs/sha256"
	cp "$2" "$1/blobs/sha256/$d"
}

# layout DIR REFNAME CONFIG-BODY LAYER... : an OCI layout, DIR.info beside it.
# The config's diff_ids are the layers' own unless $DIFF_IDS names others.
layout() {
	dir=$1 ref=$2 body=$3
	shift 3
	rm -rf "$dir"
	mkdir -p "$dir/blobs/sha256"
	: > "$dir.info"
	ids='' descs='' sep='' n=0
	for l in "$@"; do
		n=$((n + 1))
		put "$dir" "$l"
		descs="$descs$sep{\"mediaType\":\"$(mediatype "$l")\",\"digest\":\"sha256:$d\",\"size\":$s}"
		sep=,
		ids="$ids $(diffid "$l")"
		echo "layer$n $d" >> "$dir.info"
		echo "diff$n $(diffid "$l")" >> "$dir.info"
	done
	# shellcheck disable=SC2086
	config "$body" ${DIFF_IDS:-$ids} > "$tmp/config.json"
	put "$dir" "$tmp/config.json"
	echo "config $d" >> "$dir.info"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[%s]}' \
		"$d" "$s" "$descs" > "$tmp/manifest.json"
	put "$dir" "$tmp/manifest.json"
	echo "manifest $d" >> "$dir.info"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
		"$d" "$s" "$ref" > "$dir/index.json"
	printf '{"imageLayoutVersion":"1.0.0"}' > "$dir/oci-layout"
}

# Layer 1: busybox with its applets, /etc with root and app.
layer1() {
	root=$tmp/l1
	mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
		"$root/root" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/home"
	chmod 0700 "$root/root"
	chmod 1777 "$root/tmp"
	cp "$busybox" "$root/bin/busybox"
	chmod 0755 "$root/bin/busybox"
	"$busybox" --list-full | while read -r applet; do
		[ "$applet" = bin/busybox ] || ln -sf /bin/busybox "$root/$applet"
	done
	printf 'root:x:0:0:root:/root:/bin/sh\napp:x:1234:2345:app:/home/app:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		> "$root/etc/passwd"
	printf 'root:x:0:\napp:x:2345:\nnogroup:x:65534:\n' > "$root/etc/group"
	echo one > "$root/etc/motd"
	$TAR --owner=0 --group=0 -C "$root" -cf "$tmp/l1.tar" .
}

# Layer 2 (gzip): root's files, app's files, a setuid-root file.
layer2() {
	a=$tmp/l2a b=$tmp/l2b
	mkdir -p "$a/data" "$a/opt" "$b/home/app" "$b/work"
	echo a > "$a/data/a"
	echo b > "$a/data/b"
	echo gone > "$a/gone"
	echo two > "$a/etc-motd"
	echo suid > "$a/opt/suid"
	chmod 4755 "$a/opt/suid"
	echo mine > "$b/home/app/owned"
	chmod 0640 "$b/home/app/owned"
	chmod 0750 "$b/home/app"
	echo work > "$b/work/file"
	$TAR --owner=0 --group=0 --transform 's,^\./etc-motd$,./etc/motd,' -C "$a" -cf "$tmp/l2.tar" .
	$TAR --owner=1234 --group=2345 --no-recursion -C "$b" -rf "$tmp/l2.tar" \
		./home/app ./home/app/owned ./work ./work/file
	gzip -n9 < "$tmp/l2.tar" > "$tmp/l2.tar.gz"
}

# Layer 3: a whiteout, an opaque directory and what replaces it.
layer3() {
	root=$tmp/l3
	mkdir -p "$root/data"
	: > "$root/.wh.gone"
	: > "$root/data/.wh..wh..opq"
	echo c > "$root/data/c"
	$TAR --owner=0 --group=0 -C "$root" -cf "$tmp/l3.tar" .
	l3=$tmp/l3.tar
	if command -v zstd >/dev/null 2>&1; then
		zstd -q < "$tmp/l3.tar" > "$tmp/l3.tar.zst"
		l3=$tmp/l3.tar.zst
	fi
}

CONFIG='"Entrypoint":["/bin/sh","-c"],"Cmd":["echo cmd-ran; id -u"],"Env":["FOO=from-image","PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"WorkingDir":"/work","User":"app"'
SH='"Cmd":["/bin/sh"],"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]'

# docker_archive FILE REPOTAG CONFIG LAYER.tar...: a `docker save` archive
docker_archive() {
	dout=$1 dtag=$2 cfg=$3
	shift 3
	dd=$tmp/docker
	rm -rf "$dd"
	mkdir -p "$dd"
	c=$(sha "$cfg")
	cp "$cfg" "$dd/$c.json"
	list='' sep='' n=0
	for l in "$@"; do
		n=$((n + 1))
		mkdir "$dd/l$n"
		cp "$l" "$dd/l$n/layer.tar"
		list="$list$sep\"l$n/layer.tar\""
		sep=,
	done
	printf '[{"Config":"%s.json","RepoTags":["%s"],"Layers":[%s]}]' "$c" "$dtag" "$list" \
		> "$dd/manifest.json"
	$TAR --owner=0 --group=0 -C "$dd" -cf "$dout" .
}

# evil NAME SETUP TAR-ARGS...: layer 1 and a layer that tar (with TAR-ARGS,
# run in a directory that SETUP, a shell command, fills) writes
evil() {
	name=$1 setup=$2
	shift 2
	rm -rf "$tmp/evil"
	mkdir "$tmp/evil"
	(cd "$tmp/evil" && echo ok > ok && eval "$setup")
	(cd "$tmp/evil" && tar --mtime=@0 --numeric-owner --owner=0 --group=0 --format=gnu \
		-P -cf "$tmp/$name.tar" "$@")
	layout "$out/$name" latest "$SH" "$tmp/l1.tar" "$tmp/$name.tar"
}

big() {
	out=$1
	mkdir -p "$out"
	layer1
	mkdir "$tmp/big"
	head -c "$(($2 * 1000000))" /dev/urandom > "$tmp/big/random"
	$TAR --owner=0 --group=0 -C "$tmp/big" -cf "$tmp/big.tar" .
	rm -f "$tmp/big/random"
	layout "$out/big" latest "$SH" "$tmp/l1.tar" "$tmp/big.tar"
}

[ $# -ge 2 ] || { echo "usage: mkimage.sh OUT TAG | mkimage.sh --big OUT MB" >&2; exit 2; }
if [ "$1" = --big ]; then
	big "$2" "$3"
	exit 0
fi
out=$1 tag=$2
mkdir -p "$out"
layer1
layer2
layer3

layout "$out/oci" v1 "$CONFIG" "$tmp/l1.tar" "$tmp/l2.tar.gz" "$l3"
$TAR --owner=0 --group=0 -C "$out/oci" -cf "$out/oci.tar" index.json oci-layout blobs

config "$CONFIG" "$(sha "$tmp/l1.tar")" "$(sha "$tmp/l2.tar")" "$(sha "$tmp/l3.tar")" \
	> "$tmp/docker-config.json"
[ "$(sha "$tmp/docker-config.json")" = "$(sed -n 's/^config //p' "$out/oci.info")" ] ||
	{ echo "mkimage.sh: docker config differs from the layout's" >&2; exit 1; }
docker_archive "$out/docker.tar" testimg:v1 "$tmp/docker-config.json" "$tmp/l1.tar" "$tmp/l2.tar" "$tmp/l3.tar"
mkdir -p "$tmp/l3bad"
echo X > "$tmp/l3bad/c"
$TAR --owner=0 --group=0 -C "$tmp/l3bad" -cf "$tmp/l3bad.tar" .
docker_archive "$out/docker-bad.tar" testimg:bad "$tmp/docker-config.json" "$tmp/l1.tar" "$tmp/l2.tar" \
	"$tmp/l3bad.tar"
echo "badlayer $(sha "$tmp/l3bad.tar")" > "$out/docker-bad.info"

layout "$out/base" latest "$SH" "$tmp/l1.tar"
layout "$out/badstop" latest "$SH,\"StopSignal\":\"SIGBOGUS\"" "$tmp/l1.tar"

# keepid: layer 1 and a layer of the running user's own uid and gid (those
# --userns keep-id keeps): a set-uid and set-gid file, and a root-owned
# set-uid one; TAG makes its diff_id new to every run's store.
mkdir "$tmp/kid"
echo "$tag" > "$tmp/kid/tag"
echo mine > "$tmp/kid/setid"
chmod 6755 "$tmp/kid/setid"
$TAR --owner="$(id -u)" --group="$(id -g)" -C "$tmp/kid" -cf "$tmp/kid.tar" .
mkdir "$tmp/kidroot"
echo root > "$tmp/kidroot/rootsuid"
chmod 4755 "$tmp/kidroot/rootsuid"
$TAR --owner=0 --group=0 -C "$tmp/kidroot" -rf "$tmp/kid.tar" ./rootsuid
layout "$out/keepid" latest "$SH" "$tmp/l1.tar" "$tmp/kid.tar"

# poison: layer 1 plus /poisoned, its config naming layer 1's diff_id
mkdir "$tmp/poison"
cp -R "$tmp/l1/." "$tmp/poison/"
echo poisoned > "$tmp/poison/poisoned"
$TAR --owner=0 --group=0 -C "$tmp/poison" -cf "$tmp/poison.tar" .
DIFF_IDS=$(sha "$tmp/l1.tar")
layout "$out/poison" latest "$SH" "$tmp/poison.tar"
unset DIFF_IDS

# Hostile layers: each also holds ./ok, which must arrive.
evil evil-abs "echo x > canary" --transform "s,^\./canary\$,/tmp/eci-canary-abs-$tag," \
	./ok ./canary
evil evil-dotdot "echo x > canary && echo x > deep" \
	--transform "s,^\./canary\$,../../eci-canary-dotdot-$tag," \
	--transform "s,^\./deep\$,../../../../../../../../../../../../../../tmp/eci-canary-deep-$tag," \
	./ok ./canary ./deep
evil evil-symlink "ln -s /tmp link && ln -s ../../../../../../../../../../../../../../tmp up && \
	echo x > c1 && echo x > c2 && mkdir d" \
	--transform "s,^\./c1\$,link/eci-canary-sym-$tag," \
	--transform "s,^\./c2\$,up/eci-canary-up-$tag," \
	--transform "s,^\./d\$,link/eci-canary-dir-$tag," \
	--no-recursion ./link ./up ./ok ./c1 ./c2 ./d
evil evil-hardlink "echo x > t1 && ln t1 h1 && echo x > t2 && ln t2 h2 && \
	echo x > t3 && ln t3 h3 && ln -s /tmp lnk && echo x > t4 && ln t4 h4 && ln ok inlayer" \
	--transform "s,^\./t1\$,/etc/passwd,RSh" \
	--transform "s,^\./t2\$,../../../../../../../../../../../../../../etc/passwd,RSh" \
	--transform "s,^\./t3\$,/tmp/eci-hltarget-$tag,RSh" \
	--transform "s,^\./t4\$,lnk/eci-hltarget-$tag,RSh" \
	./t1 ./h1 ./t2 ./h2 ./t3 ./h3 ./lnk ./t4 ./h4 ./ok ./inlayer
evil evil-device "mkdir evil" \
	--transform "s,^/dev/null\$,evil/null," --transform "s,^/dev/zero\$,evil/zero," \
	./ok ./evil /dev/null /dev/zero

# stack: layer N (2..6) made by tar from $tmp/stackN
stack() {
	for n in 2 3 4 5 6; do
		d=$tmp/stack$n
		mkdir -p "$d/stack" "$d/tags"
		echo "$n" > "$d/stack/$n"
		echo "$tag" > "$d/tags/$n"	# new layers in every run
		[ "$n" = 2 ] || : > "$d/stack/.wh.$((n - 1))"
	done
	mkdir -p "$tmp/stack2/opq" "$tmp/stack2/keep" "$tmp/stack3/opq" "$tmp/stack4/keep" \
		"$tmp/stack5/keep"
	echo a > "$tmp/stack2/opq/a"
	echo b > "$tmp/stack2/opq/b"
	echo x > "$tmp/stack2/keep/x"
	: > "$tmp/stack3/opq/.wh..wh..opq"
	echo c > "$tmp/stack3/opq/c"
	echo y > "$tmp/stack4/keep/y"
	head -c 16000000 /dev/urandom > "$tmp/stack4/big"
	: > "$tmp/stack5/keep/.wh.x"
	for n in 2 3 4 5 6; do
		$TAR --owner=0 --group=0 -C "$tmp/stack$n" -cf "$tmp/s$n.tar" .
	done
	gzip -n < "$tmp/s3.tar" > "$tmp/s3.tar.gz"
	s5=$tmp/s5.tar
	if command -v zstd >/dev/null 2>&1; then
		zstd -q < "$tmp/s5.tar" > "$tmp/s5.tar.zst"
		s5=$tmp/s5.tar.zst
	fi
	set -- "$tmp/l1.tar" "$tmp/s2.tar" "$tmp/s3.tar.gz" "$tmp/s4.tar" "$s5" "$tmp/s6.tar"
	layout "$out/stack" latest "$SH" "$@"
	# layer 3's diff_id: the digest of its gzip blob, not of the tar in it
	DIFF_IDS="$(diffid "$1") $(diffid "$2") $(sha "$3") $(diffid "$4") $(diffid "$5") \
$(diffid "$6")"
	layout "$out/stackbad" latest "$SH" "$@"
	unset DIFF_IDS
}
stack

# An oci-archive of base/ whose tar also aims out of the directory it is
# unpacked in.
mkdir "$tmp/archive"
cp -R "$out/base/." "$tmp/archive/"
echo x > "$tmp/archive/canary"
(cd "$tmp/archive" && tar --mtime=@0 --numeric-owner --owner=0 --group=0 --format=gnu -P \
	--transform "s,^\./canary\$,../../eci-canary-archive-$tag," \
	-cf "$out/evil-archive.tar" ./index.json ./oci-layout ./blobs ./canary)

mkdir -p "$out/rootfs/bin" "$out/rootfs/etc"
cp "$busybox" "$out/rootfs/bin/busybox"
ln -s busybox "$out/rootfs/bin/sh"
echo f > "$out/rootfs/etc/f"
chmod 0640 "$out/rootfs/etc/f"
