//! One pattern's tests in a process and process group of their own, with a timeout and a
//! plugin report, forked from a per-interpreter server that has already imported pytest.

use crate::process::Process;
use crate::slots::Slot;
use anyhow::Result;
use serde::Deserialize;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::time::{Duration, Instant};

/// The plugin pytest loads to report outcomes, stacks and the GIL's state.
const PLUGIN: &str = include_str!("../python/pyo3_matrix_plugin.py");

/// The fork server every test process of an interpreter starts from.
const FORK_SERVER: &str = include_str!("../python/pyo3_matrix_forkserver.py");

/// Which tests a run starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tests {
    /// One pattern's test file, with no pytest configuration of any tree around it.
    File(PathBuf),
    /// A project's own suite: pytest in the project's directory with the project's own
    /// configuration, on `paths` (none: what its configuration or pytest's defaults collect).
    Project {
        /// The project's directory (in the cell's copy).
        dir: PathBuf,
        /// Test files or directories given on the command line.
        paths: Vec<PathBuf>,
    },
}

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

/// How one test went, in pytest's words.
#[derive(Debug, Clone, Copy, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum TestOutcome {
    /// It passed.
    Passed,
    /// It (or its setup, teardown or collection) failed.
    Failed,
    /// It was skipped.
    Skipped,
}

/// One test as the plugin recorded it.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
pub struct TestRecord {
    /// pytest node id.
    pub test: String,
    /// The phase: `collect`, `setup`, `call` or `teardown`.
    #[serde(default)]
    pub when: Option<String>,
    /// How it went.
    pub outcome: TestOutcome,
    /// Exception type of a failure.
    pub exception: Option<String>,
    /// Exception message of a failure.
    pub message: Option<String>,
}

impl TestRecord {
    /// Whether the record shows the tested code running and failing, rather than the tests
    /// being unable to run: a failed call, or a fixture (setup, teardown) that raised; not a
    /// test module that could not be collected, nor a fixture nobody provides.
    pub fn ran_and_failed(&self) -> bool {
        self.outcome == TestOutcome::Failed
            && self.when.as_deref().is_some_and(|w| w != "collect")
            && self.exception.as_deref() != Some("FixtureLookupError")
    }
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
    /// CPU seconds (user and system) of the test process and what it waited for.
    pub cpu_seconds: f64,
}

/// Test processes of one interpreter, forked from a server that has already started
/// Python and imported pytest (`python/pyo3_matrix_forkserver.py`). Each test run is still
/// a process of its own, in its own group; only the start-up is paid once. The server is
/// started on first use, restarted if it died, and dies with the thread that started it.
pub struct TestHost {
    python: PathBuf,
    dir: PathBuf,
    server: Option<Server>,
}

struct Server {
    child: Child,
    requests: ChildStdin,
    replies: mpsc::Receiver<Reply>,
}

/// The server's replies: the child's pid once it runs, then how it ended.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Reply {
    Started {
        pid: i32,
    },
    Ended {
        code: Option<i32>,
        signal: Option<i32>,
        /// CPU seconds of the child.
        cpu: f64,
    },
}

/// How long the server may take to fork a child (it imports pytest before its first one).
const START_TIMEOUT: Duration = Duration::from_secs(60);

/// A test still running after this long gives its slot back: by then it is almost always
/// waiting (a deadlock, a sleep) rather than computing, and a hang would otherwise keep a
/// core idle until its timeout.
const SLOT_GRACE: Duration = Duration::from_secs(3);

impl TestHost {
    /// A host for `python` (which has pytest) keeping its scripts in `dir`.
    pub fn new(python: &Path, dir: &Path) -> Self {
        Self {
            python: python.to_path_buf(),
            dir: dir.to_path_buf(),
            server: None,
        }
    }

    fn server(&mut self) -> Result<&mut Server> {
        if self.server.is_none() {
            self.server = Some(self.start()?);
        }
        Ok(self.server.as_mut().expect("just started"))
    }

