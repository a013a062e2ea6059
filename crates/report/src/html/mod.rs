//! `index.html`: a caniuse-style grid that opens from disk with no server. The results are
//! embedded verbatim as JSON (`<script type="application/json" id="results">`), beside a
//! catalog of what the page derives from them in Rust (rows, boundaries, grouped
//! diagnostics, verdicts; `id="catalog"`); `page.js` draws the grid from both, with filters
//! and a details panel for the clicked cell.

use crate::claims::{check, sources};
use crate::grid::Grid;
use crate::groups::diagnostics;
use crate::legend::State;
use anyhow::Result;
use pyo3_matrix_model::Pattern;
use serde_json::{json, Value};

const TEMPLATE: &str = include_str!("page.html");
const STYLE: &str = include_str!("page.css");
const SCRIPT: &str = include_str!("page.js");

/// JSON that can sit inside a `<script>` element: every `<` escaped, so neither `</script>`
/// nor `<!--` in a message can end or confuse the element.
fn embeddable(value: &impl serde::Serialize) -> Result<String> {
    Ok(serde_json::to_string(value)?.replace('<', "\\u003c"))
}

/// Replaces each `{{name}}` in `template` in one pass, so no value is scanned again.
fn fill(template: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len() + values.iter().map(|(_, v)| v.len()).sum::<usize>());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let end = rest[start..].find("}}").map(|e| start + e + 2);
        let hit = end.and_then(|end| {
            let name = &rest[start + 2..end - 2];
            values.iter().find(|(n, _)| *n == name).map(|(_, v)| (end, *v))
        });
        match hit {
            Some((end, value)) => {
                out.push_str(&rest[..start]);
                out.push_str(value);
                rest = &rest[end..];
            }
            None => {
                out.push_str(&rest[..start + 2]);
                rest = &rest[start + 2..];
            }
        }
    }
    out.push_str(rest);
    out
}

/// What the page knows of one pattern besides its cells.
fn pattern_entry(grid: &Grid, p: &Pattern) -> Value {
    let rows: Vec<Value> = std::iter::once(None)
        .chain(grid.variants_of(&p.id).into_iter().map(Some))
        .map(|variant| {
            // Only interpreters the row has cells on; the page says "not run" for the others.
            let boundaries: serde_json::Map<String, Value> = grid
                .pythons
                .iter()
                .filter(|py| {
                    grid.releases
                        .iter()
                        .any(|r| grid.cell(&p.id, r, **py, variant).is_some())
                })
                .map(|py| {
                    let b = grid.history(&p.id, *py, variant);
                    (
                        py.to_string(),
                        json!({"last_working": b.last_working, "first_broken": b.first_broken}),
                    )
                })
                .collect();
            let groups: Vec<Value> = diagnostics(&grid.cells_of(&p.id, variant))
                .into_iter()
                .map(|g| {
                    let cells: Vec<String> = g
                        .cells
                        .iter()
                        .map(|c| format!("{}/{}", c.id.pyo3, c.id.python))
                        .collect();
                    json!({"text": g.text, "cells": cells})
                })
                .collect();
            json!({"variant": variant, "boundaries": boundaries, "diagnostics": groups})
        })
        .collect();
    let claims: Vec<Value> = sources(p)
        .map(|(who, claim)| {
            let checked = check(grid, p, claim);
            json!({"who": who, "text": claim.text, "expect": claim.expect, "verdict": checked.verdict, "reason": checked.reason})
        })
        .collect();
    json!({
        "id": p.id, "title": p.meta.title, "category": p.meta.category, "shows": p.meta.shows,
        "fix": p.meta.fix, "link": p.meta.link, "rows": rows, "claims": claims,
    })
}

/// The page for `grid`.
pub fn render(grid: &Grid) -> Result<String> {
    let legend: Vec<Value> = State::ALL
        .iter()
        .map(|s| json!({"outcome": s.key(), "symbol": s.symbol(), "colour": s.colour(), "meaning": s.meaning()}))
        .collect();
    let catalog = json!({
        "releases": grid.releases,
        "pythons": grid.pythons,
        "legend": legend,
        "patterns": grid.patterns().iter().map(|p| pattern_entry(grid, p)).collect::<Vec<_>>(),
    });
    Ok(fill(
        TEMPLATE,
        &[
            ("style", STYLE),
            ("script", SCRIPT),
            ("results", &embeddable(grid.run)?),
            ("catalog", &embeddable(&catalog)?),
        ],
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixture;

    #[test]
    fn placeholders_are_filled_once() {
        assert_eq!(
            fill("a{{x}}b{{y}}c{{z}}", &[("x", "{{y}}"), ("y", "2")]),
            "a{{y}}b2c{{z}}"
        );
    }

    #[test]
    fn the_results_are_embedded_verbatim_and_cannot_end_the_script() {
        let mut results = fixture::results();
        results.results[0].message = Some("</script><!-- oops".into());
        let page = render(&Grid::new(&results, &fixture::patterns())).unwrap();
        assert_eq!(
            page.matches("</script>").count(),
            3,
            "results, catalog and the script itself"
        );
        let start = page.find(r#"<script type="application/json" id="results">"#).unwrap();
        let body = &page[start..];
        let json = &body[body.find('>').unwrap() + 1..body.find("</script>").unwrap()];
        let back: pyo3_matrix_model::RunResults = serde_json::from_str(json).unwrap();
        assert_eq!(back, results);
        assert!(!page.contains("{{"), "every placeholder filled");
    }
}
