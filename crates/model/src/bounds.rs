//! The interpreters each release's build script accepts (`[bounds]` in
//! `matrix/sources.toml`): the minimum and maximum CPython and PyPy that pyo3-ffi's
//! build.rs states, read off the release's tag. Each becomes a statement whose checks say,
//! for every interpreter a table may have, whether that release builds for it or refuses it,
//! judged by the claims' rule on the cells of one pattern.

use crate::{Bullet, Check, Claim, Expectation, Flavor, Implementation, Outcome, Point, Release};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Interpreter minors a table may hold, for which checks are written (a table without one
/// leaves its checks out).
const CPYTHON_MINORS: std::ops::RangeInclusive<u32> = 6..=16;
const PYPY_MINORS: std::ops::RangeInclusive<u32> = 7..=11;

/// `3.7..=3.13` (a maximum) or `3.7..` (a minimum only, as before 0.20).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Span {
    /// The oldest `(major, minor)` accepted.
    pub min: (u32, u32),
    /// The newest accepted, when the build script checks one.
    pub max: Option<(u32, u32)>,
}

impl Span {
    /// Whether `major.minor` is inside.
    pub fn admits(&self, version: (u32, u32)) -> bool {
        version >= self.min && self.max.is_none_or(|max| version <= max)
    }

    fn parse(text: &str) -> Result<Span, String> {
        let bad = || format!("`{text}` is not an interpreter range such as 3.7..=3.13 or 3.7..");
        let version = |s: &str| -> Result<(u32, u32), String> {
            let (major, minor) = s.trim().split_once('.').ok_or_else(bad)?;
            Ok((major.parse().map_err(|_| bad())?, minor.parse().map_err(|_| bad())?))
        };
        let (min, max) = text.split_once("..").ok_or_else(bad)?;
        let max = match max.strip_prefix('=') {
            Some(max) => Some(version(max)?),
            None if max.trim().is_empty() => None,
            None => return Err(bad()),
        };
        let span = Span {
            min: version(min)?,
            max,
        };
        match span.max.is_some_and(|max| max < span.min) {
            true => Err(bad()),
            false => Ok(span),
        }
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (major, minor) = self.min;
        match self.max {
            Some((x, y)) => write!(f, "{major}.{minor} to {x}.{y}"),
            None => write!(f, "{major}.{minor} and later (no maximum checked)"),
        }
    }
}

impl<'de> Deserialize<'de> for Span {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Span::parse(&String::deserialize(d)?).map_err(serde::de::Error::custom)
    }
}

impl Serialize for Span {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let (major, minor) = self.min;
        match self.max {
            Some((x, y)) => s.serialize_str(&format!("{major}.{minor}..={x}.{y}")),
            None => s.serialize_str(&format!("{major}.{minor}..")),
        }
    }
}

/// What one release's build script accepts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReleaseBounds {
    /// The minor the bounds are of (`0.23`).
    pub release: Point,
    /// The release whose source they were read from (the matrix's patch of that minor).
    pub tag: Release,
    /// The CPythons it accepts.
    pub cpython: Span,
    /// The PyPys it accepts.
    pub pypy: Span,
    /// The free-threaded CPythons it accepts; absent where it supports none (0.22.6 refuses
    /// them, earlier releases built for them without a check).
    #[serde(default, rename = "free-threaded")]
    pub free_threaded: Option<Span>,
}

impl ReleaseBounds {
    /// Whether the release accepts `flavor`, or nothing when the bounds do not say: a
    /// free-threaded build where no free-threaded span is stated (the build script may
    /// refuse it or not check at all).
    pub fn admits(&self, flavor: Flavor) -> Option<bool> {
        Some(self.span(flavor)?.admits((flavor.major, flavor.minor)))
    }

    /// The span `flavor` is judged by, if the bounds state one.
    fn span(&self, flavor: Flavor) -> Option<Span> {
        match flavor.implementation {
            _ if flavor.free_threaded => self.free_threaded,
            Implementation::CPython => Some(self.cpython),
            Implementation::PyPy => Some(self.pypy),
        }
    }
}

/// `[bounds]`: the pattern whose cells decide them, where they were read, each release's.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    /// The pattern that builds wherever PyO3 builds at all (its plain cells decide).
    pub pattern: String,
    /// Where each release's bounds come from, in words.
    pub source: String,
    /// Each release's, in release order.
    #[serde(rename = "release")]
    pub releases: Vec<ReleaseBounds>,
}

