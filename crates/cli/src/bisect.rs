//! `pyo3-matrix bisect SNIPPET.rs --regress KIND`: the first release where a predicate turns.

use crate::check::SnippetArgs;
use crate::output::Format;
use crate::progress::Progress;
use crate::setup;
use anyhow::{bail, Result};
use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use pyo3_matrix_engine::bisect::{bisect, Regress};
use pyo3_matrix_engine::plan::Context;
use pyo3_matrix_model::{CellResult, Release, ReleaseSelector};
use std::path::PathBuf;

/// Arguments of `bisect`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    snippet: SnippetArgs,
    /// The predicate that marks a release as bad.
    #[arg(long, default_value = "error", value_parser = regress_parser())]
    regress: Regress,
    /// Releases to search, oldest first [default: every default release].
    #[arg(long, value_name = "LIST")]
    pyo3: Option<String>,
    /// The one interpreter to search with (a flavor label or a path).
    #[arg(long, default_value = "3.12")]
    python: String,
    /// Search every published patch release of the selected minors that --pyo3 admits (an
    /// exact bound such as 0.22.4.. starts there), not only each minor's latest.
    #[arg(long)]
    all_patches: bool,
    /// Also observe every release in the range and report where it disagrees with the search.
    #[arg(long)]
    linear: bool,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// `--regress`: the engine's predicates, each with its meaning in `--help`.
fn regress_parser() -> impl TypedValueParser<Value = Regress> {
    let values = Regress::ALL.map(|(_, name, help)| PossibleValue::new(name).help(help));
    PossibleValuesParser::new(values).map(|name| name.parse().expect("one of the possible values"))
}

/// Runs the search.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let mut ctx = Context::load(&dir)?;
    let pending = args.snippet.subject(&mut ctx)?;
    let mut releases = setup::releases(&ctx.matrix, args.pyo3.as_deref())?;
    if let (true, Some(last)) = (args.all_patches, releases.last().cloned()) {
        let minors: Vec<(u64, u64)> = releases.iter().map(Release::minor).collect();
        // Only the patches --pyo3 admits: `0.22.4..=0.24` starts at 0.22.4, not 0.22.0.
        let asked: Option<ReleaseSelector> = args.pyo3.as_deref().map(str::parse).transpose()?;
        releases = setup::patches_of(&minors, Some(&last))?
            .into_iter()
            .filter(|r| asked.as_ref().is_none_or(|s| s.admits(r)))
            .collect();
    }
    if releases.is_empty() {
        bail!("--pyo3 selects no release");
    }
    let python = setup::python_args(&ctx.matrix.python, Some(&args.python))?;
    let progress = Progress::new(0, true);
    let session = pending.session(ctx, releases, &python, &mut |m| progress.line(m))?;
    let bisection = bisect(&session, args.regress, args.linear, &|e| progress.event(e))?;
    progress.finish();
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&bisection)?),
        Format::Text => {
            let show = |c: &Option<CellResult>| match c {
                Some(c) => format!(
                    "{} ({}{})",
                    c.id.pyo3,
                    c.outcome,
                    c.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default()
                ),
                None => "none".into(),
            };
            println!("last good: {}", show(&bisection.last_good));
            println!("first bad: {}", show(&bisection.first_bad));
            if let Some(note) = &bisection.note {
                println!("note: {note}");
            }
        }
    }
    Ok(())
}
