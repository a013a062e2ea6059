//! Patterns: one Rust idiom plus one pytest file, described by `pattern.toml`.
//!
//! A pattern lives in `matrix/patterns/<id>/` as `pattern.toml`, `lib.rs` and
//! `test_<id>.py`. The id is also the Python import name of the built module, so the
//! `#[pymodule]` in `lib.rs` is named after the folder.

use crate::ModelError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// A claim made about a pattern by someone else (the article, a changelog); never a verdict.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Claim {
    /// The claim, quoted briefly.
    pub text: String,
    /// The PyO3 version the claim names, if any: where the claimed behaviour starts.
    #[serde(default)]
    pub version: Option<String>,
    /// The last version the claim covers, if it names one.
    #[serde(default)]
    pub until: Option<String>,
    /// The release the claim's source writes for when the claim itself names none (the
    /// article's code is 0.22-era): the claim is checked from there on, and holding earlier
    /// too does not make it wrong.
    #[serde(default)]
    pub context: Option<String>,
    /// What the claim predicts this pattern's cells show from `version` (to `until`):
    /// `works`, `breaks`, or one outcome name such as `compile-error`. The report sets it
    /// beside the observed cells; without it the claim stays undecided.
    #[serde(default)]
    pub expect: Option<String>,
    /// The variant whose cells the claim is about (e.g. a missing `crate-type`); the plain
    /// cells when absent.
    #[serde(default)]
    pub variant: Option<String>,
}

/// The same pattern built in a cell with a setting a user reaches for (a feature, a variable).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Short name shown beside the plain cell, e.g. `gil-refs`.
    pub name: String,
    /// Extra pyo3 cargo features.
    #[serde(default)]
    pub features: Vec<String>,
    /// Extra environment variables for the build, e.g. `UNSAFE_PYO3_BUILD_FREE_THREADED=1`.
    #[serde(default)]
    pub env: BTreeMap<String, String>,
    /// The member's `[lib] crate-type` instead of `["cdylib"]`, e.g. `["lib"]` for a crate
    /// that forgot to ask for a Python-loadable library.
    #[serde(default, rename = "crate-type")]
    pub crate_type: Option<Vec<String>>,
    /// The releases the setting exists for, as for `--pyo3` (e.g. `0.21..=0.22` for the
    /// `gil-refs` feature); all releases when absent.
    #[serde(default)]
    pub pyo3: Option<String>,
}

impl Variant {
    /// Whether the variant applies to `release` (an unparsable range applies nowhere).
    pub fn applies_to(&self, release: &crate::Release) -> bool {
        let Some(range) = &self.pyo3 else { return true };
        range
            .parse::<crate::ReleaseSelector>()
            .ok()
            .and_then(|sel| sel.resolve(std::slice::from_ref(release)).ok())
            .is_some_and(|found| found.contains(release))
    }
}

/// The contents of `pattern.toml`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PatternMeta {
    /// One line naming the idiom.
    pub title: String,
    /// Group shown in reports, e.g. `gil-refs`, `errors`, `free-threading`.
    pub category: String,
    /// What the pattern shows a user.
    pub shows: String,
    /// How to write it so it works on current PyO3.
    #[serde(default)]
    pub fix: Option<String>,
    /// The migration-guide or changelog entry.
    #[serde(default)]
    pub link: Option<String>,
    /// What the article claims, if it says anything about this pattern.
    #[serde(default)]
    pub claim: Option<Claim>,
    /// What PyO3's changelog or migration guide says happens.
    #[serde(default)]
    pub changelog: Option<Claim>,
    /// Crates the pattern needs besides pyo3: names from `matrix.toml` (`[dependencies]`
    /// or a release's `companions`).
    #[serde(default)]
    pub deps: Vec<String>,
    /// Seconds the pattern's pytest process may run before it counts as a hang.
    #[serde(default)]
    pub timeout: Option<u64>,
    /// Extra cells with user-chosen settings.
    #[serde(default, rename = "variant")]
    pub variants: Vec<Variant>,
}

/// A pattern loaded from disk.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Pattern {
    /// Folder name; also the module's import name.
    pub id: String,
    /// Parsed `pattern.toml`.
    #[serde(flatten)]
    pub meta: PatternMeta,
    /// `lib.rs`, compiled unchanged in every cell.
    pub source: PathBuf,
    /// `test_<id>.py`, run unchanged in every cell; `None` judges the build only.
    pub test: Option<PathBuf>,
}

impl Pattern {
    /// Whether `id` can be both a crate name and a Python module name.
    pub fn valid_id(id: &str) -> bool {
        let mut chars = id.chars();
        matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
            && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    }

    /// Loads one pattern folder.
    pub fn load(dir: &Path) -> Result<Self, ModelError> {
        let id = dir.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let malformed = |message: String| ModelError::Malformed {
            path: dir.to_path_buf(),
            message,
        };
        if !Self::valid_id(&id) {
            return Err(malformed(format!(
                "pattern folder name '{id}' must be lowercase letters, digits and '_' (it is the module name)"
            )));
        }
        let meta_path = dir.join("pattern.toml");
        let text = std::fs::read_to_string(&meta_path).map_err(|source| ModelError::Read {
            path: meta_path.clone(),
            source,
        })?;
        let meta: PatternMeta = toml::from_str(&text).map_err(|e| ModelError::Malformed {
            path: meta_path.clone(),
            message: e.message().to_string(),
        })?;
        let undeclared = [&meta.claim, &meta.changelog]
            .into_iter()
            .filter_map(|c| c.as_ref()?.variant.as_deref())
            .find(|name| meta.variants.iter().all(|v| v.name != *name));
        if let Some(unknown) = undeclared {
            return Err(ModelError::Malformed {
                path: meta_path,
                message: format!("a claim is about variant '{unknown}', which the pattern does not declare"),
            });
        }
        let source = dir.join("lib.rs");
        if !source.is_file() {
            return Err(malformed("missing lib.rs".into()));
        }
        let test = dir.join(format!("test_{id}.py"));
        if !test.is_file() {
            return Err(malformed(format!("missing test_{id}.py")));
        }
        Ok(Pattern {
            id,
            meta,
            source,
            test: Some(test),
        })
    }

    /// Loads every pattern under `dir`, sorted by id.
    pub fn load_all(dir: &Path) -> Result<Vec<Self>, ModelError> {
        let entries = std::fs::read_dir(dir).map_err(|source| ModelError::Read {
            path: dir.to_path_buf(),
            source,
        })?;
        let mut out = Vec::new();
        for entry in entries {
            let path = entry
                .map_err(|source| ModelError::Read {
                    path: dir.to_path_buf(),
                    source,
                })?
                .path();
            if path.is_dir() {
                out.push(Pattern::load(&path)?);
            }
        }
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// The variant named `name`, if the pattern declares it.
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.meta.variants.iter().find(|v| v.name == name)
    }
}
