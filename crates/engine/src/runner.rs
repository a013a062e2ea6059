//! Drives the matrix: for each cell, reuse what the cache already knows, build the rest in
//! one cargo invocation, test each member in its own process, and hand every verdict to the
//! caller as soon as it is decided.

use crate::build::{self, CellBuild, MemberBuild};
use crate::cache::{KeyBuilder, ResultCache};
use crate::cells::{self, Anchor, Member, Workspace};
use crate::classify::{classify, Identity, Observation};
use crate::interpreters::Interpreter;
use crate::lock::DirLock;
use crate::pytest;
use crate::scan::UserCrate;
use crate::Dirs;
use pyo3_matrix_model::{CellResult, Flavor, MatrixDef, Release, Shard, Variant};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
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

/// One interpreter column: found (with the python that has pytest), or why not.
#[derive(Debug, Clone)]
pub struct Target {
    /// The flavor label the column shows.
    pub flavor: Flavor,
    /// The interpreter and its test environment's python, or why it is missing.
    pub found: Result<(Interpreter, PathBuf), String>,
}

/// Something to build and test in every cell: a pattern or a user's snippet.
#[derive(Debug, Clone)]
pub struct Subject {
    /// The crate to build.
    pub member: Member,
    /// Its pytest file, if any.
    pub test: Option<PathBuf>,
    /// How long its tests may run.
    pub timeout: Duration,
    /// Extra cells with other settings.
    pub variants: Vec<Variant>,
    /// A user's whole crate, built from a rewritten copy instead of a generated member;
    /// such a subject is run alone.
    pub user_crate: Option<UserCrate>,
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
    /// Something worth a line of its own (locking, provisioning, …).
    Note(String),
    /// A verdict; `cached` when it was reused rather than observed in this run.
    Result {
        /// The verdict.
        result: &'a CellResult,
        /// Whether it came from the cache.
        cached: bool,
    },
}

/// One verdict still to observe in a cell.
struct Job<'s> {
    subject: &'s Subject,
    variant: Option<&'s Variant>,
    key: String,
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
    /// Test processes at once.
    pub jobs: usize,
    /// Separates the workspaces of different callers (the matrix, a `check`) while they
    /// share each cell's target directory.
    pub tag: &'a str,
}

