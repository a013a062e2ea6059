//! Who makes the claims the reports check, `matrix/sources.toml`: the article (a pattern's
//! `[claim]`) and PyO3's changelog (a pattern's `[changelog]`), each named as it names
//! itself, so that a reader can look a claim up.

use crate::{Bounds, Bullet, ModelError, Release, Variant};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The placeholder in [`Source::entry`] that a release's version replaces.
const VERSION: &str = "{version}";

/// One source of claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Its title, exactly as it gives it.
    pub title: String,
    /// The series it is part of, as it says (`Part of: Python Errors`).
    #[serde(default, rename = "part-of")]
    pub part_of: Option<String>,
    /// Where it is published; absent when it names no address.
    #[serde(default)]
    pub url: Option<String>,
    /// The address of one release's entry, with `{version}` for the release (`0.23.5`).
    #[serde(default)]
    pub entry: Option<String>,
    /// Where its text is kept, or what else a reader needs to find it.
    #[serde(default)]
    pub note: Option<String>,
}

impl Source {
    /// The address of `release`'s entry, if the source has entries.
    pub fn entry_of(&self, release: &Release) -> Option<String> {
        Some(self.entry.as_ref()?.replace(VERSION, &release.to_string()))
    }
}

/// The contents of `matrix/sources.toml`; a source it does not describe is named by the
/// reports without a title.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Sources {
    /// The article whose claims are the patterns' `[claim]`.
    #[serde(default)]
    pub article: Option<Source>,
    /// PyO3's changelog, whose claims are the patterns' `[changelog]`.
    #[serde(default)]
    pub changelog: Option<Source>,
    /// The article's version history, bullet by bullet, in its order.
    #[serde(default)]
    pub history: Vec<Bullet>,
    /// PyO3's changelog's entries that drop or add an interpreter, in release order.
    #[serde(default)]
    pub support: Vec<Bullet>,
    /// The interpreters each release's build script accepts.
    #[serde(default)]
    pub bounds: Option<Bounds>,
    /// The build settings PyO3 calls unsafe.
    #[serde(default, rename = "unsafe-setting")]
    pub unsafe_settings: Vec<UnsafeSetting>,
}

/// A build setting PyO3 calls unsafe (`UNSAFE_PYO3_BUILD_FREE_THREADED`): a report shows what
/// a variant that sets it did, and never offers it as a way forward. Told here, once per
/// setting, rather than by each variant that sets it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsafeSetting {
    /// The environment variable.
    pub env: String,
    /// What PyO3 says of it, quoted.
    pub says: String,
}

impl Sources {
    /// The setting PyO3 calls unsafe that `variant` sets, if any.
    pub fn unsafe_setting_of(&self, variant: &Variant) -> Option<&UnsafeSetting> {
        self.unsafe_settings.iter().find(|s| variant.env.contains_key(&s.env))
    }
}

impl Sources {
    /// Reads `path`; a missing file describes no source.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Self::default()),
            Err(source) => {
                return Err(ModelError::Read {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        Self::parse(&text).map_err(|message| ModelError::Malformed {
            path: path.to_path_buf(),
            message,
        })
    }

    /// Parses `sources.toml` text; the error is a one-line reason.
    pub fn parse(text: &str) -> Result<Self, String> {
        let sources: Sources = toml::from_str(text).map_err(|e| e.message().to_string())?;
        let entries = [&sources.article, &sources.changelog]
            .into_iter()
            .flatten()
            .filter_map(|s| s.entry.as_deref());
        for entry in entries {
            if !entry.contains(VERSION) {
                return Err(format!(
                    "entry = '{entry}' must hold {VERSION}, where a release's version goes"
                ));
            }
        }
        Ok(sources)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` written as a `sources.toml` and loaded.
    fn load(text: &str) -> Result<Sources, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sources.toml");
        std::fs::write(&path, text).unwrap();
        Sources::load(&path).map_err(|e| e.to_string())
    }

    #[test]
    fn sources_load_typed_and_refuse_what_they_do_not_know() {
        let sources = load(
            "[article]\ntitle = 'Fix: PyO3'\npart-of = 'Python Errors'\n\n\
             [changelog]\ntitle = 'PyO3 CHANGELOG.md'\nentry = 'https://x/blob/v{version}/CHANGELOG.md'\n",
        )
        .unwrap();
        assert_eq!(sources.article.unwrap().part_of.as_deref(), Some("Python Errors"));
        let changelog = sources.changelog.unwrap();
        assert_eq!(
            changelog.entry_of(&Release::parse("0.23.5").unwrap()).as_deref(),
            Some("https://x/blob/v0.23.5/CHANGELOG.md")
        );
        for (bad, named) in [
            ("[article]\ntitle = 't'\nauthor = 'a'\n", "author"),
            (
                "[changelog]\ntitle = 't'\nentry = 'https://x/CHANGELOG.md'\n",
                "{version}",
            ),
            ("[article]\n", "title"),
        ] {
            let error = load(bad).unwrap_err();
            assert!(error.contains("sources.toml") && error.contains(named), "{error}");
            assert!(!error.contains('\n'), "one line: {error}");
        }
    }

    #[test]
    fn a_missing_file_describes_no_source() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(
            Sources::load(&dir.path().join("sources.toml")).unwrap(),
            Sources::default()
        );
    }
}
