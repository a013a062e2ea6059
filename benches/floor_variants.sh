#!/usr/bin/env bash
# The part of the floor that a matrix's variants add: PyO3 alone, built once for each
# distinct (release, interpreter, features, environment) among the variant builds of a
# results file, in the cells' own profile and a target of its own each.
# Usage: benches/floor_variants.sh RESULTS.json [MATRIX_DIR]   (default matrix: matrix/)
# Prints one line: the number of builds and their wall-clock seconds.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
results=${1:?usage: benches/floor_variants.sh RESULTS.json [MATRIX_DIR]}
matrix=${2:-$root/matrix}
bin="$root/target/release/pyo3-matrix"
[ -x "$bin" ] || cargo build --release -q -p pyo3-matrix --manifest-path "$root/Cargo.toml"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cells=$(cd "$matrix/.." && pwd)/crates/cells

# Looked up before the clock starts.
"$bin" python list >"$work/pythons.txt"
"$bin" --matrix "$matrix" list --format json >"$work/list.json"
# One line per build, fields separated by '|' (features and environment may be empty).
python3 - "$results" "$work/list.json" >"$work/builds.txt" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
variants = {(p["id"], v["name"]): v for p in json.load(open(sys.argv[2])) for v in p["variant"] or []}
builds = set()
for r in results:
    if r["variant"] is None or r["timings"]["build_s"] == 0:
        continue
    v = variants[(r["pattern"], r["variant"])]
    if v["features"] or v["env"]:
        features = ", ".join(f'"{f}"' for f in v["features"])
        env = " ".join(f"{k}={value}" for k, value in sorted(v["env"].items()))
        builds.add((r["pyo3"], r["python"], features, env))
for build in sorted(builds):
    print("|".join(build))
PY

build_all() {
    local n=0
    while IFS='|' read -r release flavor features env; do
        n=$((n + 1))
        local crate="$work/$n" python
        python=$(awk -v f="$flavor" '$1 == f { print $3; exit }' "$work/pythons.txt")
        mkdir -p "$crate"
        cp "$cells/pyo3-$release/"{Cargo.toml,Cargo.lock,anchor.rs} "$crate/"
        # The anchor's own pyo3 features, plus the variant's.
        if [ -n "$features" ]; then
            python3 -c "import sys; p = sys.argv[1]; t = open(p).read(); open(p, 'w').write(t.replace('[dependencies.pyo3]\nfeatures = [', '[dependencies.pyo3]\nfeatures = [' + sys.argv[2] + ', ', 1))" "$crate/Cargo.toml" "$features"
        fi
        # shellcheck disable=SC2086 # the variant's NAME=VALUE words, after PYO3_PYTHON so they win
        env CARGO_PROFILE_DEV_DEBUG=0 CARGO_INCREMENTAL=0 PYO3_PYTHON="$python" $env \
            cargo build -q --manifest-path "$crate/Cargo.toml" -p pyo3 --target-dir "$crate/target" 2>/dev/null || true
    done <"$work/builds.txt"
}
start=$(date +%s%3N)
build_all
end=$(date +%s%3N)
echo "$(wc -l <"$work/builds.txt") $(awk -v ms=$((end - start)) 'BEGIN { printf "%.1f", ms / 1000 }')"
