#!/usr/bin/env bash
# `portolan check` with an emulated round-trip time, against the protocol floor: AUTH accepted
# after 5 round trips on 465 (connect, TLS, greeting, EHLO, AUTH) and 7 on 587 (connect,
# greeting, EHLO, STARTTLS, TLS, EHLO, AUTH). Target: time to AUTH accepted ≤ floor + 20 ms.
# Not part of `make test`.
#
#   scripts/bench-rtt.sh [--runs N] [--rtt "50 100"] [--out DIR]
#
# The delay comes from scripts/fixture/delay-proxy.py on loopback (netem is not available in
# every kernel or container). Starts its own fixture on PORTOLAN_BENCH_PORT_BASE (default
# 42700). Builds the CLI in release mode unless PORTOLAN_BIN names a binary.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target}
runs=10
rtts="50 100"
out=$CARGO_TARGET_DIR/bench

while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--rtt) rtts=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--rtt \"50 100\"] [--out DIR]" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
say() { printf '[bench-rtt] %s\n' "$*" >&2; }

if [[ -n ${PORTOLAN_BIN:-} ]]; then
	portolan=$PORTOLAN_BIN
else
	say "building portolan (release)"
	(cd "$root" && cargo build --release --locked -q -p portolan-cli --bin portolan)
	portolan=$CARGO_TARGET_DIR/release/portolan
fi
[[ -x $portolan ]] || { say "no portolan binary at $portolan"; exit 1; }

base=${PORTOLAN_BENCH_PORT_BASE:-42700}
work=$(mktemp -d /tmp/portolan-bench-rtt.XXXXXX)
proxy_pid=
cleanup() {
	[[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null
	"$root/scripts/test-servers.sh" stop "$work/servers" >/dev/null 2>&1 || true
	rm -rf "$work"
}
trap cleanup EXIT
PORTOLAN_TEST_PORT_BASE=$base "$root/scripts/test-servers.sh" start "$work/servers"
# shellcheck disable=SC1091
. "$work/servers/servers.env"
(umask 077 && printf '%s\n' "$PORTOLAN_TEST_PASSWORD" >"$work/password")

results=$out/bench-rtt.json
echo "[]" >"$results"
for rtt in $rtts; do
	p587=$((base + 40))
	p465=$((base + 41))
	python3 "$root/scripts/fixture/delay-proxy.py" --rtt-ms "$rtt" \
		"127.0.0.1:$p587=127.0.0.1:$PORTOLAN_TEST_SUBMISSION_PORT" \
		"127.0.0.1:$p465=127.0.0.1:$PORTOLAN_TEST_SUBMISSIONS_PORT" >"$work/proxy.out" &
	proxy_pid=$!
	for ((i = 0; i < 50; i++)); do
		grep -q ready "$work/proxy.out" 2>/dev/null && break
		sleep 0.1
	done
	grep -q ready "$work/proxy.out" || { say "the delay proxy did not start"; exit 1; }

	say "RTT $rtt ms: $runs checks each on 587 (STARTTLS) and 465 (TLS)"
	python3 - "$results" "$portolan" "$rtt" "$runs" "$work/password" "$PORTOLAN_TEST_USER" \
		"$PORTOLAN_TEST_CA_FILE" "$p587" "$p465" <<'EOF'
import base64, json, socket, ssl, statistics, subprocess, sys, time

results_path, portolan, rtt, runs, pwfile, user, ca, p587, p465 = sys.argv[1:]
rtt, runs = float(rtt), int(runs)
results = json.load(open(results_path))
password = open(pwfile).read().strip()


def reference(security, port):
    """A minimal client (Python's ssl, no checks beyond the certificate): ms to AUTH accepted.

    It shares every cost of the path that is not the engine's (the proxy, Postfix, the TLS
    handshake), so portolan's lead over the floor minus this one's is the engine's own.
    """
    ctx = ssl.create_default_context(cafile=ca)
    start = time.perf_counter()
    sock = socket.create_connection(("127.0.0.1", int(port)))
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    if security == "tls":
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
    f = sock.makefile("rb")

    def reply():
        while True:
            line = f.readline()
            if line[3:4] != b"-":
                return line

    def command(text):
        sock.sendall(text + b"\r\n")
        return reply()

    reply()
    command(b"EHLO [127.0.0.1]")
    if security == "starttls":
        command(b"STARTTLS")
        sock = ctx.wrap_socket(sock, server_hostname="localhost")
        f = sock.makefile("rb")
        command(b"EHLO [127.0.0.1]")
    token = base64.b64encode(b"\0" + user.encode() + b"\0" + password.encode())
    line = command(b"AUTH PLAIN " + token)
    elapsed = (time.perf_counter() - start) * 1000
    assert line.startswith(b"235"), line
    command(b"QUIT")
    sock.close()
    return elapsed


for security, port, floor_rtts in (("starttls", p587, 7), ("tls", p465, 5)):
    walls, to_auth, totals = [], [], []
    ref = [reference(security, port) for _ in range(runs)]
    for _ in range(runs):
        with open(pwfile, "rb") as pw:
            start = time.perf_counter()
            run = subprocess.run(
                [portolan, "check", "--host", "127.0.0.1", "--port", port,
                 "--security", security, "--user", user, "--password-stdin",
                 "--ca-file", ca, "--json"],
                stdin=pw, capture_output=True)
            walls.append((time.perf_counter() - start) * 1000)
        if run.returncode != 0:
            sys.exit(f"portolan check failed (exit {run.returncode}):\n{run.stdout.decode()}{run.stderr.decode()}")
        report = json.loads(run.stdout)
        steps = report["steps"]
        auth_end = next(i for i, s in enumerate(steps) if s["stage"] == "auth")
        to_auth.append(sum(s["duration_ms"] for s in steps[: auth_end + 1]))
        totals.append(report["total_ms"])
    floor = floor_rtts * rtt
    row = {
        "rtt_ms": rtt, "security": security, "port_like": 587 if security == "starttls" else 465,
        "floor_ms": floor, "runs": runs,
        "median_to_auth_ms": statistics.median(to_auth),
        "median_total_ms": statistics.median(totals),
        "median_wall_ms": statistics.median(walls),
        "to_auth_ms": to_auth, "total_ms": totals, "wall_ms": walls,
    }
    row["over_floor_ms"] = row["median_to_auth_ms"] - floor
    row["reference_to_auth_ms"] = ref
    row["median_reference_ms"] = statistics.median(ref)
    results.append(row)
    print(f"RTT {rtt:>5.0f} ms  {row['port_like']} ({security:8}): AUTH accepted after "
          f"{row['median_to_auth_ms']:.0f} ms (floor {floor:.0f}, +{row['over_floor_ms']:.0f} ms, "
          f"target +20: {'met' if row['over_floor_ms'] <= 20 else 'NOT met'}); "
          f"minimal Python client {row['median_reference_ms']:.0f} ms; "
          f"whole check {row['median_total_ms']:.0f} ms, process {row['median_wall_ms']:.0f} ms "
          f"(medians of {runs})")
json.dump(results, open(results_path, "w"), indent=2)
EOF
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
done
say "details: $results"
