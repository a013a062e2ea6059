//! Results that name no machine: before a results file is written, every path of the
//! machine that ran it (in logs, stacks, messages, interpreter paths) is made relative to
//! what it belongs to, or written under the name of its base, as a shell would spell it:
//!
//! ```text
//! the subject's own folder (a pattern's, a snippet's, a user crate's)   relative: lib.rs:5:8
//! the catalog (checkout) root                                           relative: matrix/…
//! the pyo3-matrix cache                                                 $PYO3_MATRIX_CACHE/…
//! cargo's home (its registry)                                           $CARGO_HOME/…
//! the temporary folder                                                  $TMPDIR/…
//! the home folder                                                       ~/…
//! ```
//!
//! The longest base that holds a path wins, so the cache inside the home is named as the
//! cache. A path pytest wrote relative to its own folder (`../../../../srv/ci/…`) is read as
//! absolute when one of the bases holds it that way.

use crate::plan::{Context, Subject};
use pyo3_matrix_model::text_paths::map_paths;
use pyo3_matrix_model::{CellResult, RunResults};
use std::path::{Path, PathBuf};

/// The bases of one machine, longest first, each with how it is written instead.
#[derive(Debug, Clone)]
pub struct Portable {
    bases: Vec<(String, String)>,
    /// The catalog patterns' folders relative to the catalog's root (`matrix/patterns/<id>`).
    pattern_dirs: Vec<String>,
}

