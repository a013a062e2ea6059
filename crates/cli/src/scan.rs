//! `pyo3-matrix scan PATH`: a user's own crate against every release, explained by the catalog.

use crate::check::Format;
use crate::explain::{explain, Explanation};
use crate::progress::Progress;
use crate::run::sort_results;
use crate::setup;
use anyhow::Result;
use pyo3_matrix_engine::cells::Member;
use pyo3_matrix_engine::runner::{self, Plan, Subject};
use pyo3_matrix_engine::scan::UserCrate;
use pyo3_matrix_model::{CellResult, RunResults};
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Arguments of `scan`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The crate's directory (its Cargo.toml; the original files are never modified).
    path: PathBuf,
    /// PyO3 releases, as for `run`.
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// Interpreters, as for `run` [default: 3.12].
    #[arg(long, value_name = "LIST", default_value = "3.12")]
    python: String,
    /// Also run the crate's own pytest suite (tests/test_*.py) against each build.
    #[arg(long)]
    tests: bool,
    /// Seconds the tests may run in one cell before it counts as a hang.
    #[arg(long, default_value_t = runner::DEFAULT_TIMEOUT_S)]
    timeout: u64,
    /// The catalog's results, used to name the patterns that explain each failure.
    #[arg(long, value_name = "FILE")]
    catalog: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// One release's answer.
#[derive(Debug, Serialize)]
pub struct Scanned {
    /// The observed cell.
    #[serde(flatten)]
    pub cell: CellResult,
    /// Catalog patterns that fail the same way.
    pub explained_by: Vec<Explanation>,
}

/// The runner's view of a user's crate: built from a rewritten copy, tested with `test`.
pub fn crate_subject(krate: &UserCrate, test: Option<PathBuf>, timeout: u64) -> Subject {
    Subject {
        member: Member {
            name: krate.lib_name.clone(),
            source: krate.dir.join("Cargo.toml"),
            deps: Vec::new(),
        },
        test,
        timeout: Duration::from_secs(timeout),
        variants: Vec::new(),
        user_crate: Some(krate.clone()),
    }
}

/// Builds (and with `tests`, tests) the crate in every requested cell.
pub fn observe(
    matrix_dir: &Path,
    crate_dir: &Path,
    pyo3: Option<&str>,
    python: &str,
    tests: bool,
    timeout: u64,
) -> Result<(UserCrate, Vec<CellResult>)> {
    let ctx = setup::context(matrix_dir)?;
    let krate = UserCrate::open(crate_dir)?;
    let releases = setup::releases(&ctx.matrix, pyo3)?;
    let python_args = setup::python_args(&ctx.matrix, Some(python))?;
    let progress = Progress::new(releases.len() * python_args.len(), false);
    let targets = setup::targets(&ctx, &python_args, true, true, &mut |m| progress.line(m))?;
    let tag = format!("scan-{}", krate.lib_name);
    let subject = crate_subject(&krate, if tests { krate.tests.clone() } else { None }, timeout);
    let subjects = [subject];
    let plan = Plan {
        releases: &releases,
        targets: &targets,
        subjects: &subjects,
        shard: None,
        jobs: pyo3_matrix_engine::slots::cores(),
        tag: &tag,
    };
    let mut cells = runner::run(&ctx, plan, &|e| progress.event(e))?;
    progress.finish();
    sort_results(&mut cells);
    Ok((krate, cells))
}

/// Scans the crate.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let (krate, cells) = observe(
        &dir,
        &args.path,
        args.pyo3.as_deref(),
        &args.python,
        args.tests,
        args.timeout,
    )?;
    let catalog_path = args
        .catalog
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let catalog = RunResults::load(&catalog_path).ok();
    let patterns = setup::patterns(&dir, &[])?;
    let scanned: Vec<Scanned> = cells
        .into_iter()
        .map(|cell| {
            let explained_by = match (&catalog, cell.outcome.works()) {
                (Some(catalog), false) => explain(&cell, catalog, &patterns),
                _ => Vec::new(),
            };
            Scanned { cell, explained_by }
        })
        .collect();
    match args.format {
        Format::Json => {
            let answer = serde_json::json!({
                "crate": krate.dir.display().to_string(),
                "module": krate.lib_name,
                "catalog": catalog.is_some().then(|| catalog_path.display().to_string()),
                "cells": scanned,
            });
            println!("{}", serde_json::to_string_pretty(&answer)?);
        }
        Format::Text => {
            for s in &scanned {
                println!("{}", crate::check::cell_line(&s.cell));
                for e in &s.explained_by {
                    println!(
                        "    like pattern {} ({}){}",
                        e.pattern,
                        e.title,
                        e.link.as_deref().map(|l| format!(" — {l}")).unwrap_or_default()
                    );
                }
            }
            if catalog.is_none() {
                eprintln!(
                    "note: no catalog results at {}; run `pyo3-matrix run` to explain failures",
                    catalog_path.display()
                );
            }
        }
    }
    Ok(())
}
