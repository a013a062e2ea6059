//! `pyo3-matrix prepare` (hidden): one cell's workspace for the Python front doors, nox
//! (`noxfile.py`) and tox (`tox.ini`), which build each member with maturin into their own
//! virtual environment instead of the engine's single cargo invocation.
//!
//! The workspace is the engine's own (`cells::write_workspace` on the release's committed
//! anchor and lockfile), so a front door compiles exactly what `pyo3-matrix run` compiles.
//! It prints one JSON object:
//!
//! ```json
//! { "pyo3": "0.23.5",
//!   "python": { "flavor": "3.12", "path": "…/bin/python", "version": "3.12.N" },
//!   "workspace": "DIR",
//!   "patterns": [ { "id": "counter_class", "manifest": "DIR/m/counter_class/Cargo.toml",
//!                   "test": "…/test_counter_class.py", "timeout": 60,
//!                   "blocked": false, "missing": null } ] }
//! ```
//!
//! A pattern is `blocked` when a crate it depends on has no release paired with this PyO3
//! (`missing` names it); it is not a member and its `manifest` is null. Variants are not
//! written: the front doors run each pattern's plain cell.

use crate::setup;
use anyhow::{anyhow, bail, Context as _, Result};
use pyo3_matrix_engine::cells::{self, Member};
use pyo3_matrix_engine::interpreters::{self, Interpreter, PythonArg};
use pyo3_matrix_engine::plan::{Context, Found, Subject};
use pyo3_matrix_engine::targets;
use serde_json::json;
use std::path::{Path, PathBuf};

/// Arguments of `prepare`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// One PyO3 release: a minor of the matrix (0.23) or an exact version (0.23.5).
    #[arg(long, value_name = "VERSION")]
    pyo3: String,
    /// The interpreter the cell is for: a path (probed, never provisioned) or a flavor label
    /// such as 3.13t (found, or provisioned when missing).
    #[arg(long, value_name = "PATH_OR_LABEL")]
    python: String,
    /// Where to write the workspace (replaced if it exists; keep the target dir elsewhere).
    #[arg(long, value_name = "DIR")]
    dir: PathBuf,
    /// Only this pattern (repeatable); all patterns when absent.
    #[arg(long = "pattern", value_name = "ID")]
    patterns: Vec<String>,
}

/// Writes the workspace of one cell into `--dir` and prints it as one JSON object.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    // Members point at the patterns' own lib.rs from elsewhere: their paths must be absolute.
    let dir = std::path::absolute(setup::matrix_dir(matrix)?)?;
    let ctx = Context::load(&dir)?;
    let mut releases = setup::releases(&ctx.matrix, Some(&args.pyo3))?;
    let release = match (releases.pop(), releases.is_empty()) {
        (Some(release), true) => release,
        _ => bail!("--pyo3 {}: name exactly one release", args.pyo3),
    };
    let interp = interpreter(&ctx, &args.python)?;
    let patterns = setup::patterns(&dir, &args.patterns)?;
    let subjects = patterns.iter().map(Subject::of_pattern).collect::<Vec<_>>();
    let anchor = cells::ensure_anchor(&ctx.matrix, &release, &ctx.anchors, &ctx.dirs.anchors(), &mut |m| {
        eprintln!("{m}")
    })?;
    // As in the engine: a member whose dependency this release cannot provide is blocked.
    let missing = |s: &Subject| anchor.missing_dependency(&s.member, &ctx.extra_deps).cloned();
    let members: Vec<Member> = subjects
        .iter()
        .filter(|s| missing(s).is_none())
        .map(|s| s.member.clone())
        .collect();
    let ws_dir = std::path::absolute(&args.dir)?;
    let ws = cells::write_workspace(
        &ws_dir,
        &ws_dir.join("target"),
        &anchor,
        &Default::default(),
        &members,
        None,
    )
    .with_context(|| format!("cannot write the workspace {}", ws_dir.display()))?;
    let listed: Vec<serde_json::Value> = subjects.iter().map(|s| describe(s, missing(s), &ws.dir)).collect();
    let answer = json!({
        "pyo3": release.to_string(),
        "python": {
            "flavor": interp.flavor.to_string(),
            "path": interp.path,
            "version": interp.version.to_string(),
        },
        "workspace": ws.dir,
        "patterns": listed,
    });
    println!("{}", serde_json::to_string_pretty(&answer)?);
    Ok(())
}

/// The interpreter `--python` names: a path is only probed (a nox or tox environment's
/// python needs no test environment of ours); a label is found or provisioned as `run` does.
fn interpreter(ctx: &Context, text: &str) -> Result<Interpreter> {
    let args = setup::python_args(&ctx.matrix.python, Some(text))?;
    let [arg] = args.as_slice() else {
        bail!("--python {text}: name exactly one interpreter");
    };
    match arg {
        PythonArg::Path(path) => interpreters::probe(path).with_context(|| format!("--python {}", path.display())),
        PythonArg::Flavor(_) => {
            let mut targets = targets::resolve(ctx, &args, true, true, &mut |m| eprintln!("{m}"))?;
            let target = targets.pop().context("no interpreter")?;
            match target.found {
                Found::Ready { interp, .. } => Ok(interp),
                Found::Missing(why) => Err(anyhow!(why)),
            }
        }
    }
}

/// One pattern's entry in the answer.
fn describe(subject: &Subject, missing: Option<String>, ws: &Path) -> serde_json::Value {
    let id = &subject.member.name;
    let manifest = missing.is_none().then(|| ws.join("m").join(id).join("Cargo.toml"));
    json!({
        "id": id,
        "manifest": manifest,
        "test": subject.test,
        "timeout": subject.timeout.as_secs(),
        "blocked": missing.is_some(),
        "missing": missing,
    })
}
