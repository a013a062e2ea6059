//! Results indexed for drawing: patterns by category, releases in order, interpreters.

use pyo3_matrix_model::{CellResult, Pattern, RunResults};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;

/// A row's boundary on one interpreter: where the pattern last worked and first broke.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Boundary {
    /// The last working release before `first_broken`; without a break, the last working
    /// release of all.
    pub last_working: Option<String>,
    /// The first release after a working one where it does not work (ignoring cells that
    /// say nothing about the pattern: unsupported, skipped, blocked, error).
    pub first_broken: Option<String>,
}

/// What identifies a cell across runs: (pattern, release, interpreter, variant).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct CellKey {
    /// Pattern id.
    pub pattern: String,
    /// PyO3 release.
    pub pyo3: String,
    /// Interpreter flavor.
    pub python: String,
    /// Variant name; `None` for the plain cell.
    pub variant: Option<String>,
}

impl CellKey {
    /// The key of a result.
    pub fn of(r: &CellResult) -> Self {
        CellKey {
            pattern: r.pattern.clone(),
            pyo3: r.pyo3.clone(),
            python: r.python.clone(),
            variant: r.variant.clone(),
        }
    }
}

impl fmt::Display for CellKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.pattern, self.pyo3, self.python)?;
        match &self.variant {
            Some(v) => write!(f, " [{v}]"),
            None => Ok(()),
        }
    }
}

/// The results of one run, indexed.
pub struct Grid<'a> {
    /// The run drawn.
    pub run: &'a RunResults,
    /// Releases present, oldest first.
    pub releases: Vec<String>,
    /// Interpreter flavors present, in the run's order.
    pub pythons: Vec<String>,
    /// Variant names present, sorted.
    variants: Vec<String>,
    patterns: Vec<Pattern>,
    cells: BTreeMap<CellKey, &'a CellResult>,
}

fn version_key(v: &str) -> Option<semver::Version> {
    semver::Version::parse(v).ok()
}

impl<'a> Grid<'a> {
    /// Indexes `results`; patterns missing from the catalog get a bare row.
    pub fn new(results: &'a RunResults, catalog: &[Pattern]) -> Self {
        let mut releases: Vec<String> = results.results.iter().map(|r| r.pyo3.clone()).collect();
        releases.sort_by_key(|v| version_key(v));
        releases.dedup();
        let mut pythons: Vec<String> = results.interpreters.iter().map(|i| i.flavor.to_string()).collect();
        for r in &results.results {
            if !pythons.contains(&r.python) {
                pythons.push(r.python.clone());
            }
        }
        let mut variants: Vec<String> = results.results.iter().filter_map(|r| r.variant.clone()).collect();
        variants.sort();
        variants.dedup();
        let mut patterns: Vec<Pattern> = Vec::new();
        for r in &results.results {
            if patterns.iter().any(|p| p.id == r.pattern) {
                continue;
            }
            patterns.push(
                catalog
                    .iter()
                    .find(|p| p.id == r.pattern)
                    .cloned()
                    .unwrap_or_else(|| bare(&r.pattern)),
            );
        }
        patterns.sort_by(|a, b| (&a.meta.category, &a.id).cmp(&(&b.meta.category, &b.id)));
        let cells = results.results.iter().map(|r| (CellKey::of(r), r)).collect();
        Grid {
            run: results,
            releases,
            pythons,
            variants,
            patterns,
            cells,
        }
    }

