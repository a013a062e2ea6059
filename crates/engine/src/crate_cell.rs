//! One cell of a user's crate: its copy built (by maturin or setuptools-rust when its
//! project says so, else by cargo), the module made importable for this cell alone, the
//! project's own tests run the way its maintainers run them, and the verdict with what a
//! person needs to act on it.

use crate::build::{self, CellBuild, MemberBuild};
use crate::cell_dir::CellDir;
use crate::cells::Workspace;
use crate::classify::{classify, DependencyHint, Observation};
use crate::interpreters::Interpreter;
use crate::maturin;
use crate::plan::{Context, CrateSubject, Subject};
use crate::pytest::{self, TestRun, Tests};
use crate::scan::UserCrate;
use crate::setuptools;
use crate::slots::Slots;
use crate::tools::Tools;
use crate::wheel;
use anyhow::Result;
use pyo3_matrix_model::{CellId, CellResult, Release, Variant};
use std::path::{Path, PathBuf};

/// Where a crate's cell is observed.
pub(crate) struct CrateCell<'a> {
    pub ctx: &'a Context,
    pub release: &'a Release,
    /// The cell's directory in the cache.
    pub cell_dir: &'a CellDir,
    /// The caller's tag, separating its copies from other callers'.
    pub tag: &'a str,
    pub interp: &'a Interpreter,
    /// The python of the crate's test environment.
    pub test_python: &'a Path,
    pub slots: &'a Slots,
}

/// What building the copy showed.
struct Built {
    cell: CellBuild,
    member: MemberBuild,
    /// The wheel, for a project maturin or setuptools-rust builds.
    wheel: Option<PathBuf>,
    /// The packager's own failure after cargo built the library.
    packaging: Option<String>,
}

/// Builds and tests `subject` (a user's crate, `user`) in `cell`, with the tools of
/// `variant` (another maturin) or the plain cell's; `key` names its log.
pub(crate) fn observe(
    cell: &CrateCell,
    subject: &Subject,
    user: &CrateSubject,
    variant: Option<&Variant>,
    key: &str,
) -> Result<CellResult> {
    let krate = &user.krate;
    let tools = user.tools_for(variant);
    // Each maturin keeps its own wheel, test copy and target (its settings differ, and
    // alternating them in one target would rebuild PyO3 every time).
    let copy = cell.cell_dir.workspace(cell.tag, None);
    // Another run sharing this cache waits here rather than rewriting the copy.
    let _lock = cell.cell_dir.lock()?;
    krate.copy_for(&cell.ctx.matrix, cell.release, &copy)?;
    let project = krate.project_in(&copy);
    let built = build(cell, krate, (tools, variant), &copy, &project)?;
    let builds_a_module = built.member.built_module() && built.packaging.is_none();
    let paths = match (&subject.test, user.own_tests) {
        (Some(file), _) => Some(vec![file.clone()]),
        (None, true) => Some(Vec::new()),
        (None, false) => None,
    };
    let run = match paths {
        Some(paths) if builds_a_module => Some(test(cell, subject, krate, (tools, variant), &built, project, paths)?),
        _ => None,
    };
    let hint = |message: &str| krate.missing_dependency_hint(user.test_group.as_deref(), message);
    let observation = Observation::Built {
        cell: &built.cell,
        member: &built.member,
        test: run.as_ref(),
        packaging: built.packaging.as_deref(),
        dependency_hint: Some(DependencyHint(&hint)),
    };
    let id = CellId::plain(subject.member.name.clone(), cell.release.clone(), cell.interp.flavor)
        .with_variant(variant.map(|v| v.name.as_str()));
    let mut result = classify(id, &observation);
    result.full_log = Some(keep_log(&cell.ctx.dirs, key, &built, run.as_ref())?);
    Ok(result)
}

