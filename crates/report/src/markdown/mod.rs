//! Markdown that renders on GitHub: the grid ([`compat`]), one page per pattern
//! ([`pattern_page`]), upgrades ([`upgrades`]) and claims ([`claims`]). This module holds
//! the pieces they share: tables, the legend, a row of observed cells.

pub mod claims;
pub mod compat;
pub mod contents;
pub mod pattern_page;
pub mod upgrades;

use crate::grid::{Grid, History};
use crate::legend::State;
use pyo3_matrix_model::{Flavor, Pattern, Release};
use std::path::PathBuf;

/// Every Markdown report for `grid`, as (path relative to the output folder, text):
/// `compat.md`, `upgrades.md`, `claims.md` (the long ones with a table of contents) and
/// `patterns/<id>.md` for every pattern.
pub fn pages(grid: &Grid) -> Vec<(PathBuf, String)> {
    let mut out = vec![
        (PathBuf::from("compat.md"), compat::render(grid)),
        (
            PathBuf::from("upgrades.md"),
            contents::with_contents(&upgrades::render(grid)),
        ),
        (
            PathBuf::from("claims.md"),
            contents::with_contents(&claims::render(grid)),
        ),
    ];
    for p in grid.patterns() {
        out.push((format!("patterns/{}.md", p.id).into(), pattern_page::render(grid, p)));
    }
    out
}

/// Text from the data (titles, claims, messages) as Markdown that shows it as written: code
/// spans (`` `…` ``) are kept, and outside them the characters that could start markup in
/// running text (`\ * _ <`) are escaped, so that `Vec<u8>` is not taken for an HTML tag nor
/// `*mut T` for emphasis.
fn text(data: &str) -> String {
    let balanced = data.matches('`').count() % 2 == 0;
    let mut out = String::with_capacity(data.len());
    for (i, part) in data.split('`').enumerate() {
        if i > 0 {
            out.push_str(if balanced { "`" } else { "\\`" });
        }
        if balanced && i % 2 == 1 {
            out.push_str(part);
            continue;
        }
        let chars: Vec<char> = part.chars().collect();
        for (j, &ch) in chars.iter().enumerate() {
            // An underscore inside a word (`gil_refs`) is never emphasis on GitHub.
            let inside_word = |k: Option<usize>| k.and_then(|k| chars.get(k)).is_some_and(|c| c.is_alphanumeric());
            let intraword = ch == '_' && inside_word(j.checked_sub(1)) && inside_word(Some(j + 1));
            if "\\*_<".contains(ch) && !intraword {
                out.push('\\');
            }
            out.push(ch);
        }
    }
    out
}

/// One table row; `|` inside a cell is escaped so that it cannot split the cell.
fn row<S: AsRef<str>>(cells: impl IntoIterator<Item = S>) -> String {
    let cells: Vec<String> = cells
        .into_iter()
        .map(|c| c.as_ref().replace('|', "\\|").replace('\n', " "))
        .collect();
    format!("| {} |\n", cells.join(" | "))
}

/// A table's header row and separator.
fn head<S: AsRef<str>>(columns: impl IntoIterator<Item = S>) -> String {
    let columns: Vec<String> = columns.into_iter().map(|c| c.as_ref().to_string()).collect();
    format!("{}|{}\n", row(&columns), "---|".repeat(columns.len()))
}

/// The legend: every state's symbol, word and meaning, and how many cells of the run are in it.
fn legend(grid: &Grid) -> String {
    let counts = grid.state_counts();
    let mut s = head(["symbol", "state", "meaning", "cells"]);
    for (state, n) in State::ALL.into_iter().zip(counts) {
        let n = n.to_string();
        s.push_str(&row([
            state.symbol(),
            &format!("`{}`", state.word()),
            state.meaning(),
            &n,
        ]));
    }
    s
}

/// One row's story on `python` as a table row: `name`, its runs joined by `between`, then
/// its first working, last working and first broken release.
fn story_row(grid: &Grid, name: String, pattern: &str, python: Flavor, variant: Option<&str>, between: &str) -> String {
    let runs: Vec<String> = grid
        .runs(pattern, python, variant)
        .iter()
        .map(ToString::to_string)
        .collect();
    row([name, runs.join(between)]
        .into_iter()
        .chain(history_cells(grid.history(pattern, python, variant))))
}

