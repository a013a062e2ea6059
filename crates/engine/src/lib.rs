//! The engine: turns patterns x cells into observations and one verdict per result.
//!
//! - [`interpreters`] finds interpreters (PATH, pyenv, explicit paths, the cache) by asking
//!   them what they are, [`provision`] builds a missing one from an upstream tarball and
//!   [`packages`] installs one the system's package manager has (PyPy);
//!   [`venv`] gives each interpreter a test environment with pytest.
//! - [`cells`] writes one pinned workspace per (release, interpreter, variant); [`seed`]
//!   starts a build environment's target from the plain cell's.
//! - [`build`] runs one cargo invocation per cell and splits its JSON per pattern.
//! - [`pytest`] runs one pattern's tests in its own process group, with a timeout, forked
//!   from a server per interpreter that has already imported pytest.
//! - [`cache`] reuses a verdict exactly when none of its inputs changed, the engine's own
//!   code that decides it ([`BUILD_IDENTITY`]) included.
//! - [`classify`] turns those observations into an [`Outcome`](pyo3_matrix_model::Outcome):
//!   the only place a verdict is decided.
//! - [`scan`] rebuilds a user's own crate against another release, in a copy; [`maturin`]
//!   builds it when its project is maturin's, with the [`tools`] of the tool's own, and
//!   [`wheel`] makes the wheel importable for one cell alone; `crate_cell` observes one
//!   cell of a user's crate with them.
//! - [`migrate`] does the mechanical part of an upgrade in a copy of a user's crate, release
//!   by release, with the rules of `matrix/migrate.toml` applied at rustc's spans.
//! - [`footprint`] measures the cache by kind and removes the builds of the least
//!   recently used cells to keep it under a size.
//! - [`paths`] reads paths as text, without the file system; [`process`] runs every
//!   program the engine runs, with failures that show the whole command.
//! - [`registry`] lists every published PyO3 release from cargo's index cache.
//! - [`slots`] shares the cores between cargo's jobs and the test processes.
//! - [`session`] is the one way in: a run described once ([`plan`]'s types), observed by
//!   the [`runner`], which drives the cells side by side and reports progress, and handed
//!   back as results.

include!(concat!(env!("OUT_DIR"), "/build_identity.rs"));

pub mod bisect;
pub mod build;
pub mod cache;
pub mod cell_dir;
pub mod cells;
pub mod classify;
mod crate_cell;
pub mod dirs;
pub mod footprint;
pub mod fs;
pub mod interpreters;
pub mod lock;
pub mod maturin;
pub mod migrate;
pub mod packages;
pub mod paths;
pub mod plan;
pub mod portable;
pub mod process;
pub mod provision;
pub mod pytest;
pub mod registry;
pub mod runner;
pub mod scan;
pub mod seed;
pub mod session;
pub mod setuptools;
pub mod slots;
pub mod targets;
pub mod tools;
pub mod venv;
pub mod wheel;

pub use dirs::Dirs;
