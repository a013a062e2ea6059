#!/usr/bin/env bash
# Measures the matrix on this machine and writes docs/performance.md:
#   (a) the cold run, (b) the same run again, (c) the run after one pattern's source changed,
#   (d) the naive way (a fresh `maturin develop` + pytest per pattern per cell) against ours
#       on the same small subset, (e) the floor: PyO3 alone built once per cell.
# Usage: benches/bench.sh [PYO3_LIST] [PYTHON_LIST]   (default: the whole default matrix)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
pyo3=${1:-0.19..=0.30}
pythons=${2:-3.12,3.13,3.13t}
cd "$root"
cargo build --release -q -p pyo3-matrix
bin="$root/target/release/pyo3-matrix"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
user_cache=${PYO3_MATRIX_CACHE:-$HOME/.cache/pyo3-matrix}
# Provisioning an interpreter is not the matrix's cost: reuse the provisioned ones.
"$bin" python install 3.13t >/dev/null
mkdir -p "$work/cache" "$work/repo/crates"
ln -s "$user_cache/pythons" "$work/cache/pythons"
cp -r "$root/matrix" "$work/repo/"
ln -s "$root/crates/cells" "$work/repo/crates/cells"

now_ms() { date +%s%3N; }
timed() { # timed LABEL CMD... : runs CMD, prints seconds with one decimal
    local start end; start=$(now_ms)
    "${@:2}" >"$work/$1.log" 2>&1 || { echo "$1 failed, see log:" >&2; tail -20 "$work/$1.log" >&2; exit 1; }
    end=$(now_ms); awk -v ms=$((end - start)) 'BEGIN { printf "%.1f", ms / 1000 }'
}
ours() { PYO3_MATRIX_CACHE="$work/cache" "$bin" --matrix "$work/repo/matrix" run "$@"; }

echo "(a) cold run of --pyo3 $pyo3 --python $pythons" >&2
a=$(timed a ours --pyo3 "$pyo3" --python "$pythons" --out "$work/a/results.json")
# BENCH_KEEP_RESULTS=FILE keeps (a)'s results: a cold, complete observation of the scope.
if [ -n "${BENCH_KEEP_RESULTS:-}" ]; then cp "$work/a/results.json" "$BENCH_KEEP_RESULTS"; fi
results=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['results']))" "$work/a/results.json")
echo "(b) the same run again" >&2
b=$(timed b ours --pyo3 "$pyo3" --python "$pythons" --out "$work/b/results.json")
echo "(c) after editing one pattern's source" >&2
echo "// edited by benches/bench.sh" >>"$work/repo/matrix/patterns/vec_u8_return/lib.rs"
c=$(timed c ours --pyo3 "$pyo3" --python "$pythons" --out "$work/c/results.json")

# Patterns with no dependency but pyo3, no variant and no hang (the naive loop has none of these).
subset_patterns=(counter_class vec_u8_return trailing_option_arg enum_equality panic_exception class_without_new pathbuf_return frozen_atomic_counter err_context_chained argument_error_message frozen_hashable unsendable_class)
subset_releases=(0.23 0.30)
subset_python=3.12
interp=$("$bin" python list | awk -v f="$subset_python" '$1 == f { print $3; exit }')
echo "(d) naive: fresh maturin develop + pytest per pattern per cell, on ${#subset_patterns[@]} patterns x ${#subset_releases[@]} releases x $subset_python" >&2
"$interp" -m venv "$work/naive-venv"
"$work/naive-venv/bin/pip" install -q maturin pytest
naive() {
    for release in "${subset_releases[@]}"; do
        local exact; exact=$(grep -o "\"$release\.[0-9]*\"" matrix/matrix.toml | tr -d '"' | head -1)
        for p in "${subset_patterns[@]}"; do
            local crate="$work/naive/$p-$release"
            mkdir -p "$crate/src"
            cp "matrix/patterns/$p/lib.rs" "$crate/src/lib.rs"
            printf '[package]\nname = "%s"\nversion = "0.1.0"\nedition = "2021"\n[lib]\ncrate-type = ["cdylib"]\n[dependencies]\npyo3 = { version = "=%s", features = ["extension-module"] }\n' "$p" "$exact" >"$crate/Cargo.toml"
            (cd "$crate" && VIRTUAL_ENV="$work/naive-venv" PATH="$work/naive-venv/bin:$PATH" maturin develop -q)
            "$work/naive-venv/bin/python" -m pytest -q -p no:cacheprovider "matrix/patterns/$p/test_$p.py" || true
        done
    done
}
d=$(timed d naive)
subset_args=(--pyo3 "$(IFS=,; echo "${subset_releases[*]}")" --python "$subset_python")
for p in "${subset_patterns[@]}"; do subset_args+=(--pattern "$p"); done
ours_subset() { PYO3_MATRIX_CACHE="$work/subset-cache" "$bin" --matrix "$work/repo/matrix" run "${subset_args[@]}" --out "$work/s/results.json"; }
# Like the naive way's prepared virtual environment, ours are made before the clock starts.
mkdir -p "$work/subset-cache" && ln -s "$user_cache/pythons" "$work/subset-cache/pythons"
ln -s "$work/cache/venvs" "$work/subset-cache/venvs"
s=$(timed s ours_subset)

