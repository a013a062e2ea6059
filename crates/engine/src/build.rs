//! One cargo invocation per cell; its JSON messages split per member, trybuild-style.

use crate::cells::Workspace;
use crate::process::{self, Process};
use crate::slots::Slots;
use anyhow::{Context, Result};
use cargo_metadata::diagnostic::DiagnosticLevel;
use cargo_metadata::Message;
use pyo3_matrix_model::{Diagnostic, Level};
use std::collections::{BTreeMap, BTreeSet};
use std::io::BufReader;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

/// What the build showed about one member.
#[derive(Debug, Clone, Default)]
pub struct MemberBuild {
    /// rustc diagnostics from the member's own code, in order.
    pub diagnostics: Vec<Diagnostic>,
    /// Rendered text of those diagnostics, for the log.
    pub rendered: String,
    /// Whether the member's library compiled (whatever its crate type).
    pub compiled: bool,
    /// The built cdylib, if the build produced one.
    pub artifact: Option<PathBuf>,
}

impl MemberBuild {
    /// Whether the member's library compiled without an error of its own: something to
    /// import and test.
    pub fn built_module(&self) -> bool {
        self.compiled && self.diagnostics.iter().all(|d| d.level != Level::Error)
    }
}

/// A build script that exited with an error (PyO3's refuses interpreters it cannot serve).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuildScriptFailure {
    /// The package whose build script failed, e.g. `pyo3-ffi`.
    pub package: String,
    /// The script's `error:` line(s), without cargo's framing.
    pub message: String,
    /// The script's full stderr.
    pub stderr: String,
}

/// A dependency (not a member, not a build script) that failed to compile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DependencyFailure {
    /// The dependency's crate name.
    pub package: String,
    /// Its first error message.
    pub message: String,
}

/// Everything one cargo invocation showed.
#[derive(Debug, Clone, Default)]
pub struct CellBuild {
    /// Per member name.
    pub members: BTreeMap<String, MemberBuild>,
    /// Build scripts that failed.
    pub build_scripts: Vec<BuildScriptFailure>,
    /// Dependencies that failed to compile.
    pub dependencies: Vec<DependencyFailure>,
    /// cargo's own stderr (resolution errors, the build scripts' output, …).
    pub stderr: String,
    /// Whether cargo exited successfully.
    pub success: bool,
    /// Wall-clock seconds of the invocation.
    pub seconds: f64,
    /// Seconds until the last dependency (anything but a member) was compiled.
    pub dependencies_seconds: f64,
    /// CPU seconds (user and system) of cargo and everything it ran.
    pub cpu_seconds: f64,
}

/// Whose diagnostics are the code under observation.
#[derive(Debug, Clone, Copy)]
pub enum Members<'a> {
    /// A cell's members (patterns, a snippet), by library name.
    Named(&'a BTreeSet<String>),
    /// A user's crate: every local package of its workspace (its own code, a sibling crate
    /// it depends on, their build scripts) counts as the crate, whose library is `lib`.
    Crate {
        /// The library that becomes the module.
        lib: &'a str,
    },
}

impl Members<'_> {
    /// The member a diagnostic of `target` (from a `local` package) belongs to.
    fn owner(&self, target: &str, local: bool) -> Option<String> {
        match self {
            Members::Named(names) => (local && names.contains(target)).then(|| target.to_string()),
            Members::Crate { lib } => local.then(|| lib.to_string()),
        }
    }

    /// Whether an artifact of `target` is a member's library.
    fn is_module(&self, target: &str) -> bool {
        match self {
            Members::Named(names) => names.contains(target),
            Members::Crate { lib } => target == *lib,
        }
    }
}

/// The package a cargo package id names: `registry+…#pyo3-ffi@0.23.5`, `path+file:///…/jiter#0.1.0`
/// (the name is the directory's) or the older `jiter 0.1.0 (path+file:///…)`.
fn package_name(id: &str) -> String {
    match id.split_once('#') {
        Some((_, fragment)) if fragment.contains('@') => fragment.split('@').next().unwrap_or(fragment).to_string(),
        Some((url, _)) => url.rsplit('/').next().unwrap_or(url).to_string(),
        None => id.split(' ').next().unwrap_or(id).to_string(),
    }
}

