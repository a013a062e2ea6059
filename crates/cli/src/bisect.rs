//! `pyo3-matrix bisect SNIPPET.rs --regress KIND`: the first release where a predicate turns.

use crate::check::{Format, SnippetArgs};
use crate::progress::Progress;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_engine::runner::{self, Plan};
use pyo3_matrix_model::{CellResult, Outcome, Release};
use serde::Serialize;
use std::path::PathBuf;

/// What counts as "bad" when searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Regress {
    /// The snippet stops working (any outcome but pass or deprecated).
    Error,
    /// The snippet stops building cleanly (deprecated or worse).
    Warning,
    /// The snippet starts working (find the release that fixed or introduced it).
    Success,
    /// The tests start crashing.
    Crash,
    /// The tests start hanging.
    Hang,
}

impl Regress {
    /// Whether `outcome` is on the "bad" side.
    pub fn is_bad(self, outcome: Outcome) -> bool {
        match self {
            Regress::Error => !outcome.works(),
            Regress::Warning => outcome != Outcome::Pass,
            Regress::Success => outcome.works(),
            Regress::Crash => outcome == Outcome::Crash,
            Regress::Hang => outcome == Outcome::Hang,
        }
    }
}

/// Arguments of `bisect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    snippet: SnippetArgs,
    /// The predicate that marks a release as bad.
    #[arg(long, value_enum, default_value_t = Regress::Error)]
    regress: Regress,
    /// Releases to search, oldest first [default: every default release].
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// The one interpreter to search with (a flavor label or a path).
    #[arg(long, default_value = "3.12")]
    python: String,
    /// Search every published patch release inside the selected minors, not only the latest.
    #[arg(long)]
    all_patches: bool,
    /// Also observe every release in the range and report where it disagrees with the search.
    #[arg(long)]
    linear: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// The answer of a search.
#[derive(Debug, Serialize)]
pub struct Bisection {
    /// The predicate.
    pub regress: Regress,
    /// The last release before the boundary, observed.
    pub last_good: Option<CellResult>,
    /// The first release after it, observed.
    pub first_bad: Option<CellResult>,
    /// Every cell observed, oldest first.
    pub cells: Vec<CellResult>,
    /// What the search could not say by itself (e.g. non-monotonic results).
    pub note: Option<String>,
}

/// Binary search for the first bad release, observing as few releases as possible; both
/// sides of the boundary are always observed.
pub fn search(
    releases: &[Release],
    regress: Regress,
    observe: &mut dyn FnMut(&Release) -> Result<CellResult>,
) -> Result<Bisection> {
    let mut cells: Vec<CellResult> = Vec::new();
    let mut look = |i: usize, cells: &mut Vec<CellResult>| -> Result<bool> {
        let r = observe(&releases[i])?;
        let bad = regress.is_bad(r.outcome);
        cells.push(r);
        Ok(bad)
    };
    let last = releases.len() - 1;
    let (mut lo, mut hi) = (0, last);
    let mut note = None;
    if look(0, &mut cells)? {
        note = Some(format!("already bad at the first release searched, {}", releases[0]));
        hi = 0;
    } else if last == 0 || !look(last, &mut cells)? {
        note = Some(format!("never bad up to {}", releases[last]));
        lo = last;
    } else {
        while hi - lo > 1 {
            let mid = (lo + hi) / 2;
            if look(mid, &mut cells)? {
                hi = mid;
            } else {
                lo = mid;
            }
        }
    }
    cells.sort_by(|a, b| a.id.cmp(&b.id));
    let find = |i: usize| cells.iter().find(|c| c.id.pyo3 == releases[i]).cloned();
    let (last_good, first_bad) = match note {
        Some(_) if hi == 0 => (None, find(0)),
        Some(_) => (find(last), None),
        None => (find(lo), find(hi)),
    };
    Ok(Bisection {
        regress,
        last_good,
        first_bad,
        cells,
        note,
    })
}

/// Compares a full linear observation with the bisection; a note where they disagree.
fn linear_note(regress: Regress, cells: &[CellResult], bisection: &Bisection) -> Option<String> {
    let turns: Vec<String> = cells
        .windows(2)
        .filter(|w| regress.is_bad(w[0].outcome) != regress.is_bad(w[1].outcome))
        .map(|w| {
            format!(
                "{} -> {} ({} -> {})",
                w[0].id.pyo3, w[1].id.pyo3, w[0].outcome, w[1].outcome
            )
        })
        .collect();
    let first_bad = cells.iter().find(|c| regress.is_bad(c.outcome)).map(|c| &c.id.pyo3);
    let searched = bisection.first_bad.as_ref().map(|c| &c.id.pyo3);
    (turns.len() > 1 || first_bad != searched).then(|| {
        format!(
            "not monotonic: a linear check turns {} time(s): {}; the first bad release is {}",
            turns.len(),
            turns.join(", "),
            first_bad.map_or("none".to_string(), ToString::to_string)
        )
    })
}

