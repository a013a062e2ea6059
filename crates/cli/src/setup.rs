//! What every command needs first: the matrix, the cache, the axes the user asked for.

use crate::catalog;
use anyhow::{bail, Context as _, Result};
use pyo3_matrix_engine::interpreters::{self, PythonArg};
use pyo3_matrix_engine::Dirs;
use pyo3_matrix_model::{Flavor, MatrixDef, Pattern, Point, Release, ReleaseSelector, Sources};
use std::path::{Path, PathBuf};

/// The matrix directory: `--matrix DIR`; else the `matrix/` of the pyo3-matrix checkout at
/// or above the current directory (one whose root also holds `crates/cells/`, so a user's own
/// `matrix/` folder is not taken for it); else the catalog embedded in this binary, unpacked
/// once into the user cache (`catalog.rs`).
pub fn matrix_dir(explicit: Option<PathBuf>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        if !dir.join("matrix.toml").is_file() {
            bail!("--matrix {}: no matrix.toml there", dir.display());
        }
        return Ok(dir);
    }
    let cwd = std::env::current_dir().context("cannot read the current directory")?;
    let root = match catalog::checkout_root(&cwd) {
        Some(root) => root,
        None => catalog::unpacked(Dirs::from_env().root())?,
    };
    Ok(root.join("matrix"))
}

/// The patterns in `dir/patterns`, or only those named in `only`.
pub fn patterns(dir: &Path, only: &[String]) -> Result<Vec<Pattern>> {
    let all = Pattern::load_all(&dir.join("patterns"))?;
    for id in only {
        if !all.iter().any(|p| &p.id == id) {
            bail!("unknown pattern '{id}' (see `pyo3-matrix list`)");
        }
    }
    Ok(all
        .into_iter()
        .filter(|p| only.is_empty() || only.contains(&p.id))
        .collect())
}

/// Who makes the patterns' claims, as `dir/sources.toml` names them (none when it is
/// absent), the article's version history and the changelog's statements of interpreter
/// support dated by the releases of `dir/matrix.toml`.
pub fn sources(dir: &Path) -> Result<Sources> {
    let mut sources = Sources::load(&dir.join("sources.toml"))?;
    let matrix = MatrixDef::load(&dir.join("matrix.toml"))?;
    for statements in [&mut sources.history, &mut sources.support] {
        *statements = std::mem::take(statements)
            .into_iter()
            .map(|bullet| bullet.date_from(&matrix.releases))
            .collect();
    }
    Ok(sources)
}

/// Every published, non-yanked patch of the minors of `minors` (from cargo's index cache),
/// up to `last` when given, oldest first.
pub fn patches_of(minors: &[(u64, u64)], last: Option<&Release>) -> Result<Vec<Release>> {
    let patches: Vec<Release> = pyo3_matrix_engine::registry::pyo3_releases()?
        .into_iter()
        .filter(|r| minors.contains(&r.minor()) && last.is_none_or(|last| r <= last))
        .collect();
    if patches.is_empty() {
        bail!("no published PyO3 release of {minors:?} in cargo's index cache (run `cargo update` once online)");
    }
    Ok(patches)
}

/// The cells a run covers and the patterns it runs, as `--pyo3`, `--python`, `--pattern`
/// and `--matrix-set` choose them.
#[derive(Debug)]
pub struct Selection {
    /// The PyO3 releases.
    pub releases: Vec<Release>,
    /// The interpreters, as labels or paths.
    pub python: Vec<PythonArg>,
    /// The pattern ids to run; empty: every pattern.
    pub patterns: Vec<String>,
}

/// What `run` (and `ci github`, whose shards run it) covers: the releases, interpreters and
/// patterns the user names, else those of the matrix set `set` (its `python`, its
/// `patterns`, every patch of its `patches_of`), else the matrix's defaults. An unknown set
/// is an error naming it and the sets there are.
pub fn selection(
    matrix: &MatrixDef,
    set: Option<&str>,
    pyo3: Option<&str>,
    python: Option<&str>,
    patterns: &[String],
) -> Result<Selection> {
    let set = set
        .map(|name| matrix.set(name))
        .transpose()
        .map_err(anyhow::Error::msg)?;
    let patterns = match (patterns, set) {
        ([], Some(set)) => set.patterns.clone(),
        (only, _) => only.to_vec(),
    };
    let releases = match set.filter(|set| !set.patches_of.is_empty() && pyo3.is_none()) {
        Some(set) => {
            let minors: Vec<(u64, u64)> = set.patches_of.iter().map(Point::minor).collect();
            patches_of(&minors, None)?
        }
        None => releases(matrix, pyo3)?,
    };
    let defaults = set.map_or(&matrix.python, |set| &set.python);
    Ok(Selection {
        releases,
        python: python_args(defaults, python)?,
        patterns,
    })
}

/// The releases `--pyo3` selects (all default releases when absent).
pub fn releases(matrix: &MatrixDef, selector: Option<&str>) -> Result<Vec<Release>> {
    let known = matrix.release_list();
    match selector {
        None => Ok(known),
        Some(text) => Ok(text.parse::<ReleaseSelector>()?.resolve(&known)?),
    }
}

/// The interpreters `--python` names (`defaults` when absent).
pub fn python_args(defaults: &[Flavor], list: Option<&str>) -> Result<Vec<PythonArg>> {
    match list {
        None => Ok(defaults.iter().copied().map(PythonArg::Flavor).collect()),
        Some(text) => text
            .split(',')
            .map(|item| interpreters::parse_python_arg(item.trim()))
            .collect(),
    }
}
