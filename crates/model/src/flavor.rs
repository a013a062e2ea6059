//! Interpreter flavors: `3.12`, `3.13`, `3.13t` (the `t` marks a free-threaded build) and
//! `pypy3.9` (PyPy implementing Python 3.9).

use crate::ModelError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// Which Python implementation an interpreter is, as `sys.implementation.name` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Implementation {
    /// `cpython`.
    CPython,
    /// `pypy`.
    PyPy,
}

impl Implementation {
    /// `sys.implementation.name` of it.
    pub fn name(self) -> &'static str {
        match self {
            Implementation::CPython => "cpython",
            Implementation::PyPy => "pypy",
        }
    }

    /// The implementation `sys.implementation.name` names, if it is one the matrix knows.
    pub fn of_name(name: &str) -> Option<Implementation> {
        [Implementation::CPython, Implementation::PyPy]
            .into_iter()
            .find(|i| i.name() == name)
    }
}

/// An implementation, the Python version it implements, and whether the build is
/// free-threaded. CPython flavors sort before PyPy's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Flavor {
    /// CPython or PyPy.
    pub implementation: Implementation,
    /// Major version (3).
    pub major: u32,
    /// Minor version (13).
    pub minor: u32,
    /// Built with `--disable-gil` (sysconfig `Py_GIL_DISABLED`).
    pub free_threaded: bool,
}

impl Flavor {
    /// CPython `major.minor`, free-threaded or not.
    pub fn cpython(major: u32, minor: u32, free_threaded: bool) -> Flavor {
        Flavor {
            implementation: Implementation::CPython,
            major,
            minor,
            free_threaded,
        }
    }

    /// Whether it is PyPy.
    pub fn is_pypy(&self) -> bool {
        self.implementation == Implementation::PyPy
    }

    /// Parses a label such as `3.13`, `3.13t` or `pypy3.9`.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let bad = || ModelError::BadFlavor(text.to_string());
        let t = text.trim();
        let (implementation, t) = match t.strip_prefix("pypy") {
            Some(rest) => (Implementation::PyPy, rest),
            None => (Implementation::CPython, t),
        };
        let (body, free_threaded) = match t.strip_suffix('t') {
            Some(b) if implementation == Implementation::CPython => (b, true),
            _ => (t, false),
        };
        let (major, minor) = body.split_once('.').ok_or_else(bad)?;
        Ok(Flavor {
            implementation,
            major: major.parse().map_err(|_| bad())?,
            minor: minor.parse().map_err(|_| bad())?,
            free_threaded,
        })
    }
}

impl fmt::Display for Flavor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}{}.{}{}",
            if self.is_pypy() { "pypy" } else { "" },
            self.major,
            self.minor,
            if self.free_threaded { "t" } else { "" }
        )
    }
}

impl std::str::FromStr for Flavor {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Flavor::parse(s)
    }
}

impl Serialize for Flavor {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Flavor {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Flavor::parse(&text).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_round_trip() {
        for label in ["3.12", "3.13", "3.13t", "3.14t", "pypy3.9", "pypy3.11"] {
            assert_eq!(Flavor::parse(label).unwrap().to_string(), label);
        }
        assert!(Flavor::parse("pypy3.9").unwrap().is_pypy());
        assert_eq!(Flavor::parse("3.13t").unwrap(), Flavor::cpython(3, 13, true));
        assert!(Flavor::parse("3.13t").unwrap() < Flavor::parse("pypy3.9").unwrap());
        for bad in ["3", "py313", "3.x", "t", "", "pypy", "pypy3.9t", "pypy3"] {
            assert!(Flavor::parse(bad).is_err(), "{bad}");
        }
    }
}
