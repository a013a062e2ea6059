//! The only place a verdict is decided: observations in, one [`Outcome`] out.

use crate::build::{escape_hatch, CellBuild, MemberBuild};
use crate::pytest::{signal_name, Exit, TestOutcome, TestRecord, TestRun};
use pyo3_matrix_model::{CellId, CellResult, Level, Outcome, TestFailure, Timings};

/// Everything observed about one (pattern, cell).
#[derive(Debug)]
pub enum Observation<'a> {
    /// The interpreter could not be found or provisioned.
    NoInterpreter {
        /// Why.
        note: String,
    },
    /// A companion crate the pattern needs has no release paired with this PyO3.
    NoCompanion {
        /// The companion's name.
        name: String,
    },
    /// The tool failed before anything was built.
    ToolFailure {
        /// What failed.
        message: String,
    },
    /// The cell was built; the member's part of it, and its tests if they ran.
    Built {
        /// The whole cell's build.
        cell: &'a CellBuild,
        /// The member's diagnostics and artifact.
        member: &'a MemberBuild,
        /// The tests' run, when the module was built and the pattern has tests.
        test: Option<&'a TestRun>,
        /// maturin's own failure, when cargo built the library but no wheel came of it.
        packaging: Option<&'a str>,
        /// For a project's own tests: which of its files declares what a test that could not
        /// run was missing (and the flag that installs it), given that failure's message.
        dependency_hint: Option<DependencyHint<'a>>,
    },
}

/// Where a project declares a module its tests missed, given the failure's message.
#[derive(Clone, Copy)]
pub struct DependencyHint<'a>(pub &'a dyn Fn(&str) -> Option<String>);

impl std::fmt::Debug for DependencyHint<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DependencyHint")
    }
}

/// Decides the outcome of one (pattern, cell).
pub fn classify(id: CellId, obs: &Observation) -> CellResult {
    let mut r = CellResult {
        id,
        outcome: Outcome::Error,
        codes: Vec::new(),
        message: None,
        diagnostics: Vec::new(),
        escape_hatch: None,
        failure: None,
        signal: None,
        stacks: None,
        gil_reenabled: None,
        log: None,
        full_log: None,
        warnings: 0,
        timings: Timings::default(),
    };
    match obs {
        Observation::NoInterpreter { note } => {
            r.outcome = Outcome::Skipped;
            r.message = Some(note.clone());
        }
        Observation::NoCompanion { name } => {
            r.outcome = Outcome::Blocked;
            r.message = Some(format!("{name} has no release paired with PyO3 {}", r.id.pyo3));
        }
        Observation::ToolFailure { message } => {
            r.message = Some(message.clone());
        }
        Observation::Built {
            cell,
            member,
            test,
            packaging,
            dependency_hint,
        } => {
            r.timings.build_s = cell.seconds;
            r.timings.deps_s = cell.dependencies_seconds;
            r.timings.build_cpu_s = cell.cpu_seconds;
            r.diagnostics = member.diagnostics.clone();
            r.warnings = member.diagnostics.iter().filter(|d| d.level == Level::Warning).count();
            match packaging {
                // Built, but the wheel maturin should have made of it is missing.
                Some(why) if member.built_module() => {
                    r.outcome = Outcome::Blocked;
                    r.message = Some(why.to_string());
                    r.log = Some(tail(&cell.stderr, 8000));
                }
                _ => classify_built(&mut r, cell, member, *test),
            }
            // Tests that could not run: where the project declares what they missed.
            let hint = match (r.outcome, &r.message, dependency_hint) {
                (Outcome::TestError, Some(message), Some(hint)) => (hint.0)(message),
                _ => None,
            };
            if let (Some(message), Some(hint)) = (&mut r.message, hint) {
                *message = format!("{message} ({hint})");
            }
        }
    }
    r
}

