//! A claim's verdict, derived from the observed cells by one rule, [`RULE`]; never written
//! down per pattern.

use crate::grid::Grid;
use crate::groups::{place, without_addresses};
use pyo3_matrix_model::{CellResult, Claim, Outcome, Pattern, Release};
use serde::Serialize;
use std::fmt;

/// How a verdict is reached, as the reports print it.
pub const RULE: &str = "a claim predicts an outcome (`works`, `breaks`, `accepted`: anything but PyO3's \
refusal, or one outcome such as `compile-error`) for the releases from the version it names to the last one it covers (when it names \
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

/// Who makes a claim: the article (`claim`) or PyO3's changelog (`changelog`).
pub fn sources(p: &Pattern) -> impl Iterator<Item = (&'static str, &Claim)> {
    [("the article", &p.meta.claim), ("PyO3's changelog", &p.meta.changelog)]
        .into_iter()
        .filter_map(|(who, c)| c.as_ref().map(|c| (who, c)))
}

/// `the only counted cell in range shows` / `all 3 counted cells in range show`.
fn all_show(n: usize) -> String {
    match n {
        1 => "the only counted cell in range shows".into(),
        n => format!("all {n} counted cells in range show"),
    }
}

/// A cell, its state and what it said: `0.20.3/3.12 (not yet available: cannot find type
/// `Bound`)`.
fn cited(grid: &Grid, c: &CellResult) -> String {
    let said = c
        .message
        .as_deref()
        .map(|m| format!(": {}", without_addresses(m.lines().next().unwrap_or_default())))
        .unwrap_or_default();
    format!("{} ({}{said})", place(c), grid.state(c).word())
}

/// Whether `release` is in the range `claim` covers: from the version it names (else the
/// release its source writes for) to the last one it names.
pub fn covers(claim: &Claim, release: &Release) -> bool {
    let from = claim.version.as_ref().or(claim.context.as_ref());
    from.is_none_or(|f| f.admits_as_start(release)) && claim.until.as_ref().is_none_or(|u| u.admits_as_end(release))
}

