//! A user's maturin project built by the real maturin, against one cell's interpreter and in
//! the cell's target directory, observed the way a cargo cell is: cargo's JSON messages.
//!
//! maturin runs `cargo rustc --message-format json-render-diagnostics …` and reads the
//! artifacts from its output, so rustc's diagnostics reach it only as rendered text. A shim
//! named `cargo` ahead of the real one on maturin's PATH asks cargo for plain `json`
//! instead (maturin reads both) and keeps a copy of the messages, which
//! [`build::read_messages`] reads as it reads a cell's: error codes, deprecations, the
//! artifact, with nothing parsed from text meant for people. setuptools-rust's cargo call
//! goes through the same shim ([`package`], used by [`crate::setuptools`]).

use crate::build::{self, CellBuild};
use crate::process::{self, Process};
use crate::slots::Slots;
use crate::tools::{self, Tools};
use anyhow::{Context as _, Result};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// The shim: any other cargo command goes straight to the real cargo.
const SHIM: &str = r#"#!/bin/sh
# Written by pyo3-matrix (crates/engine/src/maturin.rs): cargo's messages in JSON, kept.
case "$1" in rustc|build) ;; *) exec "$PYO3_MATRIX_REAL_CARGO" "$@" ;; esac
for arg do
  shift
  case "$arg" in
    json-render-diagnostics) arg=json ;;
    --message-format=json-render-diagnostics) arg=--message-format=json ;;
  esac
  set -- "$@" "$arg"
done
"$PYO3_MATRIX_REAL_CARGO" "$@" > "$PYO3_MATRIX_CARGO_JSON"
status=$?
cat "$PYO3_MATRIX_CARGO_JSON"
exit $status
"#;

/// Writes the shim as `shim_dir/cargo`, unless it is there already.
fn write_cargo_shim(shim_dir: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    let shim = shim_dir.join("cargo");
    if std::fs::read_to_string(&shim).ok().as_deref() == Some(SHIM) {
        return Ok(());
    }
    crate::fs::create_dir_all(shim_dir)?;
    // Written aside and renamed: a cell running maturin never sees half a script.
    let tmp = shim_dir.join(format!(".cargo.{}", std::process::id()));
    std::fs::write(&tmp, SHIM)?;
    std::fs::set_permissions(&tmp, std::fs::Permissions::from_mode(0o755))?;
    std::fs::rename(&tmp, &shim)?;
    Ok(())
}

/// What one maturin build showed.
#[derive(Debug, Clone)]
pub struct WheelBuild {
    /// cargo's part, as a cell's build (the member is the crate's library).
    pub cell: CellBuild,
    /// The wheel, when maturin made one.
    pub wheel: Option<PathBuf>,
    /// maturin's own error, when cargo built the library but maturin made no wheel.
    pub packaging_error: Option<String>,
}

/// Where and how one cell's maturin build runs.
pub struct Request<'a> {
    /// The copy's project directory (its `pyproject.toml`): maturin runs there.
    pub project: &'a Path,
    /// The cell's target directory.
    pub target: &'a Path,
    /// The cell's interpreter.
    pub python: &'a Path,
    /// The cell's build settings.
    pub env: &'a [(String, String)],
    /// The crate's library name (the member whose diagnostics count).
    pub lib_name: &'a str,
    /// A fresh directory for the wheel and cargo's messages.
    pub out: &'a Path,
}

/// Runs `maturin build` (a debug build, as `maturin develop` makes) for one cell.
pub fn build(tools: &Tools, request: &Request, slots: &Slots) -> Result<WheelBuild> {
    let maturin = build::configure(
        slots.share_with(Process::new(&tools.maturin)),
        request.target,
        request.python,
        request.env,
    )
    .args(["build", "--interpreter"])
    .arg(request.python)
    .arg("--out")
    .arg(request.out)
    // The wheel is installed here, not published: no manylinux audit.
    .args(&tools.skip_audit)
    .current_dir(request.project);
    package(maturin, tools, request, slots, |stderr| {
        maturin_error(stderr, &tools.maturin_version)
    })
}