fn classify_built(r: &mut CellResult, cell: &CellBuild, member: &MemberBuild, test: Option<&TestRun>) {
    if let Some(script) = cell.build_scripts.iter().find(|s| s.package.starts_with("pyo3")) {
        r.outcome = Outcome::Unsupported;
        r.message = Some(script.message.clone());
        r.escape_hatch = escape_hatch(&script.stderr);
        r.log = Some(script.stderr.clone());
        return;
    }
    let errors: Vec<_> = member.diagnostics.iter().filter(|d| d.level == Level::Error).collect();
    if !errors.is_empty() {
        r.outcome = Outcome::CompileError;
        for code in errors.iter().filter_map(|d| d.code.clone()) {
            if !r.codes.contains(&code) {
                r.codes.push(code);
            }
        }
        r.message = Some(errors[0].message.clone());
        r.log = Some(tail(&member.rendered, 8000));
        return;
    }
    // A library that compiled without a loadable module (no cdylib) goes on to its tests,
    // which show what a user sees: the import fails.
    if !member.compiled {
        if let Some(script) = cell.build_scripts.first() {
            r.outcome = Outcome::Blocked;
            r.message = Some(format!("build script of {} failed: {}", script.package, script.message));
            r.log = Some(script.stderr.clone());
        } else if let Some(dep) = cell.dependencies.first() {
            r.outcome = Outcome::Blocked;
            r.message = Some(format!("dependency {} failed to compile: {}", dep.package, dep.message));
            r.log = Some(tail(&cell.stderr, 8000));
        } else if let Some(why) = unresolvable(&cell.stderr) {
            // The crate's manifest asks this release for what it does not have (a feature
            // it removed): the crate's incompatibility, found before rustc runs.
            r.outcome = Outcome::CompileError;
            r.message = Some(why);
            r.log = Some(tail(&cell.stderr, 8000));
        } else {
            r.outcome = Outcome::Error;
            r.message = Some(first_error_line(&cell.stderr).unwrap_or_else(|| "cargo produced no module".into()));
            r.log = Some(tail(&cell.stderr, 8000));
        }
        return;
    }
    let deprecations: Vec<_> = member.diagnostics.iter().filter(|d| is_deprecation(d)).collect();
    let built_ok = if deprecations.is_empty() {
        Outcome::Pass
    } else {
        Outcome::Deprecated
    };
    if let Some(first) = deprecations.first() {
        r.message = Some(first.message.clone());
    }
    let Some(run) = test else {
        r.outcome = built_ok;
        return;
    };
    r.timings.test_s = run.seconds;
    r.timings.test_cpu_s = run.cpu_seconds;
    let report = run.report.clone().unwrap_or_default();
    if report.gil_before == Some(false) {
        r.gil_reenabled = report.gil_after;
    }
    let running = report.running.clone().map(|test| TestFailure {
        test,
        exception: None,
        message: None,
    });
    let stacks = (!run.stacks.trim().is_empty()).then(|| tail(&run.stacks, 8000));
    match run.exit {
        Exit::TimedOut => {
            r.outcome = Outcome::Hang;
            r.failure = running;
            r.message = Some(format!("still running at the timeout ({:.0} s)", run.seconds));
            r.stacks = stacks;
        }
        Exit::Signal(sig) => {
            r.outcome = Outcome::Crash;
            r.signal = Some(signal_name(sig));
            r.failure = running;
            r.message = Some(format!("test process killed by {}", signal_name(sig)));
            r.stacks = stacks;
            r.log = Some(tail(&run.output, 8000));
        }
        Exit::Code(0) => r.outcome = built_ok,
        Exit::Code(code) => {
            let failures: Vec<&TestRecord> = report
                .tests
                .iter()
                .filter(|t| t.outcome == TestOutcome::Failed)
                .collect();
            match failures.iter().find(|t| t.ran_and_failed()) {
                Some(t) => {
                    r.outcome = Outcome::TestFail;
                    r.message = Some(exception_line(t));
                    r.failure = Some(failure_of(t));
                }
                // pytest's own codes: 2 interrupted (a collection error), 3 internal error,
                // 4 usage error (an unknown option in addopts), 5 nothing collected.
                None if !failures.is_empty() || (2..=5).contains(&code) => {
                    r.outcome = Outcome::TestError;
                    r.message = Some(match failures.first() {
                        Some(t) => format!("tests could not run: {}", exception_line(t)),
                        None if code == 5 => "tests could not run: pytest collected no tests".into(),
                        None => format!(
                            "tests could not run: {}",
                            pytest_error(&run.output).unwrap_or_else(|| format!("pytest exited with code {code}"))
                        ),
                    });
                    r.failure = failures.first().map(|t| failure_of(t));
                }
                None => {
                    r.outcome = Outcome::Error;
                    r.message = Some(format!("pytest exited with code {code} and reported no failure"));
                }
            }
            r.log = Some(tail(&run.output, 8000));
        }
    }
}

