//! `pyo3-matrix migrate PATH --to VERSION`: the mechanical part of an upgrade, done by the
//! engine in a copy, step by step, and verified by the crate's own tests at the target;
//! printed as a diff and a report, or written back with `--write`.

use crate::output::Format;
use crate::progress::Progress;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::migrate::{self, edit, left::LeftBy, rules::Rules, Migration, Request, Residual};
use pyo3_matrix_engine::plan::Context;
use pyo3_matrix_engine::scan::UserCrate;
use pyo3_matrix_engine::targets;
use pyo3_matrix_model::{CellResult, Flavor, Level, Outcome, Pattern, Release, RunResults};
use pyo3_matrix_report::explain::{explain, Explanation};
use pyo3_matrix_report::fixes::fitting;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Arguments of `migrate`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate's directory, as `scan` takes it (a workspace member is migrated with the
    /// path dependencies of its workspace).
    path: PathBuf,
    /// The release to reach: a minor (its latest patch) or an exact version.
    #[arg(long, value_name = "VERSION")]
    to: String,
    /// The interpreter every step builds against and the tests run on.
    #[arg(long, value_name = "LABEL", default_value = "3.12")]
    python: String,
    /// Edit the crate's files in place; without it the diff is printed and nothing changes.
    #[arg(long)]
    write: bool,
    /// With --write, edit a git work tree that has uncommitted changes.
    #[arg(long, requires = "write")]
    allow_dirty: bool,
    /// The catalog's results, to name the pattern that fails like each residual error
    /// [default: docs/results.json beside the matrix].
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A residual error with the catalog patterns that fail the same way.
#[derive(Debug, Serialize)]
struct Explained {
    #[serde(flatten)]
    residual: Residual,
    explained_by: Vec<Explanation>,
}

/// Migrates the crate.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = Context::load(&dir)?;
    let rules = Rules::load(&dir.join("migrate.toml"))?;
    let krate = UserCrate::open(&args.path)?;
    let to = match setup::releases(&ctx.matrix, Some(&args.to))?.as_slice() {
        [one] => one.clone(),
        _ => bail!("--to {}: name one release", args.to),
    };
    if args.write && !args.allow_dirty {
        let dirty = migrate::uncommitted(&krate.root)?;
        if let Some(first) = dirty.first() {
            bail!(
                "{} has uncommitted changes ({first}{}); commit them first, or pass --allow-dirty",
                krate.root.display(),
                match dirty.len() {
                    1 => String::new(),
                    n => format!(" and {} more", n - 1),
                }
            );
        }
    }
    let python = setup::python_args(&ctx.matrix.python, Some(&args.python))?;
    let progress = Progress::new(0, false);
    let mut note = |m: &str| progress.line(m);
    let Some(target) = targets::resolve(&ctx, &python, true, true, &mut note)?.pop() else {
        bail!("--python {}: name one interpreter", args.python);
    };
    // A strict search returns found columns only.
    let Some(interp) = target.interpreter().cloned() else {
        bail!("--python {}: no such interpreter", args.python);
    };
    let request = Request {
        ctx: &ctx,
        krate: &krate,
        to,
        target: &target,
        rules: &rules,
    };
    let migration = migrate::migrate(&request, &mut note)?;
    let outcome = migration.outcome();
    progress.finish();
    if args.write {
        for changed in &migration.changed {
            edit::write_whole(&krate.root.join(&changed.path), &changed.after)?;
        }
    }
    let catalog_path = args
        .catalog
        .clone()
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let catalog = RunResults::load(&catalog_path).ok();
    let patterns = setup::patterns(&dir, &[])?;
    let residual = explained(&migration, interp.flavor, catalog.as_ref(), &patterns);
    match args.format {
        Format::Json => {
            let answer = serde_json::json!({
                "crate": krate.dir.display().to_string(),
                "from": migration.from,
                "to": migration.to,
                "python": interp.flavor,
                "steps": migration.steps,
                "residual": residual,
                "outcome": outcome,
                "baseline": migration.baseline,
                "changed": migration.changed.iter().map(|c| c.path.display().to_string()).collect::<Vec<_>>(),
                "written": args.write,
            });
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        Format::Text => print_text(&args.path, &migration, &residual, &patterns, outcome, args.write),
    }
    Ok(())
}

/// The last step's residual diagnostics, each error with the catalog patterns that fail the
/// same way at the target release on the same interpreter.
fn explained(
    migration: &Migration,
    flavor: Flavor,
    catalog: Option<&RunResults>,
    patterns: &[Pattern],
) -> Vec<Explained> {
    let last = migration.steps.last().map(|s| s.residual.clone()).unwrap_or_default();
    last.into_iter()
        .map(|residual| {
            let explained_by = match (catalog, residual.level) {
                (Some(catalog), Level::Error) => explain(&as_cell(&residual, &migration.to, flavor), catalog, patterns),
                _ => Vec::new(),
            };
            Explained { residual, explained_by }
        })
        .collect()
}

/// A residual error as a cell that failed to compile with it, for the catalog to match.
fn as_cell(residual: &Residual, release: &Release, flavor: Flavor) -> CellResult {
    let value = serde_json::json!({
        "pattern": "migrated",
        "pyo3": release,
        "python": flavor,
        "outcome": "compile-error",
        "codes": residual.code.iter().collect::<Vec<_>>(),
        "message": residual.message,
        "diagnostics": [{ "level": residual.level, "code": residual.code, "message": residual.message }],
    });
    serde_json::from_value(value).expect("a well-formed cell")
}

