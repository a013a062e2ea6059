//! Results indexed for drawing: patterns by category, releases in order, interpreters; and
//! what every report derives from the cells the same way: each cell's [`State`], each row's
//! [`History`], each release's [`Support`] of an interpreter and each upgrade [`Step`].

use crate::legend::State;
use pyo3_matrix_model::release::Point;
use pyo3_matrix_model::{CellId, CellResult, Flavor, Outcome, Pattern, Release, RunResults, Sources, Transition};
use std::collections::{BTreeMap, BTreeSet};

/// One row's story on one interpreter, release by release, in the caniuse manner.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct History {
    /// The first release where the row works on this interpreter.
    pub first_working: Option<Release>,
    /// The last working release before `first_broken`; without a break, the last working
    /// release of all.
    pub last_working: Option<Release>,
    /// The first release after a working one where it does not work (ignoring cells that
    /// say nothing about the pattern: unsupported, skipped, blocked, test-error, error).
    pub first_broken: Option<Release>,
    /// How it broke there.
    pub broken_as: Option<Outcome>,
    /// The releases where it built with deprecation warnings, first and last.
    pub deprecated: Option<(Release, Release)>,
    /// Where PyO3 started refusing this interpreter after the last working release, for good.
    pub refused_from: Option<Release>,
}

/// Consecutive releases of one row in one state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    /// The state.
    pub state: State,
    /// Its first release.
    pub first: Release,
    /// Its last release.
    pub last: Release,
}

impl std::fmt::Display for Run {
    /// `✓ pass 0.21.2–0.24.2`, or `✗ compile-error 0.25.1` for one release.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {}", self.state.label(), self.first)?;
        if self.last != self.first {
            write!(f, "–{}", self.last)?;
        }
        Ok(())
    }
}

/// Whether a release builds for an interpreter at all, judged from its plain cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Support<'a> {
    /// No plain cell ran (the interpreter is missing).
    NotRun,
    /// PyO3's build script refused the interpreter for every pattern.
    Refused {
        /// PyO3's own reason, as most cells gave it.
        reason: Option<&'a str>,
        /// The escape-hatch variable it named, if any.
        hatch: Option<&'a str>,
    },
    /// It built; how the patterns fared.
    Builds {
        /// Cells that work (✓ or ⚠), the GIL staying off where it can.
        work: usize,
        /// Cells that work on a free-threaded interpreter whose import re-enabled the GIL.
        work_gil: usize,
        /// Cells observed.
        total: usize,
    },
}

impl Support<'_> {
    /// Whether PyO3 accepted the interpreter.
    pub fn builds(&self) -> bool {
        matches!(self, Support::Builds { .. })
    }

    /// The support without PyO3's reason, for tables whose events give it.
    pub fn brief(&self) -> String {
        match self {
            Support::Refused { .. } => format!("{} refused", State::Observed(Outcome::Unsupported).symbol()),
            other => other.to_string(),
        }
    }
}

impl std::fmt::Display for Support<'_> {
    /// `✓ builds: 54 of 96 work, ◐ 3 more with the GIL re-enabled` / `⊘ refused: <PyO3's reason>`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let symbol = |o| State::Observed(o).symbol();
        match self {
            Support::NotRun => write!(f, "{} not run", symbol(Outcome::Skipped)),
            Support::Refused { reason, .. } => {
                write!(f, "{} refused", symbol(Outcome::Unsupported))?;
                match reason {
                    Some(reason) => write!(f, ": {reason}"),
                    None => Ok(()),
                }
            }
            Support::Builds { work, work_gil, total } => {
                write!(f, "{} builds: {work} of {total} work", symbol(Outcome::Pass))?;
                if *work_gil > 0 {
                    write!(
                        f,
                        ", {} {work_gil} more with the GIL re-enabled",
                        State::GilReenabled(Outcome::Pass).symbol()
                    )?;
                }
                Ok(())
            }
        }
    }
}

/// One pattern's move across an upgrade.
#[derive(Debug, Clone)]
pub struct Move<'a> {
    /// The row.
    pub pattern: &'a Pattern,
    /// Its cell before.
    pub before: &'a CellResult,
    /// Its cell after.
    pub after: &'a CellResult,
    /// What happened, by the one rule.
    pub transition: Transition,
}

