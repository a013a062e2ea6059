//! What a run is made of, shared by the runner and the cells it observes: the matrix's
//! context, the interpreter columns, the subjects built in every cell, the plan that puts
//! them together, and the events a run reports while it works.

use crate::cells::Member;
use crate::interpreters::Interpreter;
use crate::scan::UserCrate;
use crate::tools::Tools;
use crate::Dirs;
use pyo3_matrix_model::{
    CellResult, Flavor, InterpreterInfo, MatrixDef, Pattern, Release, ReleaseSelector, Shard, Variant,
};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Seconds a pattern's test process may run when the pattern does not say.
pub const DEFAULT_TIMEOUT_S: u64 = 60;

/// The matrix definition and where its files and caches are.
#[derive(Debug, Clone)]
pub struct Context {
    /// `matrix/matrix.toml`, parsed.
    pub matrix: MatrixDef,
    /// The repository's `crates/cells`, where the default releases' anchors are committed.
    pub anchors: PathBuf,
    /// The user cache.
    pub dirs: Dirs,
    /// Crates the caller adds on top of every release's anchor (`check --dep rayon@1`).
    pub extra_deps: BTreeMap<String, toml::Value>,
    /// Reuse cached verdicts whose inputs are unchanged (`--no-cache` turns it off).
    pub use_cache: bool,
}

impl Context {
    /// The context of the matrix in `dir` (its `matrix.toml`; the anchors in the checkout's
    /// `crates/cells` beside it) with the user's cache, reusing cached verdicts.
    pub fn load(dir: &Path) -> anyhow::Result<Context> {
        Ok(Context {
            matrix: MatrixDef::load(&dir.join("matrix.toml"))?,
            anchors: dir.parent().unwrap_or(dir).join("crates").join("cells"),
            dirs: Dirs::from_env(),
            extra_deps: Default::default(),
            use_cache: true,
        })
    }

    /// The checkout (or unpacked catalog) that holds `matrix/` and, as `anchors` says,
    /// `crates/cells`.
    pub fn catalog_root(&self) -> PathBuf {
        self.anchors
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or_else(|| self.anchors.clone())
    }
}

/// One interpreter column: found (with the python that has pytest), or why not.
#[derive(Debug, Clone)]
pub struct Target {
    /// The flavor label the column shows.
    pub flavor: Flavor,
    /// The interpreter and its test environment, or why the column has none.
    pub found: Found,
}

/// What a column's interpreter search found.
#[derive(Debug, Clone)]
pub enum Found {
    /// The interpreter, and the python of the environment its cells' tests run in.
    Ready {
        /// The interpreter cells build against.
        interp: Interpreter,
        /// The python that runs their tests.
        test_python: PathBuf,
    },
    /// Why there is none: its cells are skipped with this reason.
    Missing(String),
}

impl Target {
    /// The column's interpreter, if it has one.
    pub fn interpreter(&self) -> Option<&Interpreter> {
        match &self.found {
            Found::Ready { interp, .. } => Some(interp),
            Found::Missing(_) => None,
        }
    }

    /// How the column is recorded in a results file's header.
    pub fn info(&self) -> InterpreterInfo {
        match &self.found {
            Found::Ready { interp: i, .. } => InterpreterInfo {
                flavor: self.flavor,
                path: Some(i.path.display().to_string()),
                version: Some(i.version.to_string()),
                note: None,
            },
            Found::Missing(why) => InterpreterInfo {
                flavor: self.flavor,
                path: None,
                version: None,
                note: Some(why.clone()),
            },
        }
    }
}

/// Something to build and test in every cell: a pattern or a user's snippet.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The crate to build.
    pub member: Member,
    /// The Python import name of what it builds: the member's name, or a twin's subject's
    /// (whose tests it runs).
    pub module: String,
    /// Its pytest file, if any.
    pub test: Option<PathBuf>,
    /// The releases it is observed at; every release when `None`.
    pub releases: Option<ReleaseSelector>,
    /// How long its tests may run.
    pub timeout: Duration,
    /// Extra cells with other settings.
    pub variants: Vec<Variant>,
    /// A user's whole crate, built from a rewritten copy instead of a generated member;
    /// such a subject is run alone.
    pub user_crate: Option<CrateSubject>,
}

/// A user's crate as a subject: how it is built and which of its tests run.
#[derive(Debug, Clone)]
pub struct CrateSubject {
    /// The crate.
    pub krate: UserCrate,
    /// The tools that build a maturin project's plain cells (`None` for a crate cargo builds).
    pub tools: Option<Tools>,
    /// The tools of each of the subject's variants (`scan --maturin`), by variant name.
    pub variant_tools: BTreeMap<String, Tools>,
    /// Run the project's own test suite (`Subject::test`, when given, runs instead).
    pub own_tests: bool,
    /// The declared dependency group its tests got, if any.
    pub test_group: Option<String>,
}

