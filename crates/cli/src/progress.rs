//! Progress for long runs: a bar with counts and an ETA on a terminal, plain lines
//! otherwise, and GitHub Actions log groups when `GITHUB_ACTIONS` is set (one group per
//! cell, written when the cell is done, since cells run side by side).

use indicatif::{ProgressBar, ProgressStyle};
use pyo3_matrix_engine::plan::{Event, Origin};
use pyo3_matrix_engine::runner::cell_label;
use std::collections::HashMap;
use std::io::IsTerminal;
use std::sync::Mutex;

/// Shows the runner's events to a person.
pub struct Progress {
    bar: Option<ProgressBar>,
    github: bool,
    /// GitHub Actions only: each running cell's lines, keyed by its label.
    groups: Mutex<HashMap<String, Vec<String>>>,
    verbose: bool,
}

impl Progress {
    /// A reporter for `total` results; `verbose` prints one line per result.
    pub fn new(total: usize, verbose: bool) -> Self {
        let github = std::env::var_os("GITHUB_ACTIONS").is_some();
        let bar = (std::io::stderr().is_terminal() && !github).then(|| {
            let bar = ProgressBar::new(total as u64);
            bar.set_style(
                ProgressStyle::with_template(
                    "{spinner} [{elapsed_precise}] {bar:30} {pos}/{len} results · ETA {eta} · {msg}",
                )
                .expect("valid template"),
            );
            bar.enable_steady_tick(std::time::Duration::from_millis(200));
            bar
        });
        Progress {
            bar,
            github,
            groups: Mutex::default(),
            verbose,
        }
    }

    /// Sets how many results the bar counts to, once the run knows it.
    pub fn set_total(&self, total: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(total as u64);
        }
    }

    /// A line that must stay visible (warnings, provisioning steps).
    pub fn line(&self, text: &str) {
        match &self.bar {
            Some(bar) => bar.println(text),
            None => eprintln!("{text}"),
        }
    }

    /// Handles one runner event.
    pub fn event(&self, event: Event) {
        match event {
            Event::CellStarted { label, index, total } => {
                let text = format!("cell {index}/{total}: {label}");
                if self.github {
                    eprintln!("{text}");
                    self.groups.lock().expect("groups lock").insert(label, Vec::new());
                } else if let Some(bar) = &self.bar {
                    bar.set_message(text);
                } else {
                    eprintln!("{text}");
                }
            }
            Event::CellFinished { label } => {
                let lines = self.groups.lock().expect("groups lock").remove(&label);
                if let Some(lines) = lines {
                    eprintln!("::group::{label}\n{}\n::endgroup::", lines.join("\n"));
                }
            }
            Event::Note(text) => self.line(&text),
            Event::Result { result: r, origin } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                }
                if self.verbose || self.bar.is_none() {
                    let variant = r.id.variant.as_ref().map(|v| format!(" [{v}]")).unwrap_or_default();
                    let message = r.message.as_deref().map(|m| format!(": {m}")).unwrap_or_default();
                    let message: String = message.chars().take(140).collect();
                    let cached = if origin == Origin::Cached { " (cached)" } else { "" };
                    let line = format!(
                        "  {} · pyo3 {} · {}{variant} → {}{cached}{message}",
                        r.id.pattern, r.id.pyo3, r.id.python, r.outcome
                    );
                    let mut groups = self.groups.lock().expect("groups lock");
                    match groups.get_mut(&cell_label(&r.id.pyo3, r.id.python)) {
                        Some(group) => group.push(line),
                        None => self.line(&line),
                    }
                }
            }
        }
    }

    /// Closes the bar.
    pub fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}
