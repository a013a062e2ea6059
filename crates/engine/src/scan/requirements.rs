//! Requirements as pip reads them: the package a requirement names, names compared as PEP
//! 503 compares them, and requirements files with their includes.

use anyhow::Result;
use std::path::{Path, PathBuf};

/// The package a requirement names, as written: `pytest-mock` of `pytest-mock>=3`,
/// `pkg` of `pkg[test]`.
pub fn requirement_name(req: &str) -> &str {
    let end = req
        .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        .unwrap_or(req.len());
    &req[..end]
}

/// A package name as PEP 503 compares them.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.trim().chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The requirements of a requirements file, `-r` includes followed; the project itself
/// (`-e .`, `file:.#egg=name`), other local paths and options are left to the wheel under
/// test.
pub fn read_requirements(path: &Path, seen: &mut Vec<PathBuf>) -> Result<Vec<String>> {
    if seen.contains(&path.to_path_buf()) {
        return Ok(Vec::new());
    }
    seen.push(path.to_path_buf());
    let text = crate::fs::read_to_string(path)?;
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        if let Some(included) = line.strip_prefix("-r").or_else(|| line.strip_prefix("--requirement")) {
            let included = path
                .parent()
                .unwrap_or(Path::new("."))
                .join(included.trim_start_matches('=').trim());
            out.extend(read_requirements(&included, seen)?);
        } else if !line.starts_with('-') && !is_local_path(line) {
            out.push(line.to_string());
        }
    }
    Ok(out)
}

/// Whether a requirement is a local path rather than a package from an index: the project
/// itself or a sibling (`.`, `../lib`, `file:.#egg=name`), which the wheel under test stands
/// for or the project's own build provides.
pub fn is_local_path(requirement: &str) -> bool {
    requirement.starts_with('.') || requirement.starts_with("file:")
}