/// Builds every member of `ws` in one `cargo build --keep-going`, configured for the
/// interpreter `python`, with extra environment `env`; cargo's jobs come from `slots`.
pub fn build(
    ws: &Workspace,
    python: &Path,
    env: &[(String, String)],
    members: Members,
    slots: &Slots,
) -> Result<CellBuild> {
    let _implicit = slots.acquire()?;
    let started = Instant::now();
    let mut cargo = configure(slots.share_with(Process::new("cargo")), &ws.target, python, env)
        .args(["build", "--workspace", "--keep-going", "--message-format=json"])
        .current_dir(&ws.dir);
    cargo.command_mut().stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cargo.spawn()?;
    let stderr_reader = process::drain(child.stderr.take().expect("piped stderr"));
    let mut out = CellBuild::default();
    let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
    read_messages(stdout, members, started, &mut out)?;
    let (status, cpu) = process::wait_with_cpu(&mut child).context("cargo did not finish")?;
    out.cpu_seconds = cpu;
    out.stderr = stderr_reader.join().unwrap_or_default();
    out.success &= status.success();
    out.build_scripts = parse_build_script_failures(&out.stderr);
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

/// The environment of every build of a cell, by cargo or by maturin: its target directory,
/// its interpreter, its settings (`env`) and no inherited PyO3 setting, which would change
/// what is observed.
pub fn configure(process: Process, target: &Path, python: &Path, env: &[(String, String)]) -> Process {
    let mut process = process
        .env("CARGO_TARGET_DIR", target)
        .env("CARGO_TERM_COLOR", "never")
        .env("PYO3_PYTHON", python);
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PYO3_") && key != "PYO3_PYTHON" {
            process = process.env_remove(&key);
        }
    }
    process.envs(env.iter().map(|(k, v)| (k, v)))
}

/// Reads cargo's JSON messages (`--message-format=json`) into `out`: each member's own
/// diagnostics and artifact, the dependencies that failed, and when the last of them was
/// built (seconds since `started`).
pub fn read_messages(
    stdout: impl std::io::BufRead,
    members: Members,
    started: Instant,
    out: &mut CellBuild,
) -> Result<()> {
    for message in Message::parse_stream(stdout) {
        match message.context("cannot read cargo's JSON output")? {
            Message::CompilerMessage(msg) => {
                let local = msg.package_id.repr.starts_with("path+");
                let diag = &msg.message;
                let level = match diag.level {
                    DiagnosticLevel::Error | DiagnosticLevel::Ice => Level::Error,
                    DiagnosticLevel::Warning => Level::Warning,
                    _ => continue,
                };
                let first_line = diag.message.lines().next().unwrap_or_default().to_string();
                if let Some(owner) = members.owner(&msg.target.name, local) {
                    // "aborting due to N previous errors" and summaries carry no information.
                    if diag.code.is_none() && is_summary(&first_line) {
                        continue;
                    }
                    let entry = out.members.entry(owner).or_default();
                    entry.diagnostics.push(Diagnostic {
                        level,
                        code: diag.code.as_ref().map(|c| c.code.clone()),
                        message: first_line,
                    });
                    if let Some(r) = &diag.rendered {
                        entry.rendered.push_str(r);
                    }
                } else if level == Level::Error && !is_summary(&first_line) {
                    out.dependencies.push(DependencyFailure {
                        package: package_name(&msg.package_id.repr),
                        message: first_line,
                    });
                }
            }
            Message::CompilerArtifact(art) if !members.is_module(&art.target.name) => {
                out.dependencies_seconds = started.elapsed().as_secs_f64();
            }
            Message::CompilerArtifact(art) => {
                let so = art
                    .filenames
                    .iter()
                    .find(|f| f.as_str().ends_with(".so") || f.as_str().ends_with(".dylib"));
                let entry = out.members.entry(art.target.name.clone()).or_default();
                entry.compiled = true;
                entry.artifact = so.map(|so| so.clone().into());
            }
            Message::BuildFinished(done) => out.success = done.success,
            _ => {}
        }
    }
    Ok(())
}

fn is_summary(line: &str) -> bool {
    line.starts_with("aborting due to") || line.contains("warnings emitted") || line.contains("warning emitted")
}