/// Checks `claim` (made about the pattern `pattern`) against the grid. A claim about one
/// interpreter counts only that interpreter's cells, PyO3's refusals of it included.
pub fn check<'a>(grid: &Grid<'a>, pattern: &str, claim: &Claim) -> ClaimCheck<'a> {
    let undecided = |reason: String| ClaimCheck {
        verdict: Verdict::Undecided,
        reason,
        matching: Vec::new(),
        contrary: Vec::new(),
        held_before: Vec::new(),
    };
    let Some(expect) = claim.expect else {
        return undecided("the claim predicts nothing a cell can show".into());
    };
    let shows = |c: &CellResult| expect.holds(c.outcome);
    let counted: Vec<&'a CellResult> = grid
        .claim_cells_of(pattern, claim.variant.as_deref())
        .into_iter()
        .filter(|c| claim.python.is_none_or(|python| c.id.python == python))
        .filter(|c| c.outcome.informative() || (claim.python.is_some() && c.outcome == Outcome::Unsupported))
        .collect();
    let (in_range, outside): (Vec<_>, Vec<_>) = counted.into_iter().partition(|c| covers(claim, &c.id.pyo3));
    let (matching, contrary): (Vec<_>, Vec<_>) = in_range.into_iter().partition(|c| shows(c));
    let last_before = outside
        .iter()
        .filter(|c| claim.version.as_ref().is_some_and(|v| !v.admits_as_start(&c.id.pyo3)))
        .map(|c| c.id.pyo3.minor())
        .max();
    let held_before: Vec<&'a CellResult> = outside
        .into_iter()
        .filter(|c| Some(c.id.pyo3.minor()) == last_before)
        .collect();
    let (verdict, reason) = match (matching.len(), contrary.len()) {
        (0, 0) => return undecided("no cell in the claim's range says anything about the pattern".into()),
        (_, 0) if !held_before.is_empty() && held_before.iter().all(|c| shows(c)) => (
            Verdict::Partly,
            format!(
                "{} '{expect}', but so does {}, before the {} the claim names: true earlier than it says",
                all_show(matching.len()),
                place(held_before[0]),
                claim.version.as_ref().map(ToString::to_string).unwrap_or_default()
            ),
        ),
        (m, 0) => (Verdict::Confirmed, format!("{} '{expect}'", all_show(m))),
        (0, n) => (
            Verdict::Refuted,
            match n {
                1 => format!(
                    "the only counted cell in range does not show '{expect}': {}",
                    cited(grid, contrary[0])
                ),
                n => format!(
                    "none of the {n} counted cells in range shows '{expect}'; the first is {}",
                    cited(grid, contrary[0])
                ),
            },
        ),
        (m, n) => (
            Verdict::Partly,
            format!(
                "{}; {m} of the {} counted cells {} '{expect}', the first that does not is {}",
                side(&matching, &contrary),
                m + n,
                if m == 1 { "shows" } else { "show" },
                cited(grid, contrary[0])
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

/// Where a partly right claim holds: `true until 0.27` when every contrary cell comes
/// after every matching one, `true from 0.24` when before, `true on some interpreters or
/// releases only` otherwise.
fn side(matching: &[&CellResult], contrary: &[&CellResult]) -> String {
    let last = |cells: &[&CellResult]| cells.iter().map(|c| &c.id.pyo3).max().cloned();
    let first = |cells: &[&CellResult]| cells.iter().map(|c| &c.id.pyo3).min().cloned();
    // Two releases of one minor (the patch table's) are told apart by their patch.
    let labels = |a: &Release, b: &Release| match a.minor() == b.minor() {
        true => (a.to_string(), b.to_string()),
        false => (a.minor_label(), b.minor_label()),
    };
    match (first(matching), last(matching), first(contrary), last(contrary)) {
        (_, Some(last_match), Some(first_contrary), _) if last_match < first_contrary => {
            let (held, broke) = labels(&last_match, &first_contrary);
            format!("true until {held}, not from {broke}")
        }
        (Some(first_match), _, _, Some(last_contrary)) if last_contrary < first_match => {
            let (held, broke) = labels(&first_match, &last_contrary);
            format!("true from {held}, not in {broke}")
        }
        _ => "true on some interpreters or releases only".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, run};
    use pyo3_matrix_model::Outcome;

    fn claim(version: Option<&str>, until: Option<&str>, expect: Option<&str>) -> Claim {
        Claim {
            text: "t".into(),
            version: version.map(|v| v.parse().unwrap()),
            until: until.map(|v| v.parse().unwrap()),
            context: None,
            expect: expect.map(|e| e.parse().unwrap()),
            variant: None,
            python: None,
        }
    }

    fn verdict(rows: &[(&str, Outcome)], c: &Claim) -> Verdict {
        let r = run(rows.iter().map(|(v, o)| cell("p", v, "3.12", *o)).collect());
        let grid = Grid::new(&r, &[]);
        check(&grid, &grid.patterns()[0].id.clone(), c).verdict
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
        let r = run(ROWS.iter().map(|(v, o)| cell("p", v, "3.12", *o)).collect());
        let grid = Grid::new(&r, &[]);
        let partly = check(&grid, &grid.patterns()[0].id.clone(), &claim(None, None, Some("works")));
        assert!(
            partly.reason.starts_with("true until 0.21, not from 0.22; 1 of the 3"),
            "{}",
            partly.reason
        );
        let refuted = check(
            &grid,
            &grid.patterns()[0].id.clone(),
            &claim(Some("0.22"), None, Some("works")),
        );
        assert!(
            refuted.reason.ends_with("the first is 0.22.6/3.12 (compile-error)"),
            "{}",
            refuted.reason
        );
    }

    #[test]
    fn a_version_named_too_late_is_partly_right() {
        let r = run(ROWS.iter().map(|(v, o)| cell("p", v, "3.12", *o)).collect());
        let grid = Grid::new(&r, &[]);
        let checked = check(
            &grid,
            &grid.patterns()[0].id.clone(),
            &claim(Some("0.23"), None, Some("breaks")),
        );
        assert_eq!(checked.verdict, Verdict::Partly);
        assert_eq!(checked.held_before.len(), 1);
        assert_eq!(checked.held_before[0].id.pyo3.to_string(), "0.22.6");
        assert!(checked.reason.contains("before the 0.23"), "{}", checked.reason);
    }

    #[test]
    fn a_context_starts_the_range_without_faulting_earlier_releases() {
        let in_context = Claim {
            context: Some("0.22".parse().unwrap()),
            ..claim(None, None, Some("breaks"))
        };
        assert_eq!(
            verdict(&ROWS, &in_context),
            Verdict::Confirmed,
            "0.21 is outside the context"
        );
        assert_eq!(verdict(&ROWS, &claim(None, None, Some("breaks"))), Verdict::Partly);
        let named = Claim {
            context: Some("0.22".parse().unwrap()),
            ..claim(Some("0.23"), None, Some("breaks"))
        };
        assert_eq!(
            verdict(&ROWS, &named),
            Verdict::Partly,
            "a named version wins over the context"
        );
    }

    #[test]
    fn a_claim_about_an_interpreter_counts_its_refusals() {
        let about = |python: &str| Claim {
            python: Some(python.parse().unwrap()),
            ..claim(Some("0.20"), Some("0.20"), Some("works"))
        };
        // 0.20.3 refuses 3.12 in ROWS: a claim about 3.12 support is refuted by it, while
        // the plain claim has no cell that says anything.
        assert_eq!(verdict(&ROWS, &about("3.12")), Verdict::Refuted);
        assert_eq!(
            verdict(&ROWS, &claim(Some("0.20"), Some("0.20"), Some("works"))),
            Verdict::Undecided
        );
        assert_eq!(verdict(&ROWS, &about("3.13")), Verdict::Undecided, "no 3.13 cell");
    }

    #[test]
    fn undecided_says_why() {
        let v = |rows: &[(&str, Outcome)], expect| verdict(rows, &claim(Some("0.22"), None, expect));
        assert_eq!(v(&ROWS, None), Verdict::Undecided);
        assert_eq!(v(&ROWS, Some("breaks")), Verdict::Confirmed);
        assert_eq!(v(&ROWS[..2], Some("breaks")), Verdict::Undecided, "no cell in range");
    }
}