/// An upgrade from one release to another on one interpreter: the support event first (if
/// PyO3's support changed there, the patterns are not listed one by one), then every
/// pattern that moved.
#[derive(Debug, Clone)]
pub struct Step<'a> {
    /// Release before.
    pub from: Release,
    /// The interpreter before: the one followed, unless the release before does not build
    /// for it (see [`Grid::upgrade`]).
    pub from_python: Flavor,
    /// Release after.
    pub to: Release,
    /// The interpreter followed.
    pub python: Flavor,
    /// Whether the release before builds for the interpreter followed.
    pub support_before: Support<'a>,
    /// Whether the release after does.
    pub support_after: Support<'a>,
    /// The plain cells that changed, pattern by pattern; a support change is told once by
    /// [`Step::support_change`], never pattern by pattern.
    pub moves: Vec<Move<'a>>,
}

impl<'a> Step<'a> {
    /// Where PyO3's support of the interpreter changed at this step.
    pub fn support_change(&self) -> Option<Transition> {
        match (self.support_before.builds(), self.support_after.builds()) {
            (true, false) if matches!(self.support_after, Support::Refused { .. }) => Some(Transition::SupportLost),
            (false, true) if matches!(self.support_before, Support::Refused { .. }) => Some(Transition::SupportGained),
            _ => None,
        }
    }

    /// The moves of one kind.
    pub fn of(&self, kind: Transition) -> Vec<&Move<'a>> {
        self.moves.iter().filter(|m| m.transition == kind).collect()
    }

    /// Moves whose only change is the GIL: `(stopped re-enabling it, started re-enabling it)`.
    pub fn gil_moves(&self) -> (usize, usize) {
        let gil = |c: &CellResult| c.gil_reenabled == Some(true);
        let same = self
            .moves
            .iter()
            .filter(|m| m.before.outcome == m.after.outcome && m.transition == Transition::Changed);
        let (mut stopped, mut started) = (0, 0);
        for m in same {
            if gil(m.before) {
                stopped += 1;
            } else if gil(m.after) {
                started += 1;
            }
        }
        (stopped, started)
    }
}

/// The results of one run, indexed.
pub struct Grid<'a> {
    /// The run drawn.
    pub run: &'a RunResults,
    /// Releases present, oldest first.
    pub releases: Vec<Release>,
    /// Interpreter flavors present, in the run's order.
    pub pythons: Vec<Flavor>,
    /// Who makes the patterns' claims; none described unless [`Grid::with_sources`].
    pub sources: Sources,
    /// Variant names present, sorted.
    variants: Vec<String>,
    patterns: Vec<Pattern>,
    cells: BTreeMap<CellId, &'a CellResult>,
    /// Each subject's twins, with the last release whose idiom each writes: see
    /// [`Grid::told_by`].
    twins: BTreeMap<String, Vec<(String, Point)>>,
    /// Cells of other tables at patches this one lacks (docs/patches/), which claims count
    /// beside the minor's: see [`Grid::beside`].
    beside: Vec<&'a CellResult>,
}

impl<'a> Grid<'a> {
    /// Indexes `results`; patterns missing from the catalog get a bare row.
    pub fn new(results: &'a RunResults, catalog: &[Pattern]) -> Self {
        let mut releases: Vec<Release> = results.results.iter().map(|r| r.id.pyo3.clone()).collect();
        releases.sort();
        releases.dedup();
        let mut pythons: Vec<Flavor> = results.interpreters.iter().map(|i| i.flavor).collect();
        for r in &results.results {
            if !pythons.contains(&r.id.python) {
                pythons.push(r.id.python);
            }
        }
        let mut variants: Vec<String> = results.results.iter().filter_map(|r| r.id.variant.clone()).collect();
        variants.sort();
        variants.dedup();
        let mut patterns: Vec<Pattern> = Vec::new();
        for r in &results.results {
            if patterns.iter().any(|p| p.id == r.id.pattern) {
                continue;
            }
            patterns.push(
                catalog
                    .iter()
                    .find(|p| p.id == r.id.pattern)
                    .cloned()
                    .unwrap_or_else(|| bare(&r.id.pattern)),
            );
        }
        // A twin's row follows its subject's.
        patterns.sort_by_key(|p| {
            (
                p.meta.category.clone(),
                p.module().to_string(),
                p.meta.twin.is_some(),
                p.id.clone(),
            )
        });
        let cells = results.results.iter().map(|r| (r.id.clone(), r)).collect();
        let mut twins: BTreeMap<String, Vec<(String, Point)>> = BTreeMap::new();
        for p in &patterns {
            if let Some(t) = &p.meta.twin {
                twins
                    .entry(t.of.clone())
                    .or_default()
                    .push((p.id.clone(), t.until.clone()));
            }
        }
        Grid {
            run: results,
            releases,
            pythons,
            sources: Sources::default(),
            variants,
            patterns,
            cells,
            twins,
            beside: Vec::new(),
        }
    }

