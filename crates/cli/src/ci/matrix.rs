//! The `strategy.matrix` (JSON) this repository's `.github/workflows/matrix.yml` runs the
//! catalog with: one `include` entry per shard.

use super::{Cells, ShardJob};
use anyhow::Result;

/// `{"include": [{"shard", "python-version", "cells", "args"}, …]}` on one line.
pub fn render(cells: &Cells, jobs: &[ShardJob]) -> Result<String> {
    let (pyo3_arg, python_arg) = (cells.pyo3_arg(), cells.python_arg());
    // A set's shards run its patterns (and write its tables' results) like `run --matrix-set`.
    let set_arg = cells
        .set
        .as_deref()
        .map_or(String::new(), |name| format!(" --matrix-set {name}"));
    let include: Vec<serde_json::Value> = jobs
        .iter()
        .map(|job| {
            serde_json::json!({
                "shard": job.shard.to_string(),
                // Explicit labels (3.13t included) for actions/setup-python's `python-version`.
                "python-version": job.python_labels.join("\n"),
                "cells": job.cells.join(" "),
                "args": format!("--pyo3 {pyo3_arg} --python {python_arg}{set_arg} --shard {}", job.shard),
            })
        })
        .collect();
    Ok(serde_json::to_string(&serde_json::json!({ "include": include }))?)
}
