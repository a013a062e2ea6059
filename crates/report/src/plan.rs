//! An upgrade planned from observed results alone: the releases on the way from the one the
//! code is on to the one to reach, what each step breaks, fixes or changes (by the one
//! transition rule), where PyO3's support of the interpreter changes, the staging step PyO3
//! prescribes, and the crashes at either end. `pyo3-matrix plan` prints it.

use crate::events::support_event;
use crate::grid::{Grid, Move};
use anyhow::{bail, Result};
use pyo3_matrix_model::{CellResult, Flavor, Outcome, Pattern, Release, RunResults, Sources, Transition};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// A pattern that moves at a step, by the one transition rule.
#[derive(Debug, Serialize)]
pub struct Change {
    /// Pattern id.
    pub pattern: String,
    /// What happened ([`Transition::of`]).
    pub transition: Transition,
    /// Outcome before and after the step.
    pub outcomes: (Outcome, Outcome),
    /// Whether importing the module re-enabled the GIL, before and after (free-threaded
    /// interpreters only; `None` where the interpreter has a GIL or it was not observed).
    pub gil_reenabled: (Option<bool>, Option<bool>),
    /// The first message after the step.
    pub message: Option<String>,
    /// How to fix it: the pattern's fix for the outcome after the step, on the step's
    /// release ([`crate::fixes::fitting`]).
    pub fix: Option<String>,
    /// The migration-guide entry.
    pub link: Option<String>,
}

impl Change {
    /// `pass -> compile-error`, with the GIL state where it is part of what changed:
    /// `pass (GIL on) -> pass (GIL off)` (a free-threaded module that kept it off).
    pub fn describe(&self) -> String {
        let (a, b) = self.gil_reenabled;
        let side = |outcome: Outcome, gil: Option<bool>| match (gil_on(a) == gil_on(b), gil) {
            (true, _) => outcome.to_string(),
            (false, None) => format!("{outcome} (GIL on)"),
            (false, Some(true)) => format!("{outcome} (GIL re-enabled on import)"),
            (false, Some(false)) => format!("{outcome} (GIL off)"),
        };
        format!("{} -> {}", side(self.outcomes.0, a), side(self.outcomes.1, b))
    }
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
    /// Another outcome without crossing the works line, or the GIL state of the module
    /// after import changed (re-enabled where it stayed off, or back).
    pub changed: Vec<Change>,
    /// Whether to stop at `from` (it still compiles with warnings what `to` rejects).
    pub stop_here_first: bool,
}

/// The whole plan.
#[derive(Debug, Serialize)]
pub struct UpgradePlan {
    /// The interpreter followed.
    pub python: String,
    /// Said first: where the release the user is on (or the target) crashes on the
    /// interpreter followed.
    pub warnings: Vec<String>,
    /// Where the cells of an exact patch come from, and which patterns it was observed for.
    pub notes: Vec<String>,
    /// The staging step PyO3's migration guide prescribes across 0.21 and 0.22 (the
    /// `gil-refs` feature), with what its cells show.
    pub staging: Vec<String>,
    /// The releases to stop at, in order, ending at the target.
    pub stones: Vec<String>,
    /// From the start straight to the target: the cumulative answer.
    pub overall: Step,
    /// Every step between consecutive releases.
    pub steps: Vec<Step>,
    /// With a crate: its own observed cells, one per release (same fields as `check`'s).
    pub cells: Vec<CellResult>,
}

/// A results file the plan reads, and the name it is told by.
#[derive(Debug)]
pub struct Table {
    /// How the plan names it (a path as the user would write it).
    pub label: String,
    /// Its cells.
    pub results: RunResults,
}

/// The cells the plan reads: one table's, and other tables' at releases it lacks.
#[derive(Debug)]
pub struct Observed {
    /// Every cell, as one run.
    pub results: RunResults,
    /// Each release observed, and the tables its cells came from.
    pub sources: BTreeMap<Release, Vec<String>>,
}