echo "(e) floor: PyO3 alone, built once per cell" >&2
floor() {
    local releases; releases=$("$bin" ci github --pyo3 "$pyo3" --python "$pythons" | python3 -c "
import json, sys
for job in json.load(sys.stdin)['include']:
    print(job['cells'])")
    for cell in $releases; do
        local release=${cell%/*} flavor=${cell#*/} path
        path=$("$bin" python list | awk -v f="$flavor" '$1 == f { print $3; exit }')
        # The cells' own profile (no debug info, no incremental), so the floor is comparable.
        CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 PYO3_PYTHON="$path" cargo build -q --manifest-path "crates/cells/pyo3-$release/Cargo.toml" -p pyo3 \
            --target-dir "$work/floor/$release-$flavor" 2>/dev/null || true
    done
}
e=$(timed e floor)

# Where (a)'s time went, from the per-result timings it recorded.
breakdown=$(python3 - "$work/a/results.json" <<'PY'
import collections, json, sys
results = json.load(open(sys.argv[1]))["results"]
builds = collections.defaultdict(float)
for r in results:
    key = (r["pyo3"], r["python"], r["variant"])
    builds[key] = max(builds[key], r["timings"]["build_s"])
plain = [s for (_, _, v), s in builds.items() if v is None]
variants = [s for (_, _, v), s in builds.items() if v is not None]
tests = [r["timings"]["test_s"] for r in results if r["timings"]["test_s"] > 0]
hangs = [r["timings"]["test_s"] for r in results if r["outcome"] == "hang"]
print(f"- cargo, plain cells: {len(plain)} invocations, {sum(plain):.0f} s")
print(f"- cargo, variants: {len(variants)} invocations, {sum(variants):.0f} s "
      "(each variant builds PyO3 with its own features or environment)")
print(f"- pytest: {len(tests)} processes, {sum(tests):.0f} s, "
      f"{sum(hangs):.0f} s of it waiting out {len(hangs)} hangs to their timeout")
print("- these are busy-seconds: cells build and test side by side, so they add up to more than (a)")
PY
)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", x / y }'; }
cores=$(nproc); memory=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
cat >docs/performance.md <<MD
# Performance, measured

Measured by \`benches/bench.sh $pyo3 $pythons\` on $(date -u +%Y-%m-%d): $cores cores, $memory,
$(rustc --version). Every figure is wall-clock seconds of one run; re-run the script to reproduce.

| what | seconds |
|---|---|
| (a) cold run: $results results (--pyo3 $pyo3, --python $pythons) | $a |
| (b) the same run again, nothing changed | $b |
| (c) after editing one pattern's lib.rs | $c |
| (d) naive: fresh \`maturin develop\` + pytest per pattern per cell (${#subset_patterns[@]} patterns x ${#subset_releases[@]} releases x $subset_python) | $d |
| ours, cold, on the same subset | $s |
| (e) floor: PyO3 alone, built once per cell | $e |

- naive / ours on the subset: **$(ratio "$d" "$s")x**
- cold run / floor: **$(ratio "$a" "$e")x**

Targets (2 cores): (b) <= 10 s; (c) <= 180 s; naive/ours >= 10x; (a) <= 1800 s and <= 3x the floor.
Where (a)'s time went (from the timings in its results file):

$breakdown

Each cell compiles PyO3 once (the floor), once more per variant that changes PyO3's features
or environment, and then compiles and links one \`cdylib\` per pattern. Cells are worked on side
by side (\`--jobs\`, default one per core) with cargo's jobs and the test processes drawing from one
jobserver, so one cell's tests overlap the next one's build and both cores stay busy without
oversubscription; variants that only add features share the cell's target directory.
MD
echo "wrote docs/performance.md" >&2
cat docs/performance.md