/// Whether a release supports an interpreter, in PyO3's terms: what its build script
/// checks, and what it never claimed where it checked nothing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InBounds {
    /// Inside its bounds.
    Supported,
    /// Outside the bounds its build script checks.
    Refused,
    /// Never supported, though its build script did not check: newer than the maximum of
    /// the first later release that checks one (a maximum only grows), or a free-threaded
    /// build before any release accepted one.
    NeverSupported,
}

impl Bounds {
    /// The bounds of `release`'s minor, if stated.
    pub fn of(&self, release: &Release) -> Option<&ReleaseBounds> {
        self.releases.iter().find(|b| b.release.minor() == release.minor())
    }

    /// Whether `release` supports `flavor`, or nothing where its minor has no bounds.
    pub fn support(&self, release: &Release, flavor: Flavor) -> Option<InBounds> {
        let own = self.of(release)?;
        let version = (flavor.major, flavor.minor);
        let Some(span) = own.span(flavor) else {
            return Some(InBounds::NeverSupported);
        };
        if span.admits(version) {
            // Without a maximum of its own, the first later one bounds what it supported.
            let later_max = self
                .releases
                .iter()
                .filter(|b| b.release.minor() > release.minor())
                .find_map(|b| b.span(flavor)?.max);
            return Some(match (span.max, later_max) {
                (None, Some(max)) if version > max => InBounds::NeverSupported,
                _ => InBounds::Supported,
            });
        }
        Some(InBounds::Refused)
    }

    /// The newest version of `flavor`'s implementation (free-threaded or not: the version
    /// check is one) that `release`'s build script accepts, where it checks one.
    pub fn maximum(&self, release: &Release, flavor: Flavor) -> Option<(u32, u32)> {
        let gil = Flavor {
            free_threaded: false,
            ..flavor
        };
        self.of(release)?.span(gil)?.max
    }

    /// One statement per release, as the changelog's support entries are: a check for each
    /// interpreter a table may have, predicting that PyO3 accepts it inside the bounds
    /// (`accepted`: the code may still fail) and refuses it (`unsupported`) outside them.
    pub fn statements(&self) -> Vec<Bullet> {
        self.releases.iter().map(|r| self.statement(r)).collect()
    }

