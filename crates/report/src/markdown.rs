//! Markdown that renders on GitHub: the grid, one page per pattern, upgrades, claims.

use crate::claims::check;
use crate::grid::{informative, Grid};
use crate::legend::{cell_text, meaning, symbol, without_addresses, GIL_MARK};
use pyo3_matrix_model::{CellResult, Claim, Outcome, Pattern};
use std::fmt::Write;

/// A table cell: the symbol, plus the first error code of a compile error.
fn short(c: Option<&CellResult>) -> String {
    match c {
        None => " ".into(),
        Some(c) => match c.codes.first() {
            Some(code) if c.outcome == Outcome::CompileError => format!("{} {code}", cell_text(c)),
            _ => cell_text(c),
        },
    }
}

fn legend() -> String {
    let mut s = String::from("| symbol | outcome | meaning |\n|---|---|---|\n");
    for o in Outcome::ALL {
        let _ = writeln!(s, "| {} | `{o}` | {} |", symbol(o), meaning(o));
    }
    let _ = writeln!(
        s,
        "| {GIL_MARK} | (suffix) | on a free-threaded interpreter, importing the module re-enabled the GIL |"
    );
    s
}

fn row(grid: &Grid, pattern: &str, python: &str, variant: Option<&str>) -> String {
    grid.releases
        .iter()
        .map(|r| short(grid.cell(pattern, r, python, variant)))
        .collect::<Vec<_>>()
        .join(" | ")
}

/// `compat.md`: one table per interpreter, patterns grouped by category.
pub fn compat(grid: &Grid) -> String {
    let mut s = String::from("# PyO3 compatibility, observed\n\n");
    s.push_str(
        "Every cell is a real build of the pattern against that PyO3 release and a real pytest run \
                under that interpreter. Regenerate with `pyo3-matrix report`.\n\n",
    );
    s.push_str(&legend());
    for python in &grid.pythons {
        let _ = write!(
            s,
            "\n## Python {python}\n\n| pattern | {} | last working | first broken |\n|---|",
            grid.releases.join(" | ")
        );
        s.push_str(&"---|".repeat(grid.releases.len() + 2));
        s.push('\n');
        for category in grid.categories() {
            let _ = writeln!(s, "| **{category}** |{}", " |".repeat(grid.releases.len() + 2));
            for p in grid.patterns().iter().filter(|p| p.meta.category == category) {
                let b = grid.boundary(&p.id, python);
                let _ = writeln!(
                    s,
                    "| [{}](patterns/{}.md) | {} | {} | {} |",
                    p.id,
                    p.id,
                    row(grid, &p.id, python, None),
                    b.last_working.as_deref().unwrap_or("–"),
                    b.first_broken.as_deref().unwrap_or("–")
                );
                for v in grid.variants_of(&p.id) {
                    let _ = writeln!(s, "| ↳ {} `[{v}]` | {} | | |", p.id, row(grid, &p.id, python, Some(v)));
                }
            }
        }
    }
    s
}

fn claim_line(grid: &Grid, p: &Pattern, who: &str, c: &Claim) -> String {
    let checked = check(grid, p, c);
    let version = c
        .version
        .as_deref()
        .map(|v| format!(" (names {v})"))
        .unwrap_or_default();
    format!(
        "- **{who}**{version}: “{}” — **{}**: {}\n",
        c.text, checked.verdict, checked.reason
    )
}

/// `patterns/<id>.md`: what the pattern shows, its observed rows, the fix and the claims.
pub fn pattern_page(grid: &Grid, p: &Pattern) -> String {
    let mut s = format!(
        "# {}: {}\n\n*Category:* {}\n\n{}\n\n",
        p.id, p.meta.title, p.meta.category, p.meta.shows
    );
    if let Some(fix) = &p.meta.fix {
        let _ = writeln!(s, "**Fix:** {fix}\n");
    }
    if let Some(link) = &p.meta.link {
        let _ = writeln!(s, "**Migration guide / changelog:** <{link}>\n");
    }
    let _ = write!(
        s,
        "## Observed\n\n| interpreter | {} |\n|---|",
        grid.releases.join(" | ")
    );
    s.push_str(&"---|".repeat(grid.releases.len()));
    s.push('\n');
    for python in &grid.pythons {
        let _ = writeln!(s, "| {python} | {} |", row(grid, &p.id, python, None));
        for v in grid.variants_of(&p.id) {
            let _ = writeln!(s, "| {python} `[{v}]` | {} |", row(grid, &p.id, python, Some(v)));
        }
    }
    if p.meta.claim.is_some() || p.meta.changelog.is_some() {
        s.push_str("\n## Claims\n\n");
        if let Some(c) = &p.meta.claim {
            s.push_str(&claim_line(grid, p, "The article", c));
        }
        if let Some(c) = &p.meta.changelog {
            s.push_str(&claim_line(grid, p, "PyO3's changelog", c));
        }
    }
    s.push_str("\n## What each kind of cell said\n\n");
    let mut seen: Vec<String> = Vec::new();
    for python in &grid.pythons {
        for release in &grid.releases {
            let Some(c) = grid.cell(&p.id, release, python, None) else {
                continue;
            };
            let Some(message) = c.message.as_deref().map(without_addresses) else {
                continue;
            };
            let key = format!("{}|{message}", c.outcome);
            if seen.contains(&key) {
                continue;
            }
            seen.push(key);
            let cells: Vec<String> = grid
                .releases
                .iter()
                .flat_map(|r| grid.pythons.iter().map(move |py| (r, py)))
                .filter(|(r, py)| {
                    grid.cell(&p.id, r, py, None).is_some_and(|o| {
                        o.outcome == c.outcome && o.message.as_deref().map(without_addresses) == Some(message.clone())
                    })
                })
                .map(|(r, py)| format!("{r}/{py}"))
                .collect();
            let _ = writeln!(
                s,
                "- {} `{}`: {} — *{}*",
                symbol(c.outcome),
                c.outcome,
                message.replace('\n', " "),
                cells.join(", ")
            );
        }
    }
    s
}

