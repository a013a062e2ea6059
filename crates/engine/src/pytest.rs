//! One pattern's tests in their own process group, with a timeout and a plugin report.

use anyhow::{Context, Result};
use serde::Deserialize;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The plugin pytest loads to report outcomes, stacks and the GIL's state.
const PLUGIN: &str = include_str!("../python/pyo3_matrix_plugin.py");

/// How the test process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// pytest's exit code.
    Code(i32),
    /// A signal killed it (its number).
    Signal(i32),
    /// It ran past the timeout and was killed with its process group.
    TimedOut,
}

/// One test as the plugin recorded it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct TestRecord {
    /// pytest node id.
    pub test: String,
    /// `passed`, `failed` or `skipped`.
    pub outcome: String,
    /// Exception type of a failure.
    pub exception: Option<String>,
    /// Exception message of a failure.
    pub message: Option<String>,
}

/// The plugin's report.
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
pub struct PluginReport {
    /// `sys._is_gil_enabled()` before the tests imported anything (None on GIL builds).
    pub gil_before: Option<bool>,
    /// The same after the tests.
    pub gil_after: Option<bool>,
    /// The test running when the report was last written (set when the process died).
    pub running: Option<String>,
    /// Finished tests.
    pub tests: Vec<TestRecord>,
}

/// What running a pattern's tests showed.
#[derive(Debug, Clone)]
pub struct TestRun {
    /// How the process ended.
    pub exit: Exit,
    /// The plugin's report, if the process got far enough to write one.
    pub report: Option<PluginReport>,
    /// faulthandler's stacks (after a crash or past the hang deadline).
    pub stacks: String,
    /// pytest's own output (stdout and stderr), for the log.
    pub output: String,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// Runs `test_file` with `python` (which has pytest), importing modules from `module_dir`.
/// `work` is a fresh scratch directory for this run alone.
pub fn run(python: &Path, test_file: &Path, module_dir: &Path, timeout: Duration, work: &Path) -> Result<TestRun> {
    std::fs::create_dir_all(work).with_context(|| format!("cannot create {}", work.display()))?;
    let plugin_dir = work.join("plugin");
    std::fs::create_dir_all(&plugin_dir)?;
    std::fs::write(plugin_dir.join("pyo3_matrix_plugin.py"), PLUGIN)?;
    // Our own ini file, so no pytest configuration in the user's tree applies.
    std::fs::write(work.join("pytest.ini"), "[pytest]\n")?;
    let report_path = work.join("report.json");
    let stacks_path = work.join("stacks.txt");
    let output_path = work.join("output.txt");
    let output = std::fs::File::create(&output_path)?;
    // Stacks are dumped shortly before the kill so that a hang explains itself.
    let hang_after = (timeout.as_secs_f64() - 2.0).max(timeout.as_secs_f64() * 0.8);
    let python_path = std::env::join_paths([module_dir, plugin_dir.as_path()])?;
    let started = Instant::now();
    let mut child = {
        use std::os::unix::process::CommandExt;
        let mut cmd = Command::new(python);
        crate::child::dies_with_parent(&mut cmd)
            .args([
                "-m",
                "pytest",
                "-q",
                "-p",
                "pyo3_matrix_plugin",
                "-p",
                "no:cacheprovider",
                "-p",
                "no:faulthandler",
            ])
            .arg("-c")
            .arg(work.join("pytest.ini"))
            // Node ids then read `test_<id>.py::test_name`.
            .arg("--rootdir")
            .arg(test_file.parent().unwrap_or(work))
            .arg(test_file)
            .current_dir(work)
            .env("PYTHONPATH", python_path)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env("PYO3_MATRIX_REPORT", &report_path)
            .env("PYO3_MATRIX_STACKS", &stacks_path)
            .env("PYO3_MATRIX_HANG_AFTER", format!("{hang_after:.1}"))
            .env_remove("PYTHONHOME")
            .stdin(Stdio::null())
            .stdout(output.try_clone()?)
            .stderr(output)
            // Its own process group, so a timeout kills every thread and child it made.
            .process_group(0)
            .spawn()
            .with_context(|| format!("cannot run {}", python.display()))?
    };
    let pgid = child.id() as i32;
    let exit = loop {
        if let Some(status) = child.try_wait()? {
            use std::os::unix::process::ExitStatusExt;
            break match (status.code(), status.signal()) {
                (Some(code), _) => Exit::Code(code),
                (None, Some(sig)) => Exit::Signal(sig),
                _ => Exit::Code(-1),
            };
        }
        if started.elapsed() >= timeout {
            kill_group(pgid);
            let _ = child.wait();
            break Exit::TimedOut;
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    // Whatever the tests started in the background goes too.
    kill_group(pgid);
    let report = std::fs::read_to_string(&report_path)
        .ok()
        .and_then(|t| serde_json::from_str(&t).ok());
    Ok(TestRun {
        exit,
        report,
        stacks: std::fs::read_to_string(&stacks_path).unwrap_or_default(),
        output: std::fs::read_to_string(&output_path).unwrap_or_default(),
        seconds: started.elapsed().as_secs_f64(),
    })
}

fn kill_group(pgid: i32) {
    // SAFETY: killpg only sends a signal; a group that is already gone yields ESRCH.
    unsafe {
        libc::killpg(pgid, libc::SIGKILL);
    }
}

/// The conventional name of a signal number, e.g. `SIGSEGV`.
pub fn signal_name(sig: i32) -> String {
    match sig {
        libc::SIGSEGV => "SIGSEGV".into(),
        libc::SIGABRT => "SIGABRT".into(),
        libc::SIGBUS => "SIGBUS".into(),
        libc::SIGILL => "SIGILL".into(),
        libc::SIGFPE => "SIGFPE".into(),
        libc::SIGKILL => "SIGKILL".into(),
        libc::SIGTERM => "SIGTERM".into(),
        other => format!("signal {other}"),
    }
}
