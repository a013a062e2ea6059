//! `patterns/<id>.md`: what one pattern shows, its observed rows per interpreter, the fix,
//! the migration-guide link, the claims about it with their verdicts, and what its cells said.

use super::claims::checked;
use super::{head, history_cells, observed, row, text, variant_tag};
use crate::claims::{check, sources};
use crate::grid::Grid;
use crate::groups::{diagnostics, messages, spans, Group};
use pyo3_matrix_model::Pattern;

/// Groups as a list: each text once, with the cells that said it.
fn listed(grid: &Grid, groups: &[Group]) -> String {
    groups
        .iter()
        .map(|g| format!("- {} — *{}*\n", text(&g.text), spans(grid, &g.cells)))
        .collect()
}

/// The page of `p`.
pub fn render(grid: &Grid, p: &Pattern) -> String {
    let mut s = format!(
        "# {}: {}\n\n*Category:* {} · [all patterns](../compat.md) · [claims](../claims.md)\n\n{}\n\n",
        p.id,
        text(&p.meta.title),
        p.meta.category,
        text(&p.meta.shows)
    );
    if let Some(fix) = &p.meta.fix {
        s.push_str(&format!("**Fix:** {}\n\n", text(fix)));
    }
    if let Some(link) = &p.meta.link {
        s.push_str(&format!("**Migration guide / changelog:** <{link}>\n\n"));
    }
    s.push_str("## Observed\n\n");
    s.push_str(&head(
        ["interpreter".to_string()]
            .into_iter()
            .chain(grid.releases.iter().map(ToString::to_string))
            .chain(["first working", "last working", "first broken"].map(String::from)),
    ));
    for &python in &grid.pythons {
        for variant in grid.rows_of(&p.id, python) {
            s.push_str(&row(std::iter::once(format!("{python}{}", variant_tag(variant)))
                .chain(observed(grid, &p.id, python, variant))
                .chain(history_cells(grid.history(&p.id, python, variant)))));
        }
    }
    let claims: Vec<String> = sources(p)
        .map(|(who, claim)| checked(grid, who, claim, &check(grid, p, claim)))
        .collect();
    if !claims.is_empty() {
        s.push_str(&format!(
            "\n## Claims\n\nVerdicts follow the rule in [claims](../claims.md).\n\n{}",
            claims.join("\n")
        ));
    }
    let cells = grid.cells_of(&p.id, None);
    let said = messages(&cells);
    if !said.is_empty() {
        s.push_str("\n## What the cells said\n\nEach message once, with the cells that gave it.\n\n");
        s.push_str(&listed(grid, &said));
    }
    let diagnosed = diagnostics(&cells);
    if !diagnosed.is_empty() {
        s.push_str("\n## Compiler diagnostics\n\nEach diagnostic from the pattern's code once, with the cells that emitted it.\n\n");
        s.push_str(&listed(grid, &diagnosed));
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::fixture;
    use crate::grid::Grid;
    use crate::markdown::assert_has;

    #[test]
    fn a_page_tells_the_whole_story_of_one_pattern() {
        let results = fixture::results();
        let patterns = fixture::patterns();
        let grid = Grid::new(&results, &patterns);
        let page = super::render(&grid, &patterns[0]);
        assert_has(
            &page,
            &[
                "# gilref_any_arg: `&PyAny` argument\n",
                "What gilref_any_arg shows.",
                "**Fix:** How to fix gilref_any_arg.",
                "<https://pyo3.rs/migration#gilref_any_arg>",
                "| 3.12 | ⚠ deprecated | ✗ compile-error E0599 | ✗ compile-error E0599 | 0.21.2 | 0.21.2 | 0.22.6 ✗ |",
                "| 3.12 `[gil-refs]` | ✓ pass |  |  | 0.21.2 | 0.21.2 | – |\n| 3.13t | ⊘ unsupported |",
                "> GIL refs stop compiling in 0.22\n\n— the article. *Names:* 0.22 on · *Predicts:* `breaks` · **Verdict: confirmed**",
                "- ✗ `compile-error`: no method named `extract` found for reference `&PyAny` — *3.12: 0.22.6–0.23.5; 3.13t: 0.23.5*",
                "- error [E0599] no method named",
                "- warning [deprecated] use of deprecated method `pyo3::PyAny::extract` — *3.12: 0.21.2*",
            ],
        );
    }
}
