//! Every program the engine runs goes through [`Process`]: its standard input is closed, it
//! dies with the thread that started it (a killed or interrupted pyo3-matrix takes its
//! cargo, maturin, pip and pytest processes with it), and every failure names the whole
//! command line, what it was for and the tool's last lines.

use anyhow::{anyhow, bail, Context as _, Result};
use std::ffi::OsStr;
use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Output, Stdio};
use std::time::{Duration, Instant};

/// Lines of a failed tool's output a failure shows.
const TAIL_LINES: usize = 8;

/// A program to run, with its arguments and environment.
#[derive(Debug)]
pub struct Process {
    command: Command,
}

impl Process {
    /// `program`, started with no standard input and killed with the thread that starts it.
    pub fn new(program: impl AsRef<OsStr>) -> Process {
        let mut command = Command::new(program);
        command.stdin(Stdio::null());
        dies_with_parent(&mut command);
        Process { command }
    }

    /// Adds an argument.
    pub fn arg(mut self, arg: impl AsRef<OsStr>) -> Process {
        self.command.arg(arg);
        self
    }

    /// Adds arguments.
    pub fn args<I, S>(mut self, args: I) -> Process
    where
        I: IntoIterator<Item = S>,
        S: AsRef<OsStr>,
    {
        self.command.args(args);
        self
    }

    /// Sets an environment variable.
    pub fn env(mut self, key: impl AsRef<OsStr>, value: impl AsRef<OsStr>) -> Process {
        self.command.env(key, value);
        self
    }

    /// Sets environment variables.
    pub fn envs<I, K, V>(mut self, vars: I) -> Process
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<OsStr>,
        V: AsRef<OsStr>,
    {
        self.command.envs(vars);
        self
    }

    /// Removes an environment variable.
    pub fn env_remove(mut self, key: impl AsRef<OsStr>) -> Process {
        self.command.env_remove(key);
        self
    }

    /// Runs it in `dir`.
    pub fn current_dir(mut self, dir: impl AsRef<Path>) -> Process {
        self.command.current_dir(dir);
        self
    }

    /// The command itself, for what only `std` can set (pipes, a jobserver).
    pub fn command_mut(&mut self) -> &mut Command {
        &mut self.command
    }

