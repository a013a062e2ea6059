//! `patterns/<id>.md`: what one pattern shows, its rows per interpreter as runs of releases
//! and then release by release, the fix, the migration-guide link, what the escape hatches
//! PyO3 names did, the claims about it with their verdicts, its code, and what its cells said.

use super::claims::checked;
use super::{head, idioms, row, story_row, text, variant_tag};
use crate::claims::{check, sources};
use crate::grid::Grid;
use crate::groups::{diagnostics, messages, spans, Group};
use crate::hatches;
use crate::legend::State;
use pyo3_matrix_model::{CellResult, Flavor, Outcome, Pattern, Release};
use std::collections::BTreeSet;
use std::path::Path;

/// The most releases one release-by-release table holds, so that it fits GitHub's column;
/// more are split over tables of even size.
const RELEASES_PER_TABLE: usize = 7;

/// How the runs table is read.
const RUNS_RULE: &str = "Each row oldest release first, as runs of consecutive releases in one state; \
     then the first release where it works (✓, ⚠ or ◐), the last one before it first breaks, and the first \
     one after a working one where it does not (cells that say nothing about the code are passed over). \
     Every state is explained in [the legend](../compat.md#legend).";

/// Groups as a list: each text once, with the cells that said it.
fn listed(grid: &Grid, groups: &[Group]) -> String {
    groups
        .iter()
        .map(|g| format!("- {} — *{}*\n", text(&g.text), spans(grid, &g.cells)))
        .collect()
}

/// The pattern's rows: `(interpreter with variant tag, python, variant)`, interpreter by
/// interpreter, the plain row first.
fn rows<'g>(grid: &'g Grid, p: &Pattern) -> Vec<(String, Flavor, Option<&'g str>)> {
    grid.pythons
        .iter()
        .flat_map(|&python| {
            grid.rows_of(&p.id, python)
                .into_iter()
                .map(move |variant| (format!("{python}{}", variant_tag(variant)), python, variant))
        })
        .collect()
}

/// Each row as runs of releases in one state, with its first working, last working and
/// first broken release.
fn runs(grid: &Grid, p: &Pattern) -> String {
    let mut s = head([
        "interpreter",
        "observed",
        "first working",
        "last working",
        "first broken",
    ]);
    for (name, python, variant) in rows(grid, p) {
        s.push_str(&story_row(grid, name, &p.id, python, variant, " · "));
    }
    s
}

/// A cell as its symbol, with rustc's first error code after a compile error: `✗ E0599`.
fn mark(c: &CellResult, state: State) -> String {
    match c.codes.first() {
        Some(code) if c.outcome == Outcome::CompileError => format!("{} {code}", state.symbol()),
        _ => state.symbol().to_string(),
    }
}

/// The rows release by release, as symbols, in tables of at most [`RELEASES_PER_TABLE`]
/// releases (a row without a cell in a table's releases is left out of it), under a legend
/// of the states they show.
fn release_by_release(grid: &Grid, p: &Pattern) -> String {
    let rows = rows(grid, p);
    let cells_in = |releases: &[Release], python, variant| -> Vec<Option<&CellResult>> {
        releases.iter().map(|r| grid.cell(&p.id, r, python, variant)).collect()
    };
    let shown: BTreeSet<State> = rows
        .iter()
        .flat_map(|(_, python, variant)| cells_in(&grid.releases, *python, *variant))
        .flatten()
        .map(|c| grid.state(c))
        .collect();
    let legend: Vec<String> = State::ALL
        .iter()
        .filter(|state| shown.contains(state))
        .map(|state| state.label())
        .collect();
    let codes = if shown.iter().any(|state| state.outcome() == Outcome::CompileError) {
        "; a code after ✗ or ○ is rustc's first error code"
    } else {
        ""
    };
    let mut s = format!("*Legend:* {}{codes}.\n", legend.join(" · "));
    let tables = grid.releases.len().div_ceil(RELEASES_PER_TABLE).max(1);
    for releases in grid.releases.chunks(grid.releases.len().div_ceil(tables).max(1)) {
        s.push('\n');
        s.push_str(&head(
            std::iter::once("interpreter".to_string()).chain(releases.iter().map(Release::to_string)),
        ));
        for (name, python, variant) in &rows {
            let cells = cells_in(releases, *python, *variant);
            if cells.iter().all(Option::is_none) {
                continue;
            }
            let marks = cells
                .into_iter()
                .map(|c| c.map(|c| mark(c, grid.state(c))).unwrap_or_default());
            s.push_str(&row(std::iter::once(name.clone()).chain(marks)));
        }
    }
    s
}

