//! `pyo3-matrix cache info|gc`: what the cache holds on disk, by kind, and keeping it
//! under a size; `run` keeps it under [`DEFAULT_MAX_SIZE`] after every run.

use anyhow::Result;
use bytesize::ByteSize;
use pyo3_matrix_engine::footprint::{self, Kind};
use pyo3_matrix_engine::Dirs;

/// The size `run` and `cache gc` keep the cache under unless told otherwise: the full
/// default matrix's verdicts, interpreters and environments with room for its plain cell
/// targets, within the 14 GB a GitHub runner has free.
pub const DEFAULT_MAX_SIZE: &str = "8GiB";

/// Cache commands.
#[derive(Debug, clap::Subcommand)]
pub enum Command {
    /// Print the cache's size on disk by kind: interpreters, downloads, test
    /// environments, cell targets, cell workspaces, verdicts, migrations.
    Info,
    /// Remove the builds (target directories, test copies) of the least recently used
    /// cells and migrations until the cache is at most SIZE; verdicts, interpreters and
    /// test environments are never removed.
    Gc {
        /// The most the cache may hold, e.g. 8GiB, 500MB or a number of bytes.
        #[arg(long, value_name = "SIZE", default_value = DEFAULT_MAX_SIZE, value_parser = parse_size)]
        max_size: u64,
    },
}

/// A size as `--max-size` and `--cache-max-size` take it: `8GiB`, `500MB`, `123` bytes.
pub fn parse_size(text: &str) -> Result<u64, String> {
    text.trim()
        .parse::<ByteSize>()
        .map(|size| size.as_u64())
        .map_err(|_| format!("'{text}' is not a size: expected e.g. 8GiB, 500MB or a number of bytes"))
}

/// `bytes` as people read it: `7.9 GiB`.
fn human(bytes: u64) -> String {
    ByteSize(bytes).display().iec().to_string()
}

/// Runs a cache command on the cache this environment names.
pub fn run(cmd: Command) -> Result<()> {
    let dirs = Dirs::from_env();
    match cmd {
        Command::Info => {
            let footprint = footprint::measure(&dirs);
            println!("{} ({})", dirs.root().display(), human(footprint.total()));
            for kind in Kind::ALL {
                println!("  {:<18} {:>10}", kind.name(), human(footprint.of(kind)));
            }
        }
        Command::Gc { max_size } => keep_under(&dirs, max_size, &mut |line| println!("{line}"))?,
    }
    Ok(())
}

/// Keeps the cache in `dirs` under `max_bytes`, telling `note` what it removed (nothing
/// when it was already under).
pub fn keep_under(dirs: &Dirs, max_bytes: u64, note: &mut dyn FnMut(&str)) -> Result<()> {
    let collected = footprint::collect(dirs, max_bytes)?;
    let removed = [
        ("cell", collected.cells.len()),
        ("migration", collected.migrations.len()),
    ]
    .into_iter()
    .filter(|(_, n)| *n > 0)
    .map(|(what, n)| format!("{n} {what}{}", if n == 1 { "" } else { "s" }))
    .collect::<Vec<_>>();
    let mut told = match removed.is_empty() {
        true => format!("the cache holds {}", human(collected.after)),
        false => format!(
            "removed the builds of the least recently used {}: the cache went from {} to {}",
            removed.join(" and "),
            human(collected.before),
            human(collected.after),
        ),
    };
    // Only builds are the cap's to remove: what else the cache holds (environments,
    // interpreters, a build in use) can leave it over.
    told.push_str(&match collected.after <= max_bytes {
        true => format!(", within {}", human(max_bytes)),
        false => format!(
            ", over its {} cap: no other build may go (`pyo3-matrix cache info` shows what holds the rest)",
            human(max_bytes)
        ),
    });
    note(&told);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_read_as_people_write_them() {
        assert_eq!(parse_size("8GiB"), Ok(8 << 30));
        assert_eq!(parse_size("500MB"), Ok(500_000_000));
        assert_eq!(parse_size("123"), Ok(123));
        assert_eq!(parse_size(DEFAULT_MAX_SIZE), Ok(8 << 30));
        let err = parse_size("lots").unwrap_err();
        assert!(err.contains("'lots'") && !err.contains('\n'), "{err}");
        assert_eq!(human(8 << 30), "8.0 GiB");
    }
}
