//! A claim's verdict, derived from the observed cells by one rule, [`RULE`]; never written
//! down per pattern.

use crate::grid::{informative, Grid};
use pyo3_matrix_model::{CellResult, Claim, Outcome, Pattern};
use serde::Serialize;
use std::fmt;

/// How a verdict is reached, as the reports print it.
pub const RULE: &str = "a claim predicts an outcome (`works`, `breaks` or one outcome such as \
`compile-error`) for the releases from the version it names to the last one it covers (when it names \
none: from the release its source writes for, its context, or every release). Only the cells of the \
claim's variant (the plain cells when it names none) that say something about the pattern count: \
not ⊘ unsupported, ⊗ blocked, – skipped or ? error. If every counted cell in range shows the prediction, \
the claim is **confirmed**; if none does, **refuted**; otherwise **partly**. A claim that would be \
confirmed, but whose prediction already held on every counted cell of the last release before the \
version it names (not its context), is **partly** right: the version is wrong. A claim with no \
prediction, an unknown one, or no counted cell in range is **undecided**, and the reason says which.";

/// The verdict on a claim.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// Every counted cell in range shows what the claim predicts.
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
#[derive(Debug, Clone)]
pub struct ClaimCheck<'a> {
    /// The verdict.
    pub verdict: Verdict,
    /// Why, in one sentence.
    pub reason: String,
    /// The counted cells in range that show the prediction.
    pub matching: Vec<&'a CellResult>,
    /// The counted cells in range that do not.
    pub contrary: Vec<&'a CellResult>,
    /// For a version named too late: the cells of the release before it, which already
    /// showed the prediction.
    pub held_before: Vec<&'a CellResult>,
}

fn minor(v: &str) -> Option<(u64, u64)> {
    let mut it = v.trim().split('.').map(|p| p.parse::<u64>().ok());
    Some((it.next()??, it.next()??))
}

/// Who makes a claim: the article (`claim`) or PyO3's changelog (`changelog`).
pub fn sources(p: &Pattern) -> impl Iterator<Item = (&'static str, &Claim)> {
    [("the article", &p.meta.claim), ("PyO3's changelog", &p.meta.changelog)]
        .into_iter()
        .filter_map(|(who, c)| c.as_ref().map(|c| (who, c)))
}

/// Whether `outcome` is what `expect` predicts; `None` when `expect` is not a prediction.
pub fn predicted(expect: &str, outcome: Outcome) -> Option<bool> {
    match expect {
        "works" => Some(outcome.works()),
        "breaks" => Some(!outcome.works()),
        name if Outcome::ALL.iter().any(|o| o.name() == name) => Some(outcome.name() == name),
        _ => None,
    }
}

/// `the only counted cell in range shows` / `all 3 counted cells in range show`.
fn all_show(n: usize) -> String {
    match n {
        1 => "the only counted cell in range shows".into(),
        n => format!("all {n} counted cells in range show"),
    }
}

