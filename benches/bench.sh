#!/usr/bin/env bash
# Measures the matrix on this machine and writes docs/performance.md:
#   (a) the cold run, (b) the same run again, (c) the run after one pattern's source changed,
#   (d) the naive way (a fresh `maturin develop` + pytest per pattern per cell) against ours
#       on the same small subset, (e) the floor: PyO3 alone built once per cell, and (e') the
#       floor of this matrix: once more per variant that changes PyO3's features or environment.
# It also checks the cache: after editing a pattern's source, a test file and a release's
# lockfile in turn, it counts the results each rerun observed again.
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
# A copy of the matrix and the committed lockfiles: the cache checks below edit them.
cp -r "$root/matrix" "$work/repo/"
cp -r "$root/crates/cells" "$work/repo/crates/cells"

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
# How many results a run observed rather than reused, from its closing summary.
observed() { grep -o '([0-9]* observed' "$work/$1.log" | tr -dc 0-9; }
edit() { echo "$2 edited by benches/bench.sh" >>"$work/repo/$1"; }
echo "(c) after editing one pattern's source" >&2
edit matrix/patterns/vec_u8_return/lib.rs //
c=$(timed c ours --pyo3 "$pyo3" --python "$pythons" --out "$work/c/results.json")
echo "    cache check: after editing one test file, then one release's lockfile" >&2
edit matrix/patterns/counter_class/test_counter_class.py "#"
c_test=$(timed c_test ours --pyo3 "$pyo3" --python "$pythons" --out "$work/c_test/results.json")
lock_release=$(ls "$work/repo/crates/cells" | tail -1)
edit "crates/cells/$lock_release/Cargo.lock" "#"
c_lock=$(timed c_lock ours --pyo3 "$pyo3" --python "$pythons" --out "$work/c_lock/results.json")
count() { python3 -c "import json,sys; rs=json.load(open(sys.argv[1]))['results']; print(sum(1 for r in rs if eval(sys.argv[2])))" "$work/a/results.json" "$1"; }
# Skipped results and those blocked for want of a companion release are decided up front.
built="not (r['outcome'] == 'skipped' or 'no release paired' in (r['message'] or ''))"
expect_c=$(count "r['pattern'] == 'vec_u8_return' and $built")
expect_test=$(count "r['pattern'] == 'counter_class' and $built")
expect_lock=$(count "r['pyo3'] == '${lock_release#pyo3-}' and $built")

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

# The interpreters and the cells, looked up before the floors' clocks start.
"$bin" python list >"$work/pythons.txt"
python_path() { awk -v f="$1" '$1 == f { print $3; exit }' "$work/pythons.txt"; }
"$bin" ci github --pyo3 "$pyo3" --python "$pythons" | python3 -c "
import json, sys
for job in json.load(sys.stdin)['include']:
    print(job['cells'])" >"$work/cells.txt"