    /// The rows, grouped by category.
    pub fn patterns(&self) -> &[Pattern] {
        &self.patterns
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

    /// One cell.
    pub fn cell(&self, pattern: &str, pyo3: &str, python: &str, variant: Option<&str>) -> Option<&'a CellResult> {
        let key = CellKey {
            pattern: pattern.into(),
            pyo3: pyo3.into(),
            python: python.into(),
            variant: variant.map(Into::into),
        };
        self.cells.get(&key).copied()
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
    pub fn rows_of(&self, pattern: &str, python: &str) -> Vec<Option<&str>> {
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
        self.releases
            .iter()
            .flat_map(|r| self.pythons.iter().map(move |py| (r, py)))
            .filter_map(|(r, py)| self.cell(pattern, r, py, variant))
            .collect()
    }

    /// Where one row last worked and first broke on `python`, scanning releases in order.
    pub fn boundary(&self, pattern: &str, python: &str, variant: Option<&str>) -> Boundary {
        let mut last_good: Option<&String> = None;
        for release in &self.releases {
            let Some(c) = self.cell(pattern, release, python, variant) else {
                continue;
            };
            if c.outcome.works() {
                last_good = Some(release);
            } else if informative(c) && last_good.is_some() {
                return Boundary {
                    last_working: last_good.cloned(),
                    first_broken: Some(release.clone()),
                };
            }
        }
        Boundary {
            last_working: last_good.cloned(),
            first_broken: None,
        }
    }
}

/// Whether a cell says something about the pattern itself (not about the interpreter,
/// the ecosystem or the tool).
pub fn informative(c: &CellResult) -> bool {
    c.outcome.informative()
}

fn bare(id: &str) -> Pattern {
    Pattern {
        id: id.to_string(),
        meta: pyo3_matrix_model::PatternMeta {
            title: id.to_string(),
            category: "uncatalogued".into(),
            shows: String::new(),
            fix: None,
            link: None,
            claim: None,
            changelog: None,
            deps: Vec::new(),
            timeout: None,
            variants: Vec::new(),
        },
        source: Default::default(),
        test: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn rows_are_grouped_by_category_and_uncatalogued_patterns_get_a_bare_row() {
        let results = fixture::results();
        let grid = Grid::new(&results, &fixture::patterns());
        assert_eq!(grid.releases, ["0.21.2", "0.22.6", "0.23.5"]);
        assert_eq!(grid.pythons, ["3.12", "3.13t"]);
        let groups: Vec<(&str, Vec<&str>)> = grid
            .by_category()
            .into_iter()
            .map(|(c, ps)| (c, ps.iter().map(|p| p.id.as_str()).collect()))
            .collect();
        assert_eq!(
            groups,
            [
                ("conversions", vec!["vec_u8_return"]),
                ("gil-refs", vec!["gilref_any_arg"]),
                ("lifecycle", vec!["static_ref_exit"]),
                ("uncatalogued", vec!["async_future"]),
            ]
        );
        assert_eq!(grid.variants_of("gilref_any_arg"), ["gil-refs"]);
        assert_eq!(grid.rows_of("gilref_any_arg", "3.12"), [None, Some("gil-refs")]);
        assert_eq!(grid.rows_of("gilref_any_arg", "3.13t"), [None]);
        assert_eq!(grid.rows_of("vec_u8_return", "3.12"), [None]);
    }

    #[test]
    fn boundaries_skip_cells_that_say_nothing_about_the_pattern() {
        let results = fixture::results();
        let grid = Grid::new(&results, &fixture::patterns());
        let b = |p, py| {
            let b = grid.boundary(p, py, None);
            (b.last_working, b.first_broken)
        };
        let some = |v: &str| Some(v.to_string());
        assert_eq!(b("vec_u8_return", "3.12"), (some("0.22.6"), some("0.23.5")));
        assert_eq!(b("gilref_any_arg", "3.12"), (some("0.21.2"), some("0.22.6")));
        // Refused twice, then broken: it never worked there, so it never broke.
        assert_eq!(b("vec_u8_return", "3.13t"), (None, None));
        // Crash and hang, then fixed: last working is the newest release.
        assert_eq!(b("static_ref_exit", "3.12"), (some("0.23.5"), None));
        // Blocked says nothing about the pattern.
        assert_eq!(b("async_future", "3.12"), (some("0.22.6"), None));
    }
}