/// A history as three table cells: first working, last working, first broken and how
/// (`–` for none).
fn history_cells(h: History) -> [String; 3] {
    let or_dash = |v: Option<Release>| v.map(|r| r.to_string()).unwrap_or_else(|| "–".into());
    let broken = match (h.first_broken, h.broken_as, h.refused_from) {
        (Some(r), Some(o), _) => format!("{r} {}", State::Observed(o).symbol()),
        (_, _, Some(r)) => format!(
            "{r} {} refused",
            State::Observed(pyo3_matrix_model::Outcome::Unsupported).symbol()
        ),
        _ => "–".into(),
    };
    [or_dash(h.first_working), or_dash(h.last_working), broken]
}

/// How a subject's story joins its idioms, for a pattern page whose pattern has a twin or is
/// one: which cells its plain row reads up to which release.
fn idioms(grid: &Grid, p: &Pattern) -> Option<String> {
    if let Some(twin) = &p.meta.twin {
        return Some(format!(
            "*Twin of [{0}]({0}.md):* the same subject, written as code for PyO3 {1} and \
             older writes it and run with {0}'s own tests; up to {1} its cells tell {0}'s story.",
            twin.of, twin.until
        ));
    }
    let twins: Vec<String> = grid
        .twins_of(&p.id)
        .into_iter()
        .map(|(id, until)| format!("up to {until} by [{id}]({id}.md)"))
        .collect();
    (!twins.is_empty()).then(|| {
        format!(
            "*In the idiom of each release:* its cells are observed {}, the same tests on the \
             subject written in that release's idiom; from the next release on, by this code.",
            twins.join(", ")
        )
    })
}

/// A variant's name as shown after a pattern: `` `[gil-refs]` ``.
fn variant_tag(variant: Option<&str>) -> String {
    variant.map(|v| format!(" `[{v}]`")).unwrap_or_default()
}

/// One paragraph naming where the results come from: tool, compiler, interpreters, date.
fn provenance(grid: &Grid) -> String {
    let run = grid.run;
    let interpreters: Vec<String> = run
        .interpreters
        .iter()
        .map(|i| match (&i.version, &i.note) {
            (Some(v), _) => format!("{} ({v})", i.flavor),
            (None, Some(note)) => format!("{} (missing: {note})", i.flavor),
            (None, None) => format!("{} (missing)", i.flavor),
        })
        .collect();
    format!(
        "Observed on {} by pyo3-matrix {} with {}{}; interpreters: {}. {} results.\n\n",
        date(run.started_unix),
        run.tool_version,
        run.rustc,
        run.maturin.as_ref().map(|m| format!(" and {m}")).unwrap_or_default(),
        interpreters.join(", "),
        run.results.len()
    )
}

/// `YYYY-MM-DD` (UTC) of a Unix time, by the days-from-civil inverse.
fn date(unix: u64) -> String {
    let days = (unix / 86_400) as i64 + 719_468;
    let era = days.div_euclid(146_097);
    let doe = days - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = doy - (153 * mp + 2) / 5 + 1;
    let month = if mp < 10 { mp + 3 } else { mp - 9 };
    let year = yoe + era * 400 + i64::from(month <= 2);
    format!("{year:04}-{month:02}-{day:02}")
}

/// A document drawn by `render` from the fixture's run and catalog.
#[cfg(test)]
fn draw(render: impl Fn(&Grid) -> String) -> String {
    let results = crate::fixture::results();
    render(&Grid::new(&results, &crate::fixture::patterns()))
}

/// Fails, showing `doc`, unless it contains every one of `expected`.
#[cfg(test)]
fn assert_has(doc: &str, expected: &[&str]) {
    for e in expected {
        assert!(doc.contains(e), "missing {e:?} in:\n{doc}");
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn data_text_shows_as_written() {
        assert_eq!(
            super::text("Vec<u8> is `Vec<u8>`, *mut T"),
            "Vec\\<u8> is `Vec<u8>`, \\*mut T"
        );
        assert_eq!(super::text("odd ` tick_s _x"), "odd \\` tick_s \\_x");
    }

    #[test]
    fn dates_are_utc_days() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(951_782_400), "2000-02-29");
        assert_eq!(super::date(1_764_000_000), "2025-11-24");
    }
}