impl Observed {
    /// `main`'s cells, then each of `beside`'s at the releases `main` lacks (every patch of
    /// a minor, where `main` has its latest only), on the rows `main` has.
    pub fn merge(main: Table, beside: Vec<Table>) -> Self {
        let mut sources: BTreeMap<Release, Vec<String>> = BTreeMap::new();
        let mut results = main.results;
        for c in &results.results {
            sources
                .entry(c.id.pyo3.clone())
                .or_insert_with(|| vec![main.label.clone()]);
        }
        let own: BTreeSet<Release> = sources.keys().cloned().collect();
        // Another table's crate (a scan's) is not a pattern of this one: only the rows
        // `main` has are followed.
        let rows: BTreeSet<String> = results.results.iter().map(|c| c.id.pattern.clone()).collect();
        for table in beside {
            for c in table.results.results {
                if own.contains(&c.id.pyo3) || !rows.contains(&c.id.pattern) {
                    continue;
                }
                let labels = sources.entry(c.id.pyo3.clone()).or_default();
                if !labels.contains(&table.label) {
                    labels.push(table.label.clone());
                }
                results.results.push(c);
            }
        }
        results.releases = sources.keys().cloned().collect();
        Observed { results, sources }
    }

    /// The one line that says `release` was not observed, what was, and how to observe it.
    fn unobserved(&self, flag: &str, release: &Release) -> String {
        let same_minor: Vec<String> = self
            .sources
            .keys()
            .filter(|r| r.minor() == release.minor())
            .map(Release::to_string)
            .collect();
        let seen = match same_minor.is_empty() {
            true => format!("no patch of {} is observed either", release.minor_label()),
            false => format!(
                "of {} only {} {} observed; --from/--to {} plans from its latest",
                release.minor_label(),
                same_minor.join(", "),
                if same_minor.len() == 1 { "is" } else { "are" },
                release.minor_label()
            ),
        };
        format!(
            "{flag} {release}: no results file has cells of PyO3 {release} ({seen}); observe it with `pyo3-matrix run --pyo3 {release}` (or `run --matrix-set patches`, which observes every patch of the minors it names)"
        )
    }
}

/// The releases a plan from `from` to `to` steps through: `from` and `to` exactly as named,
/// and the default releases (one per minor) between them.
pub fn path_of(default: &[Release], from: &Release, to: &Release) -> Vec<Release> {
    let mut path = vec![from.clone()];
    path.extend(default.iter().filter(|r| *r > from && *r < to).cloned());
    path.push(to.clone());
    path
}