echo "(e) floor: PyO3 alone, built once per cell" >&2
floor() {
    while read -r cell; do
        # The cells' own profile (no debug info, no incremental), so the floor is comparable.
        CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 PYO3_PYTHON="$(python_path "${cell#*/}")" \
            cargo build -q --manifest-path "crates/cells/pyo3-${cell%/*}/Cargo.toml" -p pyo3 \
            --target-dir "$work/floor/$cell" 2>/dev/null || true
    done <"$work/cells.txt"
}
e=$(timed e floor)

echo "(e') once more per variant build of (a) that changes PyO3's features or environment" >&2
read -r variant_builds e_variants < <(benches/floor_variants.sh "$work/a/results.json" "$work/repo/matrix")
e_all=$(awk -v x="$e" -v y="$e_variants" 'BEGIN { printf "%.1f", x + y }')

echo "    test start-up: a fresh interpreter against a fork of the server, on a one-line test" >&2
startup=$(python3 - "$(python_path "$subset_python")" "$root/crates/engine/python/pyo3_matrix_forkserver.py" "$work/startup" <<'PY'
import json, os, subprocess, sys, time
python, server, work = sys.argv[1:]
os.makedirs(work)
test = os.path.join(work, "test_one.py")
open(test, "w").write("def test_one():\n    assert True\n")
venv = os.path.join(work, "venv")
subprocess.run([python, "-m", "venv", venv], check=True)
subprocess.run([venv + "/bin/pip", "install", "-q", "pytest"], check=True)
args = ["-q", "-p", "no:cacheprovider", test]
def median(times):
    return sorted(times)[len(times) // 2]
fresh = []
for _ in range(11):
    start = time.monotonic()
    subprocess.run([venv + "/bin/python", "-m", "pytest", *args], cwd=work, stdout=subprocess.DEVNULL, check=True)
    fresh.append(time.monotonic() - start)
host = subprocess.Popen([venv + "/bin/python", server], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
forked = []
for i in range(12):
    start = time.monotonic()
    host.stdin.write(json.dumps({"args": args, "cwd": work, "env": {}, "path": [], "output": os.devnull}) + "\n")
    host.stdin.flush()
    host.stdout.readline(), host.stdout.readline()
    if i:  # the first run waits for the server's own start-up
        forked.append(time.monotonic() - start)
print(f"{median(fresh):.3f} {median(forked):.3f}")
PY
)
startup_fresh=${startup% *}; startup_forked=${startup#* }

# Where (a)'s time went, from the per-result timings it recorded.
breakdown=$(python3 - "$work/a/results.json" "$a" "$(nproc)" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
wall, cores = float(sys.argv[2]), int(sys.argv[3])
builds = {}
for r in results:
    t = r["timings"]
    if t["build_s"] > 0:
        builds[(r["pyo3"], r["python"], r["variant"])] = t
plain = [t for (_, _, v), t in builds.items() if v is None]
variants = [t for (_, _, v), t in builds.items() if v is not None]
tests = [r["timings"] for r in results if r["timings"]["test_s"] > 0]
hangs = [r["timings"] for r in results if r["outcome"] == "hang"]
total = lambda ts, k: sum(t.get(k, 0.0) for t in ts)
cpu = total(plain, "build_cpu_s") + total(variants, "build_cpu_s") + total(tests, "test_cpu_s")
share = lambda x: f"{100 * x / cpu:.0f} %" if cpu else "-"
print("| where | invocations | CPU seconds | share of the CPU | wall seconds of the invocations |")
print("|---|---|---|---|---|")
print(f"| cargo, plain cells | {len(plain)} | {total(plain, 'build_cpu_s'):.0f} | {share(total(plain, 'build_cpu_s'))} "
      f"| {total(plain, 'build_s'):.0f}: {total(plain, 'deps_s'):.0f} until PyO3 and its companions were built, "
      f"{total(plain, 'build_s') - total(plain, 'deps_s'):.0f} compiling and linking the patterns |")
print(f"| cargo, variants | {len(variants)} | {total(variants, 'build_cpu_s'):.0f} | {share(total(variants, 'build_cpu_s'))} "
      f"| {total(variants, 'build_s'):.0f}: {total(variants, 'deps_s'):.0f} rebuilding PyO3 with the variant's settings |")
print(f"| pytest | {len(tests)} | {total(tests, 'test_cpu_s'):.0f} | {share(total(tests, 'test_cpu_s'))} "
      f"| {total(tests, 'test_s'):.0f}, {total(hangs, 'test_s'):.0f} of it {len(hangs)} hangs waiting out their timeout |")
print()
print(f"The run had {wall:.0f} s x {cores} cores = {wall * cores:.0f} CPU seconds; cargo and pytest used "
      f"{cpu:.0f} of them ({100 * cpu / (wall * cores):.0f} %). The rest is the tool itself, copying targets "
      "(seeding), cargo's waits on its critical path (syn, then PyO3's macros, then PyO3) and the hangs' idle seconds.")
PY
)
ratio() { awk -v x="$1" -v y="$2" 'BEGIN { printf "%.1f", x / y }'; }
cores=$(nproc); memory=$(free -g | awk '/^Mem:/ { print $2 " GiB" }')
verdict() { awk -v x="$1" -v op="$2" -v y="$3" 'BEGIN { ok = (op == "<=") ? x <= y : x >= y; print ok ? "met" : "missed" }'; }
naive_ratio=$(ratio "$d" "$s"); floor_ratio=$(ratio "$a" "$e"); all_floor_ratio=$(ratio "$a" "$e_all")
# Sections other benchmarks write (benches/scan.sh's "## scan: …") are kept as they are.
kept=$(awk '/^## scan: /{keep=1} keep' docs/performance.md 2>/dev/null || true)
cat >docs/performance.md <<MD
# Performance, measured

Measured by \`benches/bench.sh $pyo3 $pythons\` on $(date -u +%Y-%m-%d): $cores cores, $memory,
$(rustc --version). Every figure is wall-clock seconds of one run; re-run the script to reproduce.

| what | seconds | target (2 cores) | |
|---|---|---|---|
| (a) cold run: $results results (--pyo3 $pyo3, --python $pythons) | $a | <= 1800 | $(verdict "$a" "<=" 1800) |
| (b) the same run again, nothing changed | $b | <= 10 | $(verdict "$b" "<=" 10) |
| (c) after editing one pattern's lib.rs | $c | <= 180 | $(verdict "$c" "<=" 180) |
| (d) naive: fresh \`maturin develop\` + pytest per pattern per cell (${#subset_patterns[@]} patterns x ${#subset_releases[@]} releases x $subset_python) | $d | | |
| ours, cold, on the same subset | $s | | |
| (e) floor: PyO3 alone, built once per cell | $e | | |
| (e') the same once more for each of the $variant_builds variant builds of (a) that change PyO3's features or environment | $e_all | | |

- naive / ours on the subset: **${naive_ratio}x** (target >= 10x: $(verdict "$naive_ratio" ">=" 10))
- cold run / floor: **${floor_ratio}x** (target <= 3x: $(verdict "$floor_ratio" "<=" 3)); cold run / (e'): **${all_floor_ratio}x**
- pytest start-up on a one-line test (median of 11): a fresh \`python -m pytest\` ${startup_fresh} s,
  a run forked from the test host ${startup_forked} s

The cache, checked by editing one input at a time and counting the results observed again
(the rest were reused):

| edit | results observed again | results that depend on it | seconds |
|---|---|---|---|
| nothing (b) | $(observed b) | 0 | $b |
| \`matrix/patterns/vec_u8_return/lib.rs\` (c) | $(observed c) | $expect_c | $c |
| \`matrix/patterns/counter_class/test_counter_class.py\` | $(observed c_test) | $expect_test | $c_test |
| \`crates/cells/$lock_release/Cargo.lock\` | $(observed c_lock) | $expect_lock | $c_lock |

(Results \`skipped\` for want of an interpreter or \`blocked\` for want of a companion release
are decided from the plan before any build and never cached; each run's summary line counts
them apart, and they are not counted here.)

Where (a)'s time went (from the timings in its results file; CPU seconds are user and system
time of cargo with everything it ran, and of each test process):

$breakdown

Each cell compiles PyO3 and the crates paired with it, once more per variant that changes
PyO3's features or environment, and then compiles and links one \`cdylib\` per pattern.
A cell's target starts as a copy of one its release already built, with only PyO3's
packages cleaned (\`crates/engine/src/seed.rs\`), so syn, tokio, ndarray and the rest are
compiled once per release rather than once per interpreter and build environment. Cells
are worked on side by side (\`--jobs\`, default one per core) with cargo's jobs and the test
processes drawing from one jobserver, so one cell's tests overlap the next one's build;
each test process is forked from a server per interpreter that has already imported
pytest (\`crates/engine/python/pyo3_matrix_forkserver.py\`), so it starts in a fraction of
a fresh interpreter's time while still being a process of its own.

## What a cold run does beyond the floor, and what would cut it

(e) builds PyO3 once per cell. A cold run also builds the crates paired with PyO3 (numpy with
ndarray, pyo3-async-runtimes with tokio, rayon, thiserror), rebuilds PyO3 for each of the
$variant_builds variant builds, compiles and links every pattern in every cell, and runs each
pattern's tests; (e') counts the variants' PyO3 builds too, and the run takes ${all_floor_ratio}x that.

- Variants: most of them (abi3, abi3-forward-compat, missing-interpreter) run in every cell.
  Restricting a variant to the interpreters where it can differ would remove builds, at the
  cost of observing fewer cells; the catalog keeps them everywhere.
- Patterns: each pattern is its own crate, compiled and linked once per cell (the table's
  "compiling and linking the patterns"). Building several patterns as one crate would share
  that work but let one pattern's compile error hide the others', which is what the matrix
  is there to observe.
- Crates paired with PyO3: compiled once per release (a release's other interpreters and
  build environments start from a copy), because each release's lockfile pins its own
  versions; a compilation cache shared across releases (such as sccache) would compile the
  versions they have in common once.
- Tests: a forked run skips the interpreter's start-up but still pays pytest's session
  set-up (the start-up line above).
MD
if [ -n "$kept" ]; then printf '\n%s\n' "$kept" >>docs/performance.md; fi
echo "wrote docs/performance.md" >&2
cat docs/performance.md