/// `upgrades.md`: per interpreter, what breaks and gets fixed between consecutive releases,
/// and which releases build for it at all.
pub fn upgrades(grid: &Grid) -> String {
    let mut s = String::from("# Upgrading PyO3, one release at a time\n\n");
    s.push_str("## Which releases build for each interpreter\n\n| interpreter | ");
    s.push_str(&grid.releases.join(" | "));
    s.push_str(" |\n|---|");
    s.push_str(&"---|".repeat(grid.releases.len()));
    s.push('\n');
    for python in &grid.pythons {
        let builds: Vec<&str> = grid
            .releases
            .iter()
            .map(|r| {
                let cells: Vec<&CellResult> = grid
                    .patterns()
                    .iter()
                    .filter_map(|p| grid.cell(&p.id, r, python, None))
                    .collect();
                if cells.is_empty() || cells.iter().all(|c| c.outcome == Outcome::Skipped) {
                    "–"
                } else if cells.iter().all(|c| c.outcome == Outcome::Unsupported) {
                    "⊘ refused"
                } else {
                    "✓ builds"
                }
            })
            .collect();
        let _ = writeln!(s, "| {python} | {} |", builds.join(" | "));
    }
    for python in &grid.pythons {
        let _ = writeln!(s, "\n## Python {python}\n");
        for pair in grid.releases.windows(2) {
            let (a, b) = (&pair[0], &pair[1]);
            let (mut breaks, mut fixes) = (Vec::new(), Vec::new());
            for p in grid.patterns() {
                let (Some(x), Some(y)) = (grid.cell(&p.id, a, python, None), grid.cell(&p.id, b, python, None)) else {
                    continue;
                };
                if !(informative(x) && informative(y)) {
                    continue;
                }
                let change = format!("[{}](patterns/{}.md) ({} → {})", p.id, p.id, x.outcome, y.outcome);
                if x.outcome.works() && !y.outcome.works() {
                    breaks.push(change);
                } else if !x.outcome.works() && y.outcome.works() {
                    fixes.push(change);
                }
            }
            if breaks.is_empty() && fixes.is_empty() {
                let _ = writeln!(s, "- **{a} → {b}**: no pattern changes between working and not working");
                continue;
            }
            let _ = writeln!(s, "- **{a} → {b}**");
            for c in &breaks {
                let _ = writeln!(s, "  - breaks: {c}");
            }
            for c in &fixes {
                let _ = writeln!(s, "  - fixed: {c}");
            }
        }
    }
    s
}

/// `claims.md`: every claim beside what was observed, with its verdict and proof cells.
pub fn claims(grid: &Grid) -> String {
    let mut s = String::from("# Claims, checked against observations\n\n");
    s.push_str(
        "Rule (see `crates/report/src/claims.rs`): a claim predicts an outcome for a range of releases; \
                it is *confirmed* when every informative cell in range shows it, *refuted* when none does, \
                *partly* otherwise (or when it already held before the version the claim names), and \
                *undecided* when nothing observable can settle it.\n\n",
    );
    let mut counts = std::collections::BTreeMap::new();
    for p in grid.patterns() {
        for (who, c) in [("article", &p.meta.claim), ("changelog", &p.meta.changelog)] {
            let Some(c) = c else { continue };
            let checked = check(grid, p, c);
            *counts.entry((who, checked.verdict.to_string())).or_insert(0) += 1;
            let proof: Vec<String> = checked
                .matching
                .iter()
                .chain(&checked.contrary)
                .take(8)
                .map(|c| format!("{}/{} {}", c.pyo3, c.python, symbol(c.outcome)))
                .collect();
            let _ = writeln!(
                s,
                "## [{}](patterns/{}.md) — {who}\n\n> {}\n\n*Names:* {} · *Predicts:* `{}` · **Verdict: {}** — {}\n\n*Cells:* {}\n",
                p.id,
                p.id,
                c.text,
                c.version.as_deref().unwrap_or("no version"),
                c.expect.as_deref().unwrap_or("nothing observable"),
                checked.verdict,
                checked.reason,
                if proof.is_empty() { "none".into() } else { proof.join(", ") }
            );
        }
    }
    if counts.is_empty() {
        s.push_str("No pattern carries a claim yet.\n");
    } else {
        s.push_str("## Summary\n\n");
        for ((who, verdict), n) in counts {
            let _ = writeln!(s, "- {who}: {n} {verdict}");
        }
    }
    s
}
