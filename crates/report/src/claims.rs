//! A claim's verdict, derived from the observed cells by one rule, [`RULE`]; never written
//! down per pattern.

use crate::grid::Grid;
use crate::groups::{place, setting, without_addresses};
use pyo3_matrix_model::quote::plain_names;
use pyo3_matrix_model::{CellResult, Claim, InBounds, Level, Outcome, Pattern, Release};
use serde::Serialize;
use std::fmt;

/// How a verdict is reached, as the reports print it.
pub const RULE: &str = "a claim predicts an outcome (`works`, `breaks`, `accepted`: anything but PyO3's \
refusal, or one outcome such as `compile-error`) for the releases from the version it names to the last one it covers (when it names \
none: from the release its source writes for, its context, or every release). Only the cells of the \
claim's variant (the plain cells when it names none) that say something about the pattern count: \
not ⊘ unsupported, ⊗ blocked, – skipped or ? error; and a claim about the API (naming no interpreter) \
counts only interpreters the release supports (PyO3's build-script bounds): a crash on one it never \
supported is told apart, as a fact of support. If every counted cell in range shows the prediction, \
the claim is **confirmed**; if none does, **refuted**; otherwise **partly**. A claim that would be \
confirmed is **partly** right instead where its prediction already held on every counted cell of the \
last release before the version it names (not its context), or, for a claim of the *last* release, \
still holds on the first release after it: the version is wrong; where it quotes a rustc error that \
no cell showing the prediction printed (the reason says what they printed); or where it predicts a \
failure that one of the pattern's own variants (a feature, never a setting PyO3 calls unsafe) does \
not have. A claim with no prediction, an unknown one, or no counted cell in range is **undecided**, \
and the reason says which.";

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
    /// For a version named too late (or a last release named too early): the cells of the
    /// release before (after) it, which already (still) showed the prediction.
    pub beyond: Vec<&'a CellResult>,
    /// For a claim about the API: the cells in range, on interpreters their release never
    /// supported, that would have said something; not counted.
    pub unsupported: Vec<&'a CellResult>,
    /// For a predicted failure: the cells of the pattern's variants in range that work.
    pub variants_work: Vec<&'a CellResult>,
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

/// The first few cells, cited with what they said (`0.20.0/3.13t (crash: …)`) or with
/// their state alone (`0.22.6/3.12 [gil-refs] (deprecated)`).
fn cited_few(grid: &Grid, cells: &[&CellResult], said: bool) -> String {
    const SHOWN: usize = 3;
    let mut out: Vec<String> = cells
        .iter()
        .take(SHOWN)
        .map(|c| match said {
            true => cited(grid, c),
            false => format!("{} ({})", place(c), grid.state(c).word()),
        })
        .collect();
    if cells.len() > SHOWN {
        out.push(format!("and {} more", cells.len() - SHOWN));
    }
    out.join(", ")
}

/// What a cell's rustc errors said, one per code: `E0599 “no method named `iter` …”, E0277
/// “the trait bound `&PyList: PyFunctionArgument` …”` (paths shortened as quotes are
/// compared), or its state when rustc said nothing.
fn printed(grid: &Grid, c: &CellResult) -> String {
    let mut seen: Vec<&str> = Vec::new();
    let mut said = Vec::new();
    for d in &c.diagnostics {
        let code = d.code.as_deref().unwrap_or("");
        if d.level == Level::Error && !seen.contains(&code) {
            seen.push(code);
            said.push(format!("{code} “{}”", plain_names(&d.message)).trim_start().to_string());
        }
    }
    match said.is_empty() {
        true => format!("{} shows no rustc error ({})", place(c), grid.state(c).word()),
        false => format!("{} printed {}", place(c), said.join(", ")),
    }
}

/// Whether `release` is in the range `claim` covers: from the version it names (else the
/// release its source writes for) to the last one it names.
pub fn covers(claim: &Claim, release: &Release) -> bool {
    let from = claim.version.as_ref().or(claim.context.as_ref());
    from.is_none_or(|f| f.admits_as_start(release)) && claim.until.as_ref().is_none_or(|u| u.admits_as_end(release))
}

