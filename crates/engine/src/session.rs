//! The engine's one entry point: a run described once (the releases, the interpreter
//! columns, the subjects, which shard), observed by the [`runner`](crate::runner) and handed
//! back as a results file's worth: its header and its verdicts in table order. `run`,
//! `check`, `scan` and `bisect` all come through here.

use crate::build;
use crate::plan::{Context, Event, Plan, Subject, Target};
use crate::portable::Portable;
use crate::runner;
use anyhow::Result;
use pyo3_matrix_model::{CellResult, Release, RunResults, Shard, SCHEMA_VERSION};
use std::time::{SystemTime, UNIX_EPOCH};

/// A run: what to observe, where, and how.
#[derive(Debug, Clone)]
pub struct Session {
    /// The matrix and the caches.
    pub ctx: Context,
    /// The PyO3 axis.
    pub releases: Vec<Release>,
    /// The interpreter axis.
    pub targets: Vec<Target>,
    /// What to build and test in every cell.
    pub subjects: Vec<Subject>,
    /// Only this part of the cells, for CI jobs.
    pub shard: Option<Shard>,
    /// Processes at once: cargo's jobs and test processes together.
    pub jobs: usize,
    /// Separates this caller's workspaces from others' in the shared cells.
    pub tag: String,
    /// The maturin that builds the subjects, as the results header records it.
    pub maturin: Option<String>,
    /// `rustc --version`: the header records it and every verdict's cache key holds it.
    rustc: String,
    started_unix: u64,
}

impl Session {
    /// A session over every cell of `releases` x `targets`, on every core; it starts now.
    pub fn new(
        ctx: Context,
        releases: Vec<Release>,
        targets: Vec<Target>,
        subjects: Vec<Subject>,
        tag: impl Into<String>,
    ) -> Session {
        let started_unix = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Session {
            ctx,
            releases,
            targets,
            subjects,
            shard: None,
            jobs: crate::slots::cores(),
            tag: tag.into(),
            maturin: None,
            rustc: build::rustc_version(),
            started_unix,
        }
    }

    /// The runner's view of the session.
    pub fn plan(&self) -> Plan<'_> {
        Plan {
            releases: &self.releases,
            targets: &self.targets,
            subjects: &self.subjects,
            shard: self.shard,
            jobs: self.jobs,
            tag: &self.tag,
            rustc: &self.rustc,
        }
    }

    /// The results file this session writes, still without verdicts: a run that is
    /// interrupted writes what it has under the same header.
    pub fn header(&self) -> RunResults {
        RunResults {
            schema_version: SCHEMA_VERSION,
            tool_version: env!("CARGO_PKG_VERSION").into(),
            tool_build: Some(crate::BUILD_IDENTITY.into()),
            rustc: self.rustc.clone(),
            maturin: self.maturin.clone(),
            started_unix: self.started_unix,
            releases: self.releases.clone(),
            interpreters: self.targets.iter().map(Target::info).collect(),
            results: Vec::new(),
        }
    }

    /// Observes every verdict of the session, reporting each as it is decided; the results
    /// come back in the order the tables read (pattern, release, interpreter, variant).
    pub fn run(&self, on: &(dyn Fn(Event) + Sync)) -> Result<RunResults> {
        let mut results = self.header();
        results.results = runner::run(&self.ctx, self.plan(), on)?;
        results.sort();
        Ok(results)
    }

    /// The same session at one release alone (a bisection's step).
    pub fn at(&self, release: &Release) -> Session {
        Session {
            releases: vec![release.clone()],
            shard: None,
            ..self.clone()
        }
    }

    /// How this session's results are written to a file: naming no path of this machine.
    pub fn portable(&self) -> Portable {
        Portable::of(&self.ctx, &self.subjects)
    }

    /// The verdicts alone, in table order.
    pub fn verdicts(&self, on: &(dyn Fn(Event) + Sync)) -> Result<Vec<CellResult>> {
        Ok(self.run(on)?.results)
    }
}
