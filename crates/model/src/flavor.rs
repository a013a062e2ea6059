//! Interpreter flavors: `3.12`, `3.13`, `3.13t` (the `t` marks a free-threaded build).

use crate::ModelError;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::fmt;

/// A CPython minor version plus whether the build is free-threaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Flavor {
    /// Major version (3).
    pub major: u32,
    /// Minor version (13).
    pub minor: u32,
    /// Built with `--disable-gil` (sysconfig `Py_GIL_DISABLED`).
    pub free_threaded: bool,
}

impl Flavor {
    /// Parses a label such as `3.13` or `3.13t`.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let bad = || ModelError::BadFlavor(text.to_string());
        let t = text.trim();
        let (body, free_threaded) = match t.strip_suffix('t') {
            Some(b) => (b, true),
            None => (t, false),
        };
        let (major, minor) = body.split_once('.').ok_or_else(bad)?;
        Ok(Flavor {
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
            "{}.{}{}",
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
        for label in ["3.12", "3.13", "3.13t", "3.14t"] {
            assert_eq!(Flavor::parse(label).unwrap().to_string(), label);
        }
        for bad in ["3", "py313", "3.x", "t", ""] {
            assert!(Flavor::parse(bad).is_err(), "{bad}");
        }
    }
}