/// The results' record of a failed test.
fn failure_of(t: &TestRecord) -> TestFailure {
    TestFailure {
        test: t.test.clone(),
        exception: t.exception.clone(),
        message: t.message.clone(),
    }
}

/// A failed test as one line: `TypeError: f() missing 1 required positional argument`.
fn exception_line(t: &TestRecord) -> String {
    match (&t.exception, &t.message) {
        (Some(e), Some(m)) if e == "FixtureLookupError" => m.clone(),
        (Some(e), Some(m)) => format!("{e}: {m}"),
        (None, Some(m)) if !m.is_empty() => m.clone(),
        _ => format!("{} failed", t.test),
    }
}

/// pytest's own complaint (`ERROR: …`, e.g. an option it does not know), if it made one.
fn pytest_error(output: &str) -> Option<String> {
    // The last one says what was wrong; the first is often pytest's usage line. A plugin
    // that fails to load says so in a traceback whose exception pytest marks with "E".
    let lines = || output.lines().rev();
    lines()
        .find(|l| l.starts_with("ERROR: ") || l.starts_with("INTERNALERROR> "))
        .map(|l| l.trim_start_matches("ERROR: ").trim().to_string())
        .or_else(|| {
            let exception = lines().find(|l| l.starts_with("E ") && l.contains(": "))?;
            let context = output.lines().find(|l| l.starts_with("Error while loading"));
            let exception = exception[1..].trim();
            Some(match context {
                Some(context) => format!("{exception} ({})", context.trim().trim_end_matches('.')),
                None => exception.to_string(),
            })
        })
}

/// Whether a diagnostic is a deprecation (rustc's `deprecated` lint or its message form).
fn is_deprecation(d: &pyo3_matrix_model::Diagnostic) -> bool {
    d.level == Level::Warning && (d.code.as_deref() == Some("deprecated") || d.message.starts_with("use of deprecated"))
}

/// cargo's reason when it cannot resolve the crate's dependencies against the release
/// ("failed to select a version for `pyo3`"): the line that says why, e.g. "package `x`
/// depends on `pyo3` with feature `gil-refs` but `pyo3` does not have that feature".
fn unresolvable(stderr: &str) -> Option<String> {
    let lines: Vec<&str> = stderr.lines().map(str::trim).collect();
    let start = lines
        .iter()
        .position(|l| l.starts_with("error: failed to select a version"))?;
    let block = lines[start..].iter().take_while(|l| !l.starts_with("warning:"));
    let why = block
        .clone()
        .find(|l| l.contains("depends on") || l.contains("does not have"))
        .or_else(|| block.clone().nth(2))
        .unwrap_or(&lines[start]);
    Some(format!("cargo cannot resolve the crate against this release: {why}"))
}

fn first_error_line(text: &str) -> Option<String> {
    text.lines()
        .find(|l| l.starts_with("error"))
        .map(|l| l.trim_start_matches("error: ").to_string())
}

