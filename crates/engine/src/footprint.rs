//! What the cache holds on disk, by kind, and how it is kept under a size: the least
//! recently used cells give up what a build can make again (their target directories,
//! test copies and wheels), never a verdict, an interpreter or a test environment.
//!
//! A cell directory (`cells/<release>/<interpreter>`) is "used" when a run takes its lock
//! ([`crate::lock::DirLock`] stamps the lock file), so its lock file's modification time
//! orders the cells from least to most recently used.

use crate::cell_dir::{subdirs, CellDir, PLAIN_TARGET};
use crate::lock::DirLock;
use crate::Dirs;
use anyhow::{Context as _, Result};
use std::collections::HashSet;
use std::os::unix::fs::MetadataExt as _;
use std::path::{Path, PathBuf};
use std::time::SystemTime;

/// A kind of thing the cache holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// Provisioned interpreters (`pythons/`).
    Interpreters,
    /// Source tarballs and apt state kept for provisioning (`downloads/`).
    Downloads,
    /// Test environments with pytest (`venvs/`).
    Environments,
    /// What cells build: target directories, test copies, wheels (`cells/`); the only
    /// kind [`collect`] removes.
    CellBuilds,
    /// Everything else under `cells/`: workspaces and locks, a few kilobytes each.
    CellWorkspaces,
    /// Verdicts (`results/`).
    Verdicts,
    /// Anything else (the unpacked catalog of an installed binary).
    Other,
}

impl Kind {
    /// Every kind, in the order `cache info` lists them.
    pub const ALL: [Kind; 7] = [
        Kind::Interpreters,
        Kind::Downloads,
        Kind::Environments,
        Kind::CellBuilds,
        Kind::CellWorkspaces,
        Kind::Verdicts,
        Kind::Other,
    ];

    /// How `cache info` names it.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Interpreters => "interpreters",
            Kind::Downloads => "downloads",
            Kind::Environments => "test environments",
            Kind::CellBuilds => "cell targets",
            Kind::CellWorkspaces => "cell workspaces",
            Kind::Verdicts => "verdicts",
            Kind::Other => "other",
        }
    }
}

/// Whether a build is the cell's plain target, which every pattern's build and every
/// seeded variant target starts from: collected only after every other build.
fn is_plain_target(name: &str) -> bool {
    name == PLAIN_TARGET
}

/// Bytes on disk under `path` (blocks, as `du` counts them), each hard-linked file once.
fn disk_bytes(path: &Path, seen: &mut HashSet<(u64, u64)>) -> u64 {
    let Ok(meta) = std::fs::symlink_metadata(path) else {
        return 0;
    };
    if meta.nlink() > 1 && !meta.is_dir() && !seen.insert((meta.dev(), meta.ino())) {
        return 0;
    }
    let own = meta.blocks() * 512;
    if !meta.is_dir() {
        return own;
    }
    let children = std::fs::read_dir(path)
        .map(|entries| entries.flatten().map(|e| disk_bytes(&e.path(), seen)).sum())
        .unwrap_or(0);
    own + children
}

/// The cache's size on disk by kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Footprint {
    /// Bytes of each kind, in [`Kind::ALL`] order.
    pub bytes: [u64; Kind::ALL.len()],
}

impl Footprint {
    /// Bytes of `kind`.
    pub fn of(&self, kind: Kind) -> u64 {
        self.bytes[kind as usize]
    }

    /// Bytes in all.
    pub fn total(&self) -> u64 {
        self.bytes.iter().sum()
    }
}

