//! The test host forks every test run from one server that has already imported pytest.
//! Each run must still start as a fresh process, and a server that died must not cost the
//! next run. Real CPython 3.12 and real pytest.

use pyo3_matrix_engine::interpreters;
use pyo3_matrix_engine::pytest::{Exit, TestHost, TestRun, Tests};
use pyo3_matrix_engine::slots::Slots;
use pyo3_matrix_engine::{venv, Dirs};
use std::path::{Path, PathBuf};
use std::time::Duration;

fn test_python() -> PathBuf {
    let dirs = Dirs::from_env();
    let found = interpreters::discover(&dirs);
    let interp = interpreters::find("3.12".parse().unwrap(), &found).expect("a CPython 3.12 on this machine");
    venv::test_python(&interp, &dirs, &["pytest"], &mut |_| {}).unwrap()
}

/// Runs `test` (a pytest file's text) on `host` in a fresh scratch directory.
fn run(host: &mut TestHost, scratch: &Path, name: &str, test: &str) -> TestRun {
    run_within(host, scratch, name, test, Duration::from_secs(60))
}

/// [`run`] with the timeout `timeout`.
fn run_within(host: &mut TestHost, scratch: &Path, name: &str, test: &str, timeout: Duration) -> TestRun {
    let dir = scratch.join(name);
    let modules = dir.join("modules");
    std::fs::create_dir_all(&modules).unwrap();
    let file = dir.join(format!("test_{name}.py"));
    std::fs::write(&file, test).unwrap();
    let slots = Slots::new(1).unwrap();
    let slot = slots.acquire().unwrap();
    host.run(&Tests::File(file), &modules, timeout, &dir.join("run"), slot)
        .unwrap()
}

#[test]
fn every_run_starts_fresh_and_a_dead_server_is_replaced() {
    let scratch = tempfile::tempdir().unwrap();
    let mut host = TestHost::new(&test_python(), &scratch.path().join("host"));
    // The first run leaves state behind in its process; the next must not see any of it.
    let first = run(
        &mut host,
        scratch.path(),
        "leaves_state",
        "import os, sys\n\ndef test_leave():\n    sys.left_behind = 1\n    os.environ['LEFT_BEHIND'] = '1'\n",
    );
    assert_eq!(first.exit, Exit::Code(0), "{}", first.output);
    let fresh = "import os, sys\n\ndef test_fresh():\n    assert not hasattr(sys, 'left_behind')\n    assert 'LEFT_BEHIND' not in os.environ\n    assert os.getcwd() in sys.path\n";
    let second = run(&mut host, scratch.path(), "sees_none", fresh);
    assert_eq!(second.exit, Exit::Code(0), "{}", second.output);
    // A run that kills its own process is a signal, and the server goes on.
    let crash = run(
        &mut host,
        scratch.path(),
        "kills_itself",
        "import os, signal\n\ndef test_kill():\n    os.kill(os.getpid(), signal.SIGSEGV)\n",
    );
    assert_eq!(crash.exit, Exit::Signal(libc::SIGSEGV), "{}", crash.output);
    // The server itself killed between runs: the next run still runs.
    let server = std::fs::read_to_string(scratch.path().join("host/server.pid")).unwrap();
    let server: i32 = server.trim().parse().unwrap();
    // SAFETY: kill only sends a signal to the server this test's host started.
    unsafe { libc::kill(server, libc::SIGKILL) };
    std::thread::sleep(Duration::from_millis(200));
    let after = run(&mut host, scratch.path(), "after_restart", fresh);
    assert_eq!(after.exit, Exit::Code(0), "{}", after.output);
}

#[test]
fn a_hang_is_killed_and_keeps_the_stacks_the_engine_asked_for() {
    let scratch = tempfile::tempdir().unwrap();
    let mut host = TestHost::new(&test_python(), &scratch.path().join("host"));
    let test = "def test_spins_forever():\n    while True:\n        pass\n";
    let hung = run_within(&mut host, scratch.path(), "spins", test, Duration::from_secs(2));
    assert!(matches!(hung.exit, Exit::TimedOut), "{:?}", hung.exit);
    assert!(hung.stacks.contains("test_spins_forever"), "stacks: {:?}", hung.stacks);
}