/// Whether PyO3 supports `c`'s interpreter at its release, by the bounds its build scripts
/// state (`[bounds]`); supported where no bounds say otherwise.
fn supported(grid: &Grid, c: &CellResult) -> bool {
    let bounds = grid.sources.bounds.as_ref();
    bounds
        .and_then(|b| b.support(&c.id.pyo3, c.id.python))
        .is_none_or(|s| s == InBounds::Supported)
}

/// The cells of the minor nearest to the range on one side, among `outside`: the last
/// release before `version` (`before`), or the first after `until`.
fn neighbour<'a>(outside: &[&'a CellResult], claim: &Claim, before: bool) -> Vec<&'a CellResult> {
    let beyond = |c: &&&'a CellResult| match before {
        true => claim.version.as_ref().is_some_and(|v| !v.admits_as_start(&c.id.pyo3)),
        false => claim.last && claim.until.as_ref().is_some_and(|u| !u.admits_as_end(&c.id.pyo3)),
    };
    let minors = outside.iter().filter(beyond).map(|c| c.id.pyo3.minor());
    let nearest = match before {
        true => minors.max(),
        false => minors.min(),
    };
    outside
        .iter()
        .filter(|c| Some(c.id.pyo3.minor()) == nearest)
        .copied()
        .collect()
}

/// The cells of `pattern`'s variants in range (on supported interpreters, never those of a
/// setting PyO3 calls unsafe) that work: where a predicted failure does not hold.
fn variants_that_work<'a>(grid: &Grid<'a>, pattern: &str, claim: &Claim) -> Vec<&'a CellResult> {
    let Some(p) = grid.pattern(pattern) else {
        return Vec::new();
    };
    p.meta
        .variants
        .iter()
        .filter(|v| grid.sources.unsafe_setting_of(v).is_none() && !claim.except.contains(&v.name))
        .flat_map(|v| grid.claim_cells_of(pattern, Some(&v.name)))
        .filter(|c| claim.python.is_none_or(|python| c.id.python == python))
        .filter(|c| covers(claim, &c.id.pyo3) && supported(grid, c) && c.outcome.works())
        .collect()
}

