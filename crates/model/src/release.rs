//! PyO3 releases and the `--pyo3` selector syntax (`0.23`, `0.22.4`, `0.21..=0.24`, lists).

use crate::ModelError;
use serde::{Deserialize, Serialize};
use std::fmt;

/// One exact PyO3 release, e.g. `0.23.5`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Release(pub semver::Version);

impl Release {
    /// Parses an exact `MAJOR.MINOR.PATCH` version.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        semver::Version::parse(text.trim())
            .map(Release)
            .map_err(|_| ModelError::BadRelease(text.to_string()))
    }

    /// The `(major, minor)` pair that companion crates are paired on.
    pub fn minor(&self) -> (u64, u64) {
        (self.0.major, self.0.minor)
    }

    /// `0.23` for `0.23.5`: the requirement a companion crate of the same minor satisfies.
    pub fn minor_label(&self) -> String {
        format!("{}.{}", self.0.major, self.0.minor)
    }
}

impl std::str::FromStr for Release {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Release::parse(s)
    }
}

impl fmt::Display for Release {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A point on the release axis: a whole minor (`0.21`) or an exact release (`0.21.1`). A
/// range's bound, or where a claim starts or ends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Point {
    /// Every patch of `major.minor`.
    Minor(u64, u64),
    /// Exactly this release.
    Exact(semver::Version),
}

impl Point {
    /// The minor it is in (`0.21` for `0.21` and `0.21.1`).
    pub fn minor(&self) -> (u64, u64) {
        match self {
            Point::Minor(major, minor) => (*major, *minor),
            Point::Exact(version) => (version.major, version.minor),
        }
    }

    /// Parses `0.21` or `0.21.1`.
    pub fn parse(text: &str) -> Result<Self, ModelError> {
        let bad = || ModelError::BadRelease(text.to_string());
        let parts: Vec<&str> = text.trim().split('.').collect();
        let num = |s: &str| s.parse::<u64>().map_err(|_| bad());
        match parts.as_slice() {
            [major, minor] => Ok(Point::Minor(num(major)?, num(minor)?)),
            [_, _, _] => semver::Version::parse(text.trim()).map(Point::Exact).map_err(|_| bad()),
            _ => Err(bad()),
        }
    }

    /// The lowest version this point admits as a lower bound.
    fn low(&self) -> semver::Version {
        match self {
            Point::Minor(a, b) => semver::Version::new(*a, *b, 0),
            Point::Exact(v) => v.clone(),
        }
    }

    /// As a start: whether `release` lies at or after this point (a minor admits all its
    /// patches).
    pub fn admits_as_start(&self, release: &Release) -> bool {
        self.low() <= release.0
    }

    /// As an end: whether `release` lies at or before this point (a minor admits all its
    /// patches).
    pub fn admits_as_end(&self, release: &Release) -> bool {
        self.admits_below(&release.0, true)
    }

    /// Whether `v` lies at or below this point as an upper bound.
    fn admits_below(&self, v: &semver::Version, inclusive: bool) -> bool {
        match self {
            Point::Minor(a, b) if inclusive => (v.major, v.minor) <= (*a, *b),
            Point::Minor(a, b) => (v.major, v.minor) < (*a, *b),
            Point::Exact(e) if inclusive => v <= e,
            Point::Exact(e) => v < e,
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Point::Minor(a, b) => write!(f, "{a}.{b}"),
            Point::Exact(v) => v.fmt(f),
        }
    }
}

impl std::str::FromStr for Point {
    type Err = ModelError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Point::parse(s)
    }
}

/// Serde by the text form, so a typo in a data file is refused where it is loaded.
macro_rules! serde_by_text {
    ($ty:ty) => {
        impl Serialize for $ty {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $ty {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let text = String::deserialize(d)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    };
}

serde_by_text!(Point);
serde_by_text!(ReleaseSelector);

/// One item of a `--pyo3` list.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    /// `0.23`: the latest known patch of that minor.
    Minor(u64, u64),
    /// `0.22.4`: exactly that release, known or not.
    Exact(semver::Version),
    /// `0.21..=0.24` / `0.21..0.24`: every default release inside.
    Range { low: Point, high: Point, inclusive: bool },
}

/// A parsed `--pyo3` argument: comma-separated minors, exact versions and ranges.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseSelector {
    items: Vec<Item>,
    text: String,
}

impl fmt::Display for ReleaseSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::str::FromStr for ReleaseSelector {
    type Err = ModelError;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let mut items = Vec::new();
        for raw in text.split(',').map(str::trim) {
            if raw.is_empty() {
                return Err(ModelError::BadRelease(text.to_string()));
            }
            let item = if let Some((low, high)) = raw.split_once("..") {
                let (high, inclusive) = match high.strip_prefix('=') {
                    Some(h) => (h, true),
                    None => (high, false),
                };
                let bad = || ModelError::BadRelease(raw.to_string());
                Item::Range {
                    low: Point::parse(low).map_err(|_| bad())?,
                    high: Point::parse(high).map_err(|_| bad())?,
                    inclusive,
                }
            } else {
                match Point::parse(raw)? {
                    Point::Minor(a, b) => Item::Minor(a, b),
                    Point::Exact(v) => Item::Exact(v),
                }
            };
            items.push(item);
        }
        Ok(ReleaseSelector {
            items,
            text: text.trim().to_string(),
        })
    }
}

