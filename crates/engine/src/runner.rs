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
use crate::plan::{Context, Event, Found, Origin, Plan, Subject, Target};
use crate::portable::Portable;
use crate::pytest;
use crate::seed;
use crate::slots::Slots;
use anyhow::Result;
use pyo3_matrix_model::{CellId, CellResult, Flavor, Release, ReleaseSelector, Variant};
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
    slots: Slots,
    on: &'a (dyn Fn(Event) + Sync),
    results: Mutex<Vec<CellResult>>,
    /// How verdicts name paths.
    portable: Portable,
}

impl Shared<'_> {
    /// Stores a verdict this run observed under `key`, then hands it on. It is stored naming
    /// no path of this machine ([`Portable`]): its key is its content, so the same pattern in
    /// another checkout, or in another unpacked catalog, reuses it.
    fn observed(&self, key: &str, result: CellResult) {
        let result = self.portable.result(&result);
        if let Err(e) = self.cache.put(key, &result) {
            (self.on)(Event::Note(format!("warning: {e:#}")));
        }
        self.emit(result, Origin::Observed);
    }

    /// Hands a verdict on, naming no path of this machine (also one cached before verdicts
    /// were stored so).
    fn emit(&self, result: CellResult, origin: Origin) {
        let result = self.portable.result(&result);
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
        slots: Slots::new(plan.jobs)?,
        on,
        results: Mutex::new(Vec::new()),
        portable: Portable::of(ctx, plan.subjects),
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

/// Builds and tests everything one cell still has to observe: verdicts decided up front,
/// then the cache, then a user's crate by its own route, then one workspace per variant.
fn run_cell(shared: &Shared, cell: &Cell) {
    let Cell { release, target, .. } = cell;
    (shared.on)(Event::CellStarted {
        label: cell_label(release, target.flavor),
        index: cell.index,
        total: shared.total,
    });
    let observing = Observing {
        shared,
        release,
        flavor: target.flavor,
    };
    let (interp, test_python, anchor) = match (&target.found, cell.anchor) {
        (Found::Missing(note), _) => {
            let obs = Observation::NoInterpreter { note: note.clone() };
            observing.everything().for_each(|(s, v)| observing.up_front(s, v, &obs));
            return;
        }
        (_, Err(e)) => return observing.fail(observing.everything(), e),
        (Found::Ready { interp, test_python }, Ok(anchor)) => (interp, test_python.as_path(), anchor),
    };
    let ready = Ready {
        observing,
        interp,
        test_python,
        anchor,
        dir: CellDir::of(&shared.ctx.dirs, release, target.flavor),
    };
    let todo = ready.not_yet_known();
    let (crate_jobs, todo): (Vec<Job>, Vec<Job>) = todo.into_iter().partition(|j| j.subject.user_crate.is_some());
    crate_jobs.iter().for_each(|job| ready.observe_crate(job));
    for (variant, group) in by_variant(todo) {
        ready.observe_group(variant, &group);
    }
}

/// A cell whose verdicts are being decided, before anything is known of its interpreter.
struct Observing<'a> {
    shared: &'a Shared<'a>,
    release: &'a Release,
    flavor: Flavor,
}

impl Observing<'_> {
    /// The cell id of `subject` (and `variant`) here.
    fn ident(&self, subject: &Subject, variant: Option<&Variant>) -> CellId {
        CellId::plain(subject.member.name.clone(), self.release.clone(), self.flavor)
            .with_variant(variant.map(|v| v.name.as_str()))
    }

    /// Every (subject, variant) the cell decides: each subject plain, and each of its
    /// variants that applies to the release.
    fn everything(&self) -> impl Iterator<Item = (&Subject, Option<&Variant>)> + '_ {
        let observed = |s: &&Subject| ReleaseSelector::admits_unless_absent(s.releases.as_ref(), self.release);
        self.shared.plan.subjects.iter().filter(observed).flat_map(move |s| {
            std::iter::once(None)
                .chain(s.variants.iter().filter(|v| v.applies_to(self.release)).map(Some))
                .map(move |v| (s, v))
        })
    }

    /// A verdict decided before any build.
    fn up_front(&self, subject: &Subject, variant: Option<&Variant>, obs: &Observation) {
        self.shared
            .emit(classify(self.ident(subject, variant), obs), Origin::UpFront);
    }

    /// The tool's own failure: an `error` verdict for everything it touched.
    fn fail<'s>(&self, pairs: impl Iterator<Item = (&'s Subject, Option<&'s Variant>)>, e: &anyhow::Error) {
        let obs = Observation::ToolFailure {
            message: format!("{e:#}"),
        };
        pairs.for_each(|(s, v)| self.shared.emit(classify(self.ident(s, v), &obs), Origin::Observed));
    }
}

/// A cell with its interpreter, test environment and anchor: ready to build.
struct Ready<'a> {
    observing: Observing<'a>,
    interp: &'a Interpreter,
    test_python: &'a Path,
    anchor: &'a Anchor,
    dir: CellDir,
}

