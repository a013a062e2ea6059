//! What the cache holds on disk, by kind, and how it is kept under a size: the least
//! recently used cells and migrations give up what a build can make again (target
//! directories, test copies, wheels, a migration's copy of the crate), never a verdict, an
//! interpreter or a test environment.
//!
//! A cell directory (`cells/<release>/<interpreter>`) or a migration's (`migrate/<crate>`) is
//! "used" when a run takes its lock ([`crate::lock::DirLock`] stamps the lock file), so its
//! lock file's modification time orders them from least to most recently used.

use crate::cell_dir::{subdirs, CellDir, PLAIN_TARGET};
use crate::lock::{last_used, DirLock, LOCK_FILE};
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
    /// What cells build: target directories, test copies, wheels (`cells/`), which
    /// [`collect`] removes.
    CellBuilds,
    /// Everything else under `cells/`: workspaces and locks, a few kilobytes each.
    CellWorkspaces,
    /// Verdicts (`results/`).
    Verdicts,
    /// Migrations' copies of crates with their targets (`migrate/`), which [`collect`]
    /// removes with the cells' variant builds.
    Migrations,
    /// Anything else (the unpacked catalog of an installed binary).
    Other,
}

impl Kind {
    /// Every kind, in the order `cache info` lists them.
    pub const ALL: [Kind; 8] = [
        Kind::Interpreters,
        Kind::Downloads,
        Kind::Environments,
        Kind::CellBuilds,
        Kind::CellWorkspaces,
        Kind::Verdicts,
        Kind::Migrations,
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
            Kind::Migrations => "migrations",
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
            p if *p == dirs.migrations() => Kind::Migrations,
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
    /// The migrations' directories whose copies and targets were removed, least recently
    /// used first.
    pub migrations: Vec<PathBuf>,
    /// Bytes the cache held before.
    pub before: u64,
    /// Bytes after.
    pub after: u64,
}

/// A directory [`collect`] can take builds from, when it was last used, and what it is.
struct Holder {
    dir: PathBuf,
    used: SystemTime,
    is_migration: bool,
}

/// Every cell and every migration in the cache, least recently used first.
fn holders(dirs: &Dirs) -> Vec<Holder> {
    let cells = CellDir::all(dirs)
        .into_iter()
        .map(|cell| (cell.path().to_path_buf(), false));
    let migrations = subdirs(&dirs.migrations()).into_iter().map(|dir| (dir, true));
    let mut holders: Vec<Holder> = cells
        .chain(migrations)
        .map(|(dir, is_migration)| Holder {
            used: last_used(&dir),
            dir,
            is_migration,
        })
        .collect();
    holders.sort_by_key(|h| h.used);
    holders
}

/// Removes builds, least recently used first, until the cache holds at most `max_bytes`
/// (or no build is left): first the cells' variant targets, test copies and wheels and the
/// migrations' copies with their targets, then the cells' plain targets the same way. Each
/// directory is taken under its lock, so a run using it finishes first; a cell's workspace
/// stays, and what was removed is built again when next needed.
pub fn collect(dirs: &Dirs, max_bytes: u64) -> Result<Collected> {
    // One collector at a time: two runs ending together would each count only what they
    // freed themselves and remove twice what the cap asks.
    let _collecting = DirLock::acquire_unstamped(dirs.root())?;
    let before = measure(dirs).total();
    let mut collected = Collected {
        before,
        after: before,
        ..Collected::default()
    };
    let holders = holders(dirs);
    for plain in [false, true] {
        for holder in &holders {
            if collected.after <= max_bytes {
                break;
            }
            let freed = match holder.is_migration {
                true if plain => 0,
                true => remove_builds(&holder.dir, |name| name != LOCK_FILE)?,
                false => remove_builds(&holder.dir, |name| {
                    CellDir::is_build(name) && is_plain_target(name) == plain
                })?,
            };
            if freed > 0 {
                collected.after = collected.after.saturating_sub(freed);
                let removed = match holder.is_migration {
                    true => &mut collected.migrations,
                    false => &mut collected.cells,
                };
                if !removed.contains(&holder.dir) {
                    removed.push(holder.dir.clone());
                }
            }
        }
    }
    // Measured again: hard links shared between cells are freed only with the last one.
    collected.after = measure(dirs).total();
    Ok(collected)
}

/// Removes the entries of `dir` whose names `chosen` picks, under the directory's lock, and
/// returns the bytes they held.
fn remove_builds(dir: &Path, chosen: impl Fn(&str) -> bool) -> Result<u64> {
    let _lock = DirLock::acquire_unstamped(dir)?;
    let mut seen = HashSet::new();
    let mut freed = 0;
    for part in std::fs::read_dir(dir).into_iter().flatten().flatten() {
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
        used_at(&cell, used);
        cell
    }

    /// A migration's directory last used at `used` with `build` bytes in its target.
    fn migration(dirs: &Dirs, name: &str, used: u64, build: usize) -> PathBuf {
        let dir = dirs.migrations().join(name);
        drop(DirLock::acquire(&dir).unwrap());
        for part in ["target/debug", "build", "tree/src"] {
            std::fs::create_dir_all(dir.join(part)).unwrap();
        }
        std::fs::write(dir.join("target/debug/lib.so"), vec![1u8; build]).unwrap();
        std::fs::write(dir.join("tree/src/lib.rs"), "// the copy\n").unwrap();
        used_at(&dir, used);
        dir
    }

    /// Stamps the lock of `dir` as last used `seconds` after the epoch.
    fn used_at(dir: &Path, seconds: u64) {
        let at = SystemTime::UNIX_EPOCH + std::time::Duration::from_secs(seconds);
        let lock = std::fs::File::options().write(true).open(dir.join(LOCK_FILE)).unwrap();
        lock.set_modified(at).unwrap();
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
        migration(&dirs, "scan-lib-1234", 100, 70_000);
        let footprint = measure(&dirs);
        assert!(footprint.of(Kind::Migrations) >= 70_000, "{footprint:?}");
        assert_eq!(footprint.of(Kind::Other), 0, "{footprint:?}");
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

    #[test]
    fn migrations_go_with_the_variant_builds_in_order_of_last_use() {
        let root = tempfile::tempdir().unwrap();
        let dirs = Dirs::at(root.path());
        let old = migration(&dirs, "scan-old-1", 100, 400_000);
        let cell = cell(&dirs, "0.23.5/3.12", 200, 400_000);
        let recent = migration(&dirs, "scan-recent-2", 300, 400_000);
        // Room for all but about one target: the oldest migration goes, whole but its lock.
        let before = measure(&dirs).total();
        let collected = collect(&dirs, before - 200_000).unwrap();
        assert_eq!(collected.migrations, std::slice::from_ref(&old));
        assert!(collected.cells.is_empty());
        assert!(!old.join("target").exists() && !old.join("tree").exists() && !old.join("build").exists());
        assert!(old.join(LOCK_FILE).is_file(), "a run may hold it");
        // Down to the plain target: the cell's variants, then the recent migration, go.
        let collected = collect(&dirs, 450_000).unwrap();
        assert_eq!(
            (collected.cells, collected.migrations),
            (vec![cell.clone()], vec![recent.clone()])
        );
        assert!(cell.join("target").is_dir() && !recent.join("target").exists());
        assert!(
            measure(&dirs).of(Kind::Migrations) < 100_000,
            "only folders and locks are left"
        );
    }
}
