//! Drives the matrix: for each cell, reuse what the cache already knows, build the rest in
//! one cargo invocation, test each member in its own process, and hand every verdict to the
//! caller as soon as it is decided.

use crate::build::{self, CellBuild, MemberBuild};
use crate::cache::{KeyBuilder, ResultCache};
use crate::cell_dir::CellDir;
use crate::cells::{self, Anchor, Member};
use crate::classify::{classify, Observation};
use crate::crate_cell;
use crate::interpreters::Interpreter;
use crate::plan::{Context, Event, Origin, Plan, Subject, Target};
use crate::pytest;
use crate::seed;
use crate::slots::Slots;
use anyhow::Result;
use pyo3_matrix_model::{CellId, CellResult, Flavor, Release, Variant};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::Mutex;
use std::time::Duration;

/// One verdict still to observe in a cell.
struct Job<'s> {
    subject: &'s Subject,
    variant: Option<&'s Variant>,
    key: String,
}

/// One (release, interpreter) cell of the plan.
struct Cell<'p> {
    release: &'p Release,
    target: &'p Target,
    anchor: &'p Result<Anchor>,
    index: usize,
}

/// What every cell of one run shares.
struct Shared<'a> {
    ctx: &'a Context,
    plan: Plan<'a>,
    total: usize,
    cache: ResultCache,
    rustc: String,
    slots: Slots,
    on: &'a (dyn Fn(Event) + Sync),
    results: Mutex<Vec<CellResult>>,
}

impl Shared<'_> {
    /// Stores a verdict this run observed under `key`, then hands it on.
    fn observed(&self, key: &str, result: CellResult) {
        if let Err(e) = self.cache.put(key, &result) {
            (self.on)(Event::Note(format!("warning: {e:#}")));
        }
        self.emit(result, Origin::Observed);
    }

    fn emit(&self, result: CellResult, origin: Origin) {
        (self.on)(Event::Result {
            result: &result,
            origin,
        });
        self.results.lock().expect("results lock").push(result);
    }
}

/// Runs every subject in every (release, target) cell of the plan.
///
/// Cells are worked on side by side, as many as the plan has jobs, so one cell's tests run
/// while the next one builds; cargo's jobs and the test processes all draw from one pool
/// of `plan.jobs` slots.
pub fn run(ctx: &Context, plan: Plan, on: &(dyn Fn(Event) + Sync)) -> Result<Vec<CellResult>> {
    let wanted = plan.cells();
    let mut note = |m: &str| on(Event::Note(m.to_string()));
    // Anchors first, one release at a time: cells of one release share theirs.
    let anchors: BTreeMap<usize, Result<Anchor>> = wanted
        .iter()
        .map(|(r, _)| *r)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|r| {
            let release = &plan.releases[r];
            let dir = ctx.dirs.anchors();
            (
                r,
                cells::ensure_anchor(&ctx.matrix, release, &ctx.anchors, &dir, &mut note),
            )
        })
        .collect();
    // Interpreter by interpreter: a release's later interpreters start their targets from its
    // first one's (`seed`), which by then has long been built rather than being waited for.
    let mut order = wanted.clone();
    order.sort_by_key(|&(r, t)| (t, r));
    let queue: Vec<Cell> = order
        .iter()
        .enumerate()
        .map(|(i, (r, t))| Cell {
            release: &plan.releases[*r],
            target: &plan.targets[*t],
            anchor: &anchors[r],
            index: i + 1,
        })
        .rev()
        .collect();
    let shared = Shared {
        ctx,
        plan,
        total: queue.len(),
        cache: ResultCache::new(ctx.dirs.results()),
        rustc: build::rustc_version(),
        slots: Slots::new(plan.jobs)?,
        on,
        results: Mutex::new(Vec::new()),
    };
    let queue = Mutex::new(queue);
    std::thread::scope(|scope| {
        for _ in 0..shared.slots.count().min(shared.total) {
            scope.spawn(|| {
                while let Some(cell) = take(&queue) {
                    run_cell(&shared, &cell);
                    (shared.on)(Event::CellFinished {
                        label: cell_label(cell.release, cell.target.flavor),
                    });
                }
            });
        }
    });
    Ok(shared.results.into_inner().expect("results lock"))
}

/// How a cell is named to a person, e.g. `pyo3 0.23.5 · 3.13t`; a result's cell is
/// `cell_label(&result.id.pyo3, result.id.python)`.
pub fn cell_label(pyo3: &Release, python: Flavor) -> String {
    format!("pyo3 {pyo3} · {python}")
}

/// The next item of a work queue. The lock is released before the item is worked on (a
/// `while let` on the lock itself would hold it through the loop's body).
fn take<T>(queue: &Mutex<Vec<T>>) -> Option<T> {
    queue.lock().expect("queue lock").pop()
}