    /// The grid whose claims also count the cells of `tables` at releases it lacks, on its
    /// interpreters (every patch of a minor, where the truth turns on the patch).
    pub fn beside(mut self, tables: &'a [RunResults]) -> Self {
        let own: BTreeSet<&Release> = self.releases.iter().collect();
        let mut beside: Vec<&'a CellResult> = tables
            .iter()
            .flat_map(|t| &t.results)
            .filter(|c| !own.contains(&c.id.pyo3) && self.pythons.contains(&c.id.python))
            .collect();
        beside.sort_by(|a, b| (&a.id.pyo3, a.id.python.to_string()).cmp(&(&b.id.pyo3, b.id.python.to_string())));
        self.beside = beside;
        self
    }

    /// The releases of the cells claims count beside this table's, oldest first.
    pub fn beside_releases(&self) -> Vec<&Release> {
        let releases: BTreeSet<&Release> = self.beside.iter().map(|c| &c.id.pyo3).collect();
        releases.into_iter().collect()
    }

    /// The cells a claim on one row counts: the pattern's own (a claim is about the code
    /// it was set beside, in that code's idiom, never about its twin's), and those of other
    /// tables at patches this one lacks, release by release.
    pub fn claim_cells_of(&self, pattern: &str, variant: Option<&str>) -> Vec<&'a CellResult> {
        let mut cells = self.row(|r, py| self.own_cell(pattern, r, py, variant));
        cells.extend(
            self.beside
                .iter()
                .filter(|c| c.id.pattern == pattern && c.id.variant.as_deref() == variant),
        );
        cells.sort_by(|a, b| a.id.pyo3.cmp(&b.id.pyo3));
        cells
    }

    /// The grid with the claims' sources described by `sources`.
    pub fn with_sources(self, sources: Sources) -> Self {
        Grid { sources, ..self }
    }

    /// The rows, grouped by category.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
    }

    /// The row of `id`, if it has results.
    pub fn pattern(&self, id: &str) -> Option<&Pattern> {
        self.patterns.iter().find(|p| p.id == id)
    }

    /// The rows grouped by category, in row order.
    pub fn by_category(&self) -> Vec<(&str, Vec<&Pattern>)> {
        let mut out: Vec<(&str, Vec<&Pattern>)> = Vec::new();
        for p in &self.patterns {
            match out.last_mut() {
                Some((category, rows)) if *category == p.meta.category => rows.push(p),
                _ => out.push((&p.meta.category, vec![p])),
            }
        }
        out
    }

    /// One cell of a row: a subject's cells (plain, or of a variant the twin has too), up to
    /// the last release of a twin's idiom, are that twin's (the subject as code of that
    /// release writes it), so that every report tells one story per subject across both
    /// idioms.
    pub fn cell(&self, pattern: &str, pyo3: &Release, python: Flavor, variant: Option<&str>) -> Option<&'a CellResult> {
        let told = self
            .told_by(pattern, pyo3)
            .and_then(|twin| self.own_cell(twin, pyo3, python, variant));
        told.or_else(|| self.own_cell(pattern, pyo3, python, variant))
    }

    /// One cell of the pattern itself, whatever its subject's story reads.
    pub fn own_cell(
        &self,
        pattern: &str,
        pyo3: &Release,
        python: Flavor,
        variant: Option<&str>,
    ) -> Option<&'a CellResult> {
        let id = CellId::plain(pattern, pyo3.clone(), python).with_variant(variant);
        self.cells.get(&id).copied()
    }

    /// The twins present of `subject`, each with the last release of its idiom.
    pub fn twins_of(&self, subject: &str) -> Vec<(&str, &Point)> {
        self.twins
            .get(subject)
            .map(|t| t.iter().map(|(id, until)| (id.as_str(), until)).collect())
            .unwrap_or_default()
    }

    /// The twin whose cells tell `subject`'s story at `pyo3` (a release of its idiom), if any.
    pub fn told_by(&self, subject: &str, pyo3: &Release) -> Option<&str> {
        self.twins
            .get(subject)?
            .iter()
            .find(|(_, until)| until.admits_as_end(pyo3))
            .map(|(twin, _)| twin.as_str())
    }

    /// The variants a pattern has results for, on any interpreter.
    pub fn variants_of(&self, pattern: &str) -> Vec<&str> {
        self.variants
            .iter()
            .filter(|v| {
                self.cells
                    .keys()
                    .any(|k| k.pattern == pattern && k.variant.as_deref() == Some(v.as_str()))
            })
            .map(String::as_str)
            .collect()
    }

    /// A pattern's rows on `python`: the plain cell (`None`), then each variant with a result
    /// on `python`.
    pub fn rows_of(&self, pattern: &str, python: Flavor) -> Vec<Option<&str>> {
        let present = |v: &&str| {
            self.releases
                .iter()
                .any(|r| self.cell(pattern, r, python, Some(v)).is_some())
        };
        std::iter::once(None)
            .chain(self.variants_of(pattern).into_iter().filter(present).map(Some))
            .collect()
    }

    /// Every cell of one row on every interpreter, release by release (then interpreter).
    pub fn cells_of(&self, pattern: &str, variant: Option<&str>) -> Vec<&'a CellResult> {
        self.row(|r, py| self.cell(pattern, r, py, variant))
    }

    /// The cells `look` finds at each release and interpreter, release by release (then
    /// interpreter): a row as its story reads it, or as its own code does.
    fn row(&self, look: impl Fn(&Release, Flavor) -> Option<&'a CellResult>) -> Vec<&'a CellResult> {
        self.releases
            .iter()
            .flat_map(|r| self.pythons.iter().map(move |py| (r, *py)))
            .filter_map(|(r, py)| look(r, py))
            .collect()
    }

    /// The first release where a row works on any interpreter: the API it uses exists.
    pub fn first_working(&self, pattern: &str, variant: Option<&str>) -> Option<&Release> {
        self.first_where_works(|r, py| self.cell(pattern, r, py, variant))
    }

    /// The first release where a cell `look` finds works, on any interpreter.
    fn first_where_works(&self, look: impl Fn(&Release, Flavor) -> Option<&'a CellResult>) -> Option<&Release> {
        self.releases.iter().find(|r| {
            self.pythons
                .iter()
                .any(|py| look(r, *py).is_some_and(|c| c.outcome.works()))
        })
    }

    /// How a cell is shown and counted: against the first release where its own code
    /// works (a subject's own cell before its code's idiom existed is "not yet available",
    /// whatever its twin did).
    pub fn state(&self, c: &CellResult) -> State {
        let (pattern, variant) = (&c.id.pattern, c.id.variant.as_deref());
        State::of(
            c,
            self.first_where_works(|r, py| self.own_cell(pattern, r, py, variant)),
        )
    }

    /// How many cells of the run (variants too) are in each state of [`State::ALL`], by
    /// [`State::index`]: the legends' counts.
    pub fn state_counts(&self) -> [usize; State::ALL.len()] {
        let mut counts = [0; State::ALL.len()];
        for c in self.cells.values() {
            counts[self.state(c).index()] += 1;
        }
        counts
    }

    /// One row's story on `python`, scanning releases in order.
    pub fn history(&self, pattern: &str, python: Flavor, variant: Option<&str>) -> History {
        let mut h = History::default();
        let row: Vec<(&Release, &CellResult)> = self
            .releases
            .iter()
            .filter_map(|r| Some((r, self.cell(pattern, r, python, variant)?)))
            .collect();
        for (release, c) in &row {
            if c.outcome == Outcome::Deprecated {
                let first = h.deprecated.take().map_or((*release).clone(), |(first, _)| first);
                h.deprecated = Some((first, (*release).clone()));
            }
            if h.first_broken.is_some() {
                continue;
            }
            if c.outcome.works() {
                h.first_working.get_or_insert_with(|| (*release).clone());
                h.last_working = Some((*release).clone());
            } else if c.outcome.informative() && h.last_working.is_some() {
                h.first_broken = Some((*release).clone());
                h.broken_as = Some(c.outcome);
            }
        }
        let after_last: Vec<&(&Release, &CellResult)> = row
            .iter()
            .filter(|(r, _)| h.last_working.as_ref().is_some_and(|w| *r > w))
            .collect();
        if after_last
            .first()
            .is_some_and(|(_, c)| c.outcome == Outcome::Unsupported)
            && after_last.iter().all(|(_, c)| !c.outcome.informative())
        {
            h.refused_from = after_last.first().map(|(r, _)| (*r).clone());
        }
        h
    }

    /// One row on `python` as runs of consecutive releases in the same state, oldest first:
    /// the caniuse-style story (`○ 0.19.2–0.20.3 · ✓ 0.21.2–0.24.2 · ✗ 0.25.1–0.30.1`).
    pub fn runs(&self, pattern: &str, python: Flavor, variant: Option<&str>) -> Vec<Run> {
        let first_working = self.first_working(pattern, variant).cloned();
        let mut out: Vec<Run> = Vec::new();
        for release in &self.releases {
            let Some(c) = self.cell(pattern, release, python, variant) else {
                continue;
            };
            let state = State::of(c, first_working.as_ref());
            match out.last_mut() {
                Some(run) if run.state == state => run.last = release.clone(),
                _ => out.push(Run {
                    state,
                    first: release.clone(),
                    last: release.clone(),
                }),
            }
        }
        out
    }

    /// Whether `release` builds for `python`, from the plain cells of every pattern.
    pub fn support(&self, release: &Release, python: Flavor) -> Support<'a> {
        let ran: Vec<&'a CellResult> = self
            .patterns
            .iter()
            .filter_map(|p| self.cell(&p.id, release, python, None))
            .filter(|c| c.outcome != Outcome::Skipped)
            .collect();
        if ran.is_empty() {
            return Support::NotRun;
        }
        if ran.iter().all(|c| c.outcome == Outcome::Unsupported) {
            let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
            for m in ran.iter().filter_map(|c| c.message.as_deref()) {
                *reasons.entry(m).or_default() += 1;
            }
            let reason = reasons.into_iter().max_by_key(|(_, n)| *n).map(|(m, _)| m);
            let hatch = ran.iter().find_map(|c| c.escape_hatch.as_deref());
            return Support::Refused { reason, hatch };
        }
        let work = ran.iter().filter(|c| c.outcome.works()).count();
        let work_gil = ran
            .iter()
            .filter(|c| c.outcome.works() && c.gil_reenabled == Some(true))
            .count();
        Support::Builds {
            work: work - work_gil,
            work_gil,
            total: ran.len(),
        }
    }

    /// Upgrading from `from` to `to` on `python`, directly (the cumulative answer, not the
    /// steps between). `only` limits the patterns followed (those working where a user starts).
    pub fn step<'g>(
        &'g self,
        python: Flavor,
        from: &Release,
        to: &Release,
        only: Option<&dyn Fn(&str) -> bool>,
    ) -> Step<'g> {
        self.upgrade((from, python), (to, python), only)
    }

    /// The interpreter a user on `release` who wants `python` is on today: `python` itself
    /// if `release` builds for it, else the newest interpreter of the same implementation
    /// `release` builds for that is not free-threaded (someone on 0.20 who wants 3.13t is on
    /// 3.12; someone on PyPy stays on PyPy).
    pub fn starting_python(&self, release: &Release, python: Flavor) -> Flavor {
        if self.support(release, python).builds() {
            return python;
        }
        self.pythons
            .iter()
            .filter(|py| {
                py.implementation == python.implementation && !py.free_threaded && self.support(release, **py).builds()
            })
            .max()
            .copied()
            .unwrap_or(python)
    }

    /// The cumulative answer for a user on `from` who goes to `to` on `python`: they start on
    /// the interpreter they can have at `from` ([`Grid::starting_python`]), and only the
    /// patterns that work there are followed.
    pub fn cumulative<'g>(&'g self, from: &Release, to: &Release, python: Flavor) -> Step<'g> {
        let start = self.starting_python(from, python);
        let works_at_start = |id: &str| self.cell(id, from, start, None).is_some_and(|c| c.outcome.works());
        self.upgrade((from, start), (to, python), Some(&works_at_start))
    }

    /// Upgrading from a release on one interpreter to a release on another (or the same):
    /// the support change on the interpreter followed, then each plain cell's transition.
    pub fn upgrade<'g>(
        &'g self,
        (from, from_python): (&Release, Flavor),
        (to, python): (&Release, Flavor),
        only: Option<&dyn Fn(&str) -> bool>,
    ) -> Step<'g> {
        let mut step = Step {
            from: from.clone(),
            from_python,
            to: to.clone(),
            python,
            support_before: self.support(from, python),
            support_after: self.support(to, python),
            moves: Vec::new(),
        };
        let told = step.support_change();
        if told == Some(Transition::SupportLost) {
            return step;
        }
        for pattern in &self.patterns {
            if only.is_some_and(|keep| !keep(&pattern.id)) {
                continue;
            }
            let (Some(before), Some(after)) = (
                self.cell(&pattern.id, from, from_python, None),
                self.cell(&pattern.id, to, python, None),
            ) else {
                continue;
            };
            let transition = Transition::of(before, after);
            if transition != Transition::Same && Some(transition) != told {
                step.moves.push(Move {
                    pattern,
                    before,
                    after,
                    transition,
                });
            }
        }
        step
    }
}

