#!/usr/bin/env bash
# Measures `scan` on a user's maturin crate (issue 12, item 9) or setuptools-rust project
# (issue 24, item 5), both sides in one run:
#   (A) plain: per release, a fresh copy of the crate with pyo3 pinned to the release, a fresh
#       target directory (a new checkout), `cargo build` (debug, as `maturin develop` builds),
#       the built library put into a copy of the Python source tree as the package's native
#       module, and the crate's own pytest run from the copy's root; for a setuptools-rust
#       project, what its maintainers run instead: `pip install .` in the fresh copy (pyo3 and
#       pyo3-build-config pinned; setuptools-rust builds release into the copy's own target/)
#       and `python -m pytest` there;
#   (B) ours: `scan CRATE --tests --pyo3 RELEASES --python 3.12 --no-cache` with the cells'
#       crate targets deleted first (cold, as a first scan is);
#   (C) the same scan again with nothing changed (cached verdicts).
# Targets: B <= 1.3 x A, C <= 2 s. One-time set-up is done before any clock starts, on both
# sides: A's virtual environment with pytest, and ours: the tool environment (maturin, uv) and
# the crate's test environment, which every later scan reuses. Crates are downloaded before
# the clocks start too (cargo fetch), so neither side pays for the network's first download.
# Usage: benches/scan.sh [RELEASES] [CRATE]
#   RELEASES: comma list of minors or exact versions (default 0.26,0.27,0.28,0.29,0.30)
#   CRATE:    a maturin project (default crates/cli/tests/fixtures/crates/mixed_source), or
#             a setuptools-rust one (crates/cli/tests/fixtures/crates/setuptools_rust)
#   BENCH_ROUNDS=N repeats A and B N times, alternating their order (A B, B A, ...).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
releases=${1:-0.26,0.27,0.28,0.29,0.30}
crate=$(cd "${2:-$root/crates/cli/tests/fixtures/crates/mixed_source}" && pwd)
rounds=${BENCH_ROUNDS:-1}
flavor=3.12
jobs=$(nproc)
cd "$root"
cargo build --release -q -p pyo3-matrix
bin="$root/target/release/pyo3-matrix"
rev=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock || echo "+uncommitted")
cache=${PYO3_MATRIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pyo3-matrix}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
say() { echo "$*" >&2; }
load() { uptime | sed 's/.*load average: /load /'; }
ours() { "$bin" --matrix "$root/matrix" "$@"; }

# The exact releases: a minor is its latest patch in the catalog, as for `--pyo3`.
read -r -a exact < <(python3 - "$root/matrix/matrix.toml" "$releases" <<'PY'
import sys, tomllib
known = [r["version"] for r in tomllib.load(open(sys.argv[1], "rb"))["release"]]
out = []
for want in sys.argv[2].split(","):
    hits = [v for v in known if v == want or v.startswith(want + ".")]
    if not hits:
        sys.exit(f"unknown release {want}")
    out.append(hits[-1])
print(" ".join(out))
PY
)
list=$(IFS=,; echo "${exact[*]}")
# The crate's names: its backend (maturin or setuptools), the library cargo builds, and where
# its native module goes.
read -r backend lib module_path python_source < <(python3 - "$crate" <<'PY'
import os, sys, tomllib
crate = sys.argv[1]
cargo = tomllib.load(open(os.path.join(crate, "Cargo.toml"), "rb"))
lib = cargo.get("lib", {}).get("name") or cargo["package"]["name"].replace("-", "_")
project = tomllib.load(open(os.path.join(crate, "pyproject.toml"), "rb"))
tool = project.get("tool", {})
backend = project.get("build-system", {}).get("build-backend", "").split(".")[0]
maturin = tool.get("maturin", {})
extensions = tool.get("setuptools-rust", {}).get("ext-modules", [])
module = extensions[-1]["target"] if extensions else maturin.get("module-name", lib)
source = tool.get("setuptools", {}).get("package-dir", {}).get("") or maturin.get("python-source", ".")
print(backend, lib, os.path.normpath(os.path.join(source, *module.split("."))), source)
PY
)
case "$backend" in maturin | setuptools) ;; *) say "$crate: build-backend $backend is not benched"; exit 2 ;; esac
interp=$("$bin" python list | awk -v f="$flavor" '$1 == f { print $3; exit }')
[ -n "$interp" ] || { say "no Python $flavor found"; exit 2; }
ext_suffix=$("$interp" -c 'import sysconfig; print(sysconfig.get_config_var("EXT_SUFFIX"))')
say "crate $crate ($backend; library $lib, native module $module_path$ext_suffix)"
say "releases $list, Python $flavor ($interp), $jobs jobs"

