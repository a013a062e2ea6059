//! Bisection: the last good and the first bad release for a predicate on outcomes, found by
//! observing as few releases of a session as possible (or all of them, to check the search).

use crate::plan::Event;
use crate::session::Session;
use anyhow::{anyhow, Result};
use pyo3_matrix_model::{CellResult, Outcome, Release};
use serde::Serialize;

/// What counts as "bad" when searching.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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

impl Regress {
    /// Every predicate with its name and what it means, for a command line's help.
    pub const ALL: [(Regress, &'static str, &'static str); 5] = [
        (
            Regress::Error,
            "error",
            "the snippet stops working (any outcome but pass or deprecated)",
        ),
        (
            Regress::Warning,
            "warning",
            "the snippet stops building cleanly (deprecated or worse)",
        ),
        (
            Regress::Success,
            "success",
            "the snippet starts working (the release that fixed or introduced it)",
        ),
        (Regress::Crash, "crash", "the tests start crashing"),
        (Regress::Hang, "hang", "the tests start hanging"),
    ];
}

impl std::str::FromStr for Regress {
    type Err = String;

    fn from_str(text: &str) -> Result<Regress, String> {
        Regress::ALL
            .iter()
            .find(|(_, name, _)| *name == text)
            .map(|(r, _, _)| *r)
            .ok_or_else(|| format!("unknown predicate '{text}' (error, warning, success, crash, hang)"))
    }
}

/// Searches the releases of `session` (its one subject, its one interpreter) for the boundary
/// of `regress`; with `linear`, observes every release too and notes where the search and the
/// history disagree.
pub fn bisect(session: &Session, regress: Regress, linear: bool, on: &(dyn Fn(Event) + Sync)) -> Result<Bisection> {
    let mut observe = |release: &Release| -> Result<CellResult> {
        session
            .at(release)
            .verdicts(on)?
            .pop()
            .ok_or_else(|| anyhow!("no result for PyO3 {release}"))
    };
    let mut bisection = search(&session.releases, regress, &mut observe)?;
    if linear {
        let all = session.releases.iter().map(&mut observe).collect::<Result<Vec<_>>>()?;
        if let Some(note) = linear_note(regress, &all, &bisection) {
            bisection.note = Some(note);
        }
        bisection.cells = all;
    }
    Ok(bisection)
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