/// A row for a pattern the catalog does not describe: its id alone.
pub(crate) fn bare(id: &str) -> Pattern {
    Pattern {
        id: id.to_string(),
        meta: pyo3_matrix_model::PatternMeta {
            title: id.to_string(),
            category: "uncatalogued".into(),
            shows: String::new(),
            fixes: Vec::new(),
            link: None,
            claim: None,
            changelog: None,
            deps: Vec::new(),
            timeout: None,
            variants: Vec::new(),
            twin: None,
            pyo3: None,
        },
        source: Default::default(),
        test: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, pattern, run};
    use pyo3_matrix_model::Twin;

    #[test]
    fn a_subject_s_story_reads_its_twin_s_cells_up_to_the_twin_s_idiom() {
        let mut twin = pattern("gilref_s", "c", "S, the old way");
        twin.meta.twin = Some(Twin {
            of: "s".into(),
            until: "0.20".parse().unwrap(),
        });
        let catalog = [pattern("s", "c", "S"), twin];
        let results = run(vec![
            cell("s", "0.20.3", "3.12", Outcome::CompileError),
            cell("s", "0.21.2", "3.12", Outcome::Pass),
            cell("s", "0.22.6", "3.12", Outcome::CompileError),
            cell("gilref_s", "0.20.3", "3.12", Outcome::Pass),
            cell("gilref_s", "0.21.2", "3.12", Outcome::Deprecated),
            cell("gilref_s", "0.22.6", "3.12", Outcome::CompileError),
        ]);
        let grid = Grid::new(&results, &catalog);
        let py = Flavor::parse("3.12").unwrap();
        let (old, new) = (Release::parse("0.20.3").unwrap(), Release::parse("0.21.2").unwrap());
        assert_eq!(grid.told_by("s", &old), Some("gilref_s"));
        assert_eq!(grid.told_by("s", &new), None);
        assert_eq!(grid.cell("s", &old, py, None).unwrap().id.pattern, "gilref_s");
        assert_eq!(
            grid.own_cell("s", &old, py, None).unwrap().outcome,
            Outcome::CompileError
        );
        assert_eq!(grid.cell("s", &new, py, None).unwrap().id.pattern, "s");
        // One story: it worked from 0.20.3 (as the twin) and broke at 0.22.6; the twin's own
        // row is its own, and it follows its subject's.
        let h = grid.history("s", py, None);
        assert_eq!(h.first_working, Some(old.clone()));
        assert_eq!(h.first_broken, Some(Release::parse("0.22.6").unwrap()));
        assert_eq!(
            grid.history("gilref_s", py, None).first_broken,
            Some(Release::parse("0.22.6").unwrap())
        );
        let rows: Vec<&str> = grid.patterns().iter().map(|p| p.id.as_str()).collect();
        assert_eq!(rows, ["s", "gilref_s"]);
        // Without the twin's cells the subject's own are read.
        let alone = run(vec![cell("s", "0.20.3", "3.12", Outcome::CompileError)]);
        let grid = Grid::new(&alone, &catalog);
        assert_eq!(grid.cell("s", &old, py, None).unwrap().id.pattern, "s");
    }
}