/// Checks `claim` (made about `pattern`) against the grid.
pub fn check<'a>(grid: &Grid<'a>, pattern: &Pattern, claim: &Claim) -> ClaimCheck<'a> {
    let undecided = |reason: String| ClaimCheck {
        verdict: Verdict::Undecided,
        reason,
        matching: Vec::new(),
        contrary: Vec::new(),
        held_before: Vec::new(),
    };
    let Some(expect) = claim.expect.as_deref() else {
        return undecided("the claim predicts nothing a cell can show".into());
    };
    if predicted(expect, Outcome::Pass).is_none() {
        return undecided(format!(
            "'{expect}' is not a prediction (expected works, breaks or an outcome name)"
        ));
    }
    let shows = |c: &CellResult| predicted(expect, c.outcome) == Some(true);
    let named = claim.version.as_deref().and_then(minor);
    let from = named.or_else(|| claim.context.as_deref().and_then(minor));
    let until = claim.until.as_deref().and_then(minor);
    let counted: Vec<&'a CellResult> = grid
        .cells_of(&pattern.id, claim.variant.as_deref())
        .into_iter()
        .filter(|c| informative(c))
        .collect();
    let (in_range, outside): (Vec<_>, Vec<_>) = counted.into_iter().partition(|c| {
        let m = minor(&c.pyo3);
        from.is_none_or(|f| m >= Some(f)) && until.is_none_or(|u| m <= Some(u))
    });
    let (matching, contrary): (Vec<_>, Vec<_>) = in_range.into_iter().partition(|c| shows(c));
    let last_before = outside
        .iter()
        .filter_map(|c| minor(&c.pyo3))
        .filter(|m| named.is_some_and(|f| *m < f))
        .max();
    let held_before: Vec<&'a CellResult> = outside
        .into_iter()
        .filter(|c| last_before.is_some() && minor(&c.pyo3) == last_before)
        .collect();
    let (verdict, reason) = match (matching.len(), contrary.len()) {
        (0, 0) => return undecided("no cell in the claim's range says anything about the pattern".into()),
        (_, 0) if !held_before.is_empty() && held_before.iter().all(|c| shows(c)) => (
            Verdict::Partly,
            format!(
                "{} '{expect}', but so does {}, before the {} the claim names",
                all_show(matching.len()),
                held_before[0].pyo3,
                claim.version.as_deref().unwrap_or_default()
            ),
        ),
        (m, 0) => (Verdict::Confirmed, format!("{} '{expect}'", all_show(m))),
        (0, n) => (
            Verdict::Refuted,
            match n {
                1 => format!("the only counted cell in range does not show '{expect}'"),
                n => format!("none of the {n} counted cells in range shows '{expect}'"),
            },
        ),
        (m, n) => (
            Verdict::Partly,
            format!(
                "{m} of the {} counted cells in range {} '{expect}'",
                m + n,
                if m == 1 { "shows" } else { "show" }
            ),
        ),
    };
    let held_before = if verdict == Verdict::Partly && contrary.is_empty() {
        held_before
    } else {
        Vec::new()
    };
    ClaimCheck {
        verdict,
        reason,
        matching,
        contrary,
        held_before,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, run};

    fn claim(version: Option<&str>, until: Option<&str>, expect: Option<&str>) -> Claim {
        Claim {
            text: "t".into(),
            version: version.map(Into::into),
            until: until.map(Into::into),
            context: None,
            expect: expect.map(Into::into),
            variant: None,
        }
    }

    fn verdict(rows: &[(&str, Outcome)], c: &Claim) -> Verdict {
        let r = run(rows.iter().map(|(v, o)| cell("p", v, "3.12", *o)).collect());
        let grid = Grid::new(&r, &[]);
        check(&grid, &grid.patterns()[0].clone(), c).verdict
    }

    const ROWS: [(&str, Outcome); 4] = [
        ("0.20.3", Outcome::Unsupported),
        ("0.21.2", Outcome::Deprecated),
        ("0.22.6", Outcome::CompileError),
        ("0.23.5", Outcome::CompileError),
    ];

    #[test]
    fn confirmed_refuted_partly_from_the_cells_in_range() {
        let v = |version, until, expect| verdict(&ROWS, &claim(version, until, Some(expect)));
        assert_eq!(v(Some("0.22"), None, "breaks"), Verdict::Confirmed);
        assert_eq!(v(Some("0.22"), None, "compile-error"), Verdict::Confirmed);
        assert_eq!(v(Some("0.22"), None, "works"), Verdict::Refuted);
        assert_eq!(v(None, None, "works"), Verdict::Partly, "works in 0.21 only");
        assert_eq!(
            v(None, Some("0.21"), "works"),
            Verdict::Confirmed,
            "unsupported is not counted"
        );
        assert_eq!(v(Some("0.21"), Some("0.22"), "works"), Verdict::Partly);
    }

    #[test]
    fn a_version_named_too_late_is_partly_right() {
        let r = run(ROWS.iter().map(|(v, o)| cell("p", v, "3.12", *o)).collect());
        let grid = Grid::new(&r, &[]);
        let checked = check(
            &grid,
            &grid.patterns()[0].clone(),
            &claim(Some("0.23"), None, Some("breaks")),
        );
        assert_eq!(checked.verdict, Verdict::Partly);
        assert_eq!(checked.held_before.len(), 1);
        assert_eq!(checked.held_before[0].pyo3, "0.22.6");
        assert!(checked.reason.contains("before the 0.23"), "{}", checked.reason);
    }

    #[test]
    fn a_context_starts_the_range_without_faulting_earlier_releases() {
        let in_context = Claim {
            context: Some("0.22".into()),
            ..claim(None, None, Some("breaks"))
        };
        assert_eq!(
            verdict(&ROWS, &in_context),
            Verdict::Confirmed,
            "0.21 is outside the context"
        );
        assert_eq!(verdict(&ROWS, &claim(None, None, Some("breaks"))), Verdict::Partly);
        let named = Claim {
            context: Some("0.22".into()),
            ..claim(Some("0.23"), None, Some("breaks"))
        };
        assert_eq!(
            verdict(&ROWS, &named),
            Verdict::Partly,
            "a named version wins over the context"
        );
    }

    #[test]
    fn undecided_says_why() {
        let v = |rows: &[(&str, Outcome)], expect| verdict(rows, &claim(Some("0.22"), None, expect));
        assert_eq!(v(&ROWS, None), Verdict::Undecided);
        assert_eq!(v(&ROWS, Some("work")), Verdict::Undecided, "a misspelt prediction");
        assert_eq!(v(&ROWS, Some("breaks")), Verdict::Confirmed);
        assert_eq!(v(&ROWS[..2], Some("breaks")), Verdict::Undecided, "no cell in range");
    }
}
