//! A claim's verdict, decided from the observed cells by one rule:
//!
//! The claim predicts an outcome (`expect`: `works`, `breaks` or an outcome name) for the
//! releases from `version` to `until` (all releases when it names none). Only informative
//! cells count (not unsupported, skipped, blocked or error). If every such cell in range
//! matches, the claim is *confirmed*; if none does, *refuted*; otherwise *partly*. A
//! confirmed claim whose prediction already held at the release just before its `version`
//! is only *partly* right: its version is wrong. Without `expect`, or without evidence, it is *undecided*.

use crate::grid::{informative, Grid};
use pyo3_matrix_model::{CellResult, Claim, Outcome, Pattern};
use serde::Serialize;
use std::fmt;

/// The verdict on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every informative cell in range shows what the claim predicts.
    Confirmed,
    /// None does.
    Refuted,
    /// Some do, or the claim's version is wrong.
    Partly,
    /// Nothing observable to decide on.
    Undecided,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Confirmed => "confirmed",
            Verdict::Refuted => "refuted",
            Verdict::Partly => "partly",
            Verdict::Undecided => "undecided",
        })
    }
}

/// A claim checked against the cells.
#[derive(Debug, Clone, Serialize)]
pub struct ClaimCheck<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in one sentence.
    pub reason: String,
    /// The informative cells in range that match the prediction.
    pub matching: Vec<&'a CellResult>,
    /// Those that do not.
    pub contrary: Vec<&'a CellResult>,
}

fn minor(v: &str) -> Option<(u64, u64)> {
    let mut it = v.trim().split('.').map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??))
}

/// Whether `outcome` is what `expect` predicts.
pub fn predicted(expect: &str, outcome: Outcome) -> bool {
    match expect {
        "works" => outcome.works(),
        "breaks" => !outcome.works(),
        name => outcome.name() == name,
    }
}

/// Whether the prediction already held at the last release before the claim's version.
fn already_held(before: &[&CellResult], expect: &str) -> bool {
    let Some(last) = before.iter().filter_map(|c| minor(&c.pyo3)).max() else {
        return false;
    };
    before
        .iter()
        .filter(|c| minor(&c.pyo3) == Some(last))
        .all(|c| predicted(expect, c.outcome))
}

/// Checks `claim` (made about `pattern`) against the grid.
pub fn check<'a>(grid: &Grid<'a>, pattern: &Pattern, claim: &Claim) -> ClaimCheck<'a> {
    let undecided = |reason: &str| ClaimCheck {
        verdict: Verdict::Undecided,
        reason: reason.into(),
        matching: Vec::new(),
        contrary: Vec::new(),
    };
    let Some(expect) = claim.expect.as_deref() else {
        return undecided("the claim predicts nothing a cell can show");
    };
    let from = claim.version.as_deref().and_then(minor);
    let until = claim.until.as_deref().and_then(minor);
    let in_range = |release: &str| {
        let m = minor(release);
        from.is_none_or(|f| m >= Some(f)) && until.is_none_or(|u| m <= Some(u))
    };
    let cells = grid.releases.iter().flat_map(|release| {
        grid.pythons
            .iter()
            .filter_map(move |py| grid.cell(&pattern.id, release, py, None))
    });
    let (mut matching, mut contrary, mut before) = (Vec::new(), Vec::new(), Vec::new());
    for c in cells.filter(|c| informative(c)) {
        if !in_range(&c.pyo3) {
            if from.is_some_and(|f| minor(&c.pyo3) < Some(f)) {
                before.push(c);
            }
        } else if predicted(expect, c.outcome) {
            matching.push(c);
        } else {
            contrary.push(c);
        }
    }
    let (verdict, reason) = match (matching.len(), contrary.len()) {
        (0, 0) => return undecided("no informative cell in the claim's range"),
        (_, 0) if already_held(&before, expect) => (
            Verdict::Partly,
            format!(
                "'{expect}' holds in range, but already before {}",
                claim.version.as_deref().unwrap_or("?")
            ),
        ),
        (_, 0) => (
            Verdict::Confirmed,
            format!("all {} informative cells in range show '{expect}'", matching.len()),
        ),
        (0, n) => (
            Verdict::Refuted,
            format!("none of the {n} informative cells in range shows '{expect}'"),
        ),
        (m, n) => (Verdict::Partly, format!("{m} cells show '{expect}', {n} do not")),
    };
    ClaimCheck {
        verdict,
        reason,
        matching,
        contrary,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use pyo3_matrix_model::RunResults;

    fn results(rows: &[(&str, &str)]) -> RunResults {
        let results: Vec<serde_json::Value> = rows
            .iter()
            .map(|(pyo3, outcome)| serde_json::json!({"pattern": "p", "pyo3": pyo3, "python": "3.12", "outcome": outcome}))
            .collect();
        serde_json::from_value(serde_json::json!({
            "schema_version": 1, "tool_version": "0", "rustc": "r", "started_unix": 0,
            "interpreters": [], "results": results
        }))
        .unwrap()
    }

    fn claim(version: Option<&str>, expect: Option<&str>) -> Claim {
        Claim {
            text: "t".into(),
            version: version.map(Into::into),
            until: None,
            expect: expect.map(Into::into),
        }
    }

    fn verdict(rows: &[(&str, &str)], c: &Claim) -> Verdict {
        let r = results(rows);
        let grid = Grid::new(&r, &[]);
        check(&grid, &grid.patterns()[0].clone(), c).verdict
    }

    #[test]
    fn the_rule_decides_from_cells() {
        let rows = [
            ("0.21.2", "deprecated"),
            ("0.22.6", "compile-error"),
            ("0.23.5", "compile-error"),
        ];
        assert_eq!(verdict(&rows, &claim(Some("0.22"), Some("breaks"))), Verdict::Confirmed);
        assert_eq!(verdict(&rows, &claim(Some("0.24"), Some("breaks"))), Verdict::Undecided);
        assert_eq!(
            verdict(&rows, &claim(Some("0.23"), Some("breaks"))),
            Verdict::Partly,
            "broke before 0.23"
        );
        assert_eq!(verdict(&rows, &claim(Some("0.22"), Some("works"))), Verdict::Refuted);
        assert_eq!(verdict(&rows, &claim(None, Some("works"))), Verdict::Partly);
        assert_eq!(verdict(&rows, &claim(None, None)), Verdict::Undecided);
        let refused = [("0.21.2", "unsupported")];
        assert_eq!(verdict(&refused, &claim(None, Some("works"))), Verdict::Undecided);
    }
}