impl ReleaseSelector {
    /// Whether an optional selector admits `release`: where none is given (a pattern's or a
    /// variant's `pyo3`), every release is.
    pub fn admits_unless_absent(selector: Option<&ReleaseSelector>, release: &Release) -> bool {
        selector.is_none_or(|sel| sel.admits(release))
    }

    /// Whether `release` is one this selector names (as a minor, exactly, or in a range).
    pub fn admits(&self, release: &Release) -> bool {
        self.items.iter().any(|item| match item {
            Item::Minor(a, b) => release.minor() == (*a, *b),
            Item::Exact(v) => release.0 == *v,
            Item::Range { low, high, inclusive } => release.0 >= low.low() && high.admits_below(&release.0, *inclusive),
        })
    }

    /// Resolves the selector against the known releases (the latest patch of each minor).
    ///
    /// A minor must be known; an exact version need not be (it is built from crates.io as is);
    /// a range selects the known releases inside it and must select at least one.
    pub fn resolve(&self, known: &[Release]) -> Result<Vec<Release>, ModelError> {
        let known_list = || known.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(" ");
        let mut out: Vec<Release> = Vec::new();
        for item in &self.items {
            match item {
                Item::Minor(a, b) => {
                    let hit = known
                        .iter()
                        .filter(|r| r.minor() == (*a, *b))
                        .max()
                        .ok_or_else(|| ModelError::UnknownRelease(format!("{a}.{b}"), known_list()))?;
                    out.push(hit.clone());
                }
                Item::Exact(v) => out.push(Release(v.clone())),
                Item::Range { low, high, inclusive } => {
                    let lo = low.low();
                    let inside = |v: &semver::Version| *v >= lo && high.admits_below(v, *inclusive);
                    // An exact patch named as a bound is asked for itself, known or not:
                    // `0.22.4..=0.24` starts at 0.22.4, never at the minor's latest.
                    let named_bounds =
                        [Some(low), inclusive.then_some(high)]
                            .into_iter()
                            .flatten()
                            .filter_map(|point| match point {
                                Point::Exact(v) if inside(v) => Some(Release(v.clone())),
                                _ => None,
                            });
                    let hits: Vec<Release> = known
                        .iter()
                        .filter(|r| inside(&r.0))
                        .cloned()
                        .chain(named_bounds)
                        .collect();
                    if hits.is_empty() {
                        let text = format!("{lo}..{}", if *inclusive { "=" } else { "" });
                        return Err(ModelError::UnknownRelease(text, known_list()));
                    }
                    out.extend(hits);
                }
            }
        }
        out.sort();
        out.dedup();
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<Release> {
        ["0.19.2", "0.20.3", "0.21.2", "0.22.6", "0.23.5", "0.24.2"]
            .iter()
            .map(|v| Release::parse(v).unwrap())
            .collect()
    }

    fn pick(sel: &str) -> Vec<String> {
        let s: ReleaseSelector = sel.parse().unwrap();
        s.resolve(&known()).unwrap().iter().map(|r| r.to_string()).collect()
    }

    #[test]
    fn minors_exact_lists_and_ranges() {
        assert_eq!(pick("0.23"), ["0.23.5"]);
        assert_eq!(pick("0.22.4"), ["0.22.4"]);
        assert_eq!(pick("0.21..=0.23"), ["0.21.2", "0.22.6", "0.23.5"]);
        assert_eq!(pick("0.21..0.23"), ["0.21.2", "0.22.6"]);
        assert_eq!(pick("0.24, 0.19"), ["0.19.2", "0.24.2"]);
    }

    #[test]
    fn an_exact_patch_named_as_a_bound_is_kept_not_replaced_by_the_minor_s_latest() {
        assert_eq!(pick("0.22.4..=0.23"), ["0.22.4", "0.22.6", "0.23.5"]);
        assert_eq!(pick("0.21..=0.22.4"), ["0.21.2", "0.22.4"]);
        assert_eq!(pick("0.21..0.22.4"), ["0.21.2"], "an exclusive end is left out");
        assert_eq!(pick("0.22.4..=0.22.5"), ["0.22.4", "0.22.5"]);
        let s: ReleaseSelector = "0.22.4..=0.23".parse().unwrap();
        assert!(!s.admits(&Release::parse("0.22.3").unwrap()) && s.admits(&Release::parse("0.22.5").unwrap()));
    }

    #[test]
    fn bad_and_unknown_inputs_are_named() {
        for bad in ["", "x", "0.2x", "1", "0.21..", "0.21,,0.22"] {
            let err = bad.parse::<ReleaseSelector>().unwrap_err();
            assert!(matches!(err, ModelError::BadRelease(_)), "{bad}: {err}");
        }
        let err = "0.99"
            .parse::<ReleaseSelector>()
            .unwrap()
            .resolve(&known())
            .unwrap_err();
        assert!(err.to_string().contains("0.99"));
    }
}
