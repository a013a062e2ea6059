#!/usr/bin/env bash
# Fuzzes the results-file loader (`RunResults::parse`, the cargo-fuzz target `results_json`
# in fuzz/) for a bounded time, then prints how many inputs it ran and whether one crashed.
# Installs cargo-fuzz if missing; needs a nightly toolchain (libFuzzer's instrumentation).
# Usage: benches/fuzz.sh [SECONDS]   (default 60; the build is not counted)
# Exit status: 0 when no crash was found, 1 when one was (its input is under fuzz/artifacts/).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
target=results_json
cd "$root"
if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "installing cargo-fuzz" >&2
    cargo install --locked cargo-fuzz
fi
if ! cargo +nightly --version >/dev/null 2>&1; then
    echo "benches/fuzz.sh: a nightly toolchain is needed (rustup toolchain install nightly)" >&2
    exit 2
fi
corpus="fuzz/corpus/$target"
mkdir -p "$corpus"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo +nightly fuzz build "$target" >&2
echo "fuzzing $target for ${seconds} s ($(cargo +nightly --version))" >&2
status=0
# The first corpus directory collects what the run finds; the seeds are read only.
cargo +nightly fuzz run "$target" "$corpus" "fuzz/seeds/$target" -- \
    -max_total_time="$seconds" -dict="fuzz/$target.dict" -print_final_stats=1 >"$log" 2>&1 || status=$?
stat() { sed -n "s/^stat::$1: *//p" "$log" | tail -1; }
execs=$(stat number_of_executed_units)
per_s=$(stat average_exec_per_sec)
if [ -z "$execs" ]; then # no final stats: the last status line (`#N ... exec/s: X`)
    last=$(grep -E '^#[0-9]+' "$log" | tail -1 || true)
    execs=$(sed -E 's/^#([0-9]+).*/\1/' <<<"$last")
    per_s=$(sed -nE 's/.*exec\/s: ([0-9]+).*/\1/p' <<<"$last")
fi
artifact=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
echo "target: $target"
echo "seconds: $seconds"
echo "execs: ${execs:-unknown}"
echo "execs/s: ${per_s:-unknown}"
echo "corpus: $(find "$corpus" -type f | wc -l) inputs in $corpus"
if [ "$status" -ne 0 ] || [ -n "$artifact" ]; then
    echo "crashes: 1 (input: ${artifact:-none written}; libFuzzer exit status $status)"
    grep -E 'panicked at|ERROR: libFuzzer|SUMMARY' "$log" | head -5 >&2 || true
    exit 1
fi
echo "crashes: 0"
