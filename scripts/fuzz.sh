#!/usr/bin/env bash
# Coverage-guided fuzzing of the engine's parsers (cargo-fuzz, libFuzzer): each target of
# fuzz/fuzz_targets runs for SECONDS_PER_TARGET seconds (default 10), starting from the seeds of
# fuzz/corpus/<target> (read only). Prints the executions per target and in total; exits
# non-zero when a target crashes, with the crashing input saved under the scratch folder.
#
#   bash scripts/fuzz.sh            # the bounded run of scripts/test.sh (5 targets x 10 s)
#   bash scripts/fuzz.sh 600        # a longer run
#   PORTOLAN_FUZZ_TARGETS="smtp_reply redactor" bash scripts/fuzz.sh 60
#
# The build goes to $PORTOLAN_CACHE/fuzz-target (about 4-10 min cold, then seconds); the corpus
# the fuzzer grows is kept in $PORTOLAN_CACHE/fuzz/corpus/<target>, so later runs start from it.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
cd "$PORTOLAN_ROOT"

say() { printf '\033[1m[fuzz]\033[0m %s\n' "$*"; }

seconds="${1:-10}"
case "$seconds" in '' | *[!0-9]*) say "usage: bash scripts/fuzz.sh [SECONDS_PER_TARGET]"; exit 2 ;; esac
targets=(${PORTOLAN_FUZZ_TARGETS:-smtp_reply redactor autoconfig import_json settings})

if ! cargo fuzz --version >/dev/null 2>&1; then
  say "cargo-fuzz is not installed. Run 'bash scripts/setup.sh', or install it with:"
  say "  cargo install --locked cargo-fuzz --version 0.13.2"
  exit 1
fi

target_dir="$PORTOLAN_CACHE/fuzz-target"
scratch="${PORTOLAN_FUZZ_WORK:-$PORTOLAN_CACHE/fuzz}"
mkdir -p "$scratch"

# -O: optimised; -a: with debug assertions (integer overflow panics); no sanitizer: the engine
# is safe Rust, and without ASan the build is faster and the fuzzer several times quicker.
# RUSTC_BOOTSTRAP lets a stable toolchain take the -Z flags cargo-fuzz passes.
say "building the fuzz targets (cached in $target_dir)"
built=$(date +%s)
if ! (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build -O -a -s none --target-dir "$target_dir"); then
  say "the fuzz targets did not build (see above)"
  exit 1
fi
bins="$target_dir/$(rustc -vV | sed -n 's/^host: //p')/release"
for t in "${targets[@]}"; do
  if [ ! -x "$bins/$t" ]; then
    say "the build of $t failed (see above)"
    exit 1
  fi
done
say "built in $(( $(date +%s) - built ))s"

# The longest input per target: past every size limit the parser has (a reply line is at most
# 4 KiB, so smtp_reply gets more), small enough to stay fast.
max_len() {
  case "$1" in
    smtp_reply) echo 12000 ;;
    import_json | autoconfig) echo 8192 ;;
    *) echo 4096 ;;
  esac
}

total=0
failed=()
summary=()
for t in "${targets[@]}"; do
  corpus="$scratch/corpus/$t"
  artifacts="$scratch/artifacts/$t"
  log="$scratch/$t.log"
  mkdir -p "$corpus" "$artifacts"
  say "$t: ${seconds}s"
  rc=0
  # New inputs go to the first folder (the cache); the repository's seeds are only read.
  "$bins/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -max_len="$(max_len "$t")" \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$artifacts/" \
    "$corpus" "fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  execs="${execs:-0}"
  total=$(( total + execs ))
  if [ "$rc" -ne 0 ]; then
    artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
    failed+=("$t")
    summary+=("$(printf '%-12s %12s executions  CRASHED: %s' "$t" "$execs" "${artifact:-see $log}")")
    grep -E "panicked|ERROR|SUMMARY" "$log" | head -5 || true
  else
    summary+=("$(printf '%-12s %12s executions  ok (corpus: %s inputs)' "$t" "$execs" "$(ls "$corpus" | wc -l)")")
  fi
done

say "results (${seconds}s per target)"
printf '  %s\n' "${summary[@]}"
say "total: $total executions"
if [ "${#failed[@]}" -gt 0 ]; then
  say "crashes in: ${failed[*]}. Logs in $scratch/<target>.log. To keep a crash as a test, copy"
  say "it to fuzz/regressions/<target>/ (tests/fuzz_corpus.rs runs it) and fix the code."
  exit 1
fi
