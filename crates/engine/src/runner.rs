//! Drives the matrix: for each cell, build all members once, then test each in its own
//! process, and hand every verdict to the caller as soon as it is decided.

use crate::build::{self, CellBuild, MemberBuild};
use crate::cells::{self, Member};
use crate::classify::{classify, Identity, Observation};
use crate::interpreters::Interpreter;
use crate::pytest;
use crate::Dirs;
use pyo3_matrix_model::{CellResult, Flavor, MatrixDef, Release, Variant};
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
}

/// What the runner reports while it works.
#[derive(Debug)]
pub enum Event<'a> {
    /// A cell's build starts (`index` counts from 1 up to `total`).
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
    /// A verdict.
    Result(&'a CellResult),
}

/// A group of subjects built together in one cargo invocation.
struct Group<'s> {
    variant: Option<&'s Variant>,
    subjects: Vec<&'s Subject>,
}

/// Runs every subject in every (release, target) cell; `tag` separates the workspaces of
/// different callers (the matrix, a `check`) while they share each cell's target directory.
pub fn run(
    ctx: &Context,
    releases: &[Release],
    targets: &[Target],
    subjects: &[Subject],
    jobs: usize,
    tag: &str,
    on: &(dyn Fn(Event) + Sync),
) -> Vec<CellResult> {
    let results = Mutex::new(Vec::new());
    let emit = |r: CellResult| {
        on(Event::Result(&r));
        results.lock().expect("results lock").push(r);
    };
    let total = releases.len() * targets.len();
    let mut index = 0;
    for release in releases {
        let mut note = |m: &str| on(Event::Note(m.to_string()));
        let anchor = cells::ensure_anchor(
            &ctx.matrix,
            release,
            &ctx.anchors,
            &ctx.dirs.cells().join("anchors"),
            &mut note,
        );
        for target in targets {
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
            let everything = || {
                subjects.iter().flat_map(|s| {
                    std::iter::once(None)
                        .chain(s.variants.iter().map(Some))
                        .map(move |v| (s, v))
                })
            };
            let (interp, test_python) = match (&target.found, &anchor) {
                (Err(note), _) => {
                    everything().for_each(|(s, v)| {
                        emit(classify(
                            ident(s, v),
                            &Observation::NoInterpreter { note: note.clone() },
                        ))
                    });
                    continue;
                }
                (_, Err(e)) => {
                    let message = format!("{e:#}");
                    everything().for_each(|(s, v)| {
                        emit(classify(
                            ident(s, v),
                            &Observation::ToolFailure {
                                message: message.clone(),
                            },
                        ))
                    });
                    continue;
                }
                (Ok((interp, py)), Ok(_)) => (interp, py),
            };
            let anchor = anchor.as_ref().expect("checked above");
            // Subjects whose dependencies this release cannot provide are blocked up front:
            // one unresolvable member would otherwise fail the whole workspace.
            let mut ready = Vec::new();
            for s in subjects {
                let available = |d: &String| {
                    anchor.dependencies.contains_key(d) || ctx.extra_deps.contains_key(d)
                };
                match s.member.deps.iter().find(|d| !available(d)) {
                    Some(missing) => {
                        everything()
                            .filter(|(o, _)| std::ptr::eq(*o, s))
                            .for_each(|(s, v)| {
                                emit(classify(
                                    ident(s, v),
                                    &Observation::NoCompanion {
                                        name: missing.clone(),
                                    },
                                ))
                            })
                    }
                    None => ready.push(s),
                }
            }
            let cell_dir = ctx
                .dirs
                .cells()
                .join(release.to_string())
                .join(target.flavor.to_string());
            for group in groups(&ready) {
                let suffix = group
                    .variant
                    .map(|v| format!("-{}", v.name))
                    .unwrap_or_default();
                let members: Vec<Member> =
                    group.subjects.iter().map(|s| s.member.clone()).collect();
                let ws_dir = cell_dir.join(format!("ws-{tag}{suffix}"));
                let target_dir = cell_dir.join(format!("target{suffix}"));
                let env: Vec<(String, String)> = group
                    .variant
                    .map(|v| v.env.clone().into_iter().collect())
                    .unwrap_or_default();
                let names: BTreeSet<String> = members.iter().map(|m| m.name.clone()).collect();
                let built = cells::write_workspace(
                    &ws_dir,
                    &target_dir,
                    anchor,
                    &ctx.extra_deps,
                    &members,
                    group.variant,
                )
                .and_then(|ws| build::build(&ws, &interp.path, &env, &names));
                let cell = match built {
                    Ok(cell) => cell,
                    Err(e) => {
                        let message = format!("{e:#}");
                        for s in &group.subjects {
                            emit(classify(
                                ident(s, group.variant),
                                &Observation::ToolFailure {
                                    message: message.clone(),
                                },
                            ));
                        }
                        continue;
                    }
                };
                let work_root = cell_dir.join(format!("runs-{tag}{suffix}"));
                test_all(
                    &group.subjects,
                    &cell,
                    interp,
                    test_python,
                    &work_root,
                    jobs,
                    &|s, member, test| {
                        let id = ident(s, group.variant);
                        emit(match test {
                            Ok(test) => classify(
                                id,
                                &Observation::Built {
                                    cell: &cell,
                                    member,
                                    test: test.as_ref(),
                                },
                            ),
                            Err(message) => classify(id, &Observation::ToolFailure { message }),
                        });
                    },
                );
            }
        }
    }
    results.into_inner().expect("results lock")
}

