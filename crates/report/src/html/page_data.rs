//! What `index.html` embeds to draw the grid and answer upgrades, compact: every text once
//! in a table of strings, cells as short arrays of numbers into it, and the upgrade answers
//! for every pair of releases on every interpreter as (pattern, kind of move) numbers. Logs,
//! stacks and diagnostics are not here: [`super::details`] writes them per pattern.
//!
//! Every decision (a cell's state, a row's history, whether a release builds, what an
//! upgrade moves) is the [`Grid`]'s; the page only looks the answers up.

use super::tidy;
use crate::events::support_event;
use crate::explain::normalized;
use crate::fixes;
use crate::grid::Grid;
use crate::groups::without_addresses;
use crate::hatches;
use crate::legend::{cell_label, State, MOVES};
use pyo3_matrix_model::{CellResult, Pattern};
use serde_json::{json, Value};
use std::collections::{BTreeSet, HashMap};

/// The longest message a cell carries in the page; the whole one is in its details file.
pub const MESSAGE_CHARS: usize = 200;

/// The longest word a cell's search text keeps: longer runs are data (hex, a repeated
/// character), not words anyone types.
const SAID_WORD_CHARS: usize = 64;

/// The most a cell's search text keeps, in chars: past it, a cell repeats itself.
const SAID_CHARS: usize = 2_000;

/// Texts said once and referred to by number; 0 is the empty text and stands for "none".
struct Strings {
    list: Vec<String>,
    index: HashMap<String, usize>,
}

impl Strings {
    fn new() -> Self {
        Strings {
            list: vec![String::new()],
            index: HashMap::from([(String::new(), 0)]),
        }
    }

    fn id(&mut self, text: &str) -> usize {
        if let Some(&id) = self.index.get(text) {
            return id;
        }
        self.list.push(text.to_string());
        self.index.insert(text.to_string(), self.list.len() - 1);
        self.list.len() - 1
    }
}

/// One cell: `[state, label, codes, message, gil, hatch, fix, said]`, texts by number; gil
/// is 2 where importing the module re-enabled the GIL, 1 where it did not, 0 where it was
/// not observed; fix is the pattern's fix that fits this failure on this release
/// ([`fixes::fitting`]); said is what the search looks in ([`said`]).
fn cell(grid: &Grid, p: &Pattern, c: &CellResult, strings: &mut Strings) -> Value {
    let state = grid.state(c);
    let message = c
        .message
        .as_deref()
        .map(|m| tidy::one_line(&tidy::paths(&without_addresses(m)), MESSAGE_CHARS))
        .unwrap_or_default();
    let hatch = hatches::of_cell(grid, c)
        .map(|tried| tried.describe(grid))
        .unwrap_or_default();
    let gil = match c.gil_reenabled {
        Some(true) => 2,
        Some(false) => 1,
        None => 0,
    };
    let fix = fixes::fitting(&p.meta.fixes, c.outcome, &c.id.pyo3)
        .map(|f| f.text.as_str())
        .unwrap_or_default();
    json!([
        state.index(),
        // A subject's cell in an older idiom is its twin's: the label says whose.
        strings.id(&match c.id.pattern == p.id {
            true => cell_label(c, state),
            false => format!("{} (as {})", cell_label(c, state), c.id.pattern),
        }),
        strings.id(&c.codes.join(" ")),
        strings.id(&message),
        gil,
        strings.id(&hatch),
        strings.id(fix),
        strings.id(&said(c)),
    ])
}

/// What a cell said, as the search looks in it: its error codes (also as rustc prints
/// them, `error[e0277]`), then the words of its message, of every diagnostic, of the
/// failing test's exception and of the signal that killed it, [`normalized`] as `why` reads
/// them (module paths before a type dropped), lowercased, each once. Words are runs of
/// letters, digits and `_`, so a pasted message matches whatever its punctuation and
/// lifetimes (the page drops a query's module paths the same way). Cells that said the
/// same share one string.
fn said(c: &CellResult) -> String {
    let codes = c.codes.iter().map(|code| format!("error[{}]", code.to_lowercase()));
    let texts = c
        .message
        .iter()
        .chain(c.diagnostics.iter().map(|d| &d.message))
        .chain(c.failure.iter().flat_map(|f| f.exception.iter().chain(&f.message)))
        .chain(&c.signal);
    let words = texts.flat_map(|t| {
        normalized(t)
            .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
            .filter(|w| !w.is_empty() && w.chars().count() <= SAID_WORD_CHARS)
            .map(str::to_lowercase)
            .collect::<Vec<_>>()
    });
    let mut seen = BTreeSet::new();
    let mut out = String::new();
    for word in codes.chain(words).filter(|w| seen.insert(w.clone())) {
        if out.chars().count() + word.chars().count() >= SAID_CHARS {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word);
    }
    out
}

/// The words of the pattern's code (identifiers such as `allow_threads` or `downcast`),
/// each once, lowercased, for the search; none when the file cannot be read.
fn code_words(p: &Pattern) -> BTreeSet<String> {
    let source = std::fs::read_to_string(&p.source).unwrap_or_default();
    source
        .split(|ch: char| !(ch.is_alphanumeric() || ch == '_'))
        .filter(|word| word.len() >= 3 && !word.starts_with(|ch: char| ch.is_ascii_digit()))
        .map(str::to_lowercase)
        .collect()
}