/// Runs every subject in every (release, target) cell of the plan.
pub fn run(ctx: &Context, plan: Plan, on: &(dyn Fn(Event) + Sync)) -> Vec<CellResult> {
    let Plan {
        releases,
        targets,
        subjects,
        shard,
        jobs,
        tag,
    } = plan;
    let cache = ResultCache::new(ctx.dirs.results());
    let rustc = build::rustc_version();
    let results = Mutex::new(Vec::new());
    let emit = |r: CellResult, cached: bool| {
        on(Event::Result { result: &r, cached });
        results.lock().expect("results lock").push(r);
    };
    let in_shard = |k: usize| shard.is_none_or(|s| s.contains(k));
    let total = (0..releases.len() * targets.len()).filter(|k| in_shard(*k)).count();
    let mut index = 0;
    for (r, release) in releases.iter().enumerate() {
        let mine: Vec<&Target> = targets
            .iter()
            .enumerate()
            .filter(|(t, _)| in_shard(r * targets.len() + t))
            .map(|(_, t)| t)
            .collect();
        if mine.is_empty() {
            continue;
        }
        let mut note = |m: &str| on(Event::Note(m.to_string()));
        let anchor = cells::ensure_anchor(
            &ctx.matrix,
            release,
            &ctx.anchors,
            &ctx.dirs.cells().join("anchors"),
            &mut note,
        );
        for target in mine {
            index += 1;
            on(Event::CellStarted {
                label: format!("pyo3 {release} · {}", target.flavor),
                index,
                total,
            });
            let ident = |s: &Subject, v: Option<&Variant>| Identity {
                pattern: s.member.name.clone(),
                pyo3: release.to_string(),
                python: target.flavor.to_string(),
                variant: v.map(|v| v.name.clone()),
            };
            // The tool's own failure becomes an `error` verdict for everything it touched.
            let fail_all = |pairs: &mut dyn Iterator<Item = (&Subject, Option<&Variant>)>, e: &anyhow::Error| {
                let obs = Observation::ToolFailure {
                    message: format!("{e:#}"),
                };
                pairs.for_each(|(s, v)| emit(classify(ident(s, v), &obs), false));
            };
            let everything = || {
                subjects.iter().flat_map(|s| {
                    std::iter::once(None)
                        .chain(s.variants.iter().filter(|v| v.applies_to(release)).map(Some))
                        .map(move |v| (s, v))
                })
            };
            let (interp, test_python, anchor) = match (&target.found, &anchor) {
                (Err(note), _) => {
                    let obs = Observation::NoInterpreter { note: note.clone() };
                    everything().for_each(|(s, v)| emit(classify(ident(s, v), &obs), false));
                    continue;
                }
                (_, Err(e)) => {
                    fail_all(&mut everything(), e);
                    continue;
                }
                (Ok((interp, py)), Ok(anchor)) => (interp, py, anchor),
            };
            let cell_key = cell_key(ctx, &rustc, release, interp, anchor);
            let mut todo = Vec::new();
            for (subject, variant) in everything() {
                // A member this release cannot provide a dependency for is blocked up front:
                // one unresolvable member would otherwise fail the whole workspace.
                let available = |d: &String| anchor.dependencies.contains_key(d) || ctx.extra_deps.contains_key(d);
                if let Some(missing) = subject.member.deps.iter().find(|d| !available(d)) {
                    let obs = Observation::NoCompanion { name: missing.clone() };
                    emit(classify(ident(subject, variant), &obs), false);
                    continue;
                }
                let key = job_key(&cell_key, subject, variant);
                match cache.get(&key).filter(|_| ctx.use_cache) {
                    Some(hit) => emit(hit, true),
                    None => todo.push(Job { subject, variant, key }),
                }
            }
            let cell_dir = ctx
                .dirs
                .cells()
                .join(release.to_string())
                .join(target.flavor.to_string());
            for (variant, group) in by_variant(todo) {
                let suffix = variant.map(|v| format!("-{}", v.name)).unwrap_or_default();
                let members: Vec<Member> = group.iter().map(|j| j.subject.member.clone()).collect();
                let names: BTreeSet<String> = members.iter().map(|m| m.name.clone()).collect();
                let env: Vec<(String, String)> =
                    variant.map(|v| v.env.clone().into_iter().collect()).unwrap_or_default();
                let ws_dir = cell_dir.join(format!("ws-{tag}{suffix}"));
                let user_crate = group.first().and_then(|j| j.subject.user_crate.as_ref());
                // A user's crate has its own dependency set: its own target keeps the cell's warm.
                let target_dir = match user_crate {
                    Some(_) => cell_dir.join(format!("target-{tag}")),
                    None => cell_dir.join(format!("target{suffix}")),
                };
                // Another run sharing this cache waits here rather than rewriting our workspace.
                let prepared = DirLock::acquire(&cell_dir).and_then(|lock| {
                    let ws = match user_crate {
                        Some(krate) => {
                            krate.copy_for(&ctx.matrix, release, &ws_dir)?;
                            Workspace {
                                dir: ws_dir.clone(),
                                target: target_dir.clone(),
                            }
                        }
                        None => {
                            cells::write_workspace(&ws_dir, &target_dir, anchor, &ctx.extra_deps, &members, variant)?
                        }
                    };
                    Ok((lock, build::build(&ws, &interp.path, &env, &names)?))
                });
                let (_lock, cell) = match prepared {
                    Ok(done) => done,
                    Err(e) => {
                        fail_all(&mut group.iter().map(|j| (j.subject, variant)), &e);
                        continue;
                    }
                };
                let work_root = cell_dir.join(format!("runs-{tag}{suffix}"));
                test_all(
                    &group,
                    &cell,
                    interp,
                    test_python,
                    &work_root,
                    jobs,
                    &|job, member, test| {
                        let id = ident(job.subject, variant);
                        let result = match test {
                            Ok(test) => classify(
                                id,
                                &Observation::Built {
                                    cell: &cell,
                                    member,
                                    test: test.as_ref(),
                                },
                            ),
                            Err(message) => classify(id, &Observation::ToolFailure { message }),
                        };
                        if let Err(e) = cache.put(&job.key, &result) {
                            on(Event::Note(format!("warning: {e:#}")));
                        }
                        emit(result, false);
                    },
                );
            }
        }
    }
    results.into_inner().expect("results lock")
}