/// Runs `packager` (a command that makes a wheel in `request.out` and runs cargo, as
/// maturin and setuptools-rust do) with the cargo shim, and reads cargo's messages;
/// `own_error` says in one line why the packager failed once cargo built the library.
pub(crate) fn package(
    packager: Process,
    tools: &Tools,
    request: &Request,
    slots: &Slots,
    own_error: impl Fn(&str) -> String,
) -> Result<WheelBuild> {
    let out = request.out;
    if out.exists() {
        crate::fs::remove_dir_all(out)?;
    }
    crate::fs::create_dir_all(out)?;
    let messages = out.join("cargo.json");
    write_cargo_shim(&tools.cargo_shim)?;
    let path = std::env::join_paths(
        std::iter::once(tools.cargo_shim.clone())
            .chain(std::env::var_os("PATH").iter().flat_map(std::env::split_paths)),
    )?;
    let _implicit = slots.acquire()?;
    let started = Instant::now();
    // maturin and setuptools-rust run `$CARGO` when it is set (as it is under `cargo run`
    // or `cargo test`), else the first `cargo` on PATH: both are the shim.
    let mut packager = packager
        .env("PATH", path)
        .env("CARGO", tools.cargo_shim.join("cargo"))
        .env("PYO3_MATRIX_REAL_CARGO", tools::real_cargo())
        .env("PYO3_MATRIX_CARGO_JSON", &messages);
    packager.command_mut().stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = packager.spawn()?;
    let stdout_reader = process::drain(child.stdout.take().expect("piped stdout"));
    let stderr_reader = process::drain(child.stderr.take().expect("piped stderr"));
    let (status, cpu) = process::wait_with_cpu(&mut child).context("the packager did not finish")?;
    let stdout = stdout_reader.join().unwrap_or_default();
    let stderr = stderr_reader.join().unwrap_or_default();
    let mut cell = CellBuild::default();
    let members = build::Members::Crate { lib: request.lib_name };
    if let Ok(file) = std::fs::File::open(&messages) {
        build::read_messages(std::io::BufReader::new(file), members, started, &mut cell)?;
    }
    cell.stderr = format!("{stderr}{stdout}");
    cell.build_scripts = build::parse_build_script_failures(&cell.stderr);
    cell.cpu_seconds = cpu;
    cell.seconds = started.elapsed().as_secs_f64();
    // Messages read from a file arrive all at once: nothing tells when the dependencies were done.
    cell.dependencies_seconds = 0.0;
    cell.success &= status.success();
    let wheel = std::fs::read_dir(out)?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.extension().is_some_and(|x| x == "whl"));
    let compiled = cell.members.get(request.lib_name).is_some_and(|m| m.compiled);
    // Only the packager's own failure: one in cargo is the build's, read from its messages.
    let packaging_error = (compiled && (wheel.is_none() || !status.success())).then(|| own_error(&cell.stderr));
    Ok(WheelBuild {
        cell,
        wheel,
        packaging_error,
    })
}

/// maturin's own reason for failing (its `💥 maturin failed` block), in one line.
fn maturin_error(stderr: &str, version: &str) -> String {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let reason = match lines.iter().position(|l| l.contains("maturin failed")) {
        Some(i) => lines[i + 1..]
            .iter()
            .filter(|l| !l.is_empty())
            .map(|l| l.trim_start_matches("Caused by:").trim())
            .collect::<Vec<_>>()
            .join(": "),
        None => lines
            .iter()
            .rev()
            .find(|l| !l.is_empty())
            .unwrap_or(&"no output")
            .to_string(),
    };
    format!("{version} made no wheel: {reason}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maturins_own_failure_reads_as_one_line() {
        let stderr = "📦 Including license file\n💥 maturin failed\n  Caused by: Failed to build a native library through cargo\n  Caused by: Cargo build finished with \"exit status: 101\"\n";
        assert_eq!(
            maturin_error(stderr, "maturin 1.16.0"),
            "maturin 1.16.0 made no wheel: Failed to build a native library through cargo: Cargo build finished with \"exit status: 101\""
        );
    }
}