# A fresh copy of the crate with pyo3 pinned to exactly one release.
pinned_copy() { # pinned_copy RELEASE DIR
    mkdir -p "$2"
    cp -r "$crate/." "$2"
    rm -rf "$2/target" "$2/Cargo.lock"
    sed -E -i "s/^(pyo3(-build-config)? = \{ *version = \")[^\"]*\"/\1=$1\"/; s/^(pyo3(-build-config)?) = \"[^\"]*\"/\1 = \"=$1\"/" "$2/Cargo.toml"
    grep -q "^pyo3 = .*\"=$1\"" "$2/Cargo.toml" || { say "could not pin pyo3 in $2/Cargo.toml"; exit 1; }
}
# Runs CMD (a command or a function), its output to LOG; prints its seconds: "wall CPU"
# (CPU = user + system of everything it ran, from bash's `time`).
timed() { # timed LOG CMD...
    local log=$1 TIMEFORMAT="%R %U %S"; shift
    if ! { time "$@" >"$log" 2>&1; } 2>"$log.time"; then
        say "failed: $*"; tail -30 "$log" >&2; exit 1
    fi
    awk '{ printf "%.2f %.2f\n", $1, $2 + $3 }' "$log.time"
}

say "set-up (not timed): A's venv with pytest, crates downloaded, ours: tool and test environments"
"$interp" -m venv "$work/venv"
"$work/venv/bin/pip" install -q pytest
for v in "${exact[@]}"; do
    pinned_copy "$v" "$work/fetch/$v"
    (cd "$work/fetch/$v" && cargo fetch -q)
done
# pip's build environment (setuptools, setuptools-rust) downloaded once, as a maintainer has it.
[ "$backend" = setuptools ] && "$work/venv/bin/pip" download -q -d "$work/build-deps" \
    $(python3 -c 'import sys, tomllib; print(*tomllib.load(open(sys.argv[1], "rb"))["build-system"]["requires"])' "$crate/pyproject.toml")
# One cell of ours with its tests makes maturin's tool environment and the crate's test
# environment (both kept for every later scan); its build is deleted below.
ours scan "$crate" --tests --pyo3 "${exact[0]}" --python "$flavor" >"$work/setup.log" 2>&1 \
    || { tail -30 "$work/setup.log" >&2; exit 1; }

plain_build() { # plain_build RELEASE DIR: a new checkout, nothing built yet
    pinned_copy "$1" "$2/src"
    PYO3_PYTHON="$interp" cargo build -j "$jobs" --manifest-path "$2/src/Cargo.toml" --target-dir "$2/target"
}
plain_test() { # plain_test DIR: the library as the package's native module in a copy of the tree
    mkdir -p "$1/tree"
    cp -r "$crate/." "$1/tree"
    cp "$1/target/debug/lib$lib.so" "$1/tree/$module_path$ext_suffix"
    (cd "$1/tree" && PYTHONPATH="$python_source" "$work/venv/bin/python" -m pytest -q)
}
if [ "$backend" = setuptools ]; then
    plain_build() { # plain_build RELEASE DIR: the maintainers' `pip install .` in a new checkout
        pinned_copy "$1" "$2/src"
        (cd "$2/src" && CARGO_BUILD_JOBS=$jobs "$work/venv/bin/pip" install -q --force-reinstall .)
        mv "$2/src/target" "$2/target"
    }
    plain_test() { # plain_test DIR: their pytest, in the checkout
        (cd "$1/src" && "$work/venv/bin/python" -m pytest -q)
    }
fi
side_a() { # side_a ROUND: prints "release build_wall build_cpu test_wall test_cpu" per release
    local v dir b t
    mkdir -p "$work/a$1"
    for v in "${exact[@]}"; do
        dir="$work/a$1/$v"
        b=$(timed "$dir.build.log" plain_build "$v" "$dir")
        t=$(timed "$dir.test.log" plain_test "$dir")
        echo "$v $b $t"
        rm -rf "$dir/target"
    done
}
cold_cells() { # the cells' crate builds for these releases removed; environments kept
    local v d
    for v in "${exact[@]}"; do
        d="$cache/cells/$v/$flavor"
        # The copies are tagged by the crate's library name (and, since 17a6008, its place).
        rm -rf "$d/target-crates-$backend" "$d/ws-scan-$lib"* "$d/wheel-scan-$lib"* "$d/runs-scan-$lib"*
    done
}
scan_cmd=(scan "$crate" --tests --pyo3 "$list" --python "$flavor")
side_b() { # side_b ROUND: prints "wall cpu"
    cold_cells
    timed "$work/b$1.log" ours "${scan_cmd[@]}" --no-cache --out "$work/b$1.json"
}