/// Runs the search.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let mut ctx = setup::context(&dir)?;
    let pending = args.snippet.subject(&mut ctx)?;
    let mut releases = setup::releases(&ctx.matrix, args.pyo3.as_deref())?;
    if let (true, Some(last)) = (args.all_patches, releases.last().cloned()) {
        let minors: Vec<(u64, u64)> = releases.iter().map(Release::minor).collect();
        releases = setup::patches_of(&minors, Some(&last))?;
    }
    if releases.is_empty() {
        bail!("--pyo3 selects no release");
    }
    let python_args = setup::python_args(&ctx.matrix.python, Some(&args.python))?;
    let progress = Progress::new(0, true);
    let targets = setup::targets(&ctx, &python_args, true, true, &mut |m| progress.line(m))?;
    let (subject, targets) = pending.ready(&ctx, targets, &mut |m| progress.line(m))?;
    let tag = format!("check-{}", subject.member.name);
    let subjects = [subject];
    let mut observe = |release: &Release| -> Result<CellResult> {
        let one = [release.clone()];
        let plan = Plan {
            releases: &one,
            targets: &targets,
            subjects: &subjects,
            shard: None,
            jobs: pyo3_matrix_engine::slots::cores(),
            tag: &tag,
        };
        let mut found = runner::run(&ctx, plan, &|e| progress.event(e))?;
        found
            .pop()
            .ok_or_else(|| anyhow::anyhow!("no result for PyO3 {release}"))
    };
    let mut bisection = search(&releases, args.regress, &mut observe)?;
    if args.linear {
        let mut all = Vec::new();
        for release in &releases {
            all.push(observe(release)?);
        }
        if let Some(note) = linear_note(args.regress, &all, &bisection) {
            bisection.note = Some(note);
        }
        bisection.cells = all;
    }
    progress.finish();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&bisection)?),
        Format::Text => {
            let show = |c: &Option<CellResult>| match c {
                Some(c) => format!(
                    "{} ({}{})",
                    c.id.pyo3,
                    c.outcome,
                    c.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                ),
                None => "none".into(),
            };
            println!("last good: {}", show(&bisection.last_good));
            println!("first bad: {}", show(&bisection.first_bad));
            if let Some(note) = &bisection.note {
                println!("note: {note}");
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn releases(n: u64) -> Vec<Release> {
        (19..19 + n)
            .map(|m| Release::parse(&format!("0.{m}.0")).unwrap())
            .collect()
    }

    fn cell(release: &Release, outcome: Outcome) -> CellResult {
        serde_json::from_value(serde_json::json!({
            "pattern": "s", "pyo3": release.to_string(), "python": "3.12", "outcome": outcome
        }))
        .unwrap()
    }

    #[test]
    fn finds_the_boundary_in_few_observations_and_observes_both_sides() {
        let rel = releases(12);
        let mut seen = 0;
        let mut observe = |r: &Release| {
            seen += 1;
            Ok(cell(
                r,
                if r.0.minor >= 25 {
                    Outcome::CompileError
                } else {
                    Outcome::Pass
                },
            ))
        };
        let b = search(&rel, Regress::Error, &mut observe).unwrap();
        assert_eq!(b.last_good.unwrap().id.pyo3.to_string(), "0.24.0");
        assert_eq!(b.first_bad.unwrap().id.pyo3.to_string(), "0.25.0");
        assert!(seen <= 6, "observed {seen} releases");
    }

    #[test]
    fn a_linear_check_names_a_non_monotonic_history() {
        let rel = releases(5);
        let outcomes = [
            Outcome::Pass,
            Outcome::TestFail,
            Outcome::Pass,
            Outcome::Pass,
            Outcome::TestFail,
        ];
        let cells: Vec<CellResult> = rel.iter().zip(outcomes).map(|(r, o)| cell(r, o)).collect();
        let mut observe = |r: &Release| Ok(cells.iter().find(|c| c.id.pyo3 == *r).unwrap().clone());
        let b = search(&rel, Regress::Error, &mut observe).unwrap();
        let note = linear_note(Regress::Error, &cells, &b).expect("disagreement noted");
        assert!(note.contains("not monotonic") && note.contains("0.20.0"), "{note}");
    }
}