impl Subject {
    /// A catalog pattern as the runner builds and tests it.
    pub fn of_pattern(pattern: &Pattern) -> Subject {
        Subject {
            module: pattern.module().to_string(),
            member: Member {
                name: pattern.id.clone(),
                source: pattern.source.clone(),
                deps: pattern.meta.deps.clone(),
            },
            test: pattern.test.clone(),
            releases: pattern.meta.pyo3.clone(),
            timeout: Duration::from_secs(pattern.meta.timeout.unwrap_or(DEFAULT_TIMEOUT_S)),
            variants: pattern.meta.variants.clone(),
            user_crate: None,
        }
    }

    /// A user's snippet: its member, importable by its own name, and its pytest file.
    pub fn snippet(member: Member, test: Option<PathBuf>, timeout: Duration) -> Subject {
        Subject {
            module: member.name.clone(),
            member,
            test,
            releases: None,
            timeout,
            variants: Vec::new(),
            user_crate: None,
        }
    }
}

impl CrateSubject {
    /// The tools that build the cells of `variant`, or the plain cells'.
    pub fn tools_for(&self, variant: Option<&Variant>) -> Option<&Tools> {
        match variant {
            Some(v) => self.variant_tools.get(&v.name),
            None => self.tools.as_ref(),
        }
    }
}

/// What the runner reports while it works.
#[derive(Debug)]
pub enum Event<'a> {
    /// A cell starts (`index` counts from 1 up to `total`).
    CellStarted {
        /// e.g. `pyo3 0.23.5 · 3.13t`.
        label: String,
        /// Position of the cell.
        index: usize,
        /// Number of cells.
        total: usize,
    },
    /// A cell has decided every verdict it will (same `label` as its start).
    CellFinished {
        /// e.g. `pyo3 0.23.5 · 3.13t`.
        label: String,
    },
    /// Something worth a line of its own (locking, provisioning, …).
    Note(String),
    /// A verdict, and how this run reached it.
    Result {
        /// The verdict.
        result: &'a CellResult,
        /// Observed, reused from the cache, or decided up front.
        origin: Origin,
    },
}

/// How a run reached a verdict.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Origin {
    /// Built and tested in this run (or the tool failed trying).
    Observed,
    /// Reused from the result cache: none of its inputs changed.
    Cached,
    /// Decided from the plan before any build: no interpreter (`skipped`) or no release of a
    /// companion crate (`blocked`); never cached.
    UpFront,
}

/// What to run: the axes, the subjects, and how.
#[derive(Debug, Clone, Copy)]
pub struct Plan<'a> {
    /// The PyO3 axis.
    pub releases: &'a [Release],
    /// The interpreter axis.
    pub targets: &'a [Target],
    /// What to build and test in every cell.
    pub subjects: &'a [Subject],
    /// Only this part of the cells (release-major order), for CI jobs.
    pub shard: Option<Shard>,
    /// Processes at once: cargo's jobs and test processes together.
    pub jobs: usize,
    /// Separates the workspaces of different callers (the matrix, a `check`) while they
    /// share each cell's target directory.
    pub tag: &'a str,
    /// `rustc --version`, read once per run.
    pub rustc: &'a str,
}

impl Plan<'_> {
    /// The (release, target) index pairs of the cells this plan covers, in release-major
    /// order with the shard applied: the one count of a shard's cells.
    pub fn cells(&self) -> Vec<(usize, usize)> {
        let width = self.targets.len();
        (0..self.releases.len())
            .flat_map(|r| (0..width).map(move |t| (r, t)))
            .filter(|(r, t)| self.shard.is_none_or(|s| s.contains(r * width + t)))
            .collect()
    }

    /// How many verdicts the plan asks for at most: every subject and variant in every cell.
    pub fn verdicts(&self) -> usize {
        let per_cell: usize = self.subjects.iter().map(|s| 1 + s.variants.len()).sum();
        per_cell * self.cells().len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_pattern_builds_the_module_its_tests_import() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../matrix/patterns");
        let catalog = Pattern::load_all(&dir).unwrap();
        for pattern in &catalog {
            let source = std::fs::read_to_string(&pattern.source).unwrap();
            let subject = Subject::of_pattern(pattern);
            assert_eq!(
                crate::cells::module_name(&source).as_deref(),
                Some(subject.module.as_str()),
                "{}'s #[pymodule] must be named {}",
                pattern.id,
                subject.module
            );
        }
        // A twin builds a crate of its own name that imports as its subject.
        let twin = catalog
            .iter()
            .find(|p| p.meta.twin.is_some())
            .expect("the catalog has twins");
        let subject = Subject::of_pattern(twin);
        assert_ne!(subject.member.name, subject.module);
        assert!(subject
            .test
            .unwrap()
            .ends_with(format!("{0}/test_{0}.py", subject.module)));
    }
}
