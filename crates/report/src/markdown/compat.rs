//! `compat.md`: one table per interpreter, narrow enough for GitHub's column: patterns as
//! rows grouped by category; each row's story as runs of releases in one state (the caniuse
//! manner), then its first working, last working and first broken release. The cells
//! release by release are on each pattern's page and in `index.html`.

use super::{head, legend, provenance, row, story_row, variant_tag};
use crate::grid::Grid;

/// How the columns are read.
const COLUMNS_RULE: &str = "*Observed*: reading a row oldest release first, each run of consecutive \
     releases in one state, one run per line. *First / last working*: the first release where the pattern works (✓, ⚠ or \
     ◐) on this interpreter, and the last one before it first breaks. *First broken*: the first release \
     after a working one where it does not work, with its symbol; cells that say nothing about the \
     pattern itself (⊘ unsupported, ⊗ blocked, ?T test-error, – skipped, ? error) are passed over, and \
     where PyO3 refuses the interpreter from some release on, that release is named instead.";

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# PyO3 compatibility, observed\n\n");
    s.push_str(
        "Every cell is a real build of the pattern against that PyO3 release and a real pytest run \
         under that interpreter; click a pattern for its page, cell by cell. Regenerate with \
         `pyo3-matrix report --results results.json --out DIR`.\n\n",
    );
    s.push_str(&provenance(grid));
    let sections: Vec<String> = grid
        .pythons
        .iter()
        .map(|py| format!("[Python {py}](#python-{})", py.to_string().replace('.', "")))
        .collect();
    s.push_str(&format!("Tables: {}.\n\n## Legend\n\n", sections.join(" · ")));
    s.push_str(&legend(grid));
    s.push_str(&format!("\n{COLUMNS_RULE}\n"));
    for &python in &grid.pythons {
        s.push_str(&format!("\n## Python {python}\n\n"));
        s.push_str(&head([
            "pattern",
            "observed",
            "first working",
            "last working",
            "first broken",
        ]));
        for (category, patterns) in grid.by_category() {
            s.push_str(&row([
                format!("**{category}**"),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ]));
            for p in patterns {
                // A subject's row reads its twin's cells (the next row) up to the twin's idiom.
                let until: Vec<String> = grid.twins_of(&p.id).iter().map(|(_, u)| u.to_string()).collect();
                for variant in grid.rows_of(&p.id, python) {
                    let name = match variant {
                        None if !until.is_empty() => {
                            format!(
                                "[{0}](patterns/{0}.md)<br>*to {1} as the next row*",
                                p.id,
                                until.join(", ")
                            )
                        }
                        None if p.meta.twin.is_some() => format!("⤷ [{0}](patterns/{0}.md)", p.id),
                        None => format!("[{0}](patterns/{0}.md)", p.id),
                        Some(_) => format!("↳ {}{}", p.id, variant_tag(variant)),
                    };
                    s.push_str(&story_row(grid, name, &p.id, python, variant, "<br>"));
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
    fn one_narrow_table_per_interpreter_with_runs_and_boundaries() {
        let doc = draw(super::render);
        assert_eq!(doc.matches("\n## Python ").count(), 2);
        assert_has(
            &doc,
            &[
                "| ✗T | `test-fail` | built, but a test failed | 2 |",
                "| ◐ | `works, GIL re-enabled` | works, but on a free-threaded interpreter importing the module turned the GIL back on | 1 |",
                "| [vec_u8_return](patterns/vec_u8_return.md) | ✓ pass 0.21.2–0.22.6<br>✗T test-fail 0.23.5 | 0.21.2 | 0.22.6 | 0.23.5 ✗T |",
                "| [gilref_any_arg](patterns/gilref_any_arg.md) | ⊘ unsupported 0.21.2–0.22.6<br>✗ compile-error 0.23.5 | – | – | – |",
                "| ↳ gilref_any_arg `[gil-refs]` | ✓ pass 0.21.2 | 0.21.2 | 0.21.2 | – |",
                "| [static_ref_exit](patterns/static_ref_exit.md) | ☠ crash 0.21.2<br>∞ hang 0.22.6<br>✓ pass 0.23.5 | 0.23.5 | 0.23.5 | – |",
                "◐ works, GIL re-enabled 0.23.5",
            ],
        );
        let categories: Vec<&str> = doc.lines().filter(|l| l.starts_with("| **")).take(4).collect();
        assert_eq!(categories.len(), 4);
        assert!(categories[0].starts_with("| **conversions** |"));
        assert_has(&doc, &["interpreters: 3.12 (3.12.8), 3.13t (3.13.5). 22 results."]);
    }
}
