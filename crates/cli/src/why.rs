//! `pyo3-matrix why "<error text>"`: which catalog patterns fail like this, since which
//! release on which interpreters, and the fix. Reads observed results only
//! ([`pyo3_matrix_report::lookup`]); builds nothing.

use crate::output::Format;
use crate::setup;
use anyhow::{bail, Result};
use pyo3_matrix_model::RunResults;
use pyo3_matrix_report::lookup::{lookup, Query};
use std::path::PathBuf;

/// Arguments of `why`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The error as the compiler or Python printed it (rustc's `error[E0277]: …` line, a
    /// traceback's last line), or a few of its words or its code (`E0277`).
    text: String,
    /// The catalog's results file [default: docs/results.json of the catalog].
    #[arg(long, value_name = "FILE")]
    results: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// Prints the patterns whose cells said the text; fails with one line when none did.
pub fn run(matrix: Option<PathBuf>, args: Args) -> Result<()> {
    let dir = setup::matrix_dir(matrix)?;
    let Some(query) = Query::parse(&args.text) else {
        bail!("why {:?}: no words or error code to look up", args.text);
    };
    let path = args
        .results
        .unwrap_or_else(|| dir.parent().unwrap_or(&dir).join("docs/results.json"));
    let results = RunResults::load(&path)?;
    let patterns = setup::patterns(&dir, &[])?;
    let answer = lookup(query, &results, &patterns);
    if answer.found.is_empty() {
        bail!(
            "why {:?}: no catalog cell in {} said this (of {} cells)",
            args.text,
            path.display(),
            results.results.len()
        );
    }
    match args.format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&answer)?),
        Format::Text => {
            for f in &answer.found {
                let code = f.code.as_deref().map(|c| format!("[{c}] ")).unwrap_or_default();
                println!("{} ({}): {code}{}", f.pattern, f.title, f.said);
                println!("  since {} — {}", f.since, f.cells);
                if let Some(headline) = &f.headline {
                    println!("  its own first error, which its fixes are for: {headline}");
                }
                match &f.fixes[..] {
                    [] => println!("  fix: none fits these failures"),
                    [one] if one.cells == f.cells => println!("  fix: {}", one.fix),
                    several => {
                        for fix in several {
                            println!("  fix at {}: {}", fix.cells, fix.fix);
                        }
                    }
                }
                if let Some(link) = &f.link {
                    println!("  see {link}");
                }
            }
            if answer.more > 0 {
                println!("and {} more patterns said it; add words to narrow it", answer.more);
            }
        }
    }
    Ok(())
}
