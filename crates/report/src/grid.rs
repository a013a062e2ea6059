//! Results indexed for drawing: patterns by category, releases in order, interpreters.

use pyo3_matrix_model::{CellResult, Pattern, RunResults};
use std::collections::BTreeMap;

/// A row's boundary on one interpreter: where the pattern last worked and first broke.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Boundary {
    /// The last release (in order) where it works before it first stops working.
    pub last_working: Option<String>,
    /// The first release after a working one where it does not work (ignoring cells that
    /// say nothing about the pattern: unsupported, skipped, blocked, error).
    pub first_broken: Option<String>,
}

/// The results of one run, indexed.
pub struct Grid<'a> {
    /// Releases present, oldest first.
    pub releases: Vec<String>,
    /// Interpreter flavors present, in the run's order.
    pub pythons: Vec<String>,
    /// Variant names present, sorted.
    pub variants: Vec<String>,
    patterns: Vec<Pattern>,
    cells: BTreeMap<(String, String, String, Option<String>), &'a CellResult>,
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
        let cells = results
            .results
            .iter()
            .map(|r| {
                (
                    (r.pattern.clone(), r.pyo3.clone(), r.python.clone(), r.variant.clone()),
                    r,
                )
            })
            .collect();
        Grid {
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

    /// Categories in row order.
    pub fn categories(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for p in &self.patterns {
            if !out.contains(&p.meta.category.as_str()) {
                out.push(&p.meta.category);
            }
        }
        out
    }

    /// One cell.
    pub fn cell(&self, pattern: &str, pyo3: &str, python: &str, variant: Option<&str>) -> Option<&'a CellResult> {
        self.cells
            .get(&(pattern.into(), pyo3.into(), python.into(), variant.map(Into::into)))
            .copied()
    }

    /// The variants a pattern has results for.
    pub fn variants_of(&self, pattern: &str) -> Vec<&str> {
        self.variants
            .iter()
            .filter(|v| {
                self.cells
                    .keys()
                    .any(|k| k.0 == pattern && k.3.as_deref() == Some(v.as_str()))
            })
            .map(String::as_str)
            .collect()
    }

    /// Where the plain pattern last worked and first broke on `python`.
    pub fn boundary(&self, pattern: &str, python: &str) -> Boundary {
        let mut out = Boundary::default();
        let mut last_good: Option<&str> = None;
        for release in &self.releases {
            let Some(c) = self.cell(pattern, release, python, None) else {
                continue;
            };
            if c.outcome.works() {
                last_good = Some(release);
            } else if informative(c) && last_good.is_some() {
                out.last_working = last_good.map(Into::into);
                out.first_broken = Some(release.clone());
                return out;
            }
        }
        out.last_working = last_good.map(Into::into);
        out
    }
}

/// Whether a cell says something about the pattern itself (not about the interpreter,
/// the ecosystem or the tool).
pub fn informative(c: &CellResult) -> bool {
    use pyo3_matrix_model::Outcome::*;
    !matches!(c.outcome, Unsupported | Skipped | Blocked | Error)
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