/// Builds and tests everything one cell still has to observe.
fn run_cell(shared: &Shared, cell: &Cell) {
    let Shared { ctx, plan, .. } = shared;
    let Cell { release, target, .. } = cell;
    (shared.on)(Event::CellStarted {
        label: cell_label(release, target.flavor),
        index: cell.index,
        total: shared.total,
    });
    let ident = |s: &Subject, v: Option<&Variant>| {
        CellId::plain(s.member.name.clone(), (*release).clone(), target.flavor).with_variant(v.map(|v| v.name.as_str()))
    };
    // The tool's own failure becomes an `error` verdict for everything it touched.
    let fail_all = |pairs: &mut dyn Iterator<Item = (&Subject, Option<&Variant>)>, e: &anyhow::Error| {
        let obs = Observation::ToolFailure {
            message: format!("{e:#}"),
        };
        pairs.for_each(|(s, v)| shared.emit(classify(ident(s, v), &obs), Origin::Observed));
    };
    let everything = || {
        plan.subjects.iter().flat_map(|s| {
            std::iter::once(None)
                .chain(s.variants.iter().filter(|v| v.applies_to(release)).map(Some))
                .map(move |v| (s, v))
        })
    };
    let (interp, test_python, anchor) = match (&target.found, cell.anchor) {
        (Err(note), _) => {
            let obs = Observation::NoInterpreter { note: note.clone() };
            everything().for_each(|(s, v)| shared.emit(classify(ident(s, v), &obs), Origin::UpFront));
            return;
        }
        (_, Err(e)) => return fail_all(&mut everything(), e),
        (Ok((interp, py)), Ok(anchor)) => (interp, py, anchor),
    };
    let cell_key = cell_key(ctx, &shared.rustc, release, (interp, test_python), anchor);
    let mut todo = Vec::new();
    for (subject, variant) in everything() {
        if let Some(missing) = anchor.missing_dependency(&subject.member, &ctx.extra_deps) {
            let obs = Observation::NoCompanion { name: missing.clone() };
            shared.emit(classify(ident(subject, variant), &obs), Origin::UpFront);
            continue;
        }
        let key = job_key(&cell_key, subject, variant);
        match shared.cache.get(&key).filter(|_| ctx.use_cache) {
            Some(hit) => shared.emit(hit, Origin::Cached),
            None => todo.push(Job { subject, variant, key }),
        }
    }
    let cell_dir = CellDir::of(&ctx.dirs, release, target.flavor);
    let tag = plan.tag;
    let crate_cell = crate_cell::CrateCell {
        ctx,
        release,
        cell_dir: &cell_dir,
        tag,
        interp,
        test_python,
        slots: &shared.slots,
    };
    let (crate_jobs, todo): (Vec<Job>, Vec<Job>) = todo.into_iter().partition(|j| j.subject.user_crate.is_some());
    for job in crate_jobs {
        let user = job.subject.user_crate.as_ref().expect("a crate subject");
        let result = crate_cell::observe(&crate_cell, job.subject, user, job.variant, &job.key);
        let result = result.unwrap_or_else(|e| {
            classify(
                ident(job.subject, job.variant),
                &Observation::ToolFailure {
                    message: format!("{e:#}"),
                },
            )
        });
        shared.observed(&job.key, result);
    }
    for (variant, group) in by_variant(todo) {
        let members: Vec<Member> = group.iter().map(|j| j.subject.member.clone()).collect();
        let names: BTreeSet<String> = members.iter().map(|m| m.name.clone()).collect();
        let env: Vec<(String, String)> = variant.map(|v| v.env.clone().into_iter().collect()).unwrap_or_default();
        let ws_dir = cell_dir.workspace(tag, variant);
        let target_dir = cell_dir.target(&env);
        // Another run sharing this cache waits here rather than rewriting our workspace.
        let prepared = cell_dir.lock().and_then(|lock| {
            let mut members = members.clone();
            let unifying = shared_deps(ctx, anchor, plan.subjects, variant.is_some(), &members);
            members.extend(cells::Member::shared_deps(cell_dir.path(), unifying)?);
            let ws = cells::write_workspace(&ws_dir, &target_dir, anchor, &ctx.extra_deps, &members, variant)?;
            let seeded = match seed::can_seed(&env) {
                true => seed::seed_target(&cell_dir, &target_dir, &ws.dir.join("Cargo.toml"), &shared.slots)?,
                false => Duration::ZERO,
            };
            let mut built = build::build(&ws, &interp.path, &env, build::Members::Named(&names), &shared.slots)?;
            // Starting the target is part of building the cell's dependencies.
            built.seconds += seeded.as_secs_f64();
            built.dependencies_seconds += seeded.as_secs_f64();
            Ok((lock, built))
        });
        let (_lock, built) = match prepared {
            Ok(done) => done,
            Err(e) => {
                fail_all(&mut group.iter().map(|j| (j.subject, variant)), &e);
                continue;
            }
        };
        let work_root = cell_dir.runs(tag, variant);
        let tested = |job: &Job, member: &MemberBuild, test: TestAttempt| {
            let id = ident(job.subject, variant);
            let result = match test {
                Ok(test) => classify(
                    id,
                    &Observation::Built {
                        cell: &built,
                        member,
                        test: test.as_ref(),
                        packaging: None,
                    },
                ),
                Err(message) => classify(id, &Observation::ToolFailure { message }),
            };
            shared.observed(&job.key, result);
        };
        let env = TestEnv {
            interp,
            test_python,
            work_root: &work_root,
            slots: &shared.slots,
        };
        test_all(&group, &built, &env, &tested);
    }
}