/// Measures the cache in `dirs`.
pub fn measure(dirs: &Dirs) -> Footprint {
    let mut seen = HashSet::new();
    let mut footprint = Footprint::default();
    let mut add = |kind: Kind, bytes: u64| footprint.bytes[kind as usize] += bytes;
    let Ok(entries) = std::fs::read_dir(dirs.root()) else {
        return footprint;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let kind = match &path {
            p if *p == dirs.pythons() => Kind::Interpreters,
            p if *p == dirs.downloads() => Kind::Downloads,
            p if *p == dirs.venvs() => Kind::Environments,
            p if *p == dirs.results() => Kind::Verdicts,
            p if *p == dirs.cells() => {
                // One pass over the release folders: a cell directory's builds and the rest
                // (workspaces, locks, the folders themselves, the scratch anchors).
                for release in subdirs(p) {
                    let folder = std::fs::symlink_metadata(&release).map(|m| m.blocks() * 512);
                    add(Kind::CellWorkspaces, folder.unwrap_or(0));
                    for entry in std::fs::read_dir(&release).into_iter().flatten().flatten() {
                        let entry = entry.path();
                        if !CellDir::is_cell(&entry) {
                            add(Kind::CellWorkspaces, disk_bytes(&entry, &mut seen));
                            continue;
                        }
                        for part in std::fs::read_dir(&entry).into_iter().flatten().flatten() {
                            let kind = match CellDir::is_build(&part.file_name().to_string_lossy()) {
                                true => Kind::CellBuilds,
                                false => Kind::CellWorkspaces,
                            };
                            add(kind, disk_bytes(&part.path(), &mut seen));
                        }
                    }
                }
                continue;
            }
            _ => Kind::Other,
        };
        add(kind, disk_bytes(&path, &mut seen));
    }
    footprint
}

/// What [`collect`] removed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Collected {
    /// The cell directories whose builds were removed, least recently used first.
    pub cells: Vec<PathBuf>,
    /// Bytes the cache held before and after.
    pub before: u64,
    /// Bytes after.
    pub after: u64,
}

/// When the cell in `cell` was last used: its lock file's modification time.
fn last_used(cell: &CellDir) -> SystemTime {
    std::fs::metadata(cell.lock_file())
        .and_then(|m| m.modified())
        .unwrap_or(SystemTime::UNIX_EPOCH)
}

/// Removes the builds of the least recently used cells until the cache holds at most
/// `max_bytes` (or no build is left): first the variants' targets, test copies and wheels,
/// cell by cell, then the plain targets the same way. Each cell is taken under its lock,
/// so a run using it finishes first; its workspace stays, and what was removed is built
/// again when next needed.
pub fn collect(dirs: &Dirs, max_bytes: u64) -> Result<Collected> {
    let before = measure(dirs).total();
    let mut collected = Collected {
        before,
        after: before,
        cells: Vec::new(),
    };
    let mut cells = CellDir::all(dirs);
    cells.sort_by_key(last_used);
    for plain in [false, true] {
        for cell in &cells {
            if collected.after <= max_bytes {
                break;
            }
            let freed = remove_builds(cell.path(), |name| {
                CellDir::is_build(name) && is_plain_target(name) == plain
            })?;
            if freed > 0 {
                collected.after = collected.after.saturating_sub(freed);
                if !collected.cells.iter().any(|c| c == cell.path()) {
                    collected.cells.push(cell.path().to_path_buf());
                }
            }
        }
    }
    // Measured again: hard links shared between cells are freed only with the last one.
    collected.after = measure(dirs).total();
    Ok(collected)
}

