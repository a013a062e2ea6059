//! An exclusive advisory lock on a directory, so two runs sharing a cache never write the
//! same cell workspace at once (cargo already guards the target directory itself). The lock
//! file's modification time says when the directory was last used, which is how
//! [`crate::footprint::collect`] finds the least recently used cells.

use anyhow::{Context as _, Result};
use std::fs::File;
use std::os::unix::io::AsRawFd;
use std::path::Path;
use std::time::SystemTime;

/// The lock file's name inside the directory it locks.
pub const LOCK_FILE: &str = ".lock";

/// When the directory `dir` was last used: its lock file's modification time (never used
/// reads as the epoch, so it goes first).
pub fn last_used(dir: &Path) -> SystemTime {
    std::fs::metadata(dir.join(LOCK_FILE))
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Held until dropped; the kernel releases it if the process dies.
#[derive(Debug)]
pub struct DirLock {
    _file: File,
}

impl DirLock {
    /// Blocks until `dir/.lock` is exclusively ours, and stamps it with the time: the
    /// directory is being used.
    pub fn acquire(dir: &Path) -> Result<Self> {
        let lock = Self::acquire_unstamped(dir)?;
        // Only an ordering hint: a file system that keeps no times changes nothing else.
        let _ = lock._file.set_modified(SystemTime::now());
        Ok(lock)
    }

    /// Blocks until `dir/.lock` is exclusively ours, leaving its time as it was: for
    /// cleaning the directory up, which is no use of it.
    pub fn acquire_unstamped(dir: &Path) -> Result<Self> {
        crate::fs::create_dir_all(dir)?;
        let path = dir.join(LOCK_FILE);
        let file = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .with_context(|| format!("cannot create {}", path.display()))?;
        // SAFETY: flock on a descriptor we own; blocking until granted.
        if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } != 0 {
            return Err(std::io::Error::last_os_error()).with_context(|| format!("cannot lock {}", path.display()));
        }
        Ok(DirLock { _file: file })
    }
}
