#!/usr/bin/env bash
# The engine's figures, one after the other, then side by side (not part of `make test`):
#   - scripts/bench.sh: whole-process `portolan check` vs swaks on loopback (target ≤ 0.2×);
#   - scripts/bench-rtt.sh: at 100 ms round-trip time through the delay proxy, STARTTLS+AUTH
#     on 587 and TLS+AUTH on 465, portolan and swaks side by side with their round trips
#     (targets 7 RTT + 20 ms and 5 RTT + 20 ms, whole process);
#   - scripts/bench-probe.sh: the probe recommends as soon as the best port is certain.
#
#   scripts/bench-engine.sh [--runs N]
#
# Builds the CLI once in release mode (unless PORTOLAN_BIN names a binary) and hands it to
# each. Needs root (fixtures, network namespaces), swaks and hyperfine.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"
runs=
while (($#)); do
	case $1 in
	--runs) runs=${2:?}; shift 2 ;;
	*) echo "usage: $0 [--runs N]" >&2; exit 2 ;;
	esac
done
say() { printf '[bench-engine] %s\n' "$*" >&2; }

if [[ -z ${PORTOLAN_BIN:-} ]]; then
	say "building portolan (release)"
	cargo build --release --locked -q -p portolan-cli --bin portolan
	export PORTOLAN_BIN=$CARGO_TARGET_DIR/release/portolan
fi
out=$(mktemp -d /tmp/portolan-bench-engine.XXXXXX)
trap 'rm -rf "$out"' EXIT

say "check vs swaks on loopback"
bash scripts/bench.sh ${runs:+--runs "$((runs > 10 ? runs : 10))"} | tee "$out/loopback.txt"
say "check vs swaks at 100 ms round-trip time"
bash scripts/bench-rtt.sh --rtt 100 ${runs:+--runs "$runs"} | tee "$out/rtt.txt"
say "probe"
bash scripts/bench-probe.sh ${runs:+--runs "$runs"} | tee "$out/probe.txt"

echo
echo "== Engine figures =="
echo "-- whole-process check vs swaks on loopback (target <= 0.2x)"
cat "$out/loopback.txt"
echo "-- at 100 ms round-trip time"
cat "$out/rtt.txt"
echo "-- probe"
cat "$out/probe.txt"