    fn statement(&self, bounds: &ReleaseBounds) -> Bullet {
        let flavors = CPYTHON_MINORS
            .map(|minor| Flavor::cpython(3, minor, false))
            .chain(CPYTHON_MINORS.map(|minor| Flavor::cpython(3, minor, true)))
            .chain(PYPY_MINORS.map(|minor| Flavor {
                implementation: Implementation::PyPy,
                ..Flavor::cpython(3, minor, false)
            }));
        let checks = flavors
            .filter_map(|flavor| {
                let inside = bounds.admits(flavor)?;
                let (text, expect) = match inside {
                    true => (format!("accepts {flavor}"), Expectation::Accepted),
                    false => (format!("refuses {flavor}"), Expectation::Is(Outcome::Unsupported)),
                };
                Some(Check {
                    pattern: self.pattern.clone(),
                    claim: Claim {
                        text,
                        // About the patch they were read from alone (other patches may
                        // check otherwise: 0.20.3 added the maximum), and the same bounds
                        // earlier do not make it wrong.
                        version: None,
                        until: Some(Point::Exact(bounds.tag.0.clone())),
                        context: Some(Point::Exact(bounds.tag.0.clone())),
                        expect: Some(expect),
                        variant: None,
                        python: Some(flavor),
                        quotes: Vec::new(),
                        last: false,
                        except: Vec::new(),
                    },
                })
            })
            .collect();
        Bullet {
            release: bounds.release.clone(),
            dated: None,
            part: None,
            says: format!(
                "CPython {}; PyPy {}{} ({} at v{})",
                bounds.cpython,
                bounds.pypy,
                bounds
                    .free_threaded
                    .map(|span| format!("; free-threaded CPython {span}"))
                    .unwrap_or_default(),
                self.source,
                bounds.tag
            ),
            checks,
            unchecked: Vec::new(),
            released: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bounds(text: &str) -> Bounds {
        toml::from_str(text).unwrap()
    }

    #[test]
    fn spans_read_with_and_without_a_maximum() {
        assert_eq!(Span::parse("3.7..=3.13").unwrap().to_string(), "3.7 to 3.13");
        assert_eq!(
            Span::parse("3.7..").unwrap().to_string(),
            "3.7 and later (no maximum checked)"
        );
        for bad in ["3.7", "3.13..=3.7", "3..=3.9", "3.7..3.9", "x.y.."] {
            let e = Span::parse(bad).unwrap_err();
            assert!(e.starts_with(&format!("`{bad}` is not an interpreter range")), "{e}");
        }
    }

    /// The catalog's bounds of 0.19, 0.20 and 0.23, as `matrix/sources.toml` states them.
    fn three_releases() -> Bounds {
        bounds(
            "pattern = 'build_control'\nsource = 'pyo3-ffi/build.rs'\n\
             [[release]]\nrelease = '0.19'\ntag = '0.19.2'\ncpython = '3.7..'\npypy = '3.7..'\n\
             [[release]]\nrelease = '0.20'\ntag = '0.20.3'\ncpython = '3.7..=3.12'\npypy = '3.7..=3.10'\n\
             [[release]]\nrelease = '0.23'\ntag = '0.23.5'\ncpython = '3.7..=3.13'\npypy = '3.9..=3.11'\n\
             free-threaded = '3.13..=3.13'\n",
        )
    }

    #[test]
    fn support_is_what_the_build_script_checks_and_never_what_it_did_not() {
        let b = three_releases();
        let support =
            |release: &str, flavor: &str| b.support(&release.parse().unwrap(), Flavor::parse(flavor).unwrap());
        assert_eq!(support("0.19.2", "3.12"), Some(InBounds::Supported));
        // 0.19 checked no maximum; the first later maximum (0.20's 3.12) bounds it.
        assert_eq!(support("0.19.2", "3.13"), Some(InBounds::NeverSupported));
        assert_eq!(support("0.20.0", "3.13"), Some(InBounds::Refused));
        // No free-threaded span: never supported, checked or not.
        assert_eq!(support("0.20.0", "3.13t"), Some(InBounds::NeverSupported));
        assert_eq!(support("0.23.5", "3.13t"), Some(InBounds::Supported));
        assert_eq!(support("0.23.5", "3.14t"), Some(InBounds::Refused));
        assert_eq!(support("0.21.2", "3.12"), None, "no bounds stated for 0.21");
        let maximum =
            |release: &str, flavor: &str| b.maximum(&release.parse().unwrap(), Flavor::parse(flavor).unwrap());
        assert_eq!(maximum("0.19.2", "3.13"), None, "0.19 checks none");
        assert_eq!(
            maximum("0.20.0", "3.13t"),
            Some((3, 12)),
            "a free-threaded build's version is checked too"
        );
        assert_eq!(maximum("0.23.5", "pypy3.9"), Some((3, 11)));
    }

    #[test]
    fn each_release_predicts_works_inside_and_a_refusal_outside() {
        let b = bounds(
            "pattern = 'build_control'\nsource = 'pyo3-ffi/build.rs'\n\
             [[release]]\nrelease = '0.27'\ntag = '0.27.2'\ncpython = '3.7..=3.14'\npypy = '3.11..=3.14'\n",
        );
        let [statement] = b.statements().try_into().unwrap();
        assert_eq!(
            statement.says,
            "CPython 3.7 to 3.14; PyPy 3.11 to 3.14 (pyo3-ffi/build.rs at v0.27.2)"
        );
        let find = |label: &str| {
            let flavor = Flavor::parse(label).unwrap();
            statement
                .checks
                .iter()
                .find(|c| c.claim.python == Some(flavor))
                .cloned()
        };
        let inside = find("3.8").unwrap();
        assert_eq!(inside.claim.expect, Some(Expectation::Accepted));
        assert_eq!(inside.claim.text, "accepts 3.8");
        assert_eq!(inside.pattern, "build_control");
        let outside = find("pypy3.9").unwrap();
        assert_eq!(outside.claim.expect, Some(Expectation::Is(Outcome::Unsupported)));
        assert_eq!(find("3.15").unwrap().claim.text, "refuses 3.15");
        // Free-threaded builds are decided by another check: no prediction.
        assert!(find("3.13t").is_none());
    }
}