/// Checks `claim` (made about the pattern `pattern`) against the grid. A claim about one
/// interpreter counts only that interpreter's cells, PyO3's refusals of it included; a
/// claim about the API counts only the interpreters each release supports.
pub fn check<'a>(grid: &Grid<'a>, pattern: &str, claim: &Claim) -> ClaimCheck<'a> {
    let undecided = |reason: String| ClaimCheck {
        verdict: Verdict::Undecided,
        reason,
        matching: Vec::new(),
        contrary: Vec::new(),
        beyond: Vec::new(),
        unsupported: Vec::new(),
        variants_work: Vec::new(),
    };
    let Some(expect) = claim.expect else {
        return undecided("the claim predicts nothing a cell can show".into());
    };
    let shows = |c: &CellResult| expect.holds(c.outcome);
    let (counted, unsupported): (Vec<&'a CellResult>, Vec<&'a CellResult>) = grid
        .claim_cells_of(pattern, claim.variant.as_deref())
        .into_iter()
        .filter(|c| claim.python.is_none_or(|python| c.id.python == python))
        .filter(|c| c.outcome.informative() || (claim.python.is_some() && c.outcome == Outcome::Unsupported))
        .partition(|c| claim.python.is_some() || supported(grid, c));
    let (in_range, outside): (Vec<_>, Vec<_>) = counted.into_iter().partition(|c| covers(claim, &c.id.pyo3));
    let (matching, contrary): (Vec<_>, Vec<_>) = in_range.into_iter().partition(|c| shows(c));
    let held = |cells: &[&CellResult]| !cells.is_empty() && cells.iter().all(|c| shows(c));
    let (before, after) = (neighbour(&outside, claim, true), neighbour(&outside, claim, false));
    let quoted_by = |c: &&CellResult| claim.quotes.iter().all(|q| c.diagnostics.iter().any(|d| q.shown_by(d)));
    let unquoted: Vec<&CellResult> = matching.iter().copied().filter(|c| !quoted_by(c)).collect();
    let predicts_failure = !expect.holds(Outcome::Pass) && !expect.holds(Outcome::Deprecated);
    let variants_work = match predicts_failure && claim.variant.is_none() {
        true => variants_that_work(grid, pattern, claim),
        false => Vec::new(),
    };
    // What keeps a claim whose every counted cell agrees from being confirmed.
    let mut buts = Vec::new();
    let mut beyond = Vec::new();
    let named = |point: &Option<pyo3_matrix_model::Point>| point.as_ref().map(ToString::to_string).unwrap_or_default();
    let sides = [
        (
            before,
            format!("before the {} the claim names: true earlier", named(&claim.version)),
        ),
        (
            after,
            format!(
                "after the {} the claim names as the last: true longer",
                named(&claim.until)
            ),
        ),
    ];
    for (cells, beside) in sides {
        if held(&cells) {
            buts.push(format!("so does {}, {beside} than it says", place(cells[0])));
            beyond.extend(cells);
        }
    }
    if !unquoted.is_empty() {
        let quoted: Vec<String> = claim.quotes.iter().map(|q| format!("`{q}`")).collect();
        let who = match unquoted.len() == matching.len() {
            true => "none".to_string(),
            false => format!("only {} of them", matching.len() - unquoted.len()),
        };
        buts.push(format!(
            "{who} printed the quoted {}: {}",
            quoted.join(" and "),
            printed(grid, unquoted[0])
        ));
    }
    if !variants_work.is_empty() {
        buts.push(format!(
            "the same code works in range with {}: {}",
            variant_settings(grid, pattern, &variants_work),
            cited_few(grid, &variants_work, false)
        ));
    }
    let (verdict, reason) = match (matching.len(), contrary.len()) {
        (0, 0) => return undecided("no cell in the claim's range says anything about the pattern".into()),
        (m, 0) if !buts.is_empty() => (
            Verdict::Partly,
            format!("{} '{expect}', but {}", all_show(m), buts.join("; and ")),
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
    if verdict != Verdict::Partly || !contrary.is_empty() {
        beyond.clear();
    }
    // Cells on interpreters a release never supported are told apart where they would have
    // said otherwise than the verdict: against it, or for a refuted claim.
    let unsupported: Vec<&'a CellResult> = unsupported
        .into_iter()
        .filter(|c| covers(claim, &c.id.pyo3) && shows(c) == (verdict == Verdict::Refuted))
        .collect();
    let reason = match unsupported.is_empty() {
        true => reason,
        false => format!(
            "{reason}; told apart, on interpreters their release never supported: {}",
            cited_few(grid, &unsupported, true)
        ),
    };
    ClaimCheck {
        verdict,
        reason,
        matching,
        contrary,
        beyond,
        unsupported,
        variants_work,
    }
}

/// `variant `gil-refs` (feature `gil-refs`)`: the variants the cells are of, with what
/// each sets.
fn variant_settings(grid: &Grid, pattern: &str, cells: &[&CellResult]) -> String {
    let mut names: Vec<&str> = cells.iter().filter_map(|c| c.id.variant.as_deref()).collect();
    names.sort();
    names.dedup();
    let described: Vec<String> = names
        .iter()
        .map(|name| {
            let set = grid.pattern(pattern).and_then(|p| p.variant(name)).map(setting);
            format!("`[{name}]`{}", set.map(|s| format!(" ({s})")).unwrap_or_default())
        })
        .collect();
    format!(
        "the catalog's variant{} {}",
        if names.len() == 1 { "" } else { "s" },
        described.join(", ")
    )
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
    use pyo3_matrix_model::{Diagnostic, Flavor, Outcome, Sources};

    fn claim(version: Option<&str>, until: Option<&str>, expect: Option<&str>) -> Claim {
        Claim {
            text: "t".into(),
            version: version.map(|v| v.parse().unwrap()),
            until: until.map(|v| v.parse().unwrap()),
            context: None,
            expect: expect.map(|e| e.parse().unwrap()),
            variant: None,
            python: None,
            quotes: Vec::new(),
            last: false,
            except: Vec::new(),
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
        assert_eq!(checked.beyond.len(), 1);
        assert_eq!(checked.beyond[0].id.pyo3.to_string(), "0.22.6");
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

    /// What `matrix/sources.toml` states of 0.19, 0.20 and 0.22: 0.19 checks no maximum,
    /// 0.20 checks 3.12, neither accepts a free-threaded build; and one setting PyO3 calls
    /// unsafe.
    fn sources() -> Sources {
        Sources::parse(
            "[[unsafe-setting]]\nenv = 'UNSAFE_PYO3_BUILD_FREE_THREADED'\nsays = 'build anyway'\n\
             [bounds]\npattern = 'p'\nsource = 'pyo3-ffi/build.rs'\n\
             [[bounds.release]]\nrelease = '0.19'\ntag = '0.19.2'\ncpython = '3.7..'\npypy = '3.7..'\n\
             [[bounds.release]]\nrelease = '0.20'\ntag = '0.20.3'\ncpython = '3.7..=3.12'\npypy = '3.7..=3.10'\n\
             [[bounds.release]]\nrelease = '0.22'\ntag = '0.22.6'\ncpython = '3.7..=3.13'\npypy = '3.7..=3.10'\n",
        )
        .unwrap()
    }

    /// `claim` checked on `cells` of the pattern `p`, whose catalog entry is `pattern`.
    fn checked(cells: Vec<CellResult>, pattern: Pattern, claim: &Claim) -> (Verdict, String) {
        let r = run(cells);
        let grid = Grid::new(&r, &[pattern]).with_sources(sources());
        let c = check(&grid, "p", claim);
        (c.verdict, c.reason)
    }

    fn bare() -> Pattern {
        let mut p = crate::fixture::patterns().remove(0);
        p.id = "p".into();
        p
    }

    #[test]
    fn a_quoted_error_is_confirmed_only_by_a_cell_that_printed_it() {
        let printing = |code: &str, message: &str| {
            let mut c = cell("p", "0.22.6", "3.12", Outcome::CompileError);
            c.diagnostics = vec![Diagnostic {
                level: Level::Error,
                code: Some(code.into()),
                message: message.into(),
            }];
            c
        };
        let quoting = Claim {
            text: "stops compiling: error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied".into(),
            quotes: vec!["error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied"
                .parse()
                .unwrap()],
            ..claim(Some("0.22"), None, Some("compile-error"))
        };
        let shown = printing(
            "E0277",
            "the trait bound `&PyList: pyo3::type_object::PyTypeCheck` is not satisfied",
        );
        assert_eq!(checked(vec![shown], bare(), &quoting).0, Verdict::Confirmed);
        let other = printing(
            "E0277",
            "the trait bound `&PyList: pyo3::impl_::extract_argument::PyFunctionArgument<'_, '_>` is not satisfied",
        );
        let (verdict, reason) = checked(vec![other], bare(), &quoting);
        assert_eq!(verdict, Verdict::Partly);
        assert!(
            reason.ends_with(
                "but none printed the quoted `error[E0277]: the trait bound `&PyList: PyTypeCheck` is not satisfied`: \
                 0.22.6/3.12 printed E0277 “the trait bound `&PyList: PyFunctionArgument` is not satisfied”"
            ),
            "{reason}"
        );
    }

    #[test]
    fn an_api_claim_tells_crashes_on_never_supported_interpreters_apart() {
        let mut crash = cell("p", "0.20.0", "3.13t", Outcome::Crash);
        crash.message = Some("test process killed by SIGSEGV".into());
        let cells = vec![
            cell("p", "0.20.0", "3.12", Outcome::Pass),
            crash,
            cell("p", "0.20.3", "3.12", Outcome::Pass),
        ];
        let works = Claim {
            context: Some("0.20".parse().unwrap()),
            ..claim(None, Some("0.20"), Some("works"))
        };
        let (verdict, reason) = checked(cells.clone(), bare(), &works);
        assert_eq!(verdict, Verdict::Confirmed, "{reason}");
        assert_eq!(
            reason,
            "all 2 counted cells in range show 'works'; told apart, on interpreters their release never \
             supported: 0.20.0/3.13t (crash: test process killed by SIGSEGV)"
        );
        // A claim about 3.13t itself counts the crash.
        let on_ft = Claim {
            python: Some(Flavor::parse("3.13t").unwrap()),
            ..works
        };
        assert_eq!(checked(cells, bare(), &on_ft).0, Verdict::Refuted);
    }

    #[test]
    fn a_last_release_is_checked_on_the_release_after_it() {
        let cells = vec![
            cell("p", "0.19.2", "3.12", Outcome::CompileError),
            cell("p", "0.20.3", "3.12", Outcome::CompileError),
            cell("p", "0.21.2", "3.12", Outcome::Pass),
        ];
        let last = Claim {
            last: true,
            ..claim(Some("0.19"), Some("0.19"), Some("breaks"))
        };
        let (verdict, reason) = checked(cells.clone(), bare(), &last);
        assert_eq!(verdict, Verdict::Partly);
        assert!(
            reason.ends_with(
                "but so does 0.20.3/3.12, after the 0.19 the claim names as the last: true longer than it says"
            ),
            "{reason}"
        );
        let at_20 = Claim {
            last: true,
            ..claim(Some("0.20"), Some("0.20"), Some("breaks"))
        };
        assert_eq!(
            checked(cells.clone(), bare(), &at_20).0,
            Verdict::Partly,
            "true earlier too"
        );
        let not_last = claim(Some("0.19"), Some("0.19"), Some("breaks"));
        assert_eq!(
            checked(cells, bare(), &not_last).0,
            Verdict::Confirmed,
            "no claim of 'last'"
        );
    }

    #[test]
    fn a_failure_the_catalogs_own_variant_does_not_have_is_not_confirmed_outright() {
        let mut staged = cell("p", "0.22.6", "3.12", Outcome::Deprecated);
        staged.id.variant = Some("gil-refs".into());
        let mut unsafe_build = cell("p", "0.22.6", "3.12", Outcome::Pass);
        unsafe_build.id.variant = Some("unsafe".into());
        let cells = vec![cell("p", "0.22.6", "3.12", Outcome::CompileError), staged, unsafe_build];
        let mut pattern = bare();
        let mut gil_refs = pyo3_matrix_model::Variant::named("gil-refs");
        gil_refs.features = vec!["gil-refs".into()];
        let mut unsafe_variant = pyo3_matrix_model::Variant::named("unsafe");
        unsafe_variant
            .env
            .insert("UNSAFE_PYO3_BUILD_FREE_THREADED".into(), "1".into());
        pattern.meta.variants = vec![gil_refs, unsafe_variant.clone()];
        let breaks = claim(Some("0.22"), None, Some("breaks"));
        let (verdict, reason) = checked(cells.clone(), pattern.clone(), &breaks);
        assert_eq!(verdict, Verdict::Partly);
        assert!(
            reason.ends_with(
                "but the same code works in range with the catalog's variant `[gil-refs]` (feature `gil-refs`): \
                 0.22.6/3.12 [gil-refs] (deprecated)"
            ),
            "{reason}"
        );
        let naming_the_feature = Claim {
            except: vec!["gil-refs".into()],
            ..breaks.clone()
        };
        assert_eq!(
            checked(cells.clone(), pattern.clone(), &naming_the_feature).0,
            Verdict::Confirmed,
            "the claim names the feature as the way out, and the unsafe setting is none"
        );
        pattern.meta.variants = vec![unsafe_variant];
        assert_eq!(checked(cells, pattern, &breaks).0, Verdict::Confirmed);
    }

    #[test]
    fn undecided_says_why() {
        let v = |rows: &[(&str, Outcome)], expect| verdict(rows, &claim(Some("0.22"), None, expect));
        assert_eq!(v(&ROWS, None), Verdict::Undecided);
        assert_eq!(v(&ROWS, Some("breaks")), Verdict::Confirmed);
        assert_eq!(v(&ROWS[..2], Some("breaks")), Verdict::Undecided, "no cell in range");
    }
}
