#!/bin/sh
# stage.sh O DIR — copy the build into DIR, a prefix every account can
# reach, with the helper given its file capabilities (root only).  A clone
# under /root is not traversable by the unprivileged test account.
set -eu
o=$1 dir=$2
rm -rf "$dir"
mkdir -p "$dir/bin" "$dir/share"
cp "$o"/bin/* "$dir/bin/"
cp -R "$o/share/eci" "$dir/share/"
mkdir -p "$dir/lib" && cp -R "$o/lib/eci" "$dir/lib/"
[ -d "$o/t" ] && cp -R "$o/t" "$dir/"
# The image builder of the namespace tests (t/ns/check_images.c).
mkdir -p "$dir/t" && cp -R t/images "$dir/t/"
chown -R root:root "$dir"
chmod -R a+rX,go-w "$dir"
chmod 0755 "$dir"
setcap cap_setuid,cap_setgid=ep "$dir/bin/eci-newidmap"
# The test build of the helper (reads $ECI_POLICY_DIR), beside the test
# build of eci-run that finds it there.
[ -f "$dir/t/eci-newidmap" ] && setcap cap_setuid,cap_setgid=ep "$dir/t/eci-newidmap"
# Policy scenarios for the policy suite, owned by root as policy must be.
[ -f t/policy/prepare.sh ] && sh t/policy/prepare.sh "$dir"
exit 0
