#!/usr/bin/env bash
# Whole-process benchmark: `portolan check` vs swaks against the same local Postfix
# (STARTTLS + AUTH PLAIN on the submission port, certificate verified against the test CA),
# median of N runs each and the ratio (target: portolan ≤ 0.2× swaks). Not part of `make test`.
#
#   scripts/bench.sh [--runs N] [--out DIR]
#
# Starts its own fixture (scripts/test-servers.sh) on PORTOLAN_BENCH_PORT_BASE (default 24600)
# unless PORTOLAN_TEST_SERVERS points at the servers.env of a running one. Builds the CLI in
# release mode (CARGO_TARGET_DIR defaults to /work/target) unless PORTOLAN_BIN names a binary.
# Results: DIR/bench-check-{loopback,quickack}.{json,md} (hyperfine); DIR defaults to
# $CARGO_TARGET_DIR/bench. Needs root (the fixture, a network namespace).
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

# Two rounds. "loopback": the host's loopback, as the tests see it. "quickack": a private
# network namespace whose loopback routes have delayed ACKs off. Postfix writes its TLS 1.3
# session ticket as a small segment of its own just before its first reply after the
# handshake and does not set TCP_NODELAY, so that reply often waits for the client's delayed
# ACK: ~40 ms on loopback, in about half the runs, whatever the client. The second round
# shows both tools without that server-side stall.
ns="portolan-bench"
work=$(mktemp -d /tmp/portolan-bench.XXXXXX)
own_fixture=
cleanup() {
	if [[ -n $own_fixture ]]; then
		"$root/scripts/test-servers.sh" stop "$work/servers" >/dev/null 2>&1 || true
	fi
	"$root/scripts/test-servers.sh" stop "$work/servers-quickack" >/dev/null 2>&1 || true
	ip netns delete "$ns" 2>/dev/null || true
	rm -rf "$work"
}
trap cleanup EXIT

# bench_round <label> <servers.env> [command prefix that enters the namespace...]
bench_round() {
	local label=$1 env_file=$2
	shift 2
	local enter=("$@")
	# shellcheck disable=SC1090
	. "$env_file"
	local port=$PORTOLAN_TEST_SUBMISSION_PORT ca=$PORTOLAN_TEST_CA_FILE user=$PORTOLAN_TEST_USER
	# The password reaches portolan on stdin, from a private file (hyperfine runs each command
	# through a shell); swaks only takes it as an argument.
	local pwfile=$work/password-$label
	(umask 077 && printf '%s\n' "$PORTOLAN_TEST_PASSWORD" >"$pwfile")

	# Both must succeed before they are timed: a fast failure is no result.
	if ! "${enter[@]}" "$portolan" check --host 127.0.0.1 --port "$port" --security starttls \
		--user "$user" --password-stdin --ca-file "$ca" --json <"$pwfile" \
		>"$out/portolan-check-$label.json"; then
		say "portolan check failed against the fixture; its report:"
		cat "$out/portolan-check-$label.json" >&2
		exit 1
	fi
	if ! "${enter[@]}" swaks --server "127.0.0.1:$port" --tls --tls-verify --tls-ca-path "$ca" \
		--auth PLAIN --auth-user "$user" --auth-password "$PORTOLAN_TEST_PASSWORD" \
		--quit-after AUTH >"$work/swaks.txt" 2>&1; then
		say "swaks failed against the fixture:"
		cat "$work/swaks.txt" >&2
		exit 1
	fi

	say "$label: timing $runs runs each"
	"${enter[@]}" hyperfine --style basic --warmup 3 --runs "$runs" \
		--export-json "$out/bench-check-$label.json" \
		--export-markdown "$out/bench-check-$label.md" \
		-n "portolan check" "$portolan check --host 127.0.0.1 --port $port --security starttls --user $user --password-stdin --ca-file $ca --json < $pwfile > /dev/null" \
		-n "swaks" "swaks --server 127.0.0.1:$port --tls --tls-verify --tls-ca-path $ca --auth PLAIN --auth-user $user --auth-password $PORTOLAN_TEST_PASSWORD --quit-after AUTH > /dev/null" >&2
}

# Round 1: a running fixture, or a private one for the duration of the benchmark.
if [[ -n ${PORTOLAN_TEST_SERVERS:-} ]]; then
	env_file=$PORTOLAN_TEST_SERVERS
else
	own_fixture=yes
	PORTOLAN_TEST_PORT_BASE=${PORTOLAN_BENCH_PORT_BASE:-24600} \
		"$root/scripts/test-servers.sh" start "$work/servers"
	env_file=$work/servers/servers.env
fi
bench_round loopback "$env_file"

# Round 2: the namespace (its own loopback and ports) with delayed ACKs off.
ip netns delete "$ns" 2>/dev/null || true
ip netns add "$ns"
ip -n "$ns" link set lo up
for route in 127.0.0.0/8 127.0.0.1; do
	ip -n "$ns" route replace local "$route" dev lo proto kernel scope host src 127.0.0.1 \
		table local quickack 1
done
ip netns exec "$ns" "$root/scripts/test-servers.sh" start "$work/servers-quickack"
bench_round quickack "$work/servers-quickack/servers.env" ip netns exec "$ns"

python3 - "$out/bench-check-loopback.json" "$out/bench-check-quickack.json" <<'EOF'
import json, sys
ms = lambda x: x * 1000
for label, path in zip(("loopback", "loopback, delayed ACKs off"), sys.argv[1:]):
    results = {r["command"]: r for r in json.load(open(path))["results"]}
    p, s = results["portolan check"], results["swaks"]
    print(f"{label}:")
    for name, r in (("portolan check", p), ("swaks", s)):
        print(f"  {name:15} median {ms(r['median']):6.1f} ms (mean {ms(r['mean']):.1f} ± {ms(r['stddev']):.1f}, "
              f"min {ms(r['min']):.1f}, max {ms(r['max']):.1f}, n={len(r['times'])})")
    ratio = p["median"] / s["median"]
    print(f"  ratio of medians {ratio:.3f}x (target <= 0.2x: {'met' if ratio <= 0.2 else 'NOT met'})")
EOF
say "details: $out/bench-check-{loopback,quickack}.{json,md}"
