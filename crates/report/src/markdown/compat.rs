//! `compat.md`: the grid, one table per interpreter; patterns as rows grouped by category,
//! releases as columns, and each row's last working and first broken release.

use super::{boundary_cells, head, legend, observed, provenance, row, variant_tag};
use crate::grid::Grid;

/// How the last two columns are read.
const BOUNDARY_RULE: &str = "*Last working / first broken*: reading a row oldest release first, the first \
     release where the pattern stops working (✓ or ⚠) after having worked, and the working release \
     just before it. Cells that say nothing about the pattern itself (⊘ unsupported, ⊗ blocked, \
     – skipped, ? error) are passed over. A row that never broke shows its newest working release.";

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# PyO3 compatibility, observed\n\n");
    s.push_str(
        "Every cell is a real build of the pattern against that PyO3 release and a real pytest run \
         under that interpreter; click a pattern for its page. Regenerate with \
         `pyo3-matrix report --results results.json --out DIR`.\n\n",
    );
    s.push_str(&provenance(grid));
    let sections: Vec<String> = grid
        .pythons
        .iter()
        .map(|py| format!("[Python {py}](#python-{})", py.replace('.', "")))
        .collect();
    s.push_str(&format!("Tables: {}.\n\n## Legend\n\n", sections.join(" · ")));
    s.push_str(&legend());
    s.push_str(&format!("\n{BOUNDARY_RULE}\n"));
    for python in &grid.pythons {
        s.push_str(&format!("\n## Python {python}\n\n"));
        s.push_str(&head(
            ["pattern"]
                .into_iter()
                .chain(grid.releases.iter().map(String::as_str))
                .chain(["last working", "first broken"]),
        ));
        let blank = grid.releases.len() + 2;
        for (category, patterns) in grid.by_category() {
            s.push_str(&row(std::iter::once(format!("**{category}**")).chain(vec![
                String::new(
                );
                blank
            ])));
            for p in patterns {
                for variant in grid.rows_of(&p.id, python) {
                    let name = match variant {
                        None => format!("[{0}](patterns/{0}.md)", p.id),
                        Some(_) => format!("↳ {}{}", p.id, variant_tag(variant)),
                    };
                    s.push_str(&row(std::iter::once(name)
                        .chain(observed(grid, &p.id, python, variant))
                        .chain(boundary_cells(grid.boundary(&p.id, python, variant)))));
                }
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::markdown::{assert_has, draw};

    #[test]
    fn one_table_per_interpreter_with_words_and_boundaries() {
        let doc = draw(super::render);
        assert_eq!(doc.matches("\n## Python ").count(), 2);
        assert_has(
            &doc,
            &[
                "| ✗T | `test-fail` | built, but a test failed |",
                "| [vec_u8_return](patterns/vec_u8_return.md) | ✓ pass | ✓ pass | ✗T test-fail | 0.22.6 | 0.23.5 |",
                "| [gilref_any_arg](patterns/gilref_any_arg.md) | ⊘ unsupported | ⊘ unsupported | ✗ compile-error E0599 | – | – |",
                "| ↳ gilref_any_arg `[gil-refs]` | ✓ pass |  |  | 0.21.2 | – |",
                "| [static_ref_exit](patterns/static_ref_exit.md) | ☠ crash | ∞ hang | ✓ pass |",
                "| ✓ᴳ pass |",
            ],
        );
        let categories: Vec<&str> = doc.lines().filter(|l| l.starts_with("| **")).take(4).collect();
        assert_eq!(categories.len(), 4);
        assert!(categories[0].starts_with("| **conversions** |"));
        assert_has(&doc, &["interpreters: 3.12 (3.12.8), 3.13t (3.13.5). 22 results."]);
    }
}
