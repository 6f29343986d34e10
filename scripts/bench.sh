#!/usr/bin/env bash
# Whole-process benchmark: `portolan check` vs swaks against the same local Postfix
# (STARTTLS + AUTH PLAIN on the submission port, certificate verified against the test CA),
# median of N runs each and the ratio (target: portolan ≤ 0.2× swaks). Not part of `make test`.
#
#   scripts/bench.sh [--runs N] [--out DIR]
#
# Starts its own fixture (scripts/test-servers.sh) on PORTOLAN_BENCH_PORT_BASE (default 42600)
# unless PORTOLAN_TEST_SERVERS points at the servers.env of a running one. Builds the CLI in
# release mode (CARGO_TARGET_DIR defaults to /work/target) unless PORTOLAN_BIN names a binary.
# Results: DIR/bench-check.json (hyperfine) and DIR/bench-check.md; DIR defaults to
# $CARGO_TARGET_DIR/bench.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target}
runs=20
out=$CARGO_TARGET_DIR/bench

while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--out DIR]" >&2; exit 2 ;;
	esac
done
((runs >= 10)) || { echo "bench: use at least 10 runs" >&2; exit 2; }
mkdir -p "$out"
out=$(cd "$out" && pwd)

say() { printf '[bench] %s\n' "$*" >&2; }

if ! command -v hyperfine >/dev/null; then
	say "installing hyperfine (apt)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
command -v swaks >/dev/null || { say "swaks is missing: apt-get install swaks"; exit 1; }

if [[ -n ${PORTOLAN_BIN:-} ]]; then
	portolan=$PORTOLAN_BIN
else
	say "building portolan (release)"
	(cd "$root" && cargo build --release --locked -q -p portolan-cli --bin portolan)
	portolan=$CARGO_TARGET_DIR/release/portolan
fi
[[ -x $portolan ]] || { say "no portolan binary at $portolan"; exit 1; }

# The servers: a running fixture, or a private one for the duration of the benchmark.
work=$(mktemp -d /tmp/portolan-bench.XXXXXX)
own_fixture=
cleanup() {
	if [[ -n $own_fixture ]]; then
		"$root/scripts/test-servers.sh" stop "$work/servers" >/dev/null 2>&1 || true
	fi
	rm -rf "$work"
}
trap cleanup EXIT
if [[ -n ${PORTOLAN_TEST_SERVERS:-} ]]; then
	env_file=$PORTOLAN_TEST_SERVERS
else
	own_fixture=yes
	PORTOLAN_TEST_PORT_BASE=${PORTOLAN_BENCH_PORT_BASE:-42600} \
		"$root/scripts/test-servers.sh" start "$work/servers"
	env_file=$work/servers/servers.env
fi
# shellcheck disable=SC1090
. "$env_file"
port=$PORTOLAN_TEST_SUBMISSION_PORT
ca=$PORTOLAN_TEST_CA_FILE
user=$PORTOLAN_TEST_USER
# The password reaches portolan on stdin, from a private file (hyperfine runs each command
# through a shell); swaks only takes it as an argument.
pwfile=$work/password
(umask 077 && printf '%s\n' "$PORTOLAN_TEST_PASSWORD" >"$pwfile")

portolan_cmd="$portolan check --host 127.0.0.1 --port $port --security starttls --user $user --password-stdin --ca-file $ca --json < $pwfile > /dev/null"
swaks_cmd="swaks --server 127.0.0.1:$port --tls --tls-verify --tls-ca-path $ca --auth PLAIN --auth-user $user --auth-password $PORTOLAN_TEST_PASSWORD --quit-after AUTH > /dev/null"

# Both must succeed before they are timed: a fast failure is no result.
if ! "$portolan" check --host 127.0.0.1 --port "$port" --security starttls --user "$user" \
	--password-stdin --ca-file "$ca" --json <"$pwfile" >"$out/portolan-check.json"; then
	say "portolan check failed against the fixture; its report:"
	cat "$out/portolan-check.json" >&2
	exit 1
fi
if ! swaks --server "127.0.0.1:$port" --tls --tls-verify --tls-ca-path "$ca" --auth PLAIN \
	--auth-user "$user" --auth-password "$PORTOLAN_TEST_PASSWORD" --quit-after AUTH \
	>"$work/swaks.txt" 2>&1; then
	say "swaks failed against the fixture:"
	cat "$work/swaks.txt" >&2
	exit 1
fi

say "timing $runs runs each"
hyperfine --style basic --warmup 3 --runs "$runs" \
	--export-json "$out/bench-check.json" --export-markdown "$out/bench-check.md" \
	-n "portolan check" "$portolan_cmd" -n "swaks" "$swaks_cmd" >&2

python3 - "$out/bench-check.json" <<'EOF'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
p, s = results["portolan check"], results["swaks"]
ms = lambda x: x * 1000
print(f"portolan check: median {ms(p['median']):.1f} ms (mean {ms(p['mean']):.1f} ± {ms(p['stddev']):.1f}, min {ms(p['min']):.1f}, max {ms(p['max']):.1f}, n={len(p['times'])})")
print(f"swaks:          median {ms(s['median']):.1f} ms (mean {ms(s['mean']):.1f} ± {ms(s['stddev']):.1f}, min {ms(s['min']):.1f}, max {ms(s['max']):.1f}, n={len(s['times'])})")
ratio = p["median"] / s["median"]
print(f"ratio (medians): {ratio:.3f}x  (target <= 0.2x: {'met' if ratio <= 0.2 else 'NOT met'})")
EOF
say "details: $out/bench-check.json, $out/bench-check.md"
