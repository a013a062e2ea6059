//! The identity of a cell: one pattern built against one release for one interpreter, with
//! or without a variant. Every stage keys its data by it.

use crate::{Flavor, Release};
use serde::{Deserialize, Serialize};
use std::fmt;

/// (pattern, release, interpreter, variant): what a verdict is about, across runs.
///
/// In `results.json` its fields sit flat beside the verdict (`pattern`, `pyo3`, `python`,
/// `variant`). The order sorts a pattern's cells release by release, then interpreter.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellId {
    /// Pattern id (or the snippet's or crate's module name).
    pub pattern: String,
    /// The exact PyO3 release built.
    pub pyo3: Release,
    /// The interpreter flavor.
    pub python: Flavor,
    /// The variant's name; `None` for the plain cell.
    #[serde(default)]
    pub variant: Option<String>,
}

impl CellId {
    /// The plain cell of `pattern` at `pyo3` on `python`.
    pub fn plain(pattern: impl Into<String>, pyo3: Release, python: Flavor) -> Self {
        CellId {
            pattern: pattern.into(),
            pyo3,
            python,
            variant: None,
        }
    }

    /// The same cell with `variant` set.
    pub fn with_variant(self, variant: Option<&str>) -> Self {
        CellId {
            variant: variant.map(Into::into),
            ..self
        }
    }
}

impl fmt::Display for CellId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} {}", self.pattern, self.pyo3, self.python)?;
        match &self.variant {
            Some(v) => write!(f, " [{v}]"),
            None => Ok(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_by_release_as_a_version_and_reads_as_one_line() {
        let id = |v: &str| CellId::plain("p", Release::parse(v).unwrap(), Flavor::parse("3.12").unwrap());
        let mut ids = [id("0.30.0"), id("0.9.0"), id("0.23.5")];
        ids.sort();
        let order: Vec<String> = ids.iter().map(|i| i.pyo3.to_string()).collect();
        assert_eq!(order, ["0.9.0", "0.23.5", "0.30.0"]);
        assert_eq!(
            id("0.23.5").with_variant(Some("abi3")).to_string(),
            "p 0.23.5 3.12 [abi3]"
        );
    }
}