/// One pattern: what it is, the text searched, and its rows (plain, then each variant),
/// each with its history per interpreter (`[last working, first broken]` as release
/// numbers, -1 for none; `null` where the row has no cell) and its cells, release by
/// release, interpreter by interpreter.
fn pattern(grid: &Grid, p: &Pattern, strings: &mut Strings) -> Value {
    let release_index = |r: &Option<pyo3_matrix_model::Release>| {
        r.as_ref()
            .and_then(|r| grid.releases.iter().position(|x| x == r))
            .map_or(-1, |i| i as i64)
    };
    let variants = grid.variants_of(&p.id);
    let rows: Vec<Value> = std::iter::once(None)
        .chain(variants.iter().copied().map(Some))
        .map(|variant| {
            let history: Vec<Value> = grid
                .pythons
                .iter()
                .map(|&py| {
                    let ran = grid.releases.iter().any(|r| grid.cell(&p.id, r, py, variant).is_some());
                    if !ran {
                        return Value::Null;
                    }
                    let h = grid.history(&p.id, py, variant);
                    json!([release_index(&h.last_working), release_index(&h.first_broken)])
                })
                .collect();
            let cells: Vec<Value> = grid
                .releases
                .iter()
                .flat_map(|r| grid.pythons.iter().map(move |py| (r, *py)))
                .map(|(r, py)| {
                    grid.cell(&p.id, r, py, variant)
                        .map_or(Value::Null, |c| cell(grid, p, c, strings))
                })
                .collect();
            json!({"variant": variant, "history": history, "cells": cells})
        })
        .collect();
    let mut search: Vec<String> = variants.iter().map(|v| v.to_lowercase()).collect();
    search.extend(code_words(p));
    json!({
        "id": p.id, "title": p.meta.title, "category": p.meta.category, "shows": p.meta.shows,
        "fixes": p.meta.fixes.iter().map(|f| [fixes::scope(f), f.text.clone()]).collect::<Vec<_>>(),
        "link": p.meta.link, "search": search.join(" "), "rows": rows,
    })
}

/// Every cumulative upgrade: for each interpreter and each pair of releases (older first),
/// `[from, to, python, start, event, moves]`: release and interpreter numbers, `start` the
/// interpreter a user on `from` is on (see [`Grid::starting_python`]), `event` the support
/// event's text, `moves` flat pairs of (pattern number, [`MOVES`] number). Only
/// patterns that work where the user starts are followed, as in `upgrades.md`.
fn upgrades(grid: &Grid, strings: &mut Strings) -> Vec<Value> {
    let number: HashMap<&str, usize> = grid
        .patterns()
        .iter()
        .enumerate()
        .map(|(i, p)| (p.id.as_str(), i))
        .collect();
    let mut out = Vec::new();
    for (k, &python) in grid.pythons.iter().enumerate() {
        for (i, from) in grid.releases.iter().enumerate() {
            for (j, to) in grid.releases.iter().enumerate().skip(i + 1) {
                let step = grid.cumulative(from, to, python);
                let event = support_event(grid, &step).unwrap_or_default();
                let moves: Vec<usize> = step
                    .moves
                    .iter()
                    .flat_map(|m| {
                        let kind = MOVES
                            .iter()
                            .position(|(t, _)| *t == m.transition)
                            .expect("a move is never Same");
                        [number[m.pattern.id.as_str()], kind]
                    })
                    .collect();
                let start = grid.pythons.iter().position(|py| *py == step.from_python).unwrap_or(k);
                out.push(json!([i, j, k, start, strings.id(&event), moves]));
            }
        }
    }
    out
}

/// The page's data.
pub fn of(grid: &Grid) -> Value {
    let mut strings = Strings::new();
    let counts = grid.state_counts();
    let states: Vec<Value> = State::ALL
        .iter()
        .zip(counts)
        .map(|(s, count)| {
            json!({"key": s.key(), "symbol": s.symbol(), "word": s.word(), "meaning": s.meaning(),
                   "colour": s.colour(), "works": s.outcome().works(), "count": count})
        })
        .collect();
    let patterns: Vec<Value> = grid.patterns().iter().map(|p| pattern(grid, p, &mut strings)).collect();
    let support: Vec<Vec<usize>> = grid
        .releases
        .iter()
        .map(|r| {
            grid.pythons
                .iter()
                .map(|py| strings.id(&grid.support(r, *py).to_string()))
                .collect()
        })
        .collect();
    let upgrades = upgrades(grid, &mut strings);
    let run = grid.run;
    let interpreters: Vec<Value> = run
        .interpreters
        .iter()
        .map(|i| json!({"flavor": i.flavor, "version": i.version}))
        .collect();
    json!({
        "run": {"started_unix": run.started_unix, "tool_version": run.tool_version, "rustc": run.rustc,
                "maturin": run.maturin, "interpreters": interpreters, "results": run.results.len()},
        "releases": grid.releases,
        "pythons": grid.pythons,
        "states": states,
        "moves": MOVES.iter().map(|(t, word)| json!({"key": t.name(), "word": word})).collect::<Vec<_>>(),
        "patterns": patterns,
        "support": support,
        "upgrades": upgrades,
        "strings": strings.list,
    })
}