/// Hashes what every verdict of a cell shares.
fn cell_key(ctx: &Context, rustc: &str, release: &Release, interp: &Interpreter, anchor: &Anchor) -> KeyBuilder {
    KeyBuilder::default()
        .text("tool", env!("CARGO_PKG_VERSION"))
        .text("rustc", rustc)
        .text("pyo3", &release.to_string())
        .file("lockfile", Some(&anchor.lockfile()))
        .text("dependencies", &format!("{:?}", anchor.dependencies))
        .text("extra", &format!("{:?}", ctx.extra_deps))
        .text(
            "python",
            &format!(
                "{}|{}|{}|{}",
                interp.path.display(),
                interp.version,
                interp.flavor,
                interp.ext_suffix
            ),
        )
}

/// Adds what belongs to one verdict to the cell's key.
fn job_key(cell: &KeyBuilder, subject: &Subject, variant: Option<&Variant>) -> String {
    cell.clone()
        .text("member", &subject.member.name)
        .file("source", Some(&subject.member.source))
        .tree("crate", subject.user_crate.as_ref().map(|k| k.dir.as_path()))
        .text("deps", &subject.member.deps.join(","))
        .file("test", subject.test.as_deref())
        .text("timeout", &subject.timeout.as_secs().to_string())
        .text("variant", &format!("{variant:?}"))
        .finish()
}

/// Groups jobs by variant (the plain cell first), one cargo invocation each.
fn by_variant<'s>(jobs: Vec<Job<'s>>) -> Vec<(Option<&'s Variant>, Vec<Job<'s>>)> {
    let mut groups: BTreeMap<String, (Option<&'s Variant>, Vec<Job<'s>>)> = BTreeMap::new();
    for job in jobs {
        // Variants are told apart by their settings, not only their names.
        let key = job
            .variant
            .map(|v| format!("{}|{:?}|{:?}", v.name, v.features, v.env))
            .unwrap_or_default();
        groups
            .entry(key)
            .or_insert_with(|| (job.variant, Vec::new()))
            .1
            .push(job);
    }
    groups.into_values().collect()
}

/// A subject's tests: run (`Some`), not run because nothing was built or there are none
/// (`None`), or the tool failed to run them (`Err`).
type TestAttempt = Result<Option<pytest::TestRun>, String>;

/// Tests every built job of a cell, `jobs` processes at a time, calling `done` for each.
fn test_all(
    group: &[Job],
    cell: &CellBuild,
    interp: &Interpreter,
    test_python: &Path,
    work_root: &Path,
    jobs: usize,
    done: &(dyn Fn(&Job, &MemberBuild, TestAttempt) + Sync),
) {
    let queue = Mutex::new(group.iter().collect::<Vec<_>>());
    let empty = MemberBuild::default();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let Some(job) = queue.lock().expect("queue lock").pop() else {
                    break;
                };
                let subject = job.subject;
                let member = cell.members.get(&subject.member.name).unwrap_or(&empty);
                let run = match (&member.artifact, &subject.test) {
                    (Some(artifact), Some(test)) if member.diagnostics.iter().all(|d| d.level != "error") => {
                        run_tests(subject, artifact, test, interp, test_python, work_root).map(Some)
                    }
                    _ => Ok(None),
                };
                done(job, member, run);
            });
        }
    });
}

/// Installs the built module where only its own test process sees it, then runs pytest.
fn run_tests(
    subject: &Subject,
    artifact: &Path,
    test: &Path,
    interp: &Interpreter,
    test_python: &Path,
    work_root: &Path,
) -> Result<pytest::TestRun, String> {
    let attempt = || -> anyhow::Result<pytest::TestRun> {
        let work = work_root.join(&subject.member.name);
        if work.exists() {
            std::fs::remove_dir_all(&work)?;
        }
        let module_dir = work.join("modules");
        std::fs::create_dir_all(&module_dir)?;
        let module = module_dir.join(format!("{}{}", subject.member.name, interp.ext_suffix));
        std::fs::copy(artifact, &module)?;
        pytest::run(test_python, test, &module_dir, subject.timeout, &work.join("run"))
    };
    attempt().map_err(|e| format!("cannot run the tests of {}: {e:#}", subject.member.name))
}
