//! `pyo3-matrix plan --from A --to B [PATH]`: the stepping stones of an upgrade.
//!
//! The plan reads observed results only: the catalog's (`docs/results.json`), plus, with a
//! PATH, a scan of the user's crate. A stepping stone is a release where something still
//! compiles with deprecation warnings but breaks at the next release: the place to stop and
//! fix the warnings while the compiler still points at them.

use crate::check::Format;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::plan::DEFAULT_TIMEOUT_S;
use pyo3_matrix_engine::scan::prepare::{CrateCells, CrateTests};
use pyo3_matrix_model::{CellResult, Flavor, Outcome, Pattern, Release, RunResults, Transition};
use pyo3_matrix_report::events::support_event;
use pyo3_matrix_report::grid::Grid;
use serde::Serialize;
use std::path::PathBuf;

/// Arguments of `plan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The release the code is on now (a minor or an exact version).
    #[arg(long)]
    from: String,
    /// The release to reach.
    #[arg(long)]
    to: String,
    /// The user's crate; without it the plan covers every catalog pattern that works at --from.
    path: Option<PathBuf>,
    /// The interpreter to reach (where --from does not build for it, the plan starts from
    /// the newest interpreter --from builds for).
    #[arg(long, default_value = "3.12")]
    python: Flavor,
    /// The catalog's results file [default: docs/results.json].
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// A pattern that moves at a step, by the one transition rule.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Pattern id.
    pub pattern: String,
    /// What happened ([`Transition::of`]).
    pub transition: Transition,
    /// Outcome before and after the step.
    pub outcomes: (Outcome, Outcome),
    /// The first message after the step.
    pub message: Option<String>,
    /// How to fix it.
    pub fix: Option<String>,
    /// The migration-guide entry.
    pub link: Option<String>,
}

/// One upgrade step.
#[derive(Debug, Serialize)]
pub struct Step {
    /// Release before.
    pub from: String,
    /// The interpreter before (the one followed, unless `from` does not build for it).
    pub from_python: String,
    /// Release after.
    pub to: String,
    /// The interpreter after: the one followed, once `to` builds for it.
    pub python: String,
    /// Whether `from` builds for the interpreter after, and how the patterns fare.
    pub support_before: String,
    /// The same for `to`.
    pub support_after: String,
    /// Where PyO3's support of the interpreter changes at this step: told once, with PyO3's
    /// reason, instead of pattern by pattern.
    pub support_event: Option<String>,
    /// What stops working.
    pub breaks: Vec<Change>,
    /// What starts working again.
    pub fixed: Vec<Change>,
    /// Another outcome without crossing the works line, or the GIL re-enabled on import
    /// where it was not (or back).
    pub changed: Vec<Change>,
    /// Whether to stop at `from` (it still compiles with warnings what `to` rejects).
    pub stop_here_first: bool,
}

/// The whole plan.
#[derive(Debug, Serialize)]
pub struct UpgradePlan {
    /// The interpreter followed.
    pub python: String,
    /// The releases to stop at, in order, ending at the target.
    pub stones: Vec<String>,
    /// From the start straight to the target: the cumulative answer.
    pub overall: Step,
    /// Every step between consecutive releases.
    pub steps: Vec<Step>,
    /// With a crate: its own observed cells, one per release (same fields as `check`'s).
    pub cells: Vec<CellResult>,
}

/// A grid step as the plan reports it.
fn step_of(grid: &Grid, step: &pyo3_matrix_report::grid::Step) -> Step {
    let changes = |kind: Transition| -> Vec<Change> {
        step.of(kind)
            .into_iter()
            .map(|m| Change {
                pattern: m.pattern.id.clone(),
                transition: m.transition,
                outcomes: (m.before.outcome, m.after.outcome),
                message: m.after.message.clone(),
                fix: m.pattern.meta.fix.clone(),
                link: m.pattern.meta.link.clone(),
            })
            .collect()
    };
    let breaks = changes(Transition::Regressed);
    Step {
        from: step.from.to_string(),
        from_python: step.from_python.to_string(),
        to: step.to.to_string(),
        python: step.python.to_string(),
        support_before: step.support_before.to_string(),
        support_after: step.support_after.to_string(),
        support_event: support_event(grid, step),
        stop_here_first: breaks.iter().any(|c| c.outcomes.0 == Outcome::Deprecated),
        breaks,
        fixed: changes(Transition::Fixed),
        changed: changes(Transition::Changed),
    }
}

