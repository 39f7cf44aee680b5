#!/bin/sh
# mkdefault.sh OUT — build eci's embedded default image from Debian's
# busybox-static as an OCI image layout in OUT (index.json, oci-layout,
# blobs/sha256/…): one uncompressed layer holding /bin/busybox with every
# applet linked to it, a minimal /etc, and a config whose Cmd is /bin/sh.
# The layer is reproducible: sorted names, owner 0:0, mtime 0.
set -eu
out=$1
busybox=${BUSYBOX:-/bin/busybox}
[ -x "$busybox" ] || { echo "mkdefault.sh: $busybox missing: apt-get install busybox-static" >&2; exit 1; }
file -L "$busybox" 2>/dev/null | grep -q 'dynamically linked' &&
	{ echo "mkdefault.sh: $busybox is not static: apt-get install busybox-static" >&2; exit 1; }

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
umask 022
root=$tmp/rootfs
mkdir -p "$root/bin" "$root/sbin" "$root/usr/bin" "$root/usr/sbin" "$root/etc" \
	"$root/root" "$root/tmp" "$root/proc" "$root/sys" "$root/dev" "$root/run" \
	"$root/var/tmp" "$root/home" "$root/mnt" "$root/opt" "$root/srv"
chmod 0700 "$root/root"
chmod 1777 "$root/tmp" "$root/var/tmp"
cp "$busybox" "$root/bin/busybox"
chmod 0755 "$root/bin/busybox"
"$busybox" --list-full | while read -r applet; do
	[ "$applet" = bin/busybox ] && continue
	ln -sf /bin/busybox "$root/$applet"
done
cat > "$root/etc/passwd" <<'P'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
P
cat > "$root/etc/group" <<'G'
root:x:0:
tty:x:5:
nogroup:x:65534:
G
echo 'default' > "$root/etc/hostname"
: > "$root/etc/hosts"
: > "$root/etc/resolv.conf"

tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 --format=gnu \
	-C "$root" -cf "$tmp/layer.tar" .

arch=$(dpkg --print-architecture 2>/dev/null || echo amd64)
blob() { # blob FILE -> moves FILE into the store, prints its hex digest
	d=$(sha256sum "$1" | cut -d' ' -f1)
	mv "$1" "$out.tmp/blobs/sha256/$d"
	echo "$d"
}
rm -rf "$out.tmp"
mkdir -p "$out.tmp/blobs/sha256"
lsize=$(stat -c %s "$tmp/layer.tar")
layer=$(blob "$tmp/layer.tar")
printf '{"architecture":"%s","os":"linux","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["/bin/sh"],"WorkingDir":"/"},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created_by":"eci: busybox-static"}]}' \
	"$arch" "$layer" > "$tmp/config.json"
csize=$(stat -c %s "$tmp/config.json")
config=$(blob "$tmp/config.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
	"$config" "$csize" "$layer" "$lsize" > "$tmp/manifest.json"
msize=$(stat -c %s "$tmp/manifest.json")
manifest=$(blob "$tmp/manifest.json")
printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"org.opencontainers.image.ref.name":"latest"}}]}' \
	"$manifest" "$msize" > "$out.tmp/index.json"
printf '{"imageLayoutVersion":"1.0.0"}' > "$out.tmp/oci-layout"
chmod -R a+rX "$out.tmp"
rm -rf "$out"
mv "$out.tmp" "$out"