impl Ready<'_> {
    /// The jobs still to observe: a member whose dependency this release lacks is blocked
    /// up front and a verdict whose inputs are unchanged comes from the cache.
    fn not_yet_known(&self) -> Vec<Job<'_>> {
        let Shared { ctx, plan, cache, .. } = self.observing.shared;
        let cell_key = cell_key(
            ctx,
            plan.rustc,
            self.observing.release,
            (self.interp, self.test_python),
            self.anchor,
        );
        let mut todo = Vec::new();
        for (subject, variant) in self.observing.everything() {
            if let Some(missing) = self.anchor.missing_dependency(&subject.member, &ctx.extra_deps) {
                let obs = Observation::NoCompanion { name: missing.clone() };
                self.observing.up_front(subject, variant, &obs);
                continue;
            }
            let key = job_key(&cell_key, subject, variant);
            match cache.get(&key).filter(|_| ctx.use_cache) {
                Some(hit) => self.observing.shared.emit(hit, Origin::Cached),
                None => todo.push(Job { subject, variant, key }),
            }
        }
        todo
    }

    /// A user's crate, built and tested by its own route.
    fn observe_crate(&self, job: &Job) {
        let shared = self.observing.shared;
        let cell = crate_cell::CrateCell {
            ctx: shared.ctx,
            release: self.observing.release,
            cell_dir: &self.dir,
            tag: shared.plan.tag,
            interp: self.interp,
            test_python: self.test_python,
            slots: &shared.slots,
        };
        let user = job.subject.user_crate.as_ref().expect("a crate subject");
        let result = crate_cell::observe(&cell, job.subject, user, job.variant, &job.key).unwrap_or_else(|e| {
            let obs = Observation::ToolFailure {
                message: format!("{e:#}"),
            };
            classify(self.observing.ident(job.subject, job.variant), &obs)
        });
        shared.observed(&job.key, result);
    }

    /// The members of one variant (or the plain cell): one workspace, one build, then each
    /// member's tests.
    fn observe_group(&self, variant: Option<&Variant>, group: &[Job]) {
        let shared = self.observing.shared;
        // Another run sharing this cache waits at the lock rather than rewriting our workspace.
        let (_lock, built) = match self.dir.lock().and_then(|lock| Ok((lock, self.build(variant, group)?))) {
            Ok(done) => done,
            Err(e) => return self.observing.fail(group.iter().map(|j| (j.subject, variant)), &e),
        };
        let work_root = self.dir.runs(shared.plan.tag, variant);
        let tested = |job: &Job, member: &MemberBuild, test: TestAttempt| {
            let id = self.observing.ident(job.subject, variant);
            let result = match test {
                Ok(test) => classify(
                    id,
                    &Observation::Built {
                        cell: &built,
                        member,
                        test: test.as_ref(),
                        packaging: None,
                        dependency_hint: None,
                    },
                ),
                Err(message) => classify(id, &Observation::ToolFailure { message }),
            };
            shared.observed(&job.key, result);
        };
        let env = TestEnv {
            interp: self.interp,
            test_python: self.test_python,
            work_root: &work_root,
            slots: &shared.slots,
        };
        test_all(group, &built, &env, &tested);
    }

    /// Writes the group's workspace, starts its target from another where it may, and
    /// builds every member in one cargo invocation (the caller holds the cell's lock).
    fn build(&self, variant: Option<&Variant>, group: &[Job]) -> Result<CellBuild> {
        let Shared { ctx, plan, slots, .. } = self.observing.shared;
        let mut members: Vec<Member> = group.iter().map(|j| j.subject.member.clone()).collect();
        let names: BTreeSet<String> = members.iter().map(|m| m.name.clone()).collect();
        let env: Vec<(String, String)> = variant.map(|v| v.env.clone().into_iter().collect()).unwrap_or_default();
        let target_dir = self.dir.target(&env);
        let unifying = shared_deps(ctx, self.anchor, plan.subjects, variant.is_some(), &members);
        members.extend(cells::Member::shared_deps(self.dir.path(), unifying)?);
        let ws_dir = self.dir.workspace(plan.tag, variant);
        let ws = cells::write_workspace(&ws_dir, &target_dir, self.anchor, &ctx.extra_deps, &members, variant)?;
        let seeded = match seed::can_seed(&env) {
            true => seed::seed_target(&self.dir, &target_dir, &ws.dir.join("Cargo.toml"), slots)?,
            false => Duration::ZERO,
        };
        let mut built = build::build(&ws, &self.interp.path, &env, build::Members::Named(&names), slots)?;
        // Starting the target is part of building the cell's dependencies.
        built.seconds += seeded.as_secs_f64();
        built.dependencies_seconds += seeded.as_secs_f64();
        Ok(built)
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
    let member = cell.clone().text("member", &subject.member.name);
    // Only a twin imports another name than its member's: every other key stays as it was.
    let member = match subject.module == subject.member.name {
        true => member,
        false => member.text("module", &subject.module),
    };
    member
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
            let module = module_dir.join(format!("{}{}", subject.module, env.interp.ext_suffix));
            std::fs::copy(artifact, &module)?;
        }
        let slot = env.slots.acquire()?;
        let tests = pytest::Tests::File(test.to_path_buf());
        host.run(&tests, &module_dir, subject.timeout, &work.join("run"), slot)
    };
    attempt().map_err(|e| format!("cannot run the tests of {}: {e:#}", subject.member.name))
}