/// The last `max` bytes of `text`, cut at a character boundary.
fn tail(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut start = text.len() - max;
    while !text.is_char_boundary(start) {
        start += 1;
    }
    format!("…{}", &text[start..])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::build::BuildScriptFailure;
    use crate::pytest::PluginReport;
    use pyo3_matrix_model::Diagnostic;

    fn id() -> CellId {
        CellId::plain("p", "0.23.5".parse().unwrap(), "3.13t".parse().unwrap())
    }

    fn diag(level: Level, code: Option<&str>, message: &str) -> Diagnostic {
        Diagnostic {
            level,
            code: code.map(Into::into),
            message: message.into(),
        }
    }

    fn built(diagnostics: Vec<Diagnostic>) -> MemberBuild {
        MemberBuild {
            diagnostics,
            rendered: String::new(),
            compiled: true,
            artifact: Some("/x/libp.so".into()),
        }
    }

    fn run(exit: Exit, report: PluginReport) -> TestRun {
        TestRun {
            exit,
            report: Some(report),
            stacks: "Thread 0x1".into(),
            output: String::new(),
            seconds: 1.0,
            cpu_seconds: 0.5,
        }
    }

    fn decide(cell: &CellBuild, member: &MemberBuild, test: Option<&TestRun>) -> CellResult {
        classify(
            id(),
            &Observation::Built {
                cell,
                member,
                test,
                packaging: None,
                dependency_hint: None,
            },
        )
    }

    #[test]
    fn a_refusing_build_script_outranks_everything_else() {
        let cell = CellBuild {
            build_scripts: vec![BuildScriptFailure {
                package: "pyo3-ffi".into(),
                message: "the Python interpreter was built with the GIL disabled".into(),
                stderr: "= help: set UNSAFE_PYO3_BUILD_FREE_THREADED=1 to suppress this check".into(),
            }],
            ..CellBuild::default()
        };
        let r = decide(&cell, &MemberBuild::default(), None);
        assert_eq!(r.outcome, Outcome::Unsupported);
        assert_eq!(r.escape_hatch.as_deref(), Some("UNSAFE_PYO3_BUILD_FREE_THREADED"));
    }

    #[test]
    fn errors_give_their_codes_once_and_deprecations_only_when_built() {
        let cell = CellBuild::default();
        let broken = MemberBuild {
            compiled: false,
            artifact: None,
            ..built(vec![
                diag(Level::Error, Some("E0277"), "a"),
                diag(Level::Error, Some("E0277"), "b"),
                diag(Level::Error, Some("E0599"), "c"),
            ])
        };
        let r = decide(&cell, &broken, None);
        assert_eq!(
            (r.outcome, r.codes.clone(), r.message.as_deref()),
            (Outcome::CompileError, vec!["E0277".into(), "E0599".into()], Some("a"))
        );

        let warned = built(vec![
            diag(Level::Warning, Some("non_local_definitions"), "non-local impl"),
            diag(Level::Warning, Some("deprecated"), "use of deprecated method"),
        ]);
        assert_eq!(decide(&cell, &warned, None).outcome, Outcome::Deprecated);
        let toolchain_only = built(vec![diag(
            Level::Warning,
            Some("non_local_definitions"),
            "non-local impl",
        )]);
        assert_eq!(decide(&cell, &toolchain_only, None).outcome, Outcome::Pass);
    }

    #[test]
    fn test_processes_end_in_pass_fail_crash_or_hang() {
        let cell = CellBuild::default();
        let member = built(vec![]);
        let failed = TestRecord {
            test: "test_p.py::test_x".into(),
            when: Some("call".into()),
            outcome: TestOutcome::Failed,
            exception: Some("TypeError".into()),
            message: Some("f() missing 1 required positional argument: 'y'".into()),
        };
        let gil_back = PluginReport {
            gil_before: Some(false),
            gil_after: Some(true),
            ..PluginReport::default()
        };

        let pass = decide(&cell, &member, Some(&run(Exit::Code(0), gil_back.clone())));
        assert_eq!((pass.outcome, pass.gil_reenabled), (Outcome::Pass, Some(true)));

        let fail = decide(
            &cell,
            &member,
            Some(&run(
                Exit::Code(1),
                PluginReport {
                    tests: vec![failed],
                    ..gil_back.clone()
                },
            )),
        );
        assert_eq!(fail.outcome, Outcome::TestFail);
        assert_eq!(fail.failure.unwrap().exception.as_deref(), Some("TypeError"));

        let running = PluginReport {
            running: Some("test_p.py::test_y".into()),
            ..PluginReport::default()
        };
        let crash = decide(&cell, &member, Some(&run(Exit::Signal(libc::SIGSEGV), running.clone())));
        assert_eq!(
            (crash.outcome, crash.signal.as_deref()),
            (Outcome::Crash, Some("SIGSEGV"))
        );
        assert_eq!(crash.failure.unwrap().test, "test_p.py::test_y");

        let hang = decide(&cell, &member, Some(&run(Exit::TimedOut, running)));
        assert_eq!(hang.outcome, Outcome::Hang);
        assert!(hang.stacks.is_some());

        let empty = decide(&cell, &member, Some(&run(Exit::Code(5), PluginReport::default())));
        assert_eq!(
            (empty.outcome, empty.message.as_deref()),
            (
                Outcome::TestError,
                Some("tests could not run: pytest collected no tests")
            ),
            "no tests collected says nothing of the code"
        );
    }

    #[test]
    fn a_manifest_the_release_cannot_satisfy_is_the_crates_incompatibility() {
        let cell = CellBuild {
            stderr: "    Updating crates.io index\nerror: failed to select a version for `pyo3`.\n    ... required by package `nh3 v0.2.0 (/w)`\nversions that meet the requirements `=0.23.5` are: 0.23.5\n\npackage `nh3` depends on `pyo3` with feature `gil-refs` but `pyo3` does not have that feature.\n".into(),
            ..CellBuild::default()
        };
        let r = decide(&cell, &MemberBuild::default(), None);
        assert_eq!(r.outcome, Outcome::CompileError);
        assert_eq!(
            r.message.as_deref(),
            Some("cargo cannot resolve the crate against this release: package `nh3` depends on `pyo3` with feature `gil-refs` but `pyo3` does not have that feature.")
        );
    }

    #[test]
    fn tests_that_could_not_run_are_not_test_failures() {
        let cell = CellBuild::default();
        let member = built(vec![diag(
            Level::Warning,
            Some("deprecated"),
            "use of deprecated method",
        )]);
        let record = |when: &str, exception: &str, message: &str| TestRecord {
            test: "tests/test_x.py::test_y".into(),
            when: Some(when.into()),
            outcome: TestOutcome::Failed,
            exception: Some(exception.into()),
            message: Some(message.into()),
        };
        let with = |code: i32, tests: Vec<TestRecord>| {
            let report = PluginReport {
                tests,
                ..PluginReport::default()
            };
            decide(&cell, &member, Some(&run(Exit::Code(code), report)))
        };
        let uncollectable = with(
            2,
            vec![record("collect", "ModuleNotFoundError", "No module named 'hypothesis'")],
        );
        assert_eq!(
            (uncollectable.outcome, uncollectable.message.as_deref()),
            (
                Outcome::TestError,
                Some("tests could not run: ModuleNotFoundError: No module named 'hypothesis'")
            )
        );
        assert_eq!(
            uncollectable.warnings, 1,
            "the build's warnings are kept beside the outcome"
        );
        let no_fixture = with(
            1,
            vec![record("setup", "FixtureLookupError", "fixture 'mocker' not found")],
        );
        assert_eq!(
            (no_fixture.outcome, no_fixture.message.as_deref()),
            (
                Outcome::TestError,
                Some("tests could not run: fixture 'mocker' not found")
            )
        );
        // A fixture that ran the module and raised is the code failing, as a test would.
        let raising = with(1, vec![record("setup", "TypeError", "Counter() takes no arguments")]);
        assert_eq!(raising.outcome, Outcome::TestFail);
        let mut bad_option = run(Exit::Code(4), PluginReport::default());
        bad_option.output = "ERROR: usage: pytest [options]\nERROR: unrecognized arguments: --benchmark-skip\n".into();
        let bad_option = decide(&cell, &member, Some(&bad_option));
        let mut bad_plugin = run(Exit::Code(3), PluginReport::default());
        bad_plugin.output =
            "Error while loading plugin \"pytest11\".\nTraceback:\nE   ValueError: option dest 'bench' already used\n"
                .into();
        assert_eq!(
            decide(&cell, &member, Some(&bad_plugin)).message.as_deref(),
            Some("tests could not run: ValueError: option dest 'bench' already used (Error while loading plugin \"pytest11\")")
        );
        assert_eq!(
            (bad_option.outcome, bad_option.message.as_deref()),
            (
                Outcome::TestError,
                Some("tests could not run: unrecognized arguments: --benchmark-skip")
            )
        );
    }
}
