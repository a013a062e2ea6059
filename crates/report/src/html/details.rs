//! `cells/<id>.js`: what the details panel shows of one pattern beyond the grid's compact
//! data, loaded only when a cell or the pattern is opened. A script that hands its data to
//! `pyo3MatrixDetails`, because a `<script src>` loads from `file://` where `fetch` cannot.
//!
//! Per row (plain, then each variant): its story per interpreter as runs of releases, its
//! compiler diagnostics each once with the cells that emitted them, and per cell the whole
//! message, the failing test, the signal, the stack and the log tail, tidied by
//! [`super::tidy`]. Then the claims about the pattern with their verdicts.

use super::{embeddable, page_data::MESSAGE_CHARS, tidy};
use crate::claims::{check, sources};
use crate::grid::Grid;
use crate::groups::{diagnostics, without_addresses};
use anyhow::Result;
use pyo3_matrix_model::{CellResult, Pattern};
use serde_json::{json, Map, Value};

/// The most characters of a log kept: its tail, where the error is.
pub const LOG_CHARS: usize = 6000;

/// The last `max` characters of `text`, from a line start, `…` marking a cut.
fn tail(text: &str, max: usize) -> String {
    let count = text.chars().count();
    if count <= max {
        return text.to_string();
    }
    let cut: String = text.chars().skip(count - max).collect();
    let from_line = cut.find('\n').map_or(cut.as_str(), |at| &cut[at + 1..]);
    format!("…\n{from_line}")
}

/// What one cell says beyond the grid, each part only where there is one.
fn cell(c: &CellResult) -> Value {
    let mut out = Map::new();
    let mut put = |key: &str, text: Option<String>| {
        if let Some(text) = text.filter(|t| !t.trim().is_empty()) {
            out.insert(key.into(), text.into());
        }
    };
    let message = c.message.as_deref().map(|m| tidy::paths(&without_addresses(m)));
    let cut = message.as_ref().filter(|m| tidy::one_line(m, MESSAGE_CHARS) != **m);
    put("message", cut.cloned());
    put(
        "failure",
        c.failure.as_ref().map(|f| {
            let raised = f.exception.as_deref().map(|e| match &f.message {
                Some(m) => format!("\n{e}: {m}"),
                None => format!("\n{e}"),
            });
            tidy::paths(&format!("{}{}", f.test, raised.unwrap_or_default()))
        }),
    );
    put("signal", c.signal.clone());
    put("stacks", c.stacks.as_deref().map(tidy::stack));
    put("log", c.log.as_deref().map(|log| tail(&tidy::stack(log), LOG_CHARS)));
    Value::Object(out)
}

/// The file for `p`.
pub fn render(grid: &Grid, p: &Pattern) -> Result<String> {
    let rows: Vec<Value> = std::iter::once(None)
        .chain(grid.variants_of(&p.id).into_iter().map(Some))
        .map(|variant| {
            let runs: Map<String, Value> = grid
                .pythons
                .iter()
                .filter_map(|&py| {
                    let runs: Vec<String> = grid.runs(&p.id, py, variant).iter().map(ToString::to_string).collect();
                    (!runs.is_empty()).then(|| (py.to_string(), runs.join(" · ").into()))
                })
                .collect();
            let cells_of = grid.cells_of(&p.id, variant);
            let groups: Vec<Value> = diagnostics(&cells_of)
                .into_iter()
                .map(|g| {
                    let cells: Vec<String> = g
                        .cells
                        .iter()
                        .map(|c| format!("{}/{}", c.id.pyo3, c.id.python))
                        .collect();
                    json!({"text": tidy::paths(&g.text), "cells": cells})
                })
                .collect();
            let cells: Map<String, Value> = cells_of
                .iter()
                .map(|c| (format!("{}|{}", c.id.pyo3, c.id.python), cell(c)))
                .filter(|(_, said)| said.as_object().is_some_and(|o| !o.is_empty()))
                .collect();
            json!({"runs": runs, "diagnostics": groups, "cells": cells})
        })
        .collect();
    let claims: Vec<Value> = sources(p)
        .map(|(who, claim)| {
            let checked = check(grid, &p.id, claim);
            json!({"who": who, "text": claim.text, "expect": claim.expect, "verdict": checked.verdict,
                   "reason": checked.reason})
        })
        .collect();
    let data = json!({"rows": rows, "claims": claims});
    Ok(format!(
        "pyo3MatrixDetails({}, {});\n",
        embeddable(&p.id)?,
        embeddable(&data)?
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_log_keeps_its_tail_from_a_line_start() {
        assert_eq!(tail("short", 10), "short");
        assert_eq!(tail("line one\nline two\nline three", 14), "…\nline three");
    }
}
