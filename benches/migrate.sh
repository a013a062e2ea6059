#!/usr/bin/env bash
# Measures `migrate` against `scan` of the same crate at the same releases (issue 23, item 6):
#   (A) `scan CRATE --tests --pyo3 FROM..TO's minors --python 3.12 --no-cache`, the cells'
#       crate targets of those releases deleted first (cold, as a first scan is);
#   (B) `migrate CRATE --to TO`, the migrations' own directories deleted first (cold): each
#       step builds the crate at its release (with the staging build at 0.21), rule round by
#       rule round, and the migrated crate is built and tested at the target;
#   (C) the same migration again with nothing changed.
# Target: B <= 1.5 x A. The tool and test environments are made before any clock starts.
# Usage: benches/migrate.sh [TO] [CRATE]
#   TO:    the release to reach (default 0.23); the scan covers every minor from the crate's
#          own (0.20 for the default crate) to TO.
#   CRATE: a crate (default crates/cli/tests/fixtures/migrate/gilrefs_crate, copied first).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
to=${1:-0.23}
source_crate=$(cd "${2:-$root/crates/cli/tests/fixtures/migrate/gilrefs_crate}" && pwd)
cd "$root"
cargo build --release -q -p pyo3-matrix
bin="$root/target/release/pyo3-matrix"
rev=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- crates Cargo.toml Cargo.lock matrix || echo "+uncommitted")
cache=${PYO3_MATRIX_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/pyo3-matrix}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ours() { "$bin" --matrix "$root/matrix" "$@"; }
load() { uptime | sed 's/.*load average: /load /'; }
seconds() { local start=$1; echo "$(date +%s.%N) - $start" | bc; }

# The fixture is copied out: inside the checkout it would belong to the root workspace.
crate="$work/$(basename "$source_crate")"
cp -r "$source_crate" "$crate"
from=$(grep -oE 'pyo3 = \{ version = "[0-9.]+' "$crate/Cargo.toml" | grep -oE '[0-9]+\.[0-9]+$')
releases=$(python3 - "$from" "$to" <<'PY'
import sys
lo, hi = (int(v.split(".")[1]) for v in sys.argv[1:3])
print(",".join(f"0.{m}" for m in range(lo, hi + 1)))
PY
)
echo "migrate vs scan: $crate, $releases, at $rev" >&2
# Set-up, off the clock: the interpreter's environments and the crate's test environment.
ours scan "$crate" --tests --pyo3 "$to" --python 3.12 >/dev/null 2>&1 || true

# (A) scan, cold.
for rel in $(ls "$cache/cells" 2>/dev/null); do rm -rf "$cache/cells/$rel/3.12"/target-crates-*; done
echo "(A) $(load)" >&2
start=$(date +%s.%N)
ours scan "$crate" --tests --pyo3 "$releases" --python 3.12 --no-cache >/dev/null
a=$(seconds "$start")

# (B) migrate, cold; (C) again.
rm -rf "$cache/migrate"
for rel in $(ls "$cache/cells" 2>/dev/null); do rm -rf "$cache/cells/$rel/3.12"/target-crates-*; done
echo "(B) $(load)" >&2
start=$(date +%s.%N)
ours migrate "$crate" --to "$to" >/dev/null
b=$(seconds "$start")
start=$(date +%s.%N)
ours migrate "$crate" --to "$to" >/dev/null
c=$(seconds "$start")

printf '(A) scan at %s, cold: %.1f s\n' "$releases" "$a"
printf '(B) migrate to %s, cold: %.1f s (%.2fx of A; target <= 1.5x)\n' "$to" "$b" "$(echo "$b / $a" | bc -l)"
printf '(C) migrate again, nothing changed: %.1f s\n' "$c"