for round in $(seq 1 "$rounds"); do
    order="A B"; [ $((round % 2)) -eq 0 ] && order="B A"
    for side in $order; do
        if [ "$side" = A ]; then
            say "round $round, A: plain build ($backend) + pytest per release ($(load))"
            side_a "$round" >"$work/a$round.txt"
            say "    done ($(load))"
        else
            say "round $round, B: ours, cold ($(load))"
            side_b "$round" >"$work/b$round.txt"
            say "    done ($(load))"
        fi
    done
done
say "C: the same scan again, nothing changed ($(load))"
c=$(timed "$work/c.log" ours "${scan_cmd[@]}")
c_again=$(timed "$work/c2.log" ours "${scan_cmd[@]}")
say "    done ($(load))"

python3 - "$work" "$rounds" "$c" "$c_again" "$list" "$backend" <<'PY'
import json, sys
work, rounds, c, c_again, releases, backend = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
a_build, b_build = {"maturin": ("cargo build", "maturin build"), "setuptools": ("pip install .", "setuptools-rust build")}[backend]
for r in range(1, rounds + 1):
    a = [line.split() for line in open(f"{work}/a{r}.txt")]
    b_wall, b_cpu = map(float, open(f"{work}/b{r}.txt").read().split())
    cells = {c["pyo3"]: c for c in json.load(open(f"{work}/b{r}.json"))["results"]}
    order = "A then B" if r % 2 else "B then A"
    print(f"round {r} ({order}); seconds, wall (CPU = user + system)")
    print(f"| release | A: {a_build} | A: pytest | ours: {b_build} | ours: pytest | ours: outcome |")
    print("|---|---|---|---|---|---|")
    tot = [0.0] * 4
    for v, bw, bc, tw, tc in a:
        t = cells[v]["timings"]
        print(f"| {v} | {float(bw):.1f} ({float(bc):.1f}) | {float(tw):.2f} ({float(tc):.2f}) "
              f"| {t['build_s']:.1f} ({t['build_cpu_s']:.1f}) | {t['test_s']:.2f} ({t['test_cpu_s']:.2f}) | {cells[v]['outcome']} |")
        tot = [x + float(y) for x, y in zip(tot, (bw, bc, tw, tc))]
    a_wall, a_cpu = tot[0] + tot[2], tot[1] + tot[3]
    bb = sum(c["timings"]["build_s"] for c in cells.values())
    bt = sum(c["timings"]["test_s"] for c in cells.values())
    print(f"| total | {tot[0]:.1f} ({tot[1]:.1f}) | {tot[2]:.2f} ({tot[3]:.2f}) | {bb:.1f} (sum; cells run side by side) | {bt:.2f} | |")
    print()
    print(f"A (plain), sum of its steps: {a_wall:.1f} s wall, {a_cpu:.1f} CPU s")
    print(f"B (ours, cold), the whole command: {b_wall:.1f} s wall, {b_cpu:.1f} CPU s")
    ratio = b_wall / a_wall
    print(f"B / A: {ratio:.2f}x wall (target <= 1.3x: {'met' if ratio <= 1.3 else 'missed'}), "
          f"{b_cpu / a_cpu:.2f}x CPU")
    print()
for label, t in (("C", c), ("C once more", c_again)):
    wall, cpu = map(float, t.split())
    print(f"{label} (rescan, nothing changed): {wall:.2f} s wall, {cpu:.2f} CPU s "
          f"(target <= 2 s: {'met' if wall <= 2 else 'missed'})")
PY
echo
echo "tool built from $rev; $(nproc) cores, $(rustc --version)"
echo "commands (releases $list, Python $flavor = $interp):"
if [ "$backend" = setuptools ]; then
echo "  A, per release: copy the project, pin pyo3 and pyo3-build-config = \"=RELEASE\";"
echo "     cd COPY && CARGO_BUILD_JOBS=$jobs VENV/bin/pip install -q --force-reinstall . && VENV/bin/python -m pytest -q"
else
echo "  A, per release: copy the crate, pin pyo3 = \"=RELEASE\", PYO3_PYTHON=$interp cargo build -j $jobs --target-dir FRESH;"
echo "     cp FRESH/debug/lib$lib.so TREE/$module_path$ext_suffix; cd TREE && PYTHONPATH=$python_source VENV/bin/python -m pytest -q"
fi
echo "  B: rm -rf \$cache/cells/{$list}/$flavor/{target-crates-$backend,ws-scan-$lib*,wheel-scan-$lib*,runs-scan-$lib*}"
echo "     $bin --matrix $root/matrix ${scan_cmd[*]} --no-cache"
echo "  C: $bin --matrix $root/matrix ${scan_cmd[*]}"
echo "  (\$cache = $cache)"
grep -h "observed\|cached" "$work/c.log" | tail -2 | sed 's/^/  C said: /' || true