    fn start(&self) -> Result<Server> {
        crate::fs::create_dir_all(&self.dir)?;
        let script = self.dir.join("pyo3_matrix_forkserver.py");
        std::fs::write(&script, FORK_SERVER)?;
        std::fs::write(self.dir.join("pyo3_matrix_plugin.py"), PLUGIN)?;
        let log = std::fs::File::create(self.dir.join("server.log"))?;
        let mut server = Process::new(&self.python)
            .arg(&script)
            .env("PYTHONDONTWRITEBYTECODE", "1")
            .env_remove("PYTHONHOME")
            .env_remove("PYTHONPATH");
        server
            .command_mut()
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log);
        let mut child = server.spawn()?;
        std::fs::write(self.dir.join("server.pid"), child.id().to_string())?;
        let requests = child.stdin.take().expect("piped stdin");
        let stdout = BufReader::new(child.stdout.take().expect("piped stdout"));
        let (send, replies) = mpsc::channel();
        std::thread::spawn(move || {
            for line in stdout.lines().map_while(Result::ok) {
                let Ok(reply) = serde_json::from_str::<Reply>(&line) else {
                    break;
                };
                if send.send(reply).is_err() {
                    break;
                }
            }
        });
        Ok(Server {
            child,
            requests,
            replies,
        })
    }

    /// Sends `request` to the server and returns the pid of the child it forked.
    fn fork(&mut self, request: &serde_json::Value) -> Result<i32> {
        let server = self.server()?;
        if writeln!(server.requests, "{request}").is_err() {
            return Err(self.lost());
        }
        match server.replies.recv_timeout(START_TIMEOUT) {
            Ok(Reply::Started { pid }) => Ok(pid),
            _ => Err(self.lost()),
        }
    }

    /// Why the server stopped answering, from its log.
    fn lost(&mut self) -> anyhow::Error {
        self.server = None;
        let log = std::fs::read_to_string(self.dir.join("server.log")).unwrap_or_default();
        let last = log.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("no output");
        anyhow::anyhow!("the test host for {} stopped: {last}", self.python.display())
    }

    /// Runs the tests `what` names, importing modules from `module_dir`, in a fresh
    /// process; `work` is a fresh scratch directory for this run alone. `slot` is held while
    /// the test computes.
    pub fn run(
        &mut self,
        what: &Tests,
        module_dir: &Path,
        timeout: Duration,
        work: &Path,
        slot: Slot,
    ) -> Result<TestRun> {
        crate::fs::create_dir_all(work)?;
        let report_path = work.join("report.json");
        let stacks_path = work.join("stacks.txt");
        let output_path = work.join("output.txt");
        let path = [module_dir, self.dir.as_path()];
        let python_path = std::env::join_paths(path)?;
        let ours = [
            "-p",
            "pyo3_matrix_plugin",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:faulthandler",
        ];
        let (cwd, args): (PathBuf, Vec<String>) = match what {
            Tests::File(test_file) => {
                // Our own ini file, so no pytest configuration in the user's tree applies.
                std::fs::write(work.join("pytest.ini"), "[pytest]\n")?;
                let args = ["-q"]
                    .into_iter()
                    .chain(ours)
                    .map(String::from)
                    .chain([
                        "-c".into(),
                        work.join("pytest.ini").display().to_string(),
                        // Node ids then read `test_<id>.py::test_name`.
                        "--rootdir".into(),
                        test_file.parent().unwrap_or(work).display().to_string(),
                        test_file.display().to_string(),
                    ])
                    .collect();
                (work.to_path_buf(), args)
            }
            // As its maintainers run it: from its directory, with its own configuration
            // (addopts, testpaths, markers, plugins, conftest files); ours only added.
            Tests::Project { dir, paths } => (
                dir.clone(),
                ours.into_iter()
                    .map(String::from)
                    .chain(paths.iter().map(|p| p.display().to_string()))
                    .collect(),
            ),
        };
        let request = serde_json::json!({
            "args": args,
            "cwd": cwd,
            "path": path,
            "output": output_path,
            "stacks": stacks_path,
            "env": {
                "PYTHONPATH": python_path.to_string_lossy(),
                "PYTHONDONTWRITEBYTECODE": "1",
                "PYO3_MATRIX_REPORT": report_path,
            },
        });
        let started = Instant::now();
        // A server that died since its last run (killed, out of memory) is started again
        // once: nothing of this run had started yet.
        let pgid = match self.fork(&request) {
            Ok(pid) => pid,
            Err(_) => self.fork(&request)?,
        };
        let server = self.server.as_mut().expect("the server forked the child");
        let mut slot = Some(slot);
        let (exit, cpu_seconds) = loop {
            match server.replies.recv_timeout(Duration::from_millis(100)) {
                Ok(Reply::Ended { code, signal, cpu }) => break (exit_of(code, signal), cpu),
                Ok(Reply::Started { .. }) | Err(RecvTimeoutError::Disconnected) => return Err(self.lost()),
                Err(RecvTimeoutError::Timeout) => {}
            }
            if started.elapsed() >= SLOT_GRACE {
                slot.take();
            }
            if started.elapsed() >= timeout {
                ask_for_stacks(pgid, &stacks_path);
                kill_group(pgid);
                // The server reaps the child and says so before it takes another request.
                match server.replies.recv_timeout(START_TIMEOUT) {
                    Ok(Reply::Ended { cpu, .. }) => break (Exit::TimedOut, cpu),
                    _ => return Err(self.lost()),
                }
            }
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
            cpu_seconds,
        })
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        // The server ends at the end of its input; a child of a lost server dies with it.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// How a child the server reaped ended: its exit code, else the signal that killed it.
fn exit_of(code: Option<i32>, signal: Option<i32>) -> Exit {
    match (code, signal) {
        (Some(code), _) => Exit::Code(code),
        (None, Some(sig)) => Exit::Signal(sig),
        (None, None) => Exit::Code(-1),
    }
}

/// How long a child past its timeout has to write its stacks before it is killed: the dump
/// is a few writes, but on a machine whose cores are all busy the child may wait its turn.
const STACKS_DEADLINE: Duration = Duration::from_secs(20);

/// How long the stacks file must stay the same size to count as written whole.
const STACKS_SETTLED: Duration = Duration::from_millis(500);

/// Asks the test process `pid` for every thread's stack (SIGUSR1, which the fork server
/// registered with faulthandler before pytest started) and waits until they are written:
/// the file has grown and stopped growing, or the deadline passed (a child that never
/// registered the handler ignores the signal).
fn ask_for_stacks(pid: i32, stacks: &Path) {
    let size = || std::fs::metadata(stacks).map(|m| m.len()).unwrap_or(0);
    let before = size();
    // SAFETY: kill only sends a signal; a process that is already gone yields ESRCH.
    if unsafe { libc::kill(pid, libc::SIGUSR1) } != 0 {
        return;
    }
    let asked = Instant::now();
    let (mut last, mut since) = (before, Instant::now());
    while asked.elapsed() < STACKS_DEADLINE {
        std::thread::sleep(Duration::from_millis(50));
        let now = size();
        if now != last {
            (last, since) = (now, Instant::now());
        } else if now > before && since.elapsed() >= STACKS_SETTLED {
            return;
        }
    }
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
