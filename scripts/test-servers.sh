#!/usr/bin/env bash
# Real mail servers for the tests: a private Postfix + Dovecot on 127.0.0.1 high ports, all
# state under <dir>, without touching the system's own mail set-up (docs/testing.md).
#
#   scripts/test-servers.sh start <dir>    (re)start, then write <dir>/servers.env
#   scripts/test-servers.sh stop <dir>     stop both servers
#   scripts/test-servers.sh status <dir>   say what runs, print servers.env
#
# PORTOLAN_TEST_PORT_BASE (default 24500) moves every port; listeners use base+0..base+13 and
# base+19 is kept free (the "connection refused" port). The defaults lie below the kernel's
# range for outgoing connections (32768-60999 on Linux), so no outgoing socket can hold a
# port the servers need.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
fixture=$here/fixture

die() {
	echo "test-servers: $*" >&2
	exit 1
}
say() { echo "test-servers: $*" >&2; }

usage() { die "usage: $0 start|stop|status <dir>"; }

[[ $# -eq 2 ]] || usage
cmd=$1
if [[ $cmd == start ]]; then
	mkdir -p "$2"
elif [[ ! -d $2 ]]; then
	say "$2 does not exist: no fixture runs there"
	[[ $cmd == stop ]] && exit 0
	exit 1
fi
dir=$(cd "$2" && pwd)
# Unix socket paths (Dovecot's, inside <dir>) are limited to 107 bytes.
((${#dir} <= 70)) || die "the folder path is too long for the servers' sockets (${#dir} > 70 characters): use a shorter one"

base=${PORTOLAN_TEST_PORT_BASE:-24500}
if [[ ! $base =~ ^[0-9]+$ ]] || ((base < 1024 || base > 65500)); then
	die "PORTOLAN_TEST_PORT_BASE must be a number between 1024 and 65500 (got '$base')"
fi

# name offset: every listener in master.cf.in, and the port kept closed.
ports=(
	SUBMISSION 0
	SUBMISSIONS 1
	RELAY 2
	EXPIRED 3
	SELFSIGNED 4
	WRONGNAME 5
	UNKNOWNCA 6
	STARTTLS_EXPIRED 7
	STARTTLS_SELFSIGNED 8
	STARTTLS_WRONGNAME 9
	STARTTLS_UNKNOWNCA 10
	PLAIN_AUTH 11
	TEMPFAIL 12
	BUSY 13
)
closed_port=$((base + 19))

postfix_conf=$dir/postfix
postfix_pidfile=$dir/postfix-queue/pid/master.pid
dovecot_pidfile=$dir/dovecot/run/master.pid

# True when something accepts TCP connections on 127.0.0.1:<port>.
listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# True while <pid> runs (a killed daemon stays a zombie until init reaps it: that counts as
# gone).
running() {
	local fields
	fields=$(proc_stat "$1") && [[ ${fields%% *} != Z ]]
}

# The fields of /proc/<pid>/stat after the command name (state first, process group third);
# read directly because procps may be missing from a minimal system.
proc_stat() {
	local stat
	stat=$(cat "/proc/$1/stat" 2>/dev/null) || return 1
	printf '%s\n' "${stat##*) }"
}

pid_alive() { [[ -s $1 ]] && running "$(tr -d ' \n' <"$1")"; }

# stop_pid <pidfile>: stops a daemon and everything it started. Both Postfix and Dovecot
# lead their own process group. A graceful stop takes each about 2 s (they wait on their
# loggers); neither keeps state the tests need, and Postfix's queue is crash-safe, so after
# a short grace period the whole group is killed.
stop_pid() {
	local pidfile=$1 pid pgid i
	if pid_alive "$pidfile"; then
		pid=$(tr -d ' \n' <"$pidfile")
		pgid=$(proc_stat "$pid" | cut -d' ' -f3)
		if [[ $pgid == "$pid" ]]; then
			kill -TERM -- "-$pid" 2>/dev/null || true
		else
			kill -TERM "$pid" 2>/dev/null || true
		fi
		for ((i = 0; i < 6; i++)); do
			running "$pid" || break
			sleep 0.05
		done
		if [[ $pgid == "$pid" ]]; then
			kill -KILL -- "-$pid" 2>/dev/null || true
		else
			kill -KILL "$pid" 2>/dev/null || true
		fi
		for ((i = 0; i < 100; i++)); do
			running "$pid" || break
			sleep 0.02
		done
	fi
	rm -f "$pidfile"
}

stop() {
	stop_pid "$postfix_pidfile"
	stop_pid "$dovecot_pidfile"
	rm -f "$dir/servers.env"
}

show_logs() {
	local f
	for f in "$dir/postfix.log" "$dir/dovecot.log"; do
		[[ -s $f ]] || continue
		echo "---- last lines of $f" >&2
		tail -n 40 "$f" >&2
	done
}

fail() {
	say "$*"
	show_logs
	stop
	exit 1
}

# Reads the first reply line of a plain-text SMTP listener, with a bound of 5 s.
greeting() {
	local line
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	IFS= read -r -t 5 line <&3 || line=
	printf 'QUIT\r\n' >&3 || true
	exec 3<&- 3>&-
	printf '%s\n' "${line%$'\r'}"
}

# Sends EHLO on a plain-text listener and prints the reply lines.
ehlo() {
	local line out=
	exec 3<>"/dev/tcp/127.0.0.1/$1" || return 1
	IFS= read -r -t 5 line <&3 || true
	printf 'EHLO fixture.test\r\n' >&3
	while IFS= read -r -t 5 line <&3; do
		line=${line%$'\r'}
		out+="$line"$'\n'
		[[ $line == [0-9][0-9][0-9]-* ]] || break
	done
	printf 'QUIT\r\n' >&3 || true
	exec 3<&- 3>&-
	printf '%s' "$out"
}

fill() { # <template> <output>: replace @KEY@ placeholders
	local args=() k
	for k in "${!subst[@]}"; do
		args+=(-e "s|@$k@|${subst[$k]}|g")
	done
	sed "${args[@]}" "$1" >"$2"
}

start() {
	[[ $(id -u) -eq 0 ]] || die "must run as root (Postfix starts its master as root)"
	local c
	for c in postfix dovecot openssl setpriv; do
		command -v "$c" >/dev/null ||
			die "'$c' is missing; install the packages postfix dovecot-core openssl (see scripts/setup.sh)"
	done
	getent passwd postfix >/dev/null || die "the 'postfix' user is missing; install the postfix package"
	getent group postdrop >/dev/null || die "the 'postdrop' group is missing; install the postfix package"
	getent passwd dovecot >/dev/null || die "the 'dovecot' user is missing; install dovecot-core"

	stop

	local i name port
	for ((i = 0; i < ${#ports[@]}; i += 2)); do
		port=$((base + ports[i + 1]))
		listening "$port" &&
			die "port $port (${ports[i]}) is already in use; stop what uses it or set PORTOLAN_TEST_PORT_BASE to another base"
	done
	listening "$closed_port" &&
		die "port $closed_port (CLOSED) should be free but something listens there; set PORTOLAN_TEST_PORT_BASE to another base"

	# Mail is delivered by Postfix's virtual(8) as 'nobody', which must reach <dir>/mail.
	local mail_uid mail_gid
	mail_uid=$(id -u nobody)
	mail_gid=$(id -g nobody)
	chmod 755 "$dir"
	# A parent made by `mktemp -d` (0700) blocks it: open such temporary parents for search
	# only (o+x, like a 0711 home folder; their listing stays private). Anything else is the
	# caller's to fix.
	local parent=$dir tmp_root
	tmp_root=$(cd "${TMPDIR:-/tmp}" && pwd)
	while [[ $parent == "$tmp_root"/* ]]; do
		parent=$(dirname "$parent")
		[[ $parent == "$tmp_root" ]] && break
		if [[ -O $parent ]] && ! setpriv --reuid="$mail_uid" --regid="$mail_gid" --clear-groups test -x "$parent"; then
			chmod o+x "$parent"
			say "made $parent searchable by others (o+x) so the mail delivery agent can reach $dir"
		fi
	done
	setpriv --reuid="$mail_uid" --regid="$mail_gid" --clear-groups test -x "$dir" ||
		die "user 'nobody' (Postfix's delivery agent) cannot reach $dir: a parent folder is not searchable by others; use a folder like /tmp/portolan-servers, or chmod o+x its parents"

	"$fixture/make-certs.sh" "$dir/certs" || die "could not generate the certificates in $dir/certs"

	local password
	password="canary-$(od -An -tx1 -N9 /dev/urandom | tr -d ' \n')-Pw"

	declare -gA subst=([DIR]="$dir" [PORT_BASE]="$base" [MAIL_UID]="$mail_uid" [MAIL_GID]="$mail_gid")
	for ((i = 0; i < ${#ports[@]}; i += 2)); do
		subst[${ports[i]}_PORT]=$((base + ports[i + 1]))
	done

	rm -f "$dir/postfix.log" "$dir/dovecot.log"
	mkdir -p "$postfix_conf" "$dir/postfix-queue" "$dir/postfix-data" \
		"$dir/dovecot/run" "$dir/dovecot/state"
	chown postfix:root "$dir/postfix-data"
	chmod 700 "$dir/postfix-data"
	fill "$fixture/main.cf.in" "$postfix_conf/main.cf"
	fill "$fixture/master.cf.in" "$postfix_conf/master.cf"
	fill "$fixture/dovecot.conf.in" "$dir/dovecot/dovecot.conf"
	printf '%s\n' "alice@portolan.test portolan.test/alice/" >"$postfix_conf/vmailbox"
	printf '%s\n' "alice@portolan.test alice@portolan.test" >"$postfix_conf/sender_login"
	chown -R root:root "$postfix_conf"
	chmod 644 "$postfix_conf"/*
	# Postfix waits until a configuration file is at least a second old (it may still be
	# being edited): backdate them to start at once.
	touch -d '-10 seconds' "$postfix_conf"/*

	# SHA512-CRYPT like a real passwd-file; the plain password only goes to servers.env.
	printf 'alice@portolan.test:{SHA512-CRYPT}%s\n' "$(openssl passwd -6 -stdin <<<"$password")" \
		>"$dir/dovecot/passwd"
	chown root:dovecot "$dir/dovecot/passwd"
	chmod 640 "$dir/dovecot/passwd"

	# The Maildir exists before the first delivery so tests can watch new/ right away.
	local maildir=$dir/mail/portolan.test/alice
	mkdir -p "$maildir/new" "$maildir/cur" "$maildir/tmp"
	chown -R "$mail_uid:$mail_gid" "$dir/mail"
	chmod -R u=rwX,go= "$dir/mail"
	chmod 755 "$dir/mail"

	# Postfix creates its other queue folders at start; Dovecot's SASL socket goes into
	# private/, which must exist first (owned by postfix, as Postfix itself would make it).
	mkdir -p "$dir/postfix-queue/private"
	chown postfix:root "$dir/postfix-queue/private"
	chmod 700 "$dir/postfix-queue/private"

	# Daemons must not keep the caller's stdout/stderr open (a caller reading them would hang).
	dovecot -c "$dir/dovecot/dovecot.conf" </dev/null >>"$dir/dovecot.log" 2>&1 ||
		fail "dovecot did not start"
	for ((i = 0; i < 100; i++)); do
		[[ -S $dir/postfix-queue/private/auth ]] && break
		sleep 0.05
	done
	[[ -S $dir/postfix-queue/private/auth ]] || fail "dovecot did not create its SASL socket"

	# postfix(1) prints its errors only to a terminal (otherwise to syslog, which may not
	# exist here): give it one so a failure can be shown.
	local out
	out=$(script -qec "postfix -c '$postfix_conf' start" /dev/null 2>&1) ||
		fail "postfix did not start: ${out//$'\r'/}"

	# Every listener answers, and smtpd really runs (greeting, SASL mechanisms visible).
	for ((i = 0; i < ${#ports[@]}; i += 2)); do
		port=$((base + ports[i + 1]))
		for ((c = 0; ; c++)); do
			listening "$port" && break
			((c < 200)) || fail "nothing listens on port $port (${ports[i]}) after 10 s"
			sleep 0.05
		done
	done
	local g
	g=$(greeting "${subst[SUBMISSION_PORT]}") || true
	[[ $g == 220* ]] || fail "the submission port did not greet with 220 (got '$g')"
	g=$(ehlo "${subst[PLAIN_AUTH_PORT]}") || true
	[[ $g == *"AUTH PLAIN LOGIN"* ]] ||
		fail "SASL through dovecot does not work (EHLO on the plain-auth port: ${g//$'\n'/ | })"

	local env=$dir/servers.env
	{
		echo "PORTOLAN_TEST_HOST=localhost"
		echo "PORTOLAN_TEST_IP=127.0.0.1"
		echo "PORTOLAN_TEST_CA_FILE=$dir/certs/ca.pem"
		echo "PORTOLAN_TEST_OTHER_CA_FILE=$dir/certs/other-ca.pem"
		for ((i = 0; i < ${#ports[@]}; i += 2)); do
			echo "PORTOLAN_TEST_${ports[i]}_PORT=$((base + ports[i + 1]))"
		done
		echo "PORTOLAN_TEST_CLOSED_PORT=$closed_port"
		for name in valid expired selfsigned wrongname unknownca; do
			echo "PORTOLAN_TEST_${name^^}_CERT=$dir/certs/$name.pem"
		done
		cat "$dir/certs/sha256.env"
		echo "PORTOLAN_TEST_DOMAIN=portolan.test"
		echo "PORTOLAN_TEST_ADDRESS=alice@portolan.test"
		echo "PORTOLAN_TEST_USER=alice@portolan.test"
		echo "PORTOLAN_TEST_PASSWORD=$password"
		echo "PORTOLAN_TEST_MAILDIR=$maildir"
		echo "PORTOLAN_TEST_REJECT_ADDRESS=nobody@portolan.test"
		echo "PORTOLAN_TEST_FOREIGN_ADDRESS=someone@example.org"
		echo "PORTOLAN_TEST_POSTFIX_LOG=$dir/postfix.log"
		echo "PORTOLAN_TEST_DOVECOT_LOG=$dir/dovecot.log"
	} >"$env.tmp"
	chmod 600 "$env.tmp"
	mv "$env.tmp" "$env"
	say "servers ready on 127.0.0.1:$base-$((base + 13)); settings in $env"
}

status() {
	local rc=0
	if pid_alive "$postfix_pidfile"; then
		echo "postfix: running (pid $(tr -d ' \n' <"$postfix_pidfile"))"
	else
		echo "postfix: stopped"
		rc=1
	fi
	if pid_alive "$dovecot_pidfile"; then
		echo "dovecot: running (pid $(tr -d ' \n' <"$dovecot_pidfile"))"
	else
		echo "dovecot: stopped"
		rc=1
	fi
	[[ -s $dir/servers.env ]] && cat "$dir/servers.env"
	return "$rc"
}

case $cmd in
start) start ;;
stop) stop ;;
status) status ;;
*) usage ;;
esac