/// Finds cargo's "failed to run custom build command for `pkg vX`" blocks and the
/// `error:` lines of the script's stderr inside each.
pub fn parse_build_script_failures(stderr: &str) -> Vec<BuildScriptFailure> {
    let header = regex::Regex::new(r"failed to run custom build command for `([^ `]+) v[^`]*`").expect("valid regex");
    let mut out = Vec::new();
    let starts: Vec<(usize, String)> = header
        .captures_iter(stderr)
        .map(|c| (c.get(0).unwrap().start(), c[1].to_string()))
        .collect();
    for (i, (start, package)) in starts.iter().enumerate() {
        let end = starts.get(i + 1).map(|s| s.0).unwrap_or(stderr.len());
        let block = &stderr[*start..end];
        let script_err = block.split_once("--- stderr").map(|(_, s)| s).unwrap_or("");
        // Cargo ends the block with its own "warning: build failed, waiting…" lines.
        let script_err: String = script_err
            .lines()
            .take_while(|l| !l.starts_with("warning: build failed") && !l.starts_with("error: could not compile"))
            .collect::<Vec<_>>()
            .join("\n");
        let message = script_err
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty())
            .map(|l| l.trim_start_matches("error: ").to_string())
            .unwrap_or_else(|| "build script failed".into());
        out.push(BuildScriptFailure {
            package: package.clone(),
            message,
            stderr: script_err.trim().to_string(),
        });
    }
    out
}

/// The escape-hatch variable a build script's message names (`set NAME=1 to …`).
pub fn escape_hatch(text: &str) -> Option<String> {
    let re = regex::Regex::new(r"set ([A-Z0-9_]+)=1").expect("valid regex");
    re.captures(text).map(|c| c[1].to_string())
}

/// `rustc --version`, for the results' record of the toolchain.
pub fn rustc_version() -> String {
    Process::new("rustc")
        .arg("--version")
        .read("ask rustc its version")
        .map(|text| text.trim().to_string())
        .unwrap_or_else(|_| "unknown".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crates_sibling_packages_are_its_own_code_and_its_library_is_the_module() {
        let names = BTreeSet::from(["p".to_string()]);
        let cell = Members::Named(&names);
        assert_eq!(
            (cell.owner("p", true), cell.owner("q", true), cell.owner("p", false)),
            (Some("p".into()), None, None)
        );
        let krate = Members::Crate { lib: "ext" };
        assert_eq!(
            krate.owner("jiter", true).as_deref(),
            Some("ext"),
            "a sibling crate's error is the crate's"
        );
        assert_eq!(krate.owner("pyo3", false), None);
        assert!(krate.is_module("ext") && !krate.is_module("jiter"));
    }

    #[test]
    fn package_ids_name_their_package_in_every_form() {
        assert_eq!(
            package_name("registry+https://github.com/rust-lang/crates.io-index#pyo3-ffi@0.23.5"),
            "pyo3-ffi"
        );
        assert_eq!(package_name("path+file:///w/crates/jiter#0.1.0"), "jiter");
        assert_eq!(package_name("path+file:///w/crates/x#jiter@0.1.0"), "jiter");
        assert_eq!(package_name("jiter 0.1.0 (path+file:///w/crates/jiter)"), "jiter");
    }

    #[test]
    fn build_script_refusal_is_extracted_with_its_escape_hatch() {
        let stderr = "   Compiling pyo3-build-config v0.21.2\n\
error: failed to run custom build command for `pyo3-ffi v0.21.2`\n\n\
Caused by:\n  process didn't exit successfully: `/t/build-script-build` (exit status: 1)\n\
  --- stderr\n  error: the configured Python interpreter version (3.13) is newer than PyO3's maximum supported version (3.12)\n\
  = help: please check if an updated version of PyO3 is available. Current version: 0.21.2\n\
  = help: set PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1 to suppress this check and build anyway using the stable ABI\n\
warning: build failed, waiting for other jobs to finish...\n";
        let found = parse_build_script_failures(stderr);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].package, "pyo3-ffi");
        assert!(
            found[0]
                .message
                .starts_with("the configured Python interpreter version (3.13)"),
            "{}",
            found[0].message
        );
        assert_eq!(
            escape_hatch(&found[0].stderr).as_deref(),
            Some("PYO3_USE_ABI3_FORWARD_COMPATIBILITY")
        );
    }
}