/// One thing seen of an escape hatch, and where.
struct HatchSeen<'a> {
    /// The hatch PyO3 named and what setting it showed.
    line: String,
    /// The cells that named it.
    cells: Vec<&'a CellResult>,
    /// Their rows: the plain one (`None`) or a variant.
    variants: Vec<Option<&'a str>>,
}

/// For every cell where PyO3's build names an escape hatch: what the catalog's variants that
/// set it showed in the same release and interpreter, each observation once with the cells
/// (and the rows, where variants name it too) that named it.
fn escape_hatches(grid: &Grid, p: &Pattern) -> String {
    let mut seen: Vec<HatchSeen> = Vec::new();
    for variant in std::iter::once(None).chain(grid.variants_of(&p.id).into_iter().map(Some)) {
        for c in grid.cells_of(&p.id, variant) {
            let (Some(hatch), Some(tried)) = (c.escape_hatch.as_deref(), hatches::of_cell(grid, c)) else {
                continue;
            };
            let line = format!("PyO3 names `{hatch}` — {}", tried.describe(grid));
            match seen.iter_mut().find(|s| s.line == line) {
                Some(s) => {
                    s.cells.push(c);
                    if !s.variants.contains(&variant) {
                        s.variants.push(variant);
                    }
                }
                None => seen.push(HatchSeen {
                    line,
                    cells: vec![c],
                    variants: vec![variant],
                }),
            }
        }
    }
    seen.iter()
        .map(|s| {
            let rows = match s.variants.as_slice() {
                [None] => String::new(),
                variants => {
                    let names: Vec<String> = variants
                        .iter()
                        .map(|v| v.map_or("plain".into(), |_| variant_tag(*v).trim_start().to_string()))
                        .collect();
                    format!(" ({})", names.join(", "))
                }
            };
            format!("- *{}*{rows}: {}\n", spans(grid, &s.cells), s.line)
        })
        .collect()
}

