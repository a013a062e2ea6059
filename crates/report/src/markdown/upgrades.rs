//! `upgrades.md`: per interpreter, which releases build at all, and for each pair of
//! consecutive releases what breaks, what gets fixed and what starts warning on upgrading.

use super::{head, provenance, row};
use crate::grid::{informative, Grid};
use crate::legend::{cell_label, symbol};
use pyo3_matrix_model::{CellResult, Outcome};

/// Whether a release builds for an interpreter, judged from its plain cells.
fn builds(cells: &[&CellResult]) -> String {
    let ran: Vec<&&CellResult> = cells.iter().filter(|c| c.outcome != Outcome::Skipped).collect();
    if ran.is_empty() {
        return format!("{} not run", symbol(Outcome::Skipped));
    }
    if ran.iter().all(|c| c.outcome == Outcome::Unsupported) {
        let hatch = ran
            .iter()
            .find_map(|c| c.escape_hatch.as_deref())
            .map(|h| format!(" (escape hatch: `{h}`)"))
            .unwrap_or_default();
        return format!("{} refused{hatch}", symbol(Outcome::Unsupported));
    }
    let working = ran.iter().filter(|c| c.outcome.works()).count();
    format!("{} builds; {working} of {} work", symbol(Outcome::Pass), ran.len())
}

/// Whether an outcome pair (before, after an upgrade) is a given kind of change.
type Transition = fn(Outcome, Outcome) -> bool;

/// One upgrade step on one interpreter: lines naming what breaks, gets fixed, starts warning.
fn step(grid: &Grid, python: &str, from: &str, to: &str) -> Vec<String> {
    let kinds: [(&str, Transition); 3] = [
        ("breaks", |a, b| a.works() && !b.works()),
        ("fixed", |a, b| !a.works() && b.works()),
        ("starts warning", |a, b| a == Outcome::Pass && b == Outcome::Deprecated),
    ];
    kinds
        .iter()
        .filter_map(|(kind, applies)| {
            let listed: Vec<String> = grid
                .patterns()
                .iter()
                .filter_map(|p| {
                    let x = grid.cell(&p.id, from, python, None)?;
                    let y = grid.cell(&p.id, to, python, None)?;
                    (informative(x) && informative(y) && applies(x.outcome, y.outcome))
                        .then(|| format!("[{0}](patterns/{0}.md) ({1} → {2})", p.id, cell_label(x), cell_label(y)))
                })
                .collect();
            (!listed.is_empty()).then(|| format!("  - {kind} ({}):\n    - {}", listed.len(), listed.join("\n    - ")))
        })
        .collect()
}

/// The document.
pub fn render(grid: &Grid) -> String {
    let mut s = String::from("# Upgrading PyO3, one release at a time\n\n");
    s.push_str(&provenance(grid));
    s.push_str("## Which releases build for each interpreter\n\n");
    s.push_str(&format!(
        "*{} refused*: PyO3's build script refused the interpreter for every pattern. *{} builds*: it \
         accepted it; then how many patterns work (✓ or ⚠) of those observed.\n\n",
        symbol(Outcome::Unsupported),
        symbol(Outcome::Pass)
    ));
    s.push_str(&head(
        ["release"].into_iter().chain(grid.pythons.iter().map(String::as_str)),
    ));
    for release in &grid.releases {
        let verdicts = grid.pythons.iter().map(|python| {
            let cells: Vec<&CellResult> = grid
                .patterns()
                .iter()
                .filter_map(|p| grid.cell(&p.id, release, python, None))
                .collect();
            builds(&cells)
        });
        s.push_str(&row(std::iter::once(release.clone()).chain(verdicts)));
    }
    s.push_str(
        "\n## What changes on each upgrade\n\nOnly cells that say something about the pattern on both \
         sides count (not ⊘ unsupported, ⊗ blocked, – skipped or ? error).\n",
    );
    for python in &grid.pythons {
        s.push_str(&format!("\n### Python {python}\n\n"));
        for pair in grid.releases.windows(2) {
            let (from, to) = (&pair[0], &pair[1]);
            let lines = step(grid, python, from, to);
            if lines.is_empty() {
                s.push_str(&format!("- **{from} → {to}**: nothing breaks, nothing gets fixed\n"));
            } else {
                s.push_str(&format!("- **{from} → {to}**\n{}\n", lines.join("\n")));
            }
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use crate::markdown::{assert_has, draw};

    #[test]
    fn breaks_fixes_and_which_releases_build() {
        let doc = draw(super::render);
        assert_has(
            &doc,
            &[
                "| release | 3.12 | 3.13t |",
                "| 0.21.2 | ✓ builds; 3 of 4 work | ⊘ refused (escape hatch: `UNSAFE_PYO3_BUILD_FREE_THREADED=1`) |",
                "| 0.23.5 | ✓ builds; 1 of 4 work | ✓ builds; 1 of 3 work |",
                "- **0.21.2 → 0.22.6**\n  - breaks (1):\n    - [gilref_any_arg](patterns/gilref_any_arg.md) (⚠ deprecated → ✗ compile-error E0599)\n",
                "  - breaks (1):\n    - [vec_u8_return](patterns/vec_u8_return.md) (✓ pass → ✗T test-fail)\n",
                "  - fixed (1):\n    - [static_ref_exit](patterns/static_ref_exit.md) (∞ hang → ✓ pass)\n",
                "### Python 3.13t\n\n- **0.21.2 → 0.22.6**: nothing breaks, nothing gets fixed\n",
            ],
        );
    }
}
