//! The vocabulary shared by every stage of pyo3-matrix.
//!
//! Data flows one way: the matrix definition and patterns ([`matrix`], [`pattern`]) describe
//! what to run; the engine turns them into observations and one [`Outcome`] per cell; the
//! results ([`results`]) are what the reports read. Nothing here builds or runs anything.

pub mod bounds;
pub mod cell;
pub mod error;
pub mod flavor;
pub mod history;
pub mod matrix;
pub mod outcome;
pub mod pattern;
pub mod quote;
pub mod release;
pub mod results;
pub mod shard;
pub mod sources;
pub mod text_paths;
pub mod transition;

pub use bounds::{Bounds, InBounds, ReleaseBounds, Span};
pub use cell::CellId;
pub use error::ModelError;
pub use flavor::{Flavor, Implementation};
pub use history::{Bullet, Check};
pub use matrix::{CompanionSpec, MatrixDef, MatrixSet, PythonPackages, PythonRecipe, ReleaseDef};
pub use outcome::Outcome;
pub use pattern::{Claim, Expectation, Fix, Pattern, PatternMeta, Twin, Variant};
pub use quote::Quote;
pub use release::{Point, Release, ReleaseSelector};
pub use results::{CellResult, Diagnostic, InterpreterInfo, Level, RunResults, TestFailure, Timings, SCHEMA_VERSION};
pub use shard::Shard;
pub use sources::{Source, Sources, UnsafeSetting};
pub use transition::Transition;
