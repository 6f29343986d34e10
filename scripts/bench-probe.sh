#!/usr/bin/env bash
# `portolan probe` against ports that never answer. Not part of `make test`.
#   1. 25 and 2525 blackholed, 465 and 587 answering: time to the recommendation
#      (target ≤ 1.5 s).
#   2. Every port blackholed: time until the probe gives up (target ≤ timeout + 2 s).
#   3. Ctrl-C during (2): time from SIGINT to exit (target ≤ 100 ms).
#
#   scripts/bench-probe.sh [--runs N] [--timeout SECONDS] [--out DIR]
#
# The server is 198.18.0.2 inside scripts/netns-blackhole.sh's namespace: the fixture runs in
# that namespace and scripts/fixture/delay-proxy.py (no added delay) serves its 465-like and
# 587-like listeners on the real port numbers there. Builds the CLI in release mode unless
# PORTOLAN_BIN names a binary.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-/work/target}
runs=5
timeout=3
out=$CARGO_TARGET_DIR/bench

while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	--timeout) timeout=${2:?}; shift 2 ;;
	--out) out=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--runs N] [--timeout SECONDS] [--out DIR]" >&2; exit 2 ;;
	esac
done
mkdir -p "$out"
out=$(cd "$out" && pwd)
say() { printf '[bench-probe] %s\n' "$*" >&2; }

if [[ -n ${PORTOLAN_BIN:-} ]]; then
	portolan=$PORTOLAN_BIN
else
	say "building portolan (release)"
	(cd "$root" && cargo build --release --locked -q -p portolan-cli --bin portolan)
	portolan=$CARGO_TARGET_DIR/release/portolan
fi
[[ -x $portolan ]] || { say "no portolan binary at $portolan"; exit 1; }

ns="portolan-blackhole"
work=$(mktemp -d /tmp/portolan-bench-probe.XXXXXX)
proxy_pid=
cleanup() {
	[[ -n $proxy_pid ]] && kill "$proxy_pid" 2>/dev/null
	"$root/scripts/test-servers.sh" stop "$work/servers" >/dev/null 2>&1 || true
	"$root/scripts/netns-blackhole.sh" down || true
	rm -rf "$work"
}
trap cleanup EXIT

blackhole() { # <ports to drop>
	"$root/scripts/netns-blackhole.sh" up --drop-ports "$1" >/dev/null
	ip netns exec "$ns" "$root/scripts/test-servers.sh" start "$work/servers" 2>/dev/null
	# shellcheck disable=SC1091
	. "$work/servers/servers.env"
	ip netns exec "$ns" python3 "$root/scripts/fixture/delay-proxy.py" --rtt-ms 0 \
		"198.18.0.2:465=127.0.0.1:$PORTOLAN_TEST_SUBMISSIONS_PORT" \
		"198.18.0.2:587=127.0.0.1:$PORTOLAN_TEST_SUBMISSION_PORT" >"$work/proxy.out" &
	proxy_pid=$!
	local i
	for ((i = 0; i < 50; i++)); do
		grep -q ready "$work/proxy.out" 2>/dev/null && return 0
		sleep 0.1
	done
	say "the proxy in the namespace did not start"
	exit 1
}
unblackhole() {
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
	proxy_pid=
	"$root/scripts/test-servers.sh" stop "$work/servers" >/dev/null 2>&1 || true
	"$root/scripts/netns-blackhole.sh" down
}

measure() { # <scenario> ; runs the probes, prints one summary line
	python3 - "$1" "$portolan" "$runs" "$timeout" "$PORTOLAN_TEST_CA_FILE" "$out/bench-probe.json" <<'EOF'
import json, os, signal, statistics, subprocess, sys, time

scenario, portolan, runs, timeout, ca, results_path = sys.argv[1:]
runs, timeout = int(runs), float(timeout)
cmd = [portolan, "probe", "198.18.0.2", "--ca-file", ca, "--timeout", str(timeout)]
try:
    results = json.load(open(results_path))
except (OSError, ValueError):
    results = []

def run(cancel_after=None):
    """Runs one probe; returns (seconds to the recommendation line or None, seconds to exit,
    seconds from SIGINT to exit or None, exit code)."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    recommended = None
    sigint_at = None
    if cancel_after is not None:
        time.sleep(cancel_after)
        sigint_at = time.perf_counter()
        p.send_signal(signal.SIGINT)
    for line in p.stdout:
        if recommended is None and "Recommended after" in line:
            recommended = time.perf_counter() - start
    code = p.wait()
    end = time.perf_counter()
    return recommended, end - start, (end - sigint_at) if sigint_at else None, code

if scenario == "best-answers":
    rows = [run() for _ in range(runs)]
    rec = [r[0] for r in rows if r[0] is not None]
    if len(rec) != runs:
        sys.exit(f"no recommendation in {runs - len(rec)} of {runs} runs")
    med = statistics.median(rec) * 1000
    print(f"25+2525 blackholed: recommendation after {med:.0f} ms (median of {runs}; "
          f"max {max(rec) * 1000:.0f}; target <= 1500: {'met' if med <= 1500 else 'NOT met'}); "
          f"whole probe {statistics.median(r[1] for r in rows):.2f} s with --timeout {timeout:g}")
    results.append({"scenario": scenario, "recommended_s": rec, "exit_s": [r[1] for r in rows]})
elif scenario == "all-blackholed":
    rows = [run() for _ in range(runs)]
    med = statistics.median(r[1] for r in rows)
    print(f"all blackholed: gave up after {med:.2f} s (median of {runs}; exit {rows[0][3]}; "
          f"target <= timeout + 2 = {timeout + 2:g} s: {'met' if med <= timeout + 2 else 'NOT met'})")
    results.append({"scenario": scenario, "exit_s": [r[1] for r in rows],
                    "codes": [r[3] for r in rows]})
    rows = [run(cancel_after=min(1.0, timeout / 2)) for _ in range(runs)]
    cancel = [r[2] * 1000 for r in rows]
    med = statistics.median(cancel)
    print(f"Ctrl-C while waiting: exited {med:.0f} ms after SIGINT (median of {runs}; max "
          f"{max(cancel):.0f}; target <= 100: {'met' if med <= 100 else 'NOT met'})")
    results.append({"scenario": "cancel", "cancel_ms": cancel, "codes": [r[3] for r in rows]})
json.dump(results, open(results_path, "w"), indent=2)
EOF
}

rm -f "$out/bench-probe.json"
say "25 and 2525 blackholed, 465 and 587 answering ($runs runs)"
blackhole 25,2525
measure best-answers
unblackhole
say "every port blackholed ($runs runs, then $runs cancelled)"
blackhole 465,587,2525,25
measure all-blackholed
unblackhole
say "details: $out/bench-probe.json"
