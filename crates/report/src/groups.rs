//! The same thing said by many cells, shown once with the cells that said it; and lists of
//! cells written compactly (`3.12: 0.21.2–0.23.5`).

use crate::grid::Grid;
use crate::legend::symbol;
use pyo3_matrix_model::{CellResult, Variant};

/// One text and the cells that emitted it, in grid order.
#[derive(Debug, Clone)]
pub struct Group<'a> {
    /// What was said (memory addresses blanked).
    pub text: String,
    /// Who said it.
    pub cells: Vec<&'a CellResult>,
}

/// Groups `cells` by the texts `keys` gives each one (a cell may give several), in order of
/// first appearance.
fn group_by<'a>(cells: &[&'a CellResult], keys: impl Fn(&CellResult) -> Vec<String>) -> Vec<Group<'a>> {
    let mut out: Vec<Group<'a>> = Vec::new();
    for &c in cells {
        let mut mine = keys(c);
        mine.dedup();
        for text in mine {
            match out.iter_mut().find(|g| g.text == text) {
                Some(g) if !g.cells.iter().any(|x| std::ptr::eq(*x, c)) => g.cells.push(c),
                Some(_) => {}
                None => out.push(Group { text, cells: vec![c] }),
            }
        }
    }
    out
}

/// Each distinct rustc diagnostic (`level [code] message`) of `cells`.
pub fn diagnostics<'a>(cells: &[&'a CellResult]) -> Vec<Group<'a>> {
    group_by(cells, |c| {
        c.diagnostics
            .iter()
            .map(|d| {
                let code = d.code.as_ref().map(|c| format!("[{c}] ")).unwrap_or_default();
                format!("{} {code}{}", d.level, without_addresses(&d.message))
            })
            .collect()
    })
}

/// Each distinct (outcome, explaining message) of `cells`, as `symbol `outcome`: message`.
pub fn messages<'a>(cells: &[&'a CellResult]) -> Vec<Group<'a>> {
    group_by(cells, |c| {
        c.message
            .iter()
            .map(|m| {
                let one_line = without_addresses(m).replace('\n', " ");
                format!("{} `{}`: {one_line}", symbol(c.outcome), c.outcome)
            })
            .collect()
    })
}

/// Where a cell is: `0.23.5/3.13t`, plus ` [variant]` for a variant cell.
pub fn place(c: &CellResult) -> String {
    let variant = c.id.variant.as_ref().map(|v| format!(" [{v}]")).unwrap_or_default();
    format!("{}/{}{variant}", c.id.pyo3, c.id.python)
}

/// What a variant sets, in words: `feature `gil-refs` and `UNSAFE_PYO3_BUILD_FREE_THREADED=1``.
pub fn setting(v: &Variant) -> String {
    let mut set: Vec<String> = v.features.iter().map(|f| format!("feature `{f}`")).collect();
    set.extend(v.env.iter().map(|(k, val)| format!("`{k}={val}`")));
    if let Some(types) = &v.crate_type {
        set.push(format!("crate-type `{}`", types.join(", ")));
    }
    set.join(" and ")
}

/// Cells as runs of consecutive releases per interpreter: `3.12: 0.21.2–0.23.5; 3.13t: 0.23.5`.
pub fn spans(grid: &Grid, cells: &[&CellResult]) -> String {
    let mut out = Vec::new();
    for python in &grid.pythons {
        let present: Vec<bool> = grid
            .releases
            .iter()
            .map(|r| cells.iter().any(|c| &c.id.pyo3 == r && c.id.python == *python))
            .collect();
        let mut runs = Vec::new();
        let mut start = None;
        for (i, here) in present.iter().chain([&false]).enumerate() {
            match (here, start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    runs.push(if s + 1 == i {
                        grid.releases[s].to_string()
                    } else {
                        format!("{}–{}", grid.releases[s], grid.releases[i - 1])
                    });
                    start = None;
                }
                _ => {}
            }
        }
        if !runs.is_empty() {
            out.push(format!("{python}: {}", runs.join(", ")));
        }
    }
    out.join("; ")
}

/// A message with memory addresses (`0x7f3c43748e10`) blanked, so that the same failure in
/// different processes is grouped as one.
pub fn without_addresses(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(at) = rest.find("0x") {
        out.push_str(&rest[..at]);
        let digits = rest[at + 2..].chars().take_while(char::is_ascii_hexdigit).count();
        out.push_str(if digits >= 6 {
            "0x…"
        } else {
            &rest[at..at + 2 + digits]
        });
        rest = &rest[at + 2 + digits..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn addresses_are_blanked_but_short_hex_is_kept() {
        let m = without_addresses("KeyError: <builtins.Point object at 0x7f3c43748e10> flag 0x10");
        assert_eq!(m, "KeyError: <builtins.Point object at 0x…> flag 0x10");
    }

    #[test]
    fn the_same_failure_in_different_processes_is_one_group() {
        let results = fixture::results();
        let grid = Grid::new(&results, &[]);
        let cells = grid.cells_of("vec_u8_return", None);
        let groups = messages(&cells);
        let failing = groups.iter().find(|g| g.text.contains("AssertionError")).unwrap();
        assert_eq!(
            failing.text,
            "✗T `test-fail`: AssertionError: [104, 105] is not bytes at 0x…"
        );
        assert_eq!(spans(&grid, &failing.cells), "3.12: 0.23.5; 3.13t: 0.23.5");
        let diagnostics = diagnostics(&grid.cells_of("gilref_any_arg", None));
        let places: Vec<Vec<String>> = diagnostics
            .iter()
            .map(|g| g.cells.iter().map(|c| place(c)).collect())
            .collect();
        assert_eq!(
            places,
            [vec!["0.21.2/3.12"], vec!["0.22.6/3.12", "0.23.5/3.12", "0.23.5/3.13t"]]
        );
    }

    #[test]
    fn spans_join_consecutive_releases() {
        let results = fixture::results();
        let grid = Grid::new(&results, &[]);
        let cells = grid.cells_of("gilref_any_arg", None);
        assert_eq!(spans(&grid, &cells), "3.12: 0.21.2–0.23.5; 3.13t: 0.21.2–0.23.5");
        let broken: Vec<_> = cells
            .into_iter()
            .filter(|c| c.id.pyo3.to_string() != "0.22.6")
            .collect();
        assert_eq!(spans(&grid, &broken), "3.12: 0.21.2, 0.23.5; 3.13t: 0.21.2, 0.23.5");
    }
}
