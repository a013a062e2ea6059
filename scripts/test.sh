#!/usr/bin/env bash
# The project's test command: installs what a fresh machine lacks, then runs every test.
# The tests build real cells against real PyO3 releases and run real pytest; the first run
# on a fresh machine also provisions a free-threaded CPython 3.13t (a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."

# Installs Debian's packages $2… for the reason $1 (root, or through sudo).
apt_install() {
    local why=$1
    shift
    echo "installing Debian's $* for $why" >&2
    local sudo
    sudo=$([ "$(id -u)" -eq 0 ] || echo sudo)
    $sudo apt-get update -qq >/dev/null
    $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}

# The HTML report is tested in a real headless browser: Debian's chromium and chromedriver
# unless PYO3_MATRIX_CHROMIUM and PYO3_MATRIX_CHROMEDRIVER name others.
if [ ! -x "${PYO3_MATRIX_CHROMIUM:-/usr/bin/chromium}" ] || [ ! -x "${PYO3_MATRIX_CHROMEDRIVER:-/usr/bin/chromedriver}" ]; then
    apt_install "the report's browser test" chromium chromium-driver
fi
# The PyPy cells' test needs PyPy 3.9 with its headers and venv, as
# `pyo3-matrix python install pypy3.9` installs them.
if ! command -v pypy3.9 >/dev/null && command -v apt-get >/dev/null; then
    apt_install "the PyPy cells' test" pypy3 pypy3-dev pypy3-venv
fi

cargo fmt --all --check
cargo clippy --workspace --all-targets --quiet -- -D warnings
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace 2>&1 | tee "$log"
# One closing line for every test binary together (doc-test binaries end on "0 passed").
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "%d passed, %d failed\n", p, f }' "$log"
