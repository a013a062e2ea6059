//! Escape hatches judged by observation: where PyO3's build script names a variable that
//! lets the build go on (`PYO3_USE_ABI3_FORWARD_COMPATIBILITY`,
//! `UNSAFE_PYO3_BUILD_FREE_THREADED`), what the catalog's variants that set it showed in
//! the same release and interpreter. A report names a hatch only with that observation, and
//! never recommends one whose cells crashed or hung.

use crate::grid::Grid;
use crate::legend::State;
use pyo3_matrix_model::{CellResult, Flavor, Outcome, Release};
use std::collections::BTreeMap;

/// A hatch and the cells that tried it.
#[derive(Debug, Clone)]
pub struct Tried<'a> {
    /// The variable, without a value.
    pub variable: String,
    /// Variant cells, at the releases and interpreter in question, of patterns whose
    /// variant sets the variable.
    pub cells: Vec<&'a CellResult>,
}

impl Tried<'_> {
    /// The cells that say something about the hatch: not those whose pattern's API does not
    /// exist yet in that release, nor those that say nothing about the code.
    fn telling<'c>(&'c self, grid: &Grid) -> Vec<&'c CellResult> {
        self.cells
            .iter()
            .copied()
            .filter(|c| grid.state(c) != State::NotYet && c.outcome.informative())
            .collect()
    }

    /// Whether every telling cell works (and there is one): only then is it offered.
    pub fn works(&self, grid: &Grid) -> bool {
        let telling = self.telling(grid);
        !telling.is_empty() && telling.iter().all(|c| c.outcome.works())
    }

    /// Whether a cell that tried it crashed or hung.
    pub fn dangerous(&self) -> bool {
        self.cells
            .iter()
            .any(|c| matches!(c.outcome, Outcome::Crash | Outcome::Hang))
    }

    /// One line: `with `PYO3_USE_ABI3_FORWARD_COMPATIBILITY` set: ☠ crash (SIGSEGV) at
    /// 0.21.2/3.13t; not a way out`.
    pub fn describe(&self, grid: &Grid) -> String {
        if self.cells.is_empty() {
            return format!("`{}`: no variant sets it here, so it was not observed", self.variable);
        }
        let mut kinds: BTreeMap<State, Vec<&CellResult>> = BTreeMap::new();
        for &c in &self.cells {
            kinds.entry(grid.state(c)).or_default().push(c);
        }
        let seen: Vec<String> = kinds
            .iter()
            .map(|(state, cells)| {
                let signal = cells
                    .iter()
                    .find_map(|c| c.signal.as_deref())
                    .map(|s| format!(" ({s})"))
                    .unwrap_or_default();
                let mut places: Vec<String> = cells.iter().map(|c| format!("{}/{}", c.id.pyo3, c.id.python)).collect();
                places.dedup();
                format!("{}{signal} at {}", state.label(), places.join(", "))
            })
            .collect();
        let judgement = if self.works(grid) {
            "it builds and the tests pass"
        } else if self.telling(grid).is_empty() {
            "its cells say nothing of the hatch itself"
        } else {
            "not a way out"
        };
        format!("with `{}` set: {}; {judgement}", self.variable, seen.join("; "))
    }
}

/// The variable of a hatch as PyO3 names it (`NAME=1` or `NAME`).
fn variable(hatch: &str) -> &str {
    hatch.split('=').next().unwrap_or(hatch)
}

/// What the catalog's variants observed of `hatch` at `releases` on `python`.
pub fn tried<'a>(grid: &Grid<'a>, hatch: &str, releases: &[&Release], python: Flavor) -> Tried<'a> {
    let variable = variable(hatch);
    let mut cells = Vec::new();
    for p in grid.patterns() {
        for v in p.meta.variants.iter().filter(|v| v.env.contains_key(variable)) {
            cells.extend(
                releases
                    .iter()
                    .filter_map(|r| grid.cell(&p.id, r, python, Some(&v.name))),
            );
        }
    }
    Tried {
        variable: variable.to_string(),
        cells,
    }
}

/// For a cell that names a hatch: what setting it showed in the same release and interpreter.
pub fn of_cell<'a>(grid: &Grid<'a>, c: &CellResult) -> Option<Tried<'a>> {
    let hatch = c.escape_hatch.as_deref()?;
    Some(tried(grid, hatch, &[&c.id.pyo3], c.id.python))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture::{cell, run};
    use pyo3_matrix_model::Variant;

    #[test]
    fn a_hatch_whose_cells_crashed_is_never_a_way_out() {
        let mut plain = cell("p", "0.21.2", "3.13", Outcome::Unsupported);
        plain.escape_hatch = Some("PYO3_USE_ABI3_FORWARD_COMPATIBILITY=1".into());
        let mut set = cell("p", "0.21.2", "3.13", Outcome::Crash);
        set.id.variant = Some("forward".into());
        set.signal = Some("SIGSEGV".into());
        let results = run(vec![plain.clone(), set]);
        let mut pattern = crate::grid::bare("p");
        pattern.meta.variants.push(Variant {
            name: "forward".into(),
            features: Vec::new(),
            env: [("PYO3_USE_ABI3_FORWARD_COMPATIBILITY".to_string(), "1".to_string())].into(),
            crate_type: None,
            pyo3: None,
        });
        let grid = Grid::new(&results, &[pattern]);
        let tried = of_cell(&grid, &plain).unwrap();
        assert!(tried.dangerous() && !tried.works(&grid));
        assert_eq!(
            tried.describe(&grid),
            "with `PYO3_USE_ABI3_FORWARD_COMPATIBILITY` set: ☠ crash (SIGSEGV) at 0.21.2/3.13; not a way out"
        );
    }
}
