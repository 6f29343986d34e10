#!/usr/bin/env bash
# `portolan check` with an emulated round-trip time, against the protocol floor: AUTH accepted
# after 5 round trips on 465 (connect, TLS, greeting, EHLO, AUTH) and 7 on 587 (connect,
# greeting, EHLO, STARTTLS, TLS, EHLO, AUTH). Not part of `make test`. Two figures per RTT:
#   1. time to AUTH accepted, from the report's steps (target ≤ floor + 20 ms), beside a
#      minimal Python client through the same proxy;
#   2. the whole process, `portolan check` and swaks side by side with hyperfine (target at
#      100 ms: 587 ≤ 720 ms, 465 ≤ 520 ms, i.e. the floor + 20 ms: the verdict does not wait for
#      the answer to QUIT), with the round trips each client waited for, counted by the proxy.
#
#   scripts/bench-rtt.sh [--runs N] [--rtt "50 100"] [--out DIR]
#
# The delay comes from scripts/fixture/delay-proxy.py on loopback (netem is not available in
# every kernel or container). Starts its own fixture on PORTOLAN_BENCH_PORT_BASE (default
# 24700). Builds the CLI in release mode unless PORTOLAN_BIN names a binary.
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
if ! command -v hyperfine >/dev/null; then
	say "installing hyperfine (apt)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
command -v swaks >/dev/null || { say "swaks is missing: apt-get install swaks"; exit 1; }

base=${PORTOLAN_BENCH_PORT_BASE:-24700}
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
summary=$out/bench-rtt-summary.txt
: >"$summary"
for rtt in $rtts; do
	# Portolan's ports, then swaks' (the same servers): the proxy's log tells them apart.
	p587=$((base + 40))
	p465=$((base + 41))
	s587=$((base + 42))
	s465=$((base + 43))
	log=$work/proxy-$rtt.jsonl
	: >"$log"
	python3 "$root/scripts/fixture/delay-proxy.py" --rtt-ms "$rtt" --log "$log" \
		"127.0.0.1:$p587=127.0.0.1:$PORTOLAN_TEST_SUBMISSION_PORT" \
		"127.0.0.1:$p465=127.0.0.1:$PORTOLAN_TEST_SUBMISSIONS_PORT" \
		"127.0.0.1:$s587=127.0.0.1:$PORTOLAN_TEST_SUBMISSION_PORT" \
		"127.0.0.1:$s465=127.0.0.1:$PORTOLAN_TEST_SUBMISSIONS_PORT" >"$work/proxy.out" &
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

	say "RTT $rtt ms: whole process, portolan check and swaks, $runs runs each"
	pw=$work/password
	ca=$PORTOLAN_TEST_CA_FILE
	user=$PORTOLAN_TEST_USER
	pass=$PORTOLAN_TEST_PASSWORD
	pcheck="$portolan check --host 127.0.0.1 --user $user --password-stdin --ca-file $ca --json"
	swaks="swaks --server 127.0.0.1 --tls-verify --tls-ca-path $ca --auth PLAIN --auth-user $user --auth-password $pass --quit-after AUTH"
	for tool in "$pcheck --port $p587 --security starttls" "$pcheck --port $p465 --security tls" \
		"$swaks --port $s587 --tls" "$swaks --port $s465 --tls-on-connect"; do
		# Each must succeed before it is timed: a fast failure is no result.
		if ! bash -c "$tool < $pw > $work/one.out 2>&1"; then
			say "this failed through the proxy: ${tool/$pass/<password>}"
			cat "$work/one.out" >&2
			exit 1
		fi
	done
	sleep 1
	: >"$log"
	hyperfine --style basic --warmup 1 --runs "$runs" \
		--export-json "$out/bench-rtt-$rtt-hyperfine.json" \
		-n "portolan 587" "$pcheck --port $p587 --security starttls < $pw > /dev/null" \
		-n "swaks 587" "$swaks --port $s587 --tls > /dev/null" \
		-n "portolan 465" "$pcheck --port $p465 --security tls < $pw > /dev/null" \
		-n "swaks 465" "$swaks --port $s465 --tls-on-connect > /dev/null" >&2
	# The proxy writes a connection's line once both sides have closed.
	sleep 1
	python3 - "$out/bench-rtt-$rtt-hyperfine.json" "$log" "$rtt" "$p587" "$p465" "$s587" "$s465" \
		"$summary" "$results" <<'EOF'
import collections, json, sys

hf_path, log_path, rtt, p587, p465, s587, s465, summary_path, results_path = sys.argv[1:]
rtt = float(rtt)
times = {r["command"]: r for r in json.load(open(hf_path))["results"]}
reference = {
    r["security"]: r["median_reference_ms"]
    for r in json.load(open(results_path))
    if r["rtt_ms"] == rtt
}


def round_trips(events):
    """Round trips the client waited for: the TCP handshake, then each flight of server data
    that reached the proxy before the client's end of stream (later ones nobody awaited)."""
    end = min((t for w, t in events if w == "ce"), default=float("inf"))
    flights, last = 0, None
    for who, t in sorted(events, key=lambda e: e[1]):
        if t >= end or who not in ("c", "s"):
            continue
        if who == "s" and last != "s":
            flights += 1
        last = who
    return 1 + flights


per_port = collections.defaultdict(list)
for line in open(log_path):
    entry = json.loads(line)
    per_port[str(entry["port"])].append(round_trips(entry["events"]))


def trips(port):
    counts = collections.Counter(per_port.get(port, []))
    if not counts:
        return "?"
    common, n = counts.most_common(1)[0]
    total = sum(counts.values())
    return f"{common}" if n == total else f"{common} (in {n} of {total} runs)"


runs = len(times["portolan 587"]["times"])
lines = [f"RTT {rtt:.0f} ms, whole process (hyperfine, medians of {runs}):"]
for port, name, floor, pp, sp, security in (
    ("587", "STARTTLS + AUTH", 7, p587, s587, "starttls"),
    ("465", "TLS + AUTH", 5, p465, s465, "tls"),
):
    p, s = times[f"portolan {port}"], times[f"swaks {port}"]
    target = floor * rtt + 20
    pm, sm = p["median"] * 1000, s["median"] * 1000
    lines.append(
        f"  {port} {name:15}  portolan check {pm:4.0f} ms, {trips(pp)} round trips "
        f"(target <= {target:.0f} ms: {'met' if pm <= target else 'NOT met'})  |  "
        f"swaks {sm:4.0f} ms, {trips(sp)} round trips"
    )
    ref = reference.get(security)
    if ref is not None:
        lines.append(
            f"      the path itself: a minimal Python client has AUTH accepted after {ref:.0f} ms "
            f"(floor {floor * rtt:.0f}); portolan's whole process is {pm - ref:+.0f} ms beside it"
        )
text = "\n".join(lines)
print(text)
with open(summary_path, "a") as f:
    f.write(text + "\n")
EOF
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
done
say "details: $results, $out/bench-rtt-*-hyperfine.json; summary: $summary"
