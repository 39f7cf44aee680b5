#!/bin/sh
# prepare.sh STAGE — the policy scenarios of the policy suite, under
# STAGE/policies/NAME/, one policy.d each (run as root by tools/stage.sh,
# from the top of the tree; the suite finds them through $ECI_POLICY_ROOT).
#
# Policy must be root's and writable by nobody else, so the committed
# t/policy/NAME/*.json are copied here root:root, 0755 and 0644.  The rest
# is made here because it depends on the stage or cannot be committed:
#   none            an empty policy.d: every setting at its default
#   pin             allowedImages pinned to the default image's manifest digest
#   pin-named       the same as eci-t-pinned@DIGEST (the name is no part of the pin)
#   pin-config      allowedImages pinned to the default image's config digest
#   mounts          blockedMounts naming STAGE/policies/blocked
#   tamper-groupw   a policy file its group may write
#   tamper-userdir  a policy.d owned by the test account
#   tamper-symlink  a policy file that is a symlink to one the account owns
# Idempotent: everything under STAGE/policies is made anew.
set -eu
stage=$1
src=$(dirname "$0")
root=$stage/policies
layout=$stage/share/eci/images/default

# The account the namespace tests run as owns the tampered files; any
# other uid than root would do as well.
owner=ecitest
id -u "$owner" >/dev/null 2>&1 || owner=65534

rm -rf "$root"
mkdir -p "$root"
for d in "$src"/*/; do
	name=$(basename "$d")
	mkdir "$root/$name"
	cp "$d"*.json "$root/$name/"
done
mkdir "$root/none" "$root/mounts" "$root/blocked" "$root/blocked/sub" "$root/outside"

# pin NAME ENTRY: a scenario whose allowedImages is [ENTRY], locked.
pin() {
	mkdir "$root/$1"
	cat >"$root/$1/50-pin.json" <<EOF
{
  "configurationFileVersion": 2,
  "allowedImages": {"value": ["$2"], "locked": true},
  "auditLog": {"value": "stderr"}
}
EOF
}

# digest KEY FILE: the first sha256 digest after "KEY" in the JSON of FILE.
digest() {
	d=$(sed -n 's/.*"'"$1"'"[^]}]*"digest"[[:space:]]*:[[:space:]]*"\(sha256:[0-9a-f]\{64\}\)".*/\1/p' \
		"$2" | head -n 1)
	[ -n "$d" ] || { echo "prepare.sh: no $1 digest in $2" >&2; exit 1; }
	echo "$d"
}
manifest=$(digest manifests "$layout/index.json")
config=$(digest config "$layout/blobs/sha256/${manifest#sha256:}")
pin pin "$manifest"
pin pin-named "eci-t-pinned@$manifest"
pin pin-config "$config"
cat >"$root/mounts/50-mounts.json" <<EOF
{
  "configurationFileVersion": 2,
  "blockedMounts": {"value": ["$root/blocked"], "locked": true},
  "auditLog": {"value": "stderr"}
}
EOF
cp "$src/tamper-groupw/50-groupw.json" "$root/outside/evil.json"
ln -s "$root/outside/evil.json" "$root/tamper-symlink/50-symlink.json"

chown -R root:root "$root"
chmod -R u=rwX,go=rX "$root"
chmod 0664 "$root/tamper-groupw/50-groupw.json"
chown "$owner" "$root/tamper-userdir" "$root/outside/evil.json"
