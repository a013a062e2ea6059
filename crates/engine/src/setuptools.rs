//! A user's setuptools-rust project built as `pip install .` builds it: a PEP 517 wheel of
//! the cell's copy (`uv build --wheel`, in an isolated build environment with the
//! setuptools and setuptools-rust its `[build-system] requires` names, from PyPI), against
//! the cell's interpreter, every `RustExtension` compiled by setuptools-rust's own cargo
//! calls in the cell's target directory. The wheel is then installed for the cell alone, as
//! a maturin wheel is ([`crate::wheel`]).
//!
//! Why setuptools-rust runs cargo rather than scan building the crate and handing over the
//! artifact: setuptools-rust has no way to take a built library, and its cargo call is the
//! maintainers' (`cargo rustc --lib --crate-type cdylib`, release, their features and
//! flags), which a second build of ours would only approximate. It runs `$CARGO`, so the
//! cargo shim maturin builds use ([`crate::maturin`]) takes its place: the same cargo with
//! `--message-format=json` for setuptools-rust's `json-render-diagnostics`, its messages
//! kept and read as a cell's are, so that error codes and deprecations stay exact. The
//! pinned copy is the one built because the copy itself is what the wheel is built from;
//! `PYO3_PYTHON` (the cell's interpreter, which setuptools-rust keeps when set) keeps
//! PyO3's build script from rerunning for each isolated build environment.

use crate::build;
use crate::maturin::{self, Request, WheelBuild};
use crate::process::Process;
use crate::slots::Slots;
use crate::tools::Tools;
use anyhow::Result;
use std::path::Path;

/// Builds the wheel of `request.project` for one cell; `uv_cache` is uv's cache directory
/// (the build environment's packages come from it after the first download).
pub fn build(tools: &Tools, request: &Request, uv_cache: &Path, slots: &Slots) -> Result<WheelBuild> {
    let uv = build::configure(
        slots.share_with(Process::new(&tools.uv)),
        request.target,
        request.python,
        request.env,
    )
    .args(["build", "--wheel", "--no-config", "--python"])
    .arg(request.python)
    .arg("--out-dir")
    .arg(request.out)
    .arg(request.project)
    .current_dir(request.project)
    .env("UV_CACHE_DIR", uv_cache);
    maturin::package(uv, tools, request, slots, packaging_error)
}

/// The build's own reason for failing once cargo built the library, in one line: the first
/// `error:` printed (setuptools' cause; uv's summary of the failed build comes after it),
/// else the last line.
fn packaging_error(stderr: &str) -> String {
    let lines = || stderr.lines().map(str::trim).filter(|l| !l.is_empty());
    let reason = lines()
        .find(|l| l.starts_with("error:"))
        .or_else(|| lines().next_back())
        .unwrap_or("no output");
    format!("setuptools-rust made no wheel: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_builds_own_failure_reads_as_one_line() {
        let stderr = "running build_rust\nerror: can't copy 'pkg/data.txt': doesn't exist or not a regular file\n\nerror: Failed to build `/copy`\n  cause: The build backend returned an error\n";
        assert_eq!(
            packaging_error(stderr),
            "setuptools-rust made no wheel: error: can't copy 'pkg/data.txt': doesn't exist or not a regular file"
        );
        assert_eq!(packaging_error(""), "setuptools-rust made no wheel: no output");
    }
}