/// The crates a cell's workspace must depend on beside its `members`' own, so that a
/// workspace holding only some of the plan's subjects (a rerun of what changed, a variant)
/// resolves the crates they share with PyO3 (syn, …) like the workspace of all of them and
/// reuses the builds already in the target: every dependency of the plan's subjects that
/// this release has. A variant's workspace leaves out the crates built on PyO3 (numpy, …),
/// which would be rebuilt against the variant's PyO3 for nothing; the rest (`rayon`,
/// `tokio`, …: the matrix's own dependencies) are enough there.
fn shared_deps(ctx: &Context, anchor: &Anchor, subjects: &[Subject], variant: bool, members: &[Member]) -> Vec<String> {
    let has = |d: &String| anchor.dependencies.contains_key(d) || ctx.extra_deps.contains_key(d);
    let wanted = |d: &String| has(d) && (!variant || ctx.matrix.dependencies.contains_key(d));
    let present: BTreeSet<&String> = members.iter().flat_map(|m| &m.deps).collect();
    let missing: BTreeSet<&String> = subjects
        .iter()
        .flat_map(|s| &s.member.deps)
        .filter(|d| wanted(d) && !present.contains(d))
        .collect();
    missing.into_iter().cloned().collect()
}

/// Hashes what every verdict of a cell shares, the engine's code that decides it first.
fn cell_key(
    ctx: &Context,
    rustc: &str,
    release: &Release,
    (interp, test_python): (&Interpreter, &Path),
    anchor: &Anchor,
) -> KeyBuilder {
    KeyBuilder::default()
        .text("engine", crate::BUILD_IDENTITY)
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
        // The environment the tests run in (the catalog's, or a project's own test
        // dependencies): its directory is named after what it holds.
        .text("test environment", &test_python.display().to_string())
}

/// Adds what belongs to one verdict to the cell's key.
fn job_key(cell: &KeyBuilder, subject: &Subject, variant: Option<&Variant>) -> String {
    cell.clone()
        .text("member", &subject.member.name)
        .file("source", Some(&subject.member.source))
        .tree("crate", subject.user_crate.as_ref().map(|c| c.krate.root.as_path()))
        .text(
            "crate build",
            &subject
                .user_crate
                .as_ref()
                .map(|c| format!("{:?}|{}", c.tools_for(variant).map(|t| &t.maturin_version), c.own_tests))
                .unwrap_or_default(),
        )
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

/// Where and with what a cell's tests run.
struct TestEnv<'a> {
    interp: &'a Interpreter,
    test_python: &'a Path,
    work_root: &'a Path,
    slots: &'a Slots,
}

/// Tests every built job of a cell, one process per slot it gets, calling `done` for each.
/// Each worker forks its test processes from a test host of its own.
fn test_all(group: &[Job], cell: &CellBuild, env: &TestEnv, done: &(dyn Fn(&Job, &MemberBuild, TestAttempt) + Sync)) {
    let queue = Mutex::new(group.iter().collect::<Vec<_>>());
    let empty = MemberBuild::default();
    std::thread::scope(|scope| {
        for worker in 0..env.slots.count() {
            let (queue, empty) = (&queue, &empty);
            scope.spawn(move || {
                let mut host = pytest::TestHost::new(env.test_python, &env.work_root.join(format!(".host-{worker}")));
                while let Some(job) = take(queue) {
                    let subject = job.subject;
                    let member = cell.members.get(&subject.member.name).unwrap_or(empty);
                    let run = match &subject.test {
                        Some(test) if member.built_module() => {
                            run_tests(subject, member.artifact.as_deref(), test, env, &mut host).map(Some)
                        }
                        _ => Ok(None),
                    };
                    done(job, member, run);
                }
            });
        }
    });
}

/// Installs the built module (if the build made one) where only its own test process sees
/// it, then runs pytest once a slot is free.
fn run_tests(
    subject: &Subject,
    artifact: Option<&Path>,
    test: &Path,
    env: &TestEnv,
    host: &mut pytest::TestHost,
) -> Result<pytest::TestRun, String> {
    let mut attempt = || -> anyhow::Result<pytest::TestRun> {
        let work = env.work_root.join(&subject.member.name);
        if work.exists() {
            std::fs::remove_dir_all(&work)?;
        }
        let module_dir = work.join("modules");
        std::fs::create_dir_all(&module_dir)?;
        if let Some(artifact) = artifact {
            let module = module_dir.join(format!("{}{}", subject.member.name, env.interp.ext_suffix));
            std::fs::copy(artifact, &module)?;
        }
        let slot = env.slots.acquire()?;
        let tests = pytest::Tests::File(test.to_path_buf());
        host.run(&tests, &module_dir, subject.timeout, &work.join("run"), slot)
    };
    attempt().map_err(|e| format!("cannot run the tests of {}: {e:#}", subject.member.name))
}