/// Splits subjects into the plain group and one group per distinct variant.
fn groups<'s>(subjects: &[&'s Subject]) -> Vec<Group<'s>> {
    let mut out = vec![Group {
        variant: None,
        subjects: subjects.to_vec(),
    }];
    let mut by_variant: BTreeMap<String, Group<'s>> = BTreeMap::new();
    for s in subjects {
        for v in &s.variants {
            let key = format!("{}|{:?}|{:?}", v.name, v.features, v.env);
            by_variant
                .entry(key)
                .or_insert_with(|| Group {
                    variant: Some(v),
                    subjects: Vec::new(),
                })
                .subjects
                .push(s);
        }
    }
    out.extend(by_variant.into_values());
    out
}

/// A subject's tests: run (`Some`), not run because nothing was built or there are none
/// (`None`), or the tool failed to run them (`Err`).
type TestAttempt = Result<Option<pytest::TestRun>, String>;

/// Tests every built subject of a cell, `jobs` processes at a time, calling `done` for each.
fn test_all(
    subjects: &[&Subject],
    cell: &CellBuild,
    interp: &Interpreter,
    test_python: &Path,
    work_root: &Path,
    jobs: usize,
    done: &(dyn Fn(&Subject, &MemberBuild, TestAttempt) + Sync),
) {
    let queue = Mutex::new(subjects.iter().collect::<Vec<_>>());
    let empty = MemberBuild::default();
    std::thread::scope(|scope| {
        for _ in 0..jobs.max(1) {
            scope.spawn(|| loop {
                let Some(subject) = queue.lock().expect("queue lock").pop() else {
                    break;
                };
                let member = cell.members.get(&subject.member.name).unwrap_or(&empty);
                let run = match (&member.artifact, &subject.test) {
                    (Some(artifact), Some(test))
                        if member.diagnostics.iter().all(|d| d.level != "error") =>
                    {
                        run_tests(subject, artifact, test, interp, test_python, work_root).map(Some)
                    }
                    _ => Ok(None),
                };
                done(subject, member, run);
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
        pytest::run(
            test_python,
            test,
            &module_dir,
            subject.timeout,
            &work.join("run"),
        )
    };
    attempt().map_err(|e| format!("cannot run the tests of {}: {e:#}", subject.member.name))
}
