//! A tree built at one release as `migrate` reads it: rustc's diagnostics of the crate's own
//! code (the files inside the tree), each with its primary span, from cargo's JSON.

use crate::build;
use crate::process::Process;
use anyhow::{Context as _, Result};
use cargo_metadata::diagnostic::{Applicability, DiagnosticLevel};
use cargo_metadata::Message;
use pyo3_matrix_model::Level;
use std::path::{Path, PathBuf};

/// Where a diagnostic points.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Span {
    /// The file, relative to the tree's root.
    pub file: PathBuf,
    /// Its first byte.
    pub start: usize,
    /// The byte after its last one.
    pub end: usize,
    /// Its 1-based line.
    pub line: usize,
}

/// One diagnostic of the crate's own code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// The error code or lint (`E0599`, `deprecated`).
    pub code: Option<String>,
    /// rustc's message, notes included where rustc puts them in it.
    pub message: String,
    /// What rustc says at the primary span (`expected X, found Y`), if anything.
    pub label: Option<String>,
    /// rustc's notes (`the type X does not implement Clone, ...`).
    pub notes: Vec<String>,
    /// The primary span, when it is in the tree.
    pub span: Option<Span>,
    /// Where rustc says the value was moved (`value moved here`), for a use after a move in
    /// the same file: GIL refs were `Copy` references, `Bound` values are not.
    pub moved: Option<Span>,
    /// rustc's own fix, its first help marked machine-applicable ("consider borrowing
    /// here"), where it lies in the primary span's file.
    pub suggestions: Vec<Suggestion>,
}

/// A replacement rustc suggests and marks machine-applicable.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suggestion {
    /// What it replaces (empty for an insertion).
    pub span: Span,
    /// The text it puts there.
    pub replacement: String,
}

impl Diagnostic {
    /// A deprecation warning at `start..end` of `file` (for tests of the rules).
    pub fn at(message: &str, file: &str, start: usize, end: usize) -> Diagnostic {
        Diagnostic {
            level: Level::Warning,
            code: Some("deprecated".into()),
            message: message.to_string(),
            label: None,
            notes: Vec::new(),
            span: Some(Span {
                file: PathBuf::from(file),
                start,
                end,
                line: 1,
            }),
            moved: None,
            suggestions: Vec::new(),
        }
    }

    /// The first line of the message.
    pub fn headline(&self) -> &str {
        self.message.lines().next().unwrap_or_default()
    }
}

/// What one build of the tree showed.
#[derive(Debug, Clone, Default)]
pub struct Compiled {
    /// Whether cargo built everything.
    pub success: bool,
    /// The diagnostics of the tree's own files, each once, in file order.
    pub diagnostics: Vec<Diagnostic>,
}

impl Compiled {
    /// The errors.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics.iter().filter(|d| d.level == Level::Error)
    }
}

/// What cargo is asked to do with a tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pass {
    /// `cargo build`: the artifacts the crate's tests then load.
    Build,
    /// `cargo check`: rustc's diagnostics alone, no code generated (a build whose artifacts
    /// nothing uses).
    Check,
}

/// Builds (or checks) the package of `manifest` (inside `root`) against `python` in `target`,
/// with the extra cargo `features`, and reads what rustc said about the files in `root`.
pub fn compile(
    root: &Path,
    manifest: &Path,
    target: &Path,
    python: &Path,
    features: &[String],
    pass: Pass,
) -> Result<Compiled> {
    let command = match pass {
        Pass::Build => "build",
        Pass::Check => "check",
    };
    let mut cargo = build::configure(Process::new("cargo"), target, python, &[])
        .args([command, "--keep-going", "--message-format=json", "--manifest-path"])
        .arg(manifest)
        .current_dir(root);
    if !features.is_empty() {
        cargo = cargo.arg("--features").arg(features.join(","));
    }
    let out = cargo.output()?;
    let mut diagnostics = Vec::new();
    for message in Message::parse_stream(out.stdout.as_slice()) {
        let Message::CompilerMessage(msg) = message.context("cannot read cargo's JSON output")? else {
            continue;
        };
        let diag = msg.message;
        let level = match diag.level {
            DiagnosticLevel::Error | DiagnosticLevel::Ice => Level::Error,
            DiagnosticLevel::Warning => Level::Warning,
            _ => continue,
        };
        // "aborting due to N previous errors" and warning counts say nothing of their own.
        if diag.code.is_none() && diag.spans.is_empty() {
            continue;
        }
        let in_tree = |s: &cargo_metadata::diagnostic::DiagnosticSpan| {
            let file = Path::new(&s.file_name);
            let relative = match file.is_absolute() {
                true => file.strip_prefix(root).ok()?.to_path_buf(),
                false => file.to_path_buf(),
            };
            Some(Span {
                file: relative,
                start: s.byte_start as usize,
                end: s.byte_end as usize,
                line: s.line_start,
            })
        };
        let primary = diag.spans.iter().find(|s| s.is_primary);
        let span = primary.and_then(in_tree);
        let moved = diag
            .spans
            .iter()
            .filter(|s| !s.is_primary && s.label.as_deref().is_some_and(|l| l.starts_with("value moved here")))
            .find_map(in_tree)
            .filter(|m| span.as_ref().is_some_and(|s| s.file == m.file));
        // The first help that rustc marks machine-applicable: two helps can be alternatives.
        let suggestions = diag
            .children
            .iter()
            .map(|child| {
                child
                    .spans
                    .iter()
                    .filter(|s| s.suggestion_applicability == Some(Applicability::MachineApplicable))
                    .filter_map(|s| {
                        let at = in_tree(s).filter(|at| span.as_ref().is_some_and(|p| p.file == at.file))?;
                        Some(Suggestion {
                            span: at,
                            replacement: s.suggested_replacement.clone()?,
                        })
                    })
                    .collect::<Vec<_>>()
            })
            .find(|found| !found.is_empty())
            .unwrap_or_default();
        // Diagnostics of other packages' files (a registry crate) are not the crate's.
        if span.is_none() && !diag.spans.is_empty() {
            continue;
        }
        let found = Diagnostic {
            level,
            code: diag.code.map(|c| c.code),
            message: diag.message,
            label: primary.and_then(|s| s.label.clone()),
            notes: diag
                .children
                .iter()
                .filter(|c| c.level == DiagnosticLevel::Note)
                .map(|c| c.message.clone())
                .collect(),
            span,
            moved,
            suggestions,
        };
        if !diagnostics.contains(&found) {
            diagnostics.push(found);
        }
    }
    diagnostics.sort_by(|a, b| a.span.cmp(&b.span));
    Ok(Compiled {
        success: out.status.success(),
        diagnostics,
    })
}
