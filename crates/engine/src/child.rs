//! Children that never outlive the run: a killed or interrupted pyo3-matrix takes its
//! cargo and pytest processes with it.

use std::process::Command;

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
