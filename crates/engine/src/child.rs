//! Child processes: ones that never outlive the run (a killed or interrupted pyo3-matrix
//! takes its cargo and pytest processes with it), their CPU time, and running a tool whose
//! failure should say what was tried.

use anyhow::{bail, Context, Result};
use std::process::{Child, Command, ExitStatus, Stdio};

/// Asks the kernel to SIGKILL the child when the thread that started it goes away.
pub fn dies_with_parent(cmd: &mut Command) -> &mut Command {
    use std::os::unix::process::CommandExt;
    // SAFETY: prctl and getppid are async-signal-safe; nothing else runs between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            if libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL) != 0 {
                return Err(std::io::Error::last_os_error());
            }
            Ok(())
        })
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
pub fn drain(mut pipe: impl std::io::Read + Send + 'static) -> std::thread::JoinHandle<String> {
    std::thread::spawn(move || {
        let mut text = String::new();
        let _ = pipe.read_to_string(&mut text);
        text
    })
}

/// Runs `cmd`; a failure says what we tried and shows the tool's last lines.
pub fn run(cmd: &mut Command, what: &str) -> Result<()> {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .with_context(|| format!("cannot {what}"))?;
    if !out.status.success() {
        let text = format!(
            "{}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
        bail!(
            "cannot {what} ({}):\n{}",
            out.status,
            lines[lines.len().saturating_sub(8)..].join("\n")
        );
    }
    Ok(())
}