/// Builds the plan from observed results (the catalog's, or a scan's in the same shape):
/// what works at the first release of `path` (on the interpreter a user there is on) is
/// followed to the last on `python`. A user whose release does not build for `python` yet
/// stays on the interpreter they have until a release does.
pub fn plan(results: &RunResults, patterns: &[Pattern], path: &[Release], python: Flavor) -> UpgradePlan {
    let grid = Grid::new(results, patterns);
    let (first, last) = (&path[0], &path[path.len() - 1]);
    let start = grid.starting_python(first, python);
    // Only what works where the user starts can break on the way.
    let works_at_start = |id: &str| grid.cell(id, first, start, None).is_some_and(|c| c.outcome.works());
    let on = |release: &Release| grid.starting_python(release, python);
    let steps: Vec<Step> = path
        .windows(2)
        .map(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            step_of(&grid, &grid.upgrade((a, on(a)), (b, on(b)), Some(&works_at_start)))
        })
        .collect();
    let overall = step_of(&grid, &grid.cumulative(first, last, python));
    let mut stones: Vec<String> = steps
        .iter()
        .filter(|s| s.stop_here_first)
        .map(|s| s.from.clone())
        .collect();
    stones.push(last.to_string());
    UpgradePlan {
        python: python.to_string(),
        stones,
        overall,
        steps,
        cells: Vec::new(),
    }
}

/// A step as text: its releases and interpreters, its support event, then each change.
fn print_step(step: &Step, lead: &str) {
    let stop = if step.stop_here_first {
        "  (fix the deprecation warnings here first)"
    } else {
        ""
    };
    println!(
        "{lead}{} on {} -> {} on {}:{stop}",
        step.from, step.from_python, step.to, step.python
    );
    match &step.support_event {
        Some(event) => println!("  support: {event}"),
        None => println!("  {} builds: {}", step.to, step.support_after),
    }
    for (word, list) in [
        ("breaks", &step.breaks),
        ("fixed", &step.fixed),
        ("changes", &step.changed),
    ] {
        for c in list {
            let fix = match word {
                "breaks" => c.fix.as_deref().map(|f| format!("; fix: {f}")).unwrap_or_default(),
                _ => String::new(),
            };
            println!("  {word}: {} ({} -> {}){fix}", c.pattern, c.outcomes.0, c.outcomes.1);
        }
    }
}

/// Prints the plan.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let ctx = setup::context(&dir)?;
    let from = single(&ctx.matrix, &args.from, "--from")?;
    let to = single(&ctx.matrix, &args.to, "--to")?;
    if from >= to {
        bail!("--from {from} is not older than --to {to}");
    }
    let path: Vec<Release> = ctx
        .matrix
        .release_list()
        .into_iter()
        .filter(|r| *r >= from && *r <= to)
        .collect();
    let patterns = setup::patterns(&dir, &[])?;
    let results_path = args
        .results
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let mut results = RunResults::load(&results_path)?;
    let mut own = Vec::new();
    if let Some(crate_dir) = &args.path {
        let range = format!("{from}..={to}");
        let (_, cells) = crate::scan::observe(
            &dir,
            crate_dir,
            Some(&range),
            &args.python.to_string(),
            CrateCells::new(CrateTests::None, DEFAULT_TIMEOUT_S),
        )?;
        own = cells.clone();
        results.results.extend(cells);
    }
    let mut answer = plan(&results, &patterns, &path, args.python);
    answer.cells = own;
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => {
            println!(
                "upgrade {from} -> {to} on Python {}: stop at {}",
                args.python,
                answer.stones.join(" -> ")
            );
            print_step(&answer.overall, "in one step, ");
            for step in &answer.steps {
                print_step(step, "");
            }
        }
    }
    Ok(())
}