fn print_text(
    crate_path: &Path,
    migration: &Migration,
    residual: &[Explained],
    patterns: &[Pattern],
    outcome: &CellResult,
    written: bool,
) {
    for changed in &migration.changed {
        let path = changed.path.display().to_string();
        let diff = similar::TextDiff::from_lines(&changed.before, &changed.after);
        print!(
            "{}",
            diff.unified_diff()
                .context_radius(2)
                .header(&format!("a/{path}"), &format!("b/{path}"))
        );
    }
    println!(
        "migrate {}: PyO3 {} -> {}",
        crate_path.display(),
        migration.from,
        migration.to
    );
    // The rules whose source the report has given: later residuals they left refer to it.
    let mut sourced = BTreeSet::new();
    for step in &migration.steps {
        let builds = match step.compiles {
            true => "builds".to_string(),
            false => match step.residual.iter().filter(|r| r.level == Level::Error).count() {
                1 => "does not build (1 error left)".to_string(),
                n => format!("does not build ({n} errors left)"),
            },
        };
        let tests = match &step.outcome {
            Some(cell) if step.compiles => format!(", tests {}", cell.outcome),
            _ => String::new(),
        };
        println!("  {}: {} edits, {builds}{tests}", step.release, step.edits.len());
        if let Some(staging) = &step.staging {
            println!("    staging: {staging}");
        }
        for edit in &step.edits {
            // One line per edit: an inserted block's lines are joined by spaces.
            let one_line = |text: &str| text.split_whitespace().collect::<Vec<_>>().join(" ");
            let what = match (edit.from.is_empty(), edit.to.is_empty()) {
                (true, _) => format!("inserted {}", one_line(&edit.to)),
                (false, true) => format!("removed {}", one_line(&edit.from)),
                (false, false) => format!("{} -> {}", one_line(&edit.from), one_line(&edit.to)),
            };
            println!("    {}:{} [{}] {what}", edit.file.display(), edit.line, edit.rule);
        }
        for kept in &step.kept {
            println!(
                "    {}:{} kept as it was (its edits left {}): {}",
                kept.file.display(),
                kept.lines.0,
                kept.because,
                kept.function
            );
        }
        for notice in &step.notices {
            // A notice is a change of behaviour without an error, which the pattern's
            // tests catch: its fix for a test failure at this step's release.
            let fix = patterns
                .iter()
                .find(|p| p.id == notice.pattern)
                .and_then(|p| fitting(&p.meta.fixes, Outcome::TestFail, &step.release))
                .map(|f| format!("; fix: {}", f.text))
                .unwrap_or_default();
            println!(
                "    {}:{} for a person [{}]: {} (pattern {}{fix})",
                notice.file.display(),
                notice.line,
                notice.id,
                notice.why,
                notice.pattern
            );
        }
        // What stopped a step on the way (the target's is listed in full below).
        let on_the_way = !std::ptr::eq(step, migration.steps.last().unwrap_or(step));
        if on_the_way && !step.compiles {
            for r in step.residual.iter().filter(|r| r.level == Level::Error) {
                println!("    {} (left at this step)", residual_line(r));
                if let Some(why) = &r.left_by {
                    println!("      {}", left_line(why, &mut sourced));
                }
            }
        }
    }
    if residual.is_empty() {
        println!("  left for a person at {}: nothing", migration.to);
    } else {
        println!("  left for a person at {}:", migration.to);
    }
    for r in residual {
        println!("    {}", residual_line(&r.residual));
        if let Some(why) = &r.residual.left_by {
            println!("      {}", left_line(why, &mut sourced));
        }
        for e in &r.explained_by {
            println!("      {}", crate::explained::line(e));
        }
    }
    println!("  tests at {}: {}", migration.to, crate::explained::cell_line(outcome));
    println!(
        "  tests at {} (the crate's own release, before any edit): {}",
        migration.from,
        crate::explained::cell_line(&migration.baseline)
    );
    let files = |n: usize| {
        if n == 1 {
            "1 file".to_string()
        } else {
            format!("{n} files")
        }
    };
    match (written, migration.changed.len()) {
        (_, 0) => println!("nothing to change"),
        (true, n) => println!("wrote {}", files(n)),
        (false, n) => println!("{} would change; pass --write to edit them", files(n)),
    }
}

/// Why a residual was left, one line: the rule that knows the change, with its source the
/// first time the report names it, or the notice whose code holds its line.
fn left_line(why: &LeftBy, sourced: &mut BTreeSet<String>) -> String {
    match why {
        LeftBy::Rule { rule, release, source } => {
            let source = match sourced.insert(rule.clone()) {
                true => source.as_str(),
                false => "as above",
            };
            format!("left by [{rule}] at {release}, which could not make this change here: {source}")
        }
        LeftBy::Notice {
            notice,
            release,
            pattern,
        } => format!("in code noticed at {release} [{notice}]: a person's decision (pattern {pattern})"),
    }
}

/// `file:line level [code]: message`, one line.
fn residual_line(r: &Residual) -> String {
    let at = match (&r.file, r.line) {
        (Some(file), Some(line)) => format!("{}:{line}", file.display()),
        _ => "(no location)".into(),
    };
    let code = r.code.as_deref().map(|c| format!(" [{c}]")).unwrap_or_default();
    format!("{at} {}{code}: {}", r.level, r.message)
}