impl Portable {
    /// `bases` as (folder, its name: empty for relative), in any order, and the catalog
    /// patterns' folders relative to the catalog's root.
    pub fn new(bases: impl IntoIterator<Item = (PathBuf, String)>, pattern_dirs: Vec<String>) -> Portable {
        let mut bases: Vec<(String, String)> = bases
            .into_iter()
            .flat_map(|(dir, name)| {
                // A base is matched as given and as the file system resolves it (a symlinked
                // checkout or temporary folder appears both ways in tools' output).
                let resolved = dir.canonicalize().ok().filter(|r| *r != dir);
                [Some(dir), resolved]
                    .into_iter()
                    .flatten()
                    .map(move |d| (d.display().to_string().trim_end_matches('/').to_string(), name.clone()))
            })
            .filter(|(dir, _)| dir.starts_with('/') && dir.len() > 1)
            .collect();
        bases.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then_with(|| a.cmp(b)));
        bases.dedup_by(|a, b| a.0 == b.0);
        Portable { bases, pattern_dirs }
    }

    /// The bases of a session on this machine: its subjects' folders, the catalog's root,
    /// the cache, cargo's home, the temporary folder and the home folder.
    pub fn of(ctx: &Context, subjects: &[Subject]) -> Portable {
        let home = std::env::var_os("HOME").map(PathBuf::from);
        let cargo_home = std::env::var_os("CARGO_HOME")
            .map(PathBuf::from)
            .or_else(|| home.as_ref().map(|h| h.join(".cargo")));
        let subject_roots = subjects.iter().filter_map(|s| match &s.user_crate {
            Some(c) => Some(c.krate.root.clone()),
            None => s.member.source.parent().map(Path::to_path_buf),
        });
        let catalog = ctx.catalog_root();
        let pattern_dirs = subjects
            .iter()
            .filter_map(|s| s.member.source.parent()?.strip_prefix(&catalog).ok())
            .map(|dir| dir.display().to_string())
            .collect();
        let named = [
            (Some(catalog), ""),
            (Some(ctx.dirs.root().to_path_buf()), "$PYO3_MATRIX_CACHE"),
            (cargo_home, "$CARGO_HOME"),
            (Some(std::env::temp_dir()), "$TMPDIR"),
            (home, "~"),
        ];
        Portable::new(
            subject_roots.map(|root| (root, String::new())).chain(
                named
                    .into_iter()
                    .filter_map(|(dir, name)| Some((dir?, name.to_string()))),
            ),
            pattern_dirs,
        )
    }

    /// One path as it is written: under the longest base holding it, else unchanged.
    pub fn path(&self, path: &str) -> String {
        let climbed = path.trim_start_matches("../");
        let absolute = match climbed.len() < path.len() {
            true => format!("/{climbed}"),
            false => path.to_string(),
        };
        for (base, name) in &self.bases {
            let Some(rest) = absolute.strip_prefix(base.as_str()) else {
                continue;
            };
            match (rest.strip_prefix('/'), name.is_empty()) {
                (Some(rest), true) => return rest.to_string(),
                (Some(rest), false) => return format!("{name}/{rest}"),
                (None, _) if rest.is_empty() => return if name.is_empty() { ".".into() } else { name.clone() },
                (None, _) => {}
            }
        }
        // A catalog pattern's own file in whichever checkout (or unpacked catalog) observed
        // it: verdicts are cached by content, so one may come from another checkout.
        if absolute.starts_with('/') {
            for dir in &self.pattern_dirs {
                if let Some(at) = absolute.find(&format!("/{dir}/")) {
                    return absolute[at + dir.len() + 2..].to_string();
                }
            }
        }
        path.to_string()
    }

    /// `text` with every path in it written by [`Portable::path`].
    pub fn text(&self, text: &str) -> String {
        map_paths(text, |p| self.path(p))
    }

    /// A verdict with every free text made portable.
    pub fn result(&self, result: &CellResult) -> CellResult {
        let mut portable = result.clone();
        portable.map_texts(&|t| self.text(t));
        portable
    }

    /// `results` as they are written to a file: every free text made portable (verdicts
    /// already are, but for those a cache written before kept as they were observed).
    pub fn results(&self, results: &RunResults) -> RunResults {
        let mut portable = results.clone();
        portable.map_texts(&|t| self.text(t));
        portable
    }

    /// A portable path as this machine opens it: under a named base, in that base (the
    /// longest folder of that name); any other path unchanged.
    pub fn resolve(&self, path: &str) -> String {
        for (dir, name) in self.bases.iter().filter(|(_, name)| !name.is_empty()) {
            if path == name {
                return dir.clone();
            }
            if let Some(rest) = path.strip_prefix(name.as_str()).and_then(|r| r.strip_prefix('/')) {
                return format!("{dir}/{rest}");
            }
        }
        path.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn machine() -> Portable {
        Portable::new(
            [
                (
                    PathBuf::from("/srv/ci/checkout/matrix/patterns/any_iter"),
                    String::new(),
                ),
                (PathBuf::from("/srv/ci/checkout"), String::new()),
                (
                    PathBuf::from("/home/ci/.cache/pyo3-matrix/"),
                    "$PYO3_MATRIX_CACHE".into(),
                ),
                (PathBuf::from("/home/ci/.cargo"), "$CARGO_HOME".into()),
                (PathBuf::from("/var/tmp"), "$TMPDIR".into()),
                (PathBuf::from("/home/ci"), "~".into()),
            ],
            vec!["matrix/patterns/any_iter".into()],
        )
    }

    #[test]
    fn every_path_of_the_machine_is_written_under_its_longest_base() {
        let log = "  --> /srv/ci/checkout/matrix/patterns/any_iter/lib.rs:25:30\n\
                   FAILED ../../../../srv/ci/checkout/matrix/patterns/any_iter/test_any_iter.py::test_x\n\
                   note: /home/ci/.cargo/registry/src/index.crates.io-1/pyo3-0.19.2/src/lib.rs:19:12\n\
                   File \"/home/ci/.cache/pyo3-matrix/venvs/3.12-4/lib/python3.12/site-packages/_pytest/main.py\"\n\
                   tmp_path = PosixPath('/var/tmp/pytest-of-ci/pytest-2/test_x0')\n\
                   see /srv/ci/checkout/docs/compat.md and ~/.pyenv/versions/3.12.1/bin/python3.12\n\
                   kept: /usr/bin/python3.12, /srv/other/x.rs, PosixPath('/tmp'), https://a/b/c";
        assert_eq!(
            machine().text(log),
            "  --> lib.rs:25:30\n\
             FAILED test_any_iter.py::test_x\n\
             note: $CARGO_HOME/registry/src/index.crates.io-1/pyo3-0.19.2/src/lib.rs:19:12\n\
             File \"$PYO3_MATRIX_CACHE/venvs/3.12-4/lib/python3.12/site-packages/_pytest/main.py\"\n\
             tmp_path = PosixPath('$TMPDIR/pytest-of-ci/pytest-2/test_x0')\n\
             see docs/compat.md and ~/.pyenv/versions/3.12.1/bin/python3.12\n\
             kept: /usr/bin/python3.12, /srv/other/x.rs, PosixPath('/tmp'), https://a/b/c"
        );
    }

    #[test]
    fn a_pattern_s_file_in_the_checkout_that_observed_it_is_its_own() {
        let portable = machine();
        assert_eq!(portable.path("/srv/old/matrix/patterns/any_iter/lib.rs"), "lib.rs");
        assert_eq!(
            portable.path("../../../srv/old/matrix/patterns/any_iter/test_any_iter.py"),
            "test_any_iter.py"
        );
        assert_eq!(
            portable.path("/srv/old/matrix/patterns/other/lib.rs"),
            "/srv/old/matrix/patterns/other/lib.rs"
        );
    }

    #[test]
    fn a_base_is_matched_at_a_component_boundary_only() {
        assert_eq!(machine().path("/home/cider/x"), "/home/cider/x");
        assert_eq!(machine().path("/home/ci/.pyenv/bin/python3"), "~/.pyenv/bin/python3");
        assert_eq!(machine().path("/srv/ci/checkout"), ".");
    }

    #[test]
    fn a_path_under_a_named_base_resolves_to_this_machine_s_folder() {
        let portable = machine();
        let log = "/home/ci/.cache/pyo3-matrix/logs/ab.log";
        assert_eq!(portable.resolve(&portable.path(log)), log);
        assert_eq!(portable.resolve("~/x/y"), "/home/ci/x/y");
        assert_eq!(portable.resolve("lib.rs"), "lib.rs");
    }

    #[test]
    fn interpreter_paths_and_every_text_of_a_results_file_are_made_portable() {
        let file = serde_json::json!({
            "schema_version": pyo3_matrix_model::SCHEMA_VERSION, "tool_version": "0", "rustc": "rustc",
            "started_unix": 0,
            "interpreters": [{"flavor": "3.12", "path": "/home/ci/.pyenv/versions/3.12.1/bin/python3.12"}],
            "results": [{"pattern": "any_iter", "pyo3": "0.23.5", "python": "3.12", "outcome": "test-fail",
                "message": "boom at /srv/ci/checkout/matrix/patterns/any_iter/lib.rs:3",
                "failure": {"test": "../../srv/ci/checkout/matrix/patterns/any_iter/test_any_iter.py::test_x",
                            "message": "see /var/tmp/pytest-of-ci/x"},
                "full_log": "/home/ci/.cache/pyo3-matrix/logs/ab.log"}]
        });
        let results: RunResults = serde_json::from_value(file).unwrap();
        let written = serde_json::to_string(&machine().results(&results)).unwrap();
        assert!(
            !written.contains("/home/ci") && !written.contains("/srv/") && !written.contains("/var/tmp"),
            "{written}"
        );
        assert!(
            written.contains("\"~/.pyenv/versions/3.12.1/bin/python3.12\""),
            "{written}"
        );
        assert!(written.contains("\"$PYO3_MATRIX_CACHE/logs/ab.log\""), "{written}");
    }
}