/// A grid step as the plan reports it.
fn step_of(grid: &Grid, step: &crate::grid::Step) -> Step {
    let changes = |kind: Transition| -> Vec<Change> {
        step.of(kind)
            .into_iter()
            .map(|m| Change {
                pattern: m.pattern.id.clone(),
                transition: m.transition,
                outcomes: (m.before.outcome, m.after.outcome),
                gil_reenabled: (gil_state(m.before), gil_state(m.after)),
                message: m.after.message.clone(),
                fix: crate::fixes::fitting(&m.pattern.meta.fixes, m.after.outcome, &step.to).map(|f| f.text.clone()),
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
        // A change is another outcome, or the GIL state after import: a module that worked
        // with the GIL on (a GIL build, or the GIL re-enabled on import) and works with it on
        // again changed nothing a user sees.
        changed: changes(Transition::Changed)
            .into_iter()
            .filter(|c| c.outcomes.0 != c.outcomes.1 || gil_on(c.gil_reenabled.0) != gil_on(c.gil_reenabled.1))
            .collect(),
    }
}

/// Whether importing the module re-enabled the GIL: only a free-threaded cell says.
fn gil_state(c: &CellResult) -> Option<bool> {
    match c.id.python.free_threaded {
        true => c.gil_reenabled,
        false => None,
    }
}

/// Whether the GIL is on once the module is imported: on a GIL build (`None`) and where
/// the import re-enabled it; off only where a free-threaded interpreter kept it off.
fn gil_on(reenabled: Option<bool>) -> bool {
    reenabled != Some(false)
}

/// The cells of `release` on `python` that crashed: the plain ones (what a default build
/// does), of how many plain cells were observed, and the variants'.
fn crashes<'a>(
    grid: &Grid<'a>,
    release: &Release,
    python: Flavor,
) -> (Vec<&'a CellResult>, usize, Vec<&'a CellResult>) {
    let (mut plain, mut observed, mut variants) = (Vec::new(), 0, Vec::new());
    for c in grid
        .run
        .results
        .iter()
        .filter(|c| c.id.pyo3 == *release && c.id.python == python)
    {
        let crashed = c.outcome == Outcome::Crash;
        match c.id.variant {
            None => {
                observed += 1;
                if crashed {
                    plain.push(c);
                }
            }
            Some(_) if crashed => variants.push(c),
            Some(_) => {}
        }
    }
    let row = |c: &&CellResult| grid.patterns().iter().position(|p| p.id == c.id.pattern);
    plain.sort_by_key(row);
    variants.sort_by_key(row);
    (plain, observed, variants)
}

/// `build_control (SIGSEGV), gilref_any_arg [gil-refs] (SIGSEGV)`, the first few.
fn name_cells(cells: &[&CellResult]) -> String {
    const SHOWN: usize = 4;
    let mut names: Vec<String> = cells
        .iter()
        .take(SHOWN)
        .map(|c| {
            let variant = c.id.variant.as_deref().map(|v| format!(" [{v}]")).unwrap_or_default();
            let signal = c.signal.as_deref().map(|s| format!(" ({s})")).unwrap_or_default();
            format!("{}{variant}{signal}", c.id.pattern)
        })
        .collect();
    if cells.len() > SHOWN {
        names.push(format!("and {} more", cells.len() - SHOWN));
    }
    names.join(", ")
}

/// The staging step of PyO3's migration guides for 0.21 and 0.22, where the plan crosses
/// them: the `gil-refs` feature, with what each pattern's `gil-refs` variant did there.
fn staging(grid: &Grid, path: &[Release], on: &dyn Fn(&Release) -> Flavor) -> Vec<String> {
    let staged = [(0, 21), (0, 22)];
    let (first, last) = (&path[0], &path[path.len() - 1]);
    let crosses = first.minor() != last.minor() && first.minor() <= (0, 22) && last.minor() >= (0, 21);
    if !crosses {
        return Vec::new();
    }
    let mut lines = vec![
        "PyO3's migration guide stages the Bound API across 0.21 and 0.22 with the `gil-refs` feature: enable it to keep code on the GIL-ref API building while the rest migrates, fix the deprecation warnings it leaves, then drop it (0.23 removes it).".to_string(),
    ];
    for release in path.iter().filter(|r| staged.contains(&r.minor())) {
        let python = on(release);
        let shown: Vec<String> = grid
            .patterns()
            .iter()
            .filter_map(|p| {
                let plain = grid.cell(&p.id, release, python, None)?;
                let staged = grid.cell(&p.id, release, python, Some("gil-refs"))?;
                (plain.outcome != staged.outcome).then(|| format!("{} ({} -> {})", p.id, plain.outcome, staged.outcome))
            })
            .collect();
        if !shown.is_empty() {
            lines.push(format!(
                "at {release} on {python}, without -> with `gil-refs`: {}",
                shown.join(", ")
            ));
        }
    }
    lines
}

/// Builds the plan from observed results (the catalog's, or a scan's in the same shape),
/// from `from` to `to` exactly as named, through the `default` releases between them:
/// what works at `from` (on the interpreter a user there is on) is followed to `to` on
/// `python`. A user whose release does not build for `python` yet stays on the interpreter
/// they have until a release does. A pattern `from` has no cell of (an exact patch observed
/// for a few patterns only) is followed from the first release on the way that has one,
/// and the plan says so.
///
/// An error (one line) where `to` is not newer than `from`, or either was never observed.
pub fn plan(
    observed: &Observed,
    patterns: &[Pattern],
    sources: &Sources,
    default: &[Release],
    from: &Release,
    to: &Release,
    python: Flavor,
) -> Result<UpgradePlan> {
    if from == to {
        bail!("--from and --to are both {from}: name a newer release with --to");
    }
    if to < from {
        bail!("--to {to} is older than --from {from}: --from names the release the code is on, --to a newer one");
    }
    for (flag, release) in [("--from", from), ("--to", to)] {
        if !observed.sources.contains_key(release) {
            bail!("{}", observed.unobserved(flag, release));
        }
    }
    // With PyO3's build-script bounds, support is told in PyO3's words, as the reports tell it.
    let grid = Grid::new(&observed.results, patterns).with_sources(sources.clone());
    let path = path_of(default, from, to);
    // The interpreter a user is on at each release of the path, judged once.
    let interpreters: BTreeMap<&Release, Flavor> = path.iter().map(|r| (r, grid.starting_python(r, python))).collect();
    let on = |release: &Release| interpreters.get(release).copied().unwrap_or(python);
    let start = on(from);
    // The release where each pattern is first seen on the way (`from`, unless it has no
    // cell there), and whether it works there: only what works where the user starts can
    // break on the way.
    let seen: BTreeMap<&str, (&Release, bool)> = grid
        .patterns()
        .iter()
        .filter_map(|p| {
            path.iter().find_map(|r| {
                let c = grid.cell(&p.id, r, on(r), None)?;
                Some((p.id.as_str(), (r, c.outcome.works())))
            })
        })
        .collect();
    let first_seen = |id: &str| seen.get(id).map(|(r, _)| *r);
    let followed = |id: &str| seen.get(id).is_some_and(|(_, works)| *works);
    let steps: Vec<Step> = path
        .windows(2)
        .map(|pair| {
            let (a, b) = (&pair[0], &pair[1]);
            step_of(&grid, &grid.upgrade((a, on(a)), (b, on(b)), Some(&followed)))
        })
        .collect();
    // The cumulative answer: each pattern from where it is first seen, straight to `to`.
    let seen_first_at = |r: &Release, id: &str| followed(id) && first_seen(id) == Some(r);
    let mut overall = grid.upgrade((from, start), (to, python), Some(&|id: &str| seen_first_at(from, id)));
    let later: BTreeSet<&Release> = grid
        .patterns()
        .iter()
        .filter_map(|p| first_seen(&p.id))
        .filter(|r| *r != from && *r != to)
        .collect();
    for r in later {
        let step = grid.upgrade((r, on(r)), (to, python), Some(&|id: &str| seen_first_at(r, id)));
        overall.moves.extend(step.moves);
    }
    let order = |m: &Move| grid.patterns().iter().position(|p| p.id == m.pattern.id);
    overall.moves.sort_by_key(order);
    let overall = step_of(&grid, &overall);

    let mut warnings = Vec::new();
    let mut pythons = vec![python];
    if start != python {
        pythons.push(start);
    }
    for (release, what) in [(from, "the release the code is on"), (to, "the target")] {
        for py in &pythons {
            let (crashed, total, variants) = crashes(&grid, release, *py);
            if crashed.is_empty() {
                continue;
            }
            let mut line = format!(
                "{release} ({what}) crashes on Python {py}: it builds, and the test process is killed in {} of the {total} patterns observed there: {}.",
                crashed.len(),
                name_cells(&crashed)
            );
            if !variants.is_empty() {
                line.push_str(&format!(" Variants crash too: {}.", name_cells(&variants)));
            }
            if release == from {
                let safe = path[1..]
                    .iter()
                    .find(|r| grid.support(r, *py).builds() && crashes(&grid, r, *py).0.is_empty());
                line.push_str(&match safe {
                    Some(r) => format!(" {r} is the first release on the way that builds for {py} without a crash."),
                    None => format!(" No release on the way to {to} builds for {py} without a crash."),
                });
            }
            warnings.push(line);
        }
    }

    let mut notes = Vec::new();
    let main = observed.sources.values().next().and_then(|s| s.first());
    for release in [from, to] {
        // A pattern that names the releases it is observed at (a twin) is missed nowhere else.
        let due: Vec<&Pattern> = grid.patterns().iter().filter(|p| p.observed_at(release)).collect();
        let all = due.len();
        let seen: Vec<&str> = due
            .iter()
            .filter(|p| has_cells(&grid, release, &p.id))
            .map(|p| p.id.as_str())
            .collect();
        let sources = observed.sources.get(release).cloned().unwrap_or_default();
        if seen.len() == all {
            if sources.first() != main {
                notes.push(format!("{release}: its cells are from {}.", sources.join(", ")));
            }
            continue;
        }
        let rest = match release == from {
            true => {
                let later: BTreeSet<&Release> = due
                    .iter()
                    .filter(|p| !has_cells(&grid, release, &p.id))
                    .filter_map(|p| first_seen(&p.id))
                    .collect();
                let later: Vec<String> = later.into_iter().map(Release::to_string).collect();
                match later.is_empty() {
                    true => format!(
                        "the other {} have no cell there and none on the way, so the plan cannot follow them",
                        all - seen.len()
                    ),
                    false => format!(
                        "the other {} have no cell there and are followed from {}",
                        all - seen.len(),
                        later.join(", ")
                    ),
                }
            }
            false => format!(
                "the other {} have no cell there and cannot be followed to it",
                all - seen.len()
            ),
        };
        const LISTED: usize = 5;
        let list = match seen.len() <= LISTED {
            true => format!(" ({})", seen.join(", ")),
            false => String::new(),
        };
        notes.push(format!(
            "{release} is observed for {} of {all} patterns{list}, in {}; {rest}.",
            seen.len(),
            sources.join(", ")
        ));
    }

    let mut stones: Vec<String> = steps
        .iter()
        .filter(|s| s.stop_here_first)
        .map(|s| s.from.clone())
        .collect();
    stones.push(to.to_string());
    Ok(UpgradePlan {
        python: python.to_string(),
        warnings,
        notes,
        staging: staging(&grid, &path, &on),
        stones,
        overall,
        steps,
        cells: Vec::new(),
    })
}

/// Whether pattern `id` has any plain cell at `release`.
fn has_cells(grid: &Grid, release: &Release, id: &str) -> bool {
    grid.pythons
        .iter()
        .any(|py| grid.cell(id, release, *py, None).is_some())
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
        let observed = Observed::merge(table("results.json", results), Vec::new());
        let (from, to) = (&path[0], &path[path.len() - 1]);
        plan(
            &observed,
            &[],
            &Sources::default(),
            &path,
            from,
            to,
            python.parse().unwrap(),
        )
        .unwrap()
    }

    fn table(label: &str, results: RunResults) -> Table {
        Table {
            label: label.into(),
            results,
        }
    }

    /// The committed tables, read as test data: the default one and every patch of 0.20
    /// and 0.22.
    fn committed() -> (Observed, Vec<Release>) {
        let docs = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs");
        let main = RunResults::load(&docs.join("results.json")).unwrap();
        let patches = RunResults::load(&docs.join("patches/results.json")).unwrap();
        let mut default: Vec<Release> = main.results.iter().map(|c| c.id.pyo3.clone()).collect();
        default.sort();
        default.dedup();
        let observed = Observed::merge(
            table("docs/results.json", main),
            vec![table("docs/patches/results.json", patches)],
        );
        (observed, default)
    }

    #[test]
    fn every_ordered_pair_of_observed_releases_plans_or_says_why_in_one_line() {
        let (observed, default) = committed();
        let releases: Vec<&Release> = observed.sources.keys().collect();
        assert!(
            releases.len() > default.len(),
            "the patches are there too: {releases:?}"
        );
        let mut pythons: Vec<Flavor> = observed.results.results.iter().map(|c| c.id.python).collect();
        pythons.sort();
        pythons.dedup();
        // A flavor no cell has (the newest CPython) must not panic either.
        pythons.push("3.14t".parse().unwrap());
        for from in &releases {
            for to in &releases {
                for python in &pythons {
                    let answer = plan(&observed, &[], &Sources::default(), &default, from, to, *python);
                    match answer {
                        Ok(p) => {
                            assert!(from < to, "{from} -> {to} on {python}: planned backwards");
                            assert_eq!(p.stones.last().map(String::as_str), Some(to.to_string().as_str()));
                            assert_eq!(p.steps.first().map(|s| s.from.clone()), Some(from.to_string()));
                            assert_eq!(p.steps.last().map(|s| s.to.clone()), Some(to.to_string()));
                        }
                        Err(e) => {
                            assert!(from >= to, "{from} -> {to} on {python}: {e}");
                            let line = e.to_string();
                            assert!(
                                !line.contains('\n')
                                    && line.contains(&from.to_string())
                                    && line.contains(&to.to_string()),
                                "{line}"
                            );
                        }
                    }
                }
            }
        }
        // An exact patch no table has: one line naming it and how to observe it.
        let unseen: Release = "0.22.2".parse().unwrap();
        let e = plan(
            &observed,
            &[],
            &Sources::default(),
            &default,
            &unseen,
            &default[default.len() - 1],
            "3.12".parse().unwrap(),
        )
        .unwrap_err()
        .to_string();
        assert!(
            !e.contains('\n') && e.contains("--from 0.22.2") && e.contains("pyo3-matrix run --pyo3 0.22.2"),
            "{e}"
        );
    }

    #[test]
    fn an_exact_patch_is_planned_from_its_own_cells_and_its_crash_is_said_first() {
        let (observed, default) = committed();
        let r = |v: &str| -> Release { v.parse().unwrap() };
        let p = plan(
            &observed,
            &[],
            &Sources::default(),
            &default,
            &r("0.22.4"),
            &r("0.23.5"),
            "3.13t".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(p.steps[0].from, "0.22.4", "never the minor's latest");
        assert_eq!(p.steps[0].from_python, "3.13t", "0.22.4 builds for 3.13t");
        let warning = p.warnings.first().expect("the crash, first");
        assert!(
            warning.starts_with("0.22.4 (the release the code is on) crashes on Python 3.13t")
                && warning.contains("build_control (SIGSEGV)")
                && warning.contains("0.23.5 is the first release on the way"),
            "{warning}"
        );
        assert!(
            p.notes.iter().any(|n| n.contains("docs/patches/results.json")),
            "{:?}",
            p.notes
        );
        // 0.22.4 -> 0.22.5 crashes at both ends.
        let p = plan(
            &observed,
            &[],
            &Sources::default(),
            &default,
            &r("0.22.4"),
            &r("0.22.5"),
            "3.13t".parse().unwrap(),
        )
        .unwrap();
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert!(
            p.warnings[1].starts_with("0.22.5 (the target) crashes"),
            "{:?}",
            p.warnings
        );
    }

    #[test]
    fn a_plan_across_0_21_names_the_gil_refs_staging_with_its_cells() {
        let (observed, default) = committed();
        let r = |v: &str| -> Release { v.parse().unwrap() };
        let p = plan(
            &observed,
            &[],
            &Sources::default(),
            &default,
            &r("0.20.3"),
            &r("0.23.5"),
            "3.12".parse().unwrap(),
        )
        .unwrap();
        assert!(p.staging[0].contains("`gil-refs`"), "{:?}", p.staging);
        assert!(
            p.staging
                .iter()
                .any(|l| l.starts_with("at 0.22.6 on 3.12")
                    && l.contains("gilref_any_arg (compile-error -> deprecated)")),
            "{:?}",
            p.staging
        );
        let p = plan(
            &observed,
            &[],
            &Sources::default(),
            &default,
            &r("0.23.5"),
            &r("0.25.1"),
            "3.12".parse().unwrap(),
        )
        .unwrap();
        assert!(p.staging.is_empty(), "{:?}", p.staging);
    }

    #[test]
    fn a_change_is_another_outcome_or_another_gil_state() {
        let (observed, default) = committed();
        let r = |v: &str| -> Release { v.parse().unwrap() };
        for (from, to) in [("0.22.6", "0.23.5"), ("0.19.2", "0.30.1"), ("0.23.5", "0.30.1")] {
            let p = plan(
                &observed,
                &[],
                &Sources::default(),
                &default,
                &r(from),
                &r(to),
                "3.13t".parse().unwrap(),
            )
            .unwrap();
            for step in std::iter::once(&p.overall).chain(&p.steps) {
                for c in &step.changed {
                    assert!(
                        c.outcomes.0 != c.outcomes.1 || gil_on(c.gil_reenabled.0) != gil_on(c.gil_reenabled.1),
                        "{from} -> {to}: {c:?}"
                    );
                    assert_ne!(c.describe(), "pass -> pass", "{c:?}");
                }
            }
        }
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
            // Without build-script bounds nothing tells a drop from a first check.
            format!("0.29.3 refuses Python 3.13t, which 0.28.3 built for: PyO3's build script refuses it for every pattern: “{refusal}”.")
        );
    }

    #[test]
    fn a_plan_tells_support_in_pyo3_s_words_from_its_build_scripts_bounds() {
        let (observed, default) = committed();
        let sources =
            Sources::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/sources.toml")).unwrap();
        let r = |v: &str| -> Release { v.parse().unwrap() };
        let p = plan(
            &observed,
            &[],
            &sources,
            &default,
            &r("0.19.2"),
            &r("0.21.2"),
            "3.13".parse().unwrap(),
        )
        .unwrap();
        // In one step, 0.19.2 -> 0.21.2 on 3.13: what a user on 3.13 meets.
        let events: Vec<&str> = std::iter::once(&p.overall)
            .chain(&p.steps)
            .filter_map(|s| s.support_event.as_deref())
            .collect();
        assert!(
            events
                .iter()
                .any(|e| e.contains("starts checking the maximum Python version (0.19 never did")),
            "{events:?}"
        );
        assert!(events.iter().all(|e| !e.contains("drops")), "{events:?}");
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
