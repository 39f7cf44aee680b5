#!/bin/bash
# test.sh [O] — bash completion of eci-run and eci-runc (completion/eci-run).
#
# Sources the completion file into this bash (no bash-completion needed),
# sets COMP_WORDS and COMP_CWORD as bash would for a command line (split at
# blanks, with runs of ':' and '=' as words of their own), calls the
# completion function and compares COMPREPLY.  eci-run and eci-runc are
# stubs that print fixed output in the formats of 'image ls', 'ps --format
# json' and 'list', so that no store and no running container is needed.
# The flags and commands that the built programs' --help names (from O,
# default build) must all be offered.  Prints a Check-style summary line for
# t/run-checks.sh and exits non-zero on a failure.
set -u
o=${1:-build}
top=$(cd "$(dirname "$0")/../.." && pwd)
case $o in /*) ;; *) o=$top/$o ;; esac
stub=$(mktemp -d /tmp/eci-t-completion.XXXXXX) || exit 1
trap 'rm -rf "$stub"' EXIT
checks=0
failures=0

# --- stubs -------------------------------------------------------------------

cat > "$stub/eci-run" <<'EOF'
#!/bin/sh
# eci-run's formats: store_list() in image/store.c, ps in launcher/ops.c.
case "$*" in
"image ls")
	printf '%-30s %-12s %-19s %10s  %s\n' NAME TAG DIGEST SIZE CREATED
	printf '%-30s %-12s %-19.19s %8.1fMB  %.19s\n' alpine latest 0a1b2c3d4e5f60718293a4b5 7.8 \
		2024-01-02T03:04:05Z busybox 1.36 1a1b2c3d4e5f60718293a4b5 1.2 - \
		registry.example:5000/team/tool v2 2a1b2c3d4e5f60718293a4b5 30.5 2024-05-06T07:08:09Z ;;
"ps --format json")
	printf '%s\n' '[{"id":"3f0c2a","name":"web","image":"alpine:latest","command":"sh -c \"echo \\\"name\\\":\\\"evil\\\"\"","pid":10,"init":11,"uid_start":1065536,"network":"pasta","started":1},{"id":"77aa","name":"db.local","image":"default","command":"sh","pid":20,"init":21,"uid_start":1131072,"network":"none","started":2}]' ;;
"volume ls -q")
	printf '%s\n' data cache ;;
"policy show --json")
	# the effective policy: devices allowed only when the test says so
	if [ -n "${STUB_DEVICES:-}" ]; then
		echo '{"settings": {"allowedDevices": {"value": ["/dev/net/tun"], "locked": true}}}'
	else
		echo '{"settings": {"allowedDevices": {"value": [], "locked": true}}}'
	fi ;;
"ps -a --format json")
	echo "usage: eci-run ps [--format json]" >&2
	exit 125 ;;
"policy show")
	# policy_show() in policy/policy.c; the settings of $ECI_T_POLICY
	# (NAME=VALUE ...) over the defaults
	echo "No setting is managed by your administrator."
	printf '%-28s %-8s %-40s %s\n' SETTING LOCKED SOURCE VALUE
	for kv in enhancedContainerIsolation=true 'allowedNetworks=["none","pasta","slirp4netns"]' \
		allowHostNamespaces=false allowPrivileged=true allowKeepId=true defaultNetwork=auto \
		${ECI_T_POLICY:-}; do
		printf '%-28s %-8s %-40s %s\n' "${kv%%=*}" - default "${kv#*=}"
	done | awk '{ v[$1] = $0; if (!($1 in seen)) { seen[$1] = 1; o[n++] = $1 } }
		END { for (i = 0; i < n; i++) print v[o[i]] }' ;;
*)
	exit 125 ;;
esac
EOF
cat > "$stub/eci-runc" <<'EOF'
#!/bin/sh
# eci-runc list's format: do_list() in runc/main.c.
printf 'ID\tPID\tSTATUS\tBUNDLE\n'
case "$*" in
"list") printf 'c0ffee\t100\trunning\t/b/c0ffee\nbeef\t200\tcreated\t/b/beef\n' ;;
"--root /r2 list") printf 'other\t300\tstopped\t/b/other\n' ;;
esac
EOF
chmod +x "$stub/eci-run" "$stub/eci-runc"
PATH=$stub:$PATH

# shellcheck source=completion/eci-run
. "$top/completion/eci-run" || { echo "cannot source completion/eci-run"; exit 1; }

# --- harness -------------------------------------------------------------------

# complete LINE: COMP_WORDS/COMP_CWORD as bash makes them for LINE with the
# cursor at its end, then the completion function of LINE's command.
complete_line()
{
	local line=$1 w
	COMP_WORDS=()
	for w in $line; do
		while [[ $w =~ ^([^:=]*)([:=]+)(.*)$ ]]; do
			[[ ${BASH_REMATCH[1]} ]] && COMP_WORDS+=("${BASH_REMATCH[1]}")
			COMP_WORDS+=("${BASH_REMATCH[2]}")
			w=${BASH_REMATCH[3]}
		done
		[[ $w ]] && COMP_WORDS+=("$w")
	done
	[[ $line == *' ' ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	case ${COMP_WORDS[0]} in
	eci-run) _eci_run ;;
	eci-runc) _eci_runc ;;
	esac
}

fail()
{
	failures=$((failures + 1))
	echo "FAIL: $*"
}

got()
{
	((${#COMPREPLY[@]})) && printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' '
}

# exactly LINE WORD...: COMPREPLY is exactly these words (in any order).
exactly()
{
	local line=$1 want
	shift
	checks=$((checks + 1))
	complete_line "$line"
	want=$(printf '%s\n' "$@" | sort | tr '\n' ' ')
	[[ $# == 0 ]] && want=
	[[ $(got) == "$want" ]] || fail "'$line': got [$(got)], want [$want]"
}

# has LINE WORD...: COMPREPLY holds each of these words.
has()
{
	local line=$1 w
	shift
	checks=$((checks + 1))
	complete_line "$line"
	for w; do
		[[ " $(got)" == *" $w "* ]] || { fail "'$line': [$(got)] lacks '$w'"; return; }
	done
}

# lacks LINE WORD...: COMPREPLY holds none of these words.
lacks()
{
	local line=$1 w
	shift
	checks=$((checks + 1))
	complete_line "$line"
	for w; do
		[[ " $(got)" != *" $w "* ]] || { fail "'$line': [$(got)] has '$w'"; return; }
	done
}

# --- eci-run -------------------------------------------------------------------

has "eci-run " image policy ps stop doctor exec logs rm gc default alpine alpine:latest
has "eci-run " start restart kill wait cp inspect port top
exactly "eci-run im" image
exactly "eci-run po" policy port
exactly "eci-run --netw" --network
has "eci-run --ne" --network --net
has "eci-run -" -e -v -p -i -t -u -w --privileged --read-only --tmpfs --security-opt --help
# what the effective policy allows (eci-run policy show), no more
exactly "eci-run --network " none pasta slirp4netns
export ECI_T_POLICY='allowedNetworks=["none"] allowKeepId=false allowPrivileged=false'
exactly "eci-run --network " none
exactly "eci-run --userns "
lacks "eci-run --p" --privileged
export ECI_T_POLICY='enhancedContainerIsolation=false allowHostNamespaces=true allowedNetworks=["*"]'
exactly "eci-run --network " none pasta slirp4netns host
export ECI_T_POLICY='allowedNetworks=["slirp*","none"]'
exactly "eci-run --network " none slirp4netns
unset ECI_T_POLICY
has "eci-run --p" --privileged
exactly "eci-run --net s" slirp4netns
exactly "eci-run --network=pa" pasta
exactly "eci-run --userns " keep-id
exactly "eci-run --userns=k" keep-id
exactly "eci-run --usern" --userns
exactly "eci-run -it --rm --network n" none
exactly "eci-run --security-opt no" no-new-privileges no-new-privileges=true no-new-privileges=false
exactly "eci-run --security-opt no-new-privileges=f" false
exactly "eci-run --security-opt seccomp=unc" unconfined
exactly "eci-run --cap-add SYS_AD" SYS_ADMIN
exactly "eci-run --cap-drop A" ALL AUDIT_CONTROL AUDIT_READ AUDIT_WRITE
has "eci-run --" --entrypoint --dns --add-host --ulimit --shm-size --init --env-host --restart
exactly "eci-run --restart " no on-failure on-failure:
exactly "eci-run --ulimit nof" nofile=
# -h is --hostname (docker run's): its value is skipped, the next word is IMAGE
exactly "eci-run -h myhost alp" alpine alpine:latest
exactly "eci-run --entrypoint /bin/sh b" busybox:1.36
has "eci-run -" -h --help
has "eci-run --h" --hostname --help
# --device only where the policy allows some device
lacks "eci-run --" --device
exactly "eci-run --dev"
export STUB_DEVICES=1
exactly "eci-run --dev" --device
unset STUB_DEVICES
# A flag's value is skipped: the word after it is still IMAGE.
exactly "eci-run -v /tmp:/x -e A=1 --name n alp" alpine alpine:latest
exactly "eci-run -itv /tmp:/x b" busybox:1.36
exactly "eci-run -eFOO=1 b" busybox:1.36
# ':' splits the word in bash: only what follows the last ':' is offered.
exactly "eci-run busybox:" 1.36
exactly "eci-run registry.example:5000/team/tool:" v2
# After IMAGE comes the command: nothing of eci-run's.
exactly "eci-run alpine "
exactly "eci-run --read-only alpine -"
lacks "eci-run image " default alpine
exactly "eci-run image " import ls pull rm --help -h
exactly "eci-run image rm al" alpine:latest alpine
exactly "eci-run image pull al" alpine:latest alpine
exactly "eci-run --pull " missing always never
exactly "eci-run --pull=n" never
lacks "eci-run image rm " default
exactly "eci-run image import --" --name --help
exactly "eci-run policy " show --help -h
exactly "eci-run policy show -" --json --help -h
exactly "eci-run ps --format " json
# Container names from ps --format json; an escaped "name": in a command is
# not one.
exactly "eci-run stop " web db.local
exactly "eci-run stop -" -t --help -h
exactly "eci-run exec w" web
exactly "eci-run logs d" db.local
exactly "eci-run rm " web db.local
exactly "eci-run doctor -" --help -h
exactly "eci-run vol" volume
exactly "eci-run volume " create ls inspect rm --help -h
exactly "eci-run volume rm " data cache
exactly "eci-run volume inspect d" data
exactly "eci-run volume rm -" -f --force --help -h
exactly "eci-run volume ls -" -q --quiet --help -h
exactly "eci-run -v ca" cache
exactly "eci-run --mount type=b" bind,
exactly "eci-run gc -" --help -h
exactly "eci-run kill -" -s --signal --help -h
has "eci-run kill -s " KILL TERM HUP
exactly "eci-run start w" web
exactly "eci-run restart -" -t --help -h
exactly "eci-run inspect -" -f --format --help -h
exactly "eci-run ps --filter " id= name= status=running status=exited label=
exactly "eci-run image ls -" -q --quiet --help -h
exactly "eci-run cp w" web:
has "eci-run --" --label

# --- eci-runc ------------------------------------------------------------------

exactly "eci-runc " create start run state kill delete exec pause resume update list ps features \
	spec help
exactly "eci-runc de" delete
exactly "eci-runc --log-format " text json
has "eci-runc --" --root --log --log-format --help --version
exactly "eci-runc --debug kill " c0ffee beef
exactly "eci-runc --root /r2 state " other
exactly "eci-runc kill c0ffee " TERM KILL HUP INT QUIT USR1 USR2 STOP CONT WINCH
exactly "eci-runc delete --" --force --help
has "eci-runc create --" --bundle --pid-file --console-socket --help
exactly "eci-runc ps --format " table json
exactly "eci-runc exec --process /tmp/p --detach b" beef
exactly "eci-runc help st" start state
exactly "eci-runc pause c" c0ffee
has "eci-runc update --" --resources --memory --pids-limit --cpu-quota --cpuset-cpus
exactly "eci-runc update --memory 1m b" beef

# --- against the built programs' --help ------------------------------------------

# offered LINE WORD WHERE: one check, that completing LINE offers WORD.
offered()
{
	checks=$((checks + 1))
	complete_line "$1"
	[[ " $(got)" == *" $2 "* ]] || fail "$3 names '$2', but '$1' does not offer it"
}

if help=$("$o/bin/eci-run" --help 2>&1); then
	for flag in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		# the stub's policy allows no device (checked above)
		[[ $flag == --device ]] && continue
		offered "eci-run --" "$flag" "eci-run --help"
	done
	for cmd in $(printf '%s\n' "$help" | sed -n 's/^Also: eci-run //p' | tr ',|.' '   '); do
		case $cmd in pull | import | ls | rm | show | create | inspect) continue ;; esac
		offered "eci-run " "$cmd" "eci-run --help"
	done
else
	checks=$((checks + 1))
	fail "$o/bin/eci-run --help: $help"
fi
if help=$("$o/bin/eci-runc" --help 2>&1); then
	for verb in $(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
		offered "eci-runc " "$verb" "eci-runc --help"
	done
	for flag in $(printf '%s\n' "$help" | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		offered "eci-runc --" "$flag" "eci-runc --help"
	done
else
	checks=$((checks + 1))
	fail "$o/bin/eci-runc --help: $help"
fi
if help=$("$o/bin/eci-run" image --help 2>&1); then
	for cmd in $(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
		offered "eci-run image " "$cmd" "eci-run image --help"
	done
else
	checks=$((checks + 1))
	fail "$o/bin/eci-run image --help: $help"
fi
if help=$("$o/bin/eci-run" volume --help 2>&1); then
	for cmd in $(printf '%s\n' "$help" | sed -n '/^Commands:/,/^$/s/^  \([a-z]*\) .*/\1/p'); do
		offered "eci-run volume " "$cmd" "eci-run volume --help"
	done
else
	checks=$((checks + 1))
	fail "$o/bin/eci-run volume --help: $help"
fi

pct=$(((checks - failures) * 100 / checks))
echo "$pct%: Checks: $checks, Failures: $failures, Errors: 0"
[ "$failures" = 0 ]