/// One file of the pattern in a fenced block of `language`, under its name; one line when
/// it cannot be read (a catalog drawn without its files).
fn code(path: &Path, language: &str) -> String {
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let Ok(source) = std::fs::read_to_string(path) else {
        return format!("`{name}`: source not available.\n\n");
    };
    // A fence longer than any run of backticks in the file, so that none closes it.
    let longest = source.split(|ch| ch != '`').map(str::len).max().unwrap_or_default();
    let fence = "`".repeat(longest.max(2) + 1);
    format!("### `{name}`\n\n{fence}{language}\n{}\n{fence}\n\n", source.trim_end())
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
    // Each fix with where it applies: the cells' own details show the one that fits them.
    for fix in &p.meta.fixes {
        let scope = match crate::fixes::scope(fix) {
            scope if scope.is_empty() => String::new(),
            scope => format!(" ({scope})"),
        };
        s.push_str(&format!("**Fix{scope}:** {}\n\n", text(&fix.text)));
    }
    if let Some(link) = &p.meta.link {
        s.push_str(&format!("**Migration guide / changelog:** <{link}>\n\n"));
    }
    s.push_str(&format!("## Observed\n\n{RUNS_RULE}\n\n"));
    if let Some(idioms) = idioms(grid, p) {
        s.push_str(&format!("{idioms}\n\n"));
    }
    s.push_str(&runs(grid, p));
    s.push_str(&format!("\n### Release by release\n\n{}", release_by_release(grid, p)));
    let hatches = escape_hatches(grid, p);
    if !hatches.is_empty() {
        s.push_str(&format!(
            "\n## Escape hatches\n\nWhere PyO3's build names a variable that lets it go on, what the \
             catalog's variants that set it showed in the same release and interpreter.\n\n{hatches}"
        ));
    }
    let claims: Vec<String> = sources(p)
        .map(|(who, claim)| checked(grid, p, (who, claim), &check(grid, &p.id, claim), "../claims.md"))
        .collect();
    if !claims.is_empty() {
        s.push_str(&format!(
            "\n## Claims\n\nVerdicts follow the rule in [claims](../claims.md).\n\n{}",
            claims.join("\n")
        ));
    }
    s.push_str("\n## The code\n\nBuilt and tested unchanged in every cell.\n\n");
    s.push_str(&code(&p.source, "rust"));
    match &p.test {
        Some(test) => s.push_str(&code(test, "python")),
        None => s.push_str("No test: the build alone is judged.\n\n"),
    }
    let cells = grid.cells_of(&p.id, None);
    let said = messages(&cells);
    if !said.is_empty() {
        s.push_str("## What the cells said\n\nEach message once, with the cells that gave it.\n\n");
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
    use crate::fixture::{self, cell, run};
    use crate::grid::Grid;
    use crate::markdown::assert_has;
    use pyo3_matrix_model::Outcome;

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
                "| 3.12 | ⚠ deprecated 0.21.2 · ✗ compile-error 0.22.6–0.23.5 | 0.21.2 | 0.21.2 | 0.22.6 ✗ |\n",
                "| 3.13t | ⊘ unsupported 0.21.2–0.22.6 · ✗ compile-error 0.23.5 | – | – | – |\n",
                "*Legend:* ✓ pass · ⚠ deprecated · ✗ compile-error · ⊘ unsupported; a code after ✗ or ○ is rustc's first error code.\n",
                "| interpreter | 0.21.2 | 0.22.6 | 0.23.5 |\n",
                "| 3.12 | ⚠ | ✗ E0599 | ✗ E0599 |\n| 3.12 `[gil-refs]` | ✓ |  |  |\n| 3.13t | ⊘ | ⊘ | ✗ E0599 |\n",
                "- *3.13t: 0.21.2–0.22.6*: PyO3 names `UNSAFE_PYO3_BUILD_FREE_THREADED=1` — `UNSAFE_PYO3_BUILD_FREE_THREADED`: no variant sets it here, so it was not observed\n",
                "> GIL refs stop compiling in 0.22\n\n— [the article](../claims.md#source-the-article). *Names:* 0.22 on · *Predicts:* `breaks` · **Verdict: confirmed**",
                "`lib.rs`: source not available.\n",
                "- ✗ `compile-error`: no method named `extract` found for reference `&PyAny` — *3.12: 0.22.6–0.23.5; 3.13t: 0.23.5*",
                "- error [E0599] no method named",
                "- warning [deprecated] use of deprecated method `pyo3::PyAny::extract` — *3.12: 0.21.2*",
            ],
        );
    }

    #[test]
    fn the_code_is_shown_in_fences_no_line_of_it_can_close() {
        let dir = tempfile::tempdir().unwrap();
        let mut pattern = fixture::patterns().remove(0);
        pattern.source = dir.path().join("lib.rs");
        std::fs::write(&pattern.source, "/// ```\n/// doc example\n/// ```\nfn f() {}\n").unwrap();
        let test = dir.path().join("test_gilref_any_arg.py");
        std::fs::write(&test, "def test_f():\n    pass\n").unwrap();
        pattern.test = Some(test);
        let results = fixture::results();
        let page = super::render(&Grid::new(&results, &[]), &pattern);
        assert_has(
            &page,
            &[
                "### `lib.rs`\n\n````rust\n/// ```\n/// doc example\n/// ```\nfn f() {}\n````\n",
                "### `test_gilref_any_arg.py`\n\n```python\ndef test_f():\n    pass\n```\n",
            ],
        );
    }

    #[test]
    fn many_releases_are_split_over_tables_of_even_size() {
        let releases = [
            "0.19.2", "0.20.3", "0.21.2", "0.22.6", "0.23.5", "0.24.2", "0.25.1", "0.26.0",
        ];
        let results = run(releases.iter().map(|r| cell("p", r, "3.12", Outcome::Pass)).collect());
        let grid = Grid::new(&results, &[]);
        let page = super::render(&grid, &grid.patterns()[0]);
        assert_has(
            &page,
            &[
                "| interpreter | 0.19.2 | 0.20.3 | 0.21.2 | 0.22.6 |\n|---|---|---|---|---|\n| 3.12 | ✓ | ✓ | ✓ | ✓ |\n",
                "| interpreter | 0.23.5 | 0.24.2 | 0.25.1 | 0.26.0 |\n",
                "*Legend:* ✓ pass.\n",
                "No test: the build alone is judged.",
            ],
        );
    }
}