fn single(matrix: &pyo3_matrix_model::MatrixDef, text: &str, flag: &str) -> Result<Release> {
    let mut found = setup::releases(matrix, Some(text))?;
    match (found.pop(), found.is_empty()) {
        (Some(r), true) => Ok(r),
        _ => bail!("{flag} {text}: name one release, e.g. 0.20"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plan for rows of (pattern, release, interpreter, outcome), `message` on every
    /// refused cell, along `path` to `python`.
    fn plan_of(rows: &[(&str, &str, &str, &str)], message: &str, path: &[&str], python: &str) -> UpgradePlan {
        let cells: Vec<serde_json::Value> = rows
            .iter()
            .map(|(pattern, pyo3, python, outcome)| {
                serde_json::json!({ "pattern": pattern, "pyo3": pyo3, "python": python, "outcome": outcome, "message": message })
            })
            .collect();
        let results: RunResults = serde_json::from_value(serde_json::json!({
            "schema_version": pyo3_matrix_model::SCHEMA_VERSION, "tool_version": "0", "rustc": "rustc",
            "started_unix": 0, "interpreters": [], "results": cells,
        }))
        .unwrap();
        let path: Vec<Release> = path.iter().map(|v| v.parse().unwrap()).collect();
        plan(&results, &[], &path, python.parse().unwrap())
    }

    fn ids(changes: &[Change]) -> Vec<&str> {
        changes.iter().map(|c| c.pattern.as_str()).collect()
    }

    #[test]
    fn stops_where_deprecated_code_breaks_next() {
        let rows = [
            ("gilref", "0.20.3", "3.12", "pass"),
            ("gilref", "0.21.2", "3.12", "deprecated"),
            ("gilref", "0.22.6", "3.12", "compile-error"),
            ("bytes", "0.20.3", "3.12", "pass"),
            ("bytes", "0.21.2", "3.12", "pass"),
            ("bytes", "0.22.6", "3.12", "test-fail"),
        ];
        let p = plan_of(&rows, "", &["0.20.3", "0.21.2", "0.22.6"], "3.12");
        assert_eq!(p.stones, ["0.21.2", "0.22.6"]);
        assert!(p.steps[1].stop_here_first);
        assert_eq!(ids(&p.steps[1].breaks), ["bytes", "gilref"]);
        assert_eq!(ids(&p.overall.breaks), ["bytes", "gilref"], "the cumulative answer");
    }

    #[test]
    fn a_release_that_drops_an_interpreter_is_one_event_not_a_list_of_breaks() {
        let refusal = "PyO3 does not support the free-threaded build of CPython versions below 3.14";
        let rows: Vec<(&str, &str, &str, &str)> = ["a", "b", "c"]
            .into_iter()
            .flat_map(|p| [(p, "0.28.3", "3.13t", "pass"), (p, "0.29.3", "3.13t", "unsupported")])
            .collect();
        let p = plan_of(&rows, refusal, &["0.28.3", "0.29.3"], "3.13t");
        let step = &p.steps[0];
        assert!(step.breaks.is_empty() && step.changed.is_empty(), "{step:?}");
        let event = step.support_event.as_deref().expect("a support event");
        assert_eq!(
            event,
            format!("0.29.3 drops Python 3.13t: PyO3's build script refuses it for every pattern: “{refusal}”.")
        );
    }

    #[test]
    fn a_user_on_an_older_interpreter_starts_there() {
        let rows = [
            ("a", "0.20.3", "3.12", "pass"),
            ("a", "0.20.3", "3.13t", "unsupported"),
            ("a", "0.23.5", "3.13t", "compile-error"),
            ("b", "0.20.3", "3.12", "pass"),
            ("b", "0.20.3", "3.13t", "unsupported"),
            ("b", "0.23.5", "3.13t", "pass"),
        ];
        let p = plan_of(&rows, "refused", &["0.20.3", "0.23.5"], "3.13t");
        assert_eq!(p.overall.from_python, "3.12");
        assert_eq!(ids(&p.overall.breaks), ["a"]);
        let event = p.overall.support_event.as_deref().unwrap_or_default();
        assert!(event.starts_with("0.23.5 builds for Python 3.13t"), "{event}");
    }
}
