//! Shards merged into one run: every result once, interpreters and releases united.
//! Shards of different builds or rustc versions are refused unless the caller allows a mixed
//! merge; a cell two shards disagree on is always refused.

use pyo3_matrix_model::{CellId, CellResult, RunResults};
use std::collections::btree_map::{BTreeMap, Entry};
use std::path::Path;

/// Why shards cannot be merged: one line naming the files.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct MergeError(String);

/// Merges `parts` (each with the file it was read from, the first one's header kept).
pub fn merge(parts: &[(&Path, RunResults)], allow_mixed: bool) -> Result<RunResults, MergeError> {
    let Some((first_path, first)) = parts.first() else {
        return Err(MergeError("no shards to merge".into()));
    };
    if !allow_mixed {
        for (path, part) in &parts[1..] {
            if part.tool_build != first.tool_build {
                let (theirs, ours) = shortest_distinct(part.tool_build.as_deref(), first.tool_build.as_deref());
                return Err(MergeError(format!(
                    "{} was made by another pyo3-matrix build ({theirs}) than {} ({ours}); pass --allow-mixed to merge anyway",
                    path.display(),
                    first_path.display()
                )));
            }
            if part.rustc != first.rustc {
                return Err(MergeError(format!(
                    "{} was made with another rustc ({}) than {} ({}); pass --allow-mixed to merge anyway",
                    path.display(),
                    part.rustc,
                    first_path.display(),
                    first.rustc
                )));
            }
        }
    }

    let mut merged = first.clone();
    merged.results = Vec::new();
    // Where each cell came from, so that a disagreement names both files.
    let mut cells: BTreeMap<CellId, (&Path, &CellResult)> = BTreeMap::new();
    for (path, part) in parts {
        for cell in &part.results {
            match cells.entry(cell.id.clone()) {
                Entry::Vacant(v) => {
                    v.insert((path, cell));
                }
                Entry::Occupied(o) => {
                    let (seen_in, seen) = *o.get();
                    if !same_result(seen, cell) {
                        return Err(MergeError(disagreement(&cell.id, (seen_in, seen), (path, cell))));
                    }
                }
            }
        }
    }
    for (_, part) in &parts[1..] {
        merged.started_unix = merged.started_unix.min(part.started_unix);
        for info in &part.interpreters {
            if !merged.interpreters.iter().any(|i| i.flavor == info.flavor) {
                merged.interpreters.push(info.clone());
            }
        }
        // A file that does not list its releases makes the union unknown.
        if part.releases.is_empty() {
            merged.releases.clear();
        }
        if !merged.releases.is_empty() {
            merged.releases.extend(part.releases.iter().cloned());
        }
        if part.tool_build != merged.tool_build {
            merged.tool_build = None; // mixed (with --allow-mixed): no one build made the file
        }
        if !merged.rustc.split(" + ").any(|r| r == part.rustc) {
            merged.rustc = format!("{} + {}", merged.rustc, part.rustc);
        }
    }
    merged.releases.sort();
    merged.releases.dedup();
    merged.results = cells.into_values().map(|(_, cell)| cell.clone()).collect();
    merged.sort();

    Ok(merged)
}

/// Whether two shards' results for one cell say the same: everything but the timings,
/// which measure the observation rather than the verdict.
fn same_result(a: &CellResult, b: &CellResult) -> bool {
    CellResult {
        timings: b.timings.clone(),
        ..a.clone()
    } == *b
}

/// Why two shards' results for `id` cannot both be kept.
fn disagreement(id: &CellId, (a_path, a): (&Path, &CellResult), (b_path, b): (&Path, &CellResult)) -> String {
    let (a_file, b_file) = (a_path.display(), b_path.display());
    match a.outcome == b.outcome {
        false => format!(
            "cell {id} is {} in {a_file} but {} in {b_file}; a cell can be merged only when its results agree",
            a.outcome, b.outcome
        ),
        true => format!(
            "cell {id} is {} in both {a_file} and {b_file}, but with other details; a cell can be merged only when its results agree",
            a.outcome
        ),
    }
}

/// Two build identities as short as they can be while still told apart (`a1b2c3d4e5f6…`).
fn shortest_distinct(a: Option<&str>, b: Option<&str>) -> (String, String) {
    const SHORT: usize = 12;
    let short = |x: Option<&str>, full: bool| match x {
        None => "unrecorded".to_string(),
        Some(x) if full || x.chars().count() <= SHORT => x.to_string(),
        Some(x) => format!("{}…", x.chars().take(SHORT).collect::<String>()),
    };
    let full = short(a, false) == short(b, false);
    (short(a, full), short(b, full))
}