/// Removes the entries of `cell` whose names `chosen` picks, under the cell's lock, and
/// returns the bytes they held.
fn remove_builds(cell: &Path, chosen: impl Fn(&str) -> bool) -> Result<u64> {
    let _lock = DirLock::acquire_unstamped(cell)?;
    let mut seen = HashSet::new();
    let mut freed = 0;
    for part in std::fs::read_dir(cell).into_iter().flatten().flatten() {
        if !chosen(&part.file_name().to_string_lossy()) {
            continue;
        }
        let path = part.path();
        let bytes = disk_bytes(&path, &mut seen);
        let removed = match path.is_dir() {
            true => std::fs::remove_dir_all(&path),
            false => std::fs::remove_file(&path),
        };
        removed.with_context(|| format!("cannot remove {}", path.display()))?;
        freed += bytes;
    }
    Ok(freed)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A cell directory with a lock last used at `used` (seconds after the epoch) and
    /// `build` bytes in its target.
    fn cell(dirs: &Dirs, name: &str, used: u64, build: usize) -> PathBuf {
        let cell = dirs.cells().join(name);
        drop(DirLock::acquire(&cell).unwrap());
        for dir in ["target/debug", "target-env-1/debug", "ws-run", "runs-run"] {
            std::fs::create_dir_all(cell.join(dir)).unwrap();
        }
        std::fs::write(cell.join("target/debug/lib.so"), vec![1u8; build]).unwrap();
        std::fs::write(cell.join("target-env-1/debug/lib.so"), vec![1u8; build]).unwrap();
        std::fs::write(cell.join("ws-run/Cargo.toml"), "[workspace]\n").unwrap();
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(used);
        std::fs::File::options()
            .write(true)
            .open(cell.join(".lock"))
            .unwrap()
            .set_modified(at)
            .unwrap();
        cell
    }

    #[test]
    fn sizes_are_told_by_kind_and_hard_links_count_once() {
        let root = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(root.path());
        let a = cell(&dirs, "0.23.5/3.12", 100, 300_000);
        std::fs::hard_link(a.join("target/debug/lib.so"), a.join("target/debug/again.so")).unwrap();
        std::fs::create_dir_all(dirs.results().join("ab")).unwrap();
        std::fs::write(dirs.results().join("ab/verdict.json"), vec![b' '; 10_000]).unwrap();
        std::fs::create_dir_all(dirs.pythons().join("3.13.99t/bin")).unwrap();
        std::fs::write(dirs.pythons().join("3.13.99t/bin/python3.13t"), vec![0u8; 50_000]).unwrap();
        let footprint = measure(&dirs);
        let builds = footprint.of(Kind::CellBuilds);
        assert!((600_000..700_000).contains(&builds), "{footprint:?}");
        assert!(footprint.of(Kind::Verdicts) >= 10_000, "{footprint:?}");
        assert!(footprint.of(Kind::Interpreters) >= 50_000, "{footprint:?}");
        assert!(footprint.of(Kind::CellWorkspaces) > 0, "{footprint:?}");
        assert_eq!(footprint.total(), footprint.bytes.iter().sum::<u64>());
    }

    #[test]
    fn the_least_recently_used_builds_go_first_and_verdicts_stay() {
        let root = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(root.path());
        let old = cell(&dirs, "0.21.2/3.12", 100, 400_000);
        let newer = cell(&dirs, "0.23.5/3.12", 200, 400_000);
        let newest = cell(&dirs, "0.23.5/3.13", 300, 400_000);
        std::fs::create_dir_all(dirs.results().join("ab")).unwrap();
        std::fs::write(dirs.results().join("ab/verdict.json"), "{}").unwrap();
        let before = measure(&dirs).total();
        // Room for all but about one target: the oldest cell's variant target goes first.
        let collected = collect(&dirs, before - 200_000).unwrap();
        assert_eq!(collected.cells, std::slice::from_ref(&old));
        assert!(collected.after < collected.before);
        assert!(!old.join("target-env-1").exists() && !old.join("runs-run").exists());
        assert!(old.join("target").is_dir(), "plain targets go last");
        assert!(old.join("ws-run/Cargo.toml").is_file(), "the workspace stays");
        // Room for two targets: every variant target goes, then the oldest plain one.
        let collected = collect(&dirs, 1_000_000).unwrap();
        assert_eq!(collected.cells, [newer.clone(), newest.clone(), old.clone()]);
        assert!(!old.join("target").exists());
        assert!(newer.join("target").is_dir() && newest.join("target").is_dir());
        assert!(!newer.join("target-env-1").exists() && !newest.join("target-env-1").exists());
        assert!(dirs.results().join("ab/verdict.json").is_file(), "verdicts stay");
        // Nothing to do under the cap; everything built goes under a cap of zero.
        assert!(collect(&dirs, u64::MAX).unwrap().cells.is_empty());
        assert_eq!(collect(&dirs, 0).unwrap().cells, [newer, newest]);
        assert_eq!(measure(&dirs).of(Kind::CellBuilds), 0);
    }
}
