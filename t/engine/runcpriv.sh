#!/bin/sh
# runcpriv.sh FILE — write to FILE a runtime for dockerd (--add-runtime
# NAME=FILE): runc, with the capabilities the host's root lacks (its
# bounding set) taken out of the config.json of `create` and the process
# file of `exec`.  runc --privileged asks for every capability the kernel
# knows and fails ("unable to apply caps: operation not permitted") where
# root itself is confined, as in some virtual machines (no
# CAP_SYS_RESOURCE).  Prints the names taken out; none: FILE is plain runc.
set -eu
file=$1
bnd=$(awk '/^CapBnd:/ { print $2 }' /proc/self/status)
last=$(cat /proc/sys/kernel/cap_last_cap)
sed=
i=0
while [ "$i" -le "$last" ]; do
	if [ $((0x$bnd >> i & 1)) = 0 ]; then
		c=$(capsh --decode="$(printf %x $((1 << i)))" | sed 's/.*=//' | tr '[:lower:]' '[:upper:]')
		echo "$c"
		sed="$sed s/,\"$c\"//g; s/\"$c\",//g; s/\"$c\"//g;"
	fi
	i=$((i + 1))
done
cat > "$file" <<EOS
#!/bin/sh
f= prev=
for a in "\$@"; do
	case \$prev in --bundle) f=\$a/config.json ;; --process) f=\$a ;; esac
	prev=\$a
done
[ -z "\$f" ] || [ -z '$sed' ] || sed -i '$sed' "\$f"
exec runc "\$@"
EOS
chmod 0755 "$file"