/// Builds the copy: with `tools`' maturin for a maturin project, setuptools-rust (through
/// `tools`' uv) for a setuptools-rust one, cargo otherwise.
fn build(
    cell: &CrateCell,
    krate: &UserCrate,
    (tools, variant): (Option<&Tools>, Option<&Variant>),
    copy: &Path,
    project: &Path,
) -> Result<Built> {
    // Users' crates keep out of the catalog's target (their dependency sets would unify
    // differently and rebuild PyO3 there) but share one among themselves, per route: maturin
    // builds with settings of its own (PYO3_BUILD_EXTENSION_MODULE, …) that a plain cargo
    // build would undo, and setuptools-rust builds release. PyO3 is then compiled once per
    // cell for every crate scanned.
    let route = match (tools, krate.built_by_setuptools_rust()) {
        (Some(_), true) => "setuptools",
        (Some(_), false) => "maturin",
        (None, _) => "cargo",
    };
    let target = cell.cell_dir.crate_target(route, variant);
    let member_of = |cell: &CellBuild| cell.members.get(&krate.lib_name).cloned().unwrap_or_default();
    match tools {
        Some(tools) => {
            let request = maturin::Request {
                project,
                target: &target,
                python: &cell.interp.path,
                env: &[],
                lib_name: &krate.lib_name,
                out: &cell.cell_dir.wheel(cell.tag, variant),
            };
            let made = match krate.built_by_setuptools_rust() {
                true => setuptools::build(tools, &request, &cell.ctx.dirs.uv_cache(), cell.slots)?,
                false => maturin::build(tools, &request, cell.slots)?,
            };
            Ok(Built {
                member: member_of(&made.cell),
                cell: made.cell,
                wheel: made.wheel,
                packaging: made.packaging_error,
            })
        }
        None => {
            let ws = Workspace {
                dir: copy.to_path_buf(),
                target,
            };
            let members = build::Members::Crate { lib: &krate.lib_name };
            let built = build::build(&ws, &cell.interp.path, &[], members, cell.slots)?;
            Ok(Built {
                member: member_of(&built),
                cell: built,
                wheel: None,
                packaging: None,
            })
        }
    }
}

/// Makes the built module importable for this cell alone, then runs the project's tests
/// (`paths`, or what its configuration collects) from its directory in the copy.
fn test(
    cell: &CrateCell,
    subject: &Subject,
    krate: &UserCrate,
    (tools, variant): (Option<&Tools>, Option<&Variant>),
    built: &Built,
    project: PathBuf,
    paths: Vec<PathBuf>,
) -> Result<TestRun> {
    let work = cell.cell_dir.runs(cell.tag, variant).join(&krate.lib_name);
    if work.exists() {
        crate::fs::remove_dir_all(&work)?;
    }
    let site = work.join("site");
    match (tools, &built.wheel) {
        (Some(tools), Some(wheel)) => {
            wheel::install(tools, wheel, cell.test_python, &site, &cell.ctx.dirs.uv_cache())?;
            wheel::develop_overlay(&site, &project, krate.python_source())?;
        }
        _ => {
            std::fs::create_dir_all(&site)?;
            if let Some(artifact) = &built.member.artifact {
                let module = site.join(format!("{}{}", krate.lib_name, cell.interp.ext_suffix));
                std::fs::copy(artifact, module)?;
            }
        }
    }
    let mut host = pytest::TestHost::new(cell.test_python, &work.join(".host"));
    let tests = Tests::Project { dir: project, paths };
    let slot = cell.slots.acquire()?;
    host.run(&tests, &site, subject.timeout, &work.join("run"), slot)
}

/// Keeps the whole of a cell's output (the build's, the tests') where a person can read
/// it, named after the verdict's key; returns the file's path.
fn keep_log(dirs: &crate::Dirs, key: &str, built: &Built, run: Option<&TestRun>) -> Result<String> {
    let dir = dirs.root().join("logs");
    crate::fs::create_dir_all(&dir)?;
    let path = dir.join(format!("{}.log", &key[..16]));
    let mut text = format!("== build ==\n{}{}", built.member.rendered, built.cell.stderr);
    if let Some(run) = run {
        text.push_str(&format!("\n== pytest ==\n{}", run.output));
        if !run.stacks.trim().is_empty() {
            text.push_str(&format!("\n== stacks ==\n{}", run.stacks));
        }
    }
    crate::fs::write(&path, text)?;
    Ok(path.display().to_string())
}