    /// The command line as a person would type it.
    pub fn shown(&self) -> String {
        std::iter::once(self.command.get_program())
            .chain(self.command.get_args())
            .map(|part| {
                let text = part.to_string_lossy();
                match text.is_empty() || text.contains(|c: char| c.is_whitespace() || "'\"$`\\".contains(c)) {
                    true => format!("'{}'", text.replace('\'', r"'\''")),
                    false => text.into_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    /// Starts it; the caller waits.
    pub fn spawn(mut self) -> Result<Child> {
        let shown = self.shown();
        self.command.spawn().with_context(|| format!("cannot start `{shown}`"))
    }

    /// Runs it to its end and gives its output, whatever its exit status.
    pub fn output(mut self) -> Result<Output> {
        let shown = self.shown();
        self.command.output().with_context(|| format!("cannot start `{shown}`"))
    }

    /// Runs it to its end; a failure says what it was for (`what`, as in "cannot {what}"),
    /// the command, its exit status and its last lines.
    pub fn run(self, what: &str) -> Result<()> {
        self.read(what).map(drop)
    }

    /// Runs it to its end and gives its standard output; failures as [`Process::run`].
    pub fn read(self, what: &str) -> Result<String> {
        let shown = self.shown();
        let out = self.output().with_context(|| format!("cannot {what}"))?;
        if !out.status.success() {
            return Err(failure(
                what,
                &shown,
                out.status,
                &[&out.stdout, &out.stderr].map(|b| String::from_utf8_lossy(b)),
            ));
        }
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    }

    /// Runs it with its output appended to the file `log` (headed by the command); a
    /// failure names the log and shows its last lines.
    pub fn run_logged(mut self, what: &str, log: &Path) -> Result<()> {
        use std::io::Write as _;
        let shown = self.shown();
        let mut file = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
            .with_context(|| format!("cannot write {}", log.display()))?;
        writeln!(file, "\n==> {what}: {shown}").with_context(|| format!("cannot write {}", log.display()))?;
        let status = self
            .command
            .stdout(file.try_clone()?)
            .stderr(file)
            .status()
            .with_context(|| format!("cannot start `{shown}`"))?;
        if !status.success() {
            let text = std::fs::read_to_string(log).unwrap_or_default();
            let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
            bail!(
                "{what} failed ({status}): `{shown}`; full log: {}\n{}",
                log.display(),
                lines[lines.len().saturating_sub(3 * TAIL_LINES)..].join("\n")
            );
        }
        Ok(())
    }

    /// Runs it with its output captured, killing it if it has not ended after `limit`.
    pub fn output_within(mut self, limit: Duration) -> Result<Finished> {
        let shown = self.shown();
        let mut child = self
            .command
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .with_context(|| format!("cannot start `{shown}`"))?;
        let stdout = drain(child.stdout.take().expect("piped"));
        let stderr = drain(child.stderr.take().expect("piped"));
        let started = Instant::now();
        let status = loop {
            if let Some(status) = child.try_wait()? {
                break Some(status);
            }
            if started.elapsed() > limit {
                let _ = child.kill();
                let _ = child.wait();
                break None;
            }
            std::thread::sleep(Duration::from_millis(5));
        };
        let (stdout, stderr) = (stdout.join().unwrap_or_default(), stderr.join().unwrap_or_default());
        match status {
            Some(status) => Ok(Finished { status, stdout, stderr }),
            None => Err(anyhow!("`{shown}` did not end within {} s", limit.as_secs_f64())),
        }
    }
}

/// What a process that ended left.
#[derive(Debug)]
pub struct Finished {
    /// How it ended.
    pub status: ExitStatus,
    /// Its standard output.
    pub stdout: String,
    /// Its standard error.
    pub stderr: String,
}

/// The error for a command that failed: what it was for, the command, the last lines.
fn failure(what: &str, shown: &str, status: ExitStatus, outputs: &[std::borrow::Cow<'_, str>]) -> anyhow::Error {
    let text = outputs.join("\n");
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    anyhow!(
        "cannot {what} ({status}): `{shown}`\n{}",
        lines[lines.len().saturating_sub(TAIL_LINES)..].join("\n")
    )
}

/// Asks the kernel to SIGKILL the child when the thread that started it goes away.
fn dies_with_parent(cmd: &mut Command) {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl is async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        });
    }
}

/// Waits for `child` and returns how it ended with the CPU seconds (user and system) it and
/// the descendants it waited for used: for cargo, every rustc and build script it ran.
pub fn wait_with_cpu(child: &mut Child) -> std::io::Result<(ExitStatus, f64)> {
    use std::os::unix::process::ExitStatusExt;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to overwrite.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    loop {
        // SAFETY: waits for our own child; status and usage point to live locals.
        let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
        if pid >= 0 {
            break;
        }
        let err = std::io::Error::last_os_error();
        if err.kind() != std::io::ErrorKind::Interrupted {
            return Err(err);
        }
    }
    let seconds = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    Ok((
        ExitStatus::from_raw(status),
        seconds(usage.ru_utime) + seconds(usage.ru_stime),
    ))
}

/// Reads a child's pipe to its end on a thread of its own, so that the child never blocks
/// on a full pipe while the other one is read; `join` gives the text.
pub fn drain(mut pipe: impl Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failure_names_the_purpose_the_whole_command_and_the_last_lines() {
        let e = Process::new("sh")
            .args(["-c", "echo first; echo 'it broke' >&2; exit 3"])
            .run("say hello")
            .unwrap_err();
        let text = format!("{e:#}");
        assert!(
            text.starts_with(
                "cannot say hello (exit status: 3): `sh -c 'echo first; echo '\\''it broke'\\'' >&2; exit 3'`"
            ),
            "{text}"
        );
        assert!(text.ends_with("first\nit broke"), "{text}");
    }

    #[test]
    fn a_missing_program_is_named() {
        let e = Process::new("no-such-program-here").arg("x").run("try").unwrap_err();
        assert!(
            format!("{e:#}").contains("cannot start `no-such-program-here x`"),
            "{e:#}"
        );
    }

    #[test]
    fn a_process_past_its_limit_is_killed_and_said_so() {
        let e = Process::new("sleep")
            .arg("30")
            .output_within(Duration::from_millis(100))
            .unwrap_err();
        assert!(e.to_string().contains("`sleep 30` did not end within 0.1 s"), "{e}");
    }

    #[test]
    fn a_log_keeps_the_command_and_a_failure_points_at_it() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("build.log");
        let e = Process::new("sh")
            .args(["-c", "echo compiling; exit 1"])
            .run_logged("configure", &log)
            .unwrap_err();
        let text = std::fs::read_to_string(&log).unwrap();
        assert!(
            text.contains("==> configure: sh -c 'echo compiling; exit 1'\ncompiling"),
            "{text}"
        );
        assert!(
            format!("{e:#}").contains(&format!("full log: {}", log.display())),
            "{e:#}"
        );
    }
}
