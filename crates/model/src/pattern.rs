//! Patterns: one Rust idiom plus one pytest file, described by `pattern.toml`.
//!
//! A pattern lives in `matrix/patterns/<id>/` as `pattern.toml`, `lib.rs` and
//! `test_<id>.py`. The id is also the Python import name of the built module, so the
//! `#[pymodule]` in `lib.rs` is named after the folder.
//!
//! A twin (`[twin]` in its `pattern.toml`) writes another pattern's subject in the idiom of
//! older releases (the GIL-ref API before `Bound` existed): it has no test file of its own,
//! runs its subject's unchanged, and so names its `#[pymodule]` after the subject. The
//! reports tell the subject's story from the twin's cells up to [`Twin::until`].

use crate::release::Point;
use crate::{Flavor, ModelError, Outcome, Quote, Release, ReleaseSelector};
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
    pub version: Option<Point>,
    /// The last version the claim covers, if it names one.
    #[serde(default)]
    pub until: Option<Point>,
    /// The release the claim's source writes for when the claim itself names none (the
    /// article's code is 0.22-era): the claim is checked from there on, and holding earlier
    /// too does not make it wrong.
    #[serde(default)]
    pub context: Option<Point>,
    /// What the claim predicts this pattern's cells show from `version` (to `until`). The
    /// report sets it beside the observed cells; without it the claim stays undecided.
    #[serde(default)]
    pub expect: Option<Expectation>,
    /// The variant whose cells the claim is about (e.g. a missing `crate-type`); the plain
    /// cells when absent.
    #[serde(default)]
    pub variant: Option<String>,
    /// The interpreter the claim is about (`3.13t`): only its cells count, and PyO3's
    /// refusal to build for it counts too (it says the release does not support it).
    #[serde(default)]
    pub python: Option<Flavor>,
    /// The rustc diagnostics the claim quotes, each as rustc prints its first line
    /// (`error[E0277]: the trait bound ...`) and as it stands in `text`: only cells that
    /// printed every one of them confirm the claim.
    #[serde(default)]
    pub quotes: Vec<Quote>,
    /// Whether the claim says `until` is the last release it holds for ("the last release
    /// before the Bound API"): the release after it is checked too, as the one before
    /// `version` is.
    #[serde(default)]
    pub last: bool,
    /// The variants whose setting the claim itself names as the way out ("unavailable
    /// without the gil-refs feature"): their working cells do not contradict a predicted
    /// failure, as the other variants' do.
    #[serde(default)]
    pub except: Vec<String>,
}

impl Claim {
    /// The first quote that does not stand in the claim's text, as a one-line reason: a
    /// quote is the claim's own words, typed.
    pub fn misquoted(&self) -> Option<String> {
        self.quotes
            .iter()
            .find(|q| !self.text.contains(&q.to_string()))
            .map(|q| format!("quote `{q}` does not stand in the claim's text"))
    }
}

/// What a claim predicts a cell shows: `works`, `breaks`, or one outcome such as
/// `compile-error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Expectation {
    /// Pass or deprecated.
    Works,
    /// Anything else that says something about the code.
    Breaks,
    /// PyO3's build script accepts the interpreter: any outcome but `unsupported` (the
    /// code may still fail to compile or to pass).
    Accepted,
    /// Exactly this outcome.
    Is(Outcome),
}

impl Expectation {
    /// Whether a cell with `outcome` shows what is expected.
    pub fn holds(self, outcome: Outcome) -> bool {
        match self {
            Expectation::Works => outcome.works(),
            Expectation::Breaks => !outcome.works(),
            Expectation::Accepted => outcome != Outcome::Unsupported,
            Expectation::Is(o) => outcome == o,
        }
    }
}

impl std::fmt::Display for Expectation {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Expectation::Works => f.write_str("works"),
            Expectation::Breaks => f.write_str("breaks"),
            Expectation::Accepted => f.write_str("accepted"),
            Expectation::Is(o) => o.fmt(f),
        }
    }
}

impl std::str::FromStr for Expectation {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        match text {
            "works" => Ok(Expectation::Works),
            "breaks" => Ok(Expectation::Breaks),
            "accepted" => Ok(Expectation::Accepted),
            name => Outcome::ALL
                .into_iter()
                .find(|o| o.name() == name)
                .map(Expectation::Is)
                .ok_or_else(|| {
                    let names: Vec<&str> = Outcome::ALL.iter().map(|o| o.name()).collect();
                    format!(
                        "expect = '{text}': expected works, breaks, accepted or one of {}",
                        names.join(", ")
                    )
                }),
        }
    }
}

impl Serialize for Expectation {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Expectation {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        String::deserialize(d)?.parse().map_err(serde::de::Error::custom)
    }
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
    pub pyo3: Option<ReleaseSelector>,
}

impl Variant {
    /// A variant that changes nothing the catalog sets (a user crate's cells built by
    /// another maturin, told apart by `name`).
    pub fn named(name: impl Into<String>) -> Variant {
        Variant {
            name: name.into(),
            features: Vec::new(),
            env: BTreeMap::new(),
            crate_type: None,
            pyo3: None,
        }
    }

    /// Whether the variant applies to `release`.
    pub fn applies_to(&self, release: &Release) -> bool {
        ReleaseSelector::admits_unless_absent(self.pyo3.as_ref(), release)
    }
}

/// One way to fix a pattern's failure: what to write, which failures it fixes, and the
/// releases its code builds on. Which one a cell is shown is the report's choice
/// (`pyo3_matrix_report::fixes::fitting`), by these fields alone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Fix {
    /// What to write, e.g. "Take `&Bound<'_, PyAny>`".
    pub text: String,
    /// The outcomes it fixes; [`Fix::CODE_FAILURES`] when absent.
    #[serde(default = "Fix::code_failures", rename = "for")]
    pub fixes: Vec<Outcome>,
    /// The first release its code builds on (`0.23`), if not every one.
    #[serde(default)]
    pub since: Option<Point>,
    /// The last release its code builds on (`0.22`), if not every one.
    #[serde(default)]
    pub until: Option<Point>,
}

impl Fix {
    /// What a change to the pattern's own code fixes when a fix does not say: its
    /// rejection, its warnings, its failing or hanging tests. Not a crash (a signature
    /// change does not stop a segfault) nor PyO3's refusal of the interpreter (`unsupported`):
    /// a fix for those says so with `for`.
    pub const CODE_FAILURES: [Outcome; 4] = [
        Outcome::CompileError,
        Outcome::Deprecated,
        Outcome::TestFail,
        Outcome::Hang,
    ];

    fn code_failures() -> Vec<Outcome> {
        Self::CODE_FAILURES.to_vec()
    }

    /// A fix for [`Fix::CODE_FAILURES`] on every release.
    pub fn text(text: impl Into<String>) -> Fix {
        Fix {
            text: text.into(),
            fixes: Self::code_failures(),
            since: None,
            until: None,
        }
    }
}

/// `fix = "text"` or `[[fix]]` tables, read into the same list; a malformed table keeps
/// its own error (an untagged enum would say only that nothing matched).
fn fixes_from_toml<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Vec<Fix>, D::Error> {
    struct Fixes;
    impl<'de> serde::de::Visitor<'de> for Fixes {
        type Value = Vec<Fix>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a text or [[fix]] tables")
        }
        fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Vec<Fix>, E> {
            Ok(vec![Fix::text(text)])
        }
        fn visit_seq<A: serde::de::SeqAccess<'de>>(self, seq: A) -> Result<Vec<Fix>, A::Error> {
            Vec::deserialize(serde::de::value::SeqAccessDeserializer::new(seq))
        }
    }
    d.deserialize_any(Fixes)
}

/// Where a pattern is its subject's twin: the same subject in the idiom of older releases.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Twin {
    /// The subject: the pattern whose tests this one runs and whose story it tells.
    pub of: String,
    /// The last release whose idiom this is (`0.20`): up to it, the subject's story reads
    /// the twin's cells; from the next release on, the subject's own.
    pub until: Point,
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
    /// How to fix its failures: `fix = "text"` (one [`Fix`] with the defaults) or
    /// `[[fix]]` tables, each saying which failures it fixes and where its code builds.
    #[serde(default, rename = "fix", deserialize_with = "fixes_from_toml")]
    pub fixes: Vec<Fix>,
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
    /// The subject this pattern writes in an older idiom, if it is a twin.
    #[serde(default)]
    pub twin: Option<Twin>,
    /// The releases its cells are observed at, as for `--pyo3` (a twin in the GIL-ref idiom:
    /// `0.19..=0.22`, the last release that has that API); every release when absent.
    #[serde(default)]
    pub pyo3: Option<ReleaseSelector>,
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
    /// `test_<id>.py` (a twin's: its subject's), run unchanged in every cell; `None` judges
    /// the build only.
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
            .flatten()
            .flat_map(|c| c.variant.iter().chain(&c.except))
            .find(|name| meta.variants.iter().all(|v| v.name != **name));
        if let Some(unknown) = undeclared {
            return Err(ModelError::Malformed {
                path: meta_path,
                message: format!("a claim names variant '{unknown}', which the pattern does not declare"),
            });
        }
        if let Some(message) = [&meta.claim, &meta.changelog]
            .into_iter()
            .flatten()
            .find_map(Claim::misquoted)
        {
            return Err(ModelError::Malformed {
                path: meta_path,
                message,
            });
        }
        let source = dir.join("lib.rs");
        if !source.is_file() {
            return Err(malformed("missing lib.rs".into()));
        }
        // A twin runs its subject's tests, from the subject's folder beside its own.
        let module = meta.twin.as_ref().map_or(id.as_str(), |t| t.of.as_str());
        let test = dir.with_file_name(module).join(format!("test_{module}.py"));
        if !test.is_file() {
            return Err(malformed(match module == id {
                true => format!("missing test_{id}.py"),
                false => format!("its twin's subject '{module}' has no test_{module}.py beside it"),
            }));
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
        for twin in &out {
            let Some(of) = twin.meta.twin.as_ref().map(|t| &t.of) else {
                continue;
            };
            if out.iter().any(|p| p.id == *of && p.meta.twin.is_some()) {
                return Err(ModelError::Malformed {
                    path: dir.join(&twin.id).join("pattern.toml"),
                    message: format!("[twin] of = '{of}' is itself a twin: name the subject it writes"),
                });
            }
        }
        Ok(out)
    }

    /// The Python import name of the built module: the id, or a twin's subject's.
    pub fn module(&self) -> &str {
        self.meta.twin.as_ref().map_or(&self.id, |t| &t.of)
    }

    /// Whether the pattern's cells are observed at `release`.
    pub fn observed_at(&self, release: &Release) -> bool {
        ReleaseSelector::admits_unless_absent(self.meta.pyo3.as_ref(), release)
    }

    /// The variant named `name`, if the pattern declares it.
    pub fn variant(&self, name: &str) -> Option<&Variant> {
        self.meta.variants.iter().find(|v| v.name == name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A pattern folder with `toml` as its `pattern.toml`; the error of loading it, if any.
    fn load_error(toml: &str) -> Option<String> {
        let dir = tempfile::tempdir().unwrap();
        let folder = dir.path().join("p");
        std::fs::create_dir(&folder).unwrap();
        std::fs::write(folder.join("pattern.toml"), toml).unwrap();
        std::fs::write(folder.join("lib.rs"), "").unwrap();
        std::fs::write(folder.join("test_p.py"), "").unwrap();
        Pattern::load(&folder).err().map(|e| e.to_string())
    }

    const HEAD: &str = "title = 't'\ncategory = 'c'\nshows = 's'\n";

    /// The fixes `toml` (after [`HEAD`]) reads into.
    fn fixes(toml: &str) -> Vec<Fix> {
        toml::from_str::<PatternMeta>(&format!("{HEAD}{toml}")).unwrap().fixes
    }

    #[test]
    fn a_fix_is_a_text_or_tables_saying_what_it_fixes_and_where() {
        assert_eq!(fixes(""), []);
        assert_eq!(
            fixes("fix = 'Match on TypeError.'\n"),
            [Fix::text("Match on TypeError.")]
        );
        let read = fixes(
            "[[fix]]\ntext = 'Use `new_bound`.'\nsince = '0.21'\nuntil = '0.22'\n\
             [[fix]]\ntext = 'Upgrade.'\nfor = ['crash', 'unsupported']\n",
        );
        assert_eq!(read[0].fixes, Fix::CODE_FAILURES);
        assert_eq!(
            (read[0].since.clone(), read[0].until.clone()),
            (Some(Point::Minor(0, 21)), Some(Point::Minor(0, 22)))
        );
        assert_eq!(read[1].fixes, [Outcome::Crash, Outcome::Unsupported]);
        assert_eq!(read[1].since, None);
        // A malformed table says what is wrong with it, on one line, naming the file.
        let typo = load_error(&format!("{HEAD}[[fix]]\ntext = 'x'\nfor = ['segfault']\n")).unwrap();
        assert!(typo.contains("pattern.toml") && typo.contains("segfault"), "{typo}");
        let unknown = load_error(&format!("{HEAD}[[fix]]\ntext = 'x'\nfrom = '0.23'\n")).unwrap();
        assert!(unknown.contains("from"), "{unknown}");
    }

    #[test]
    fn claims_and_variant_ranges_are_typed_where_they_are_loaded() {
        assert_eq!(
            load_error(&format!(
                "{HEAD}[claim]\ntext = 'x'\nversion = '0.22'\nexpect = 'breaks'\n"
            )),
            None
        );
        let typo = load_error(&format!("{HEAD}[claim]\ntext = 'x'\nexpect = 'work'\n")).unwrap();
        assert!(
            typo.contains("pattern.toml") && typo.contains("expect = 'work'"),
            "{typo}"
        );
        assert!(!typo.contains('\n'), "one line: {typo}");
        let version = load_error(&format!("{HEAD}[claim]\ntext = 'x'\nversion = '0.2x'\n")).unwrap();
        assert!(
            version.contains("pattern.toml") && version.contains("0.2x"),
            "{version}"
        );
        let quoted = |quote: &str| {
            load_error(&format!(
                "{HEAD}[claim]\ntext = \"stops compiling: error[E0277]: the trait bound\"\nquotes = [\"{quote}\"]\n"
            ))
        };
        assert_eq!(quoted("error[E0277]: the trait bound"), None);
        let misquoted = quoted("error[E0599]: the trait bound").unwrap();
        assert!(
            misquoted.contains("pattern.toml") && misquoted.contains("does not stand in the claim's text"),
            "{misquoted}"
        );
        let unparsed = quoted("the trait bound").unwrap();
        assert!(unparsed.contains("is not rustc's first line"), "{unparsed}");
        let range = load_error(&format!("{HEAD}[[variant]]\nname = 'v'\npyo3 = '0.21..=x'\n")).unwrap();
        assert!(range.contains("pattern.toml") && range.contains("0.21..=x"), "{range}");
    }

    #[test]
    fn a_variant_applies_to_the_releases_its_selector_names() {
        let v = Variant {
            name: "gil-refs".into(),
            features: Vec::new(),
            env: BTreeMap::new(),
            crate_type: None,
            pyo3: Some("0.21..=0.22".parse().unwrap()),
        };
        let applies = |r: &str| v.applies_to(&Release::parse(r).unwrap());
        assert!(applies("0.21.2") && applies("0.22.6") && applies("0.22.0"));
        assert!(!applies("0.20.3") && !applies("0.23.5"));
    }

    #[test]
    fn a_twin_runs_its_subject_s_tests_and_imports_as_it() {
        let dir = tempfile::tempdir().unwrap();
        let folder = |id: &str, toml: &str, test: bool| {
            let f = dir.path().join(id);
            std::fs::create_dir(&f).unwrap();
            std::fs::write(f.join("pattern.toml"), format!("{HEAD}{toml}")).unwrap();
            std::fs::write(f.join("lib.rs"), "").unwrap();
            if test {
                std::fs::write(f.join(format!("test_{id}.py")), "").unwrap();
            }
        };
        folder("subject", "", true);
        folder(
            "gilref_subject",
            "pyo3 = '0.19..=0.22'\n[twin]\nof = 'subject'\nuntil = '0.20'\n",
            false,
        );
        let catalog = Pattern::load_all(dir.path()).unwrap();
        let twin = catalog.iter().find(|p| p.id == "gilref_subject").unwrap();
        assert_eq!(twin.module(), "subject");
        assert!(twin.test.as_ref().unwrap().ends_with("subject/test_subject.py"));
        assert_eq!(twin.meta.twin.as_ref().unwrap().until, Point::Minor(0, 20));
        let twins: Vec<&str> = catalog
            .iter()
            .filter(|p| p.meta.twin.as_ref().is_some_and(|t| t.of == "subject"))
            .map(|p| p.id.as_str())
            .collect();
        assert_eq!(twins, ["gilref_subject"]);
        assert_eq!(catalog[1].module(), "subject");
        // Observed where its idiom exists only; its subject everywhere.
        let at = |r: &str| Release::parse(r).unwrap();
        assert!(twin.observed_at(&at("0.22.6")) && !twin.observed_at(&at("0.23.5")));
        assert!(catalog[1].observed_at(&at("0.30.1")));
        // A twin of a twin, or of a subject that is not there, is refused in one line.
        folder(
            "older_subject",
            "[twin]\nof = 'gilref_subject'\nuntil = '0.19'\n",
            false,
        );
        let error = Pattern::load_all(dir.path()).unwrap_err().to_string();
        assert!(
            error.contains("older_subject") || error.contains("gilref_subject"),
            "{error}"
        );
        std::fs::remove_dir_all(dir.path().join("older_subject")).unwrap();
        folder("orphan", "[twin]\nof = 'nowhere'\nuntil = '0.20'\n", false);
        let error = Pattern::load_all(dir.path()).unwrap_err().to_string();
        assert!(error.contains("orphan") && error.contains("'nowhere'"), "{error}");
    }

    #[test]
    fn expectations_hold_for_their_outcomes() {
        let e = |t: &str| t.parse::<Expectation>().unwrap();
        assert!(e("works").holds(Outcome::Deprecated) && !e("works").holds(Outcome::Crash));
        assert!(e("breaks").holds(Outcome::TestFail));
        assert!(e("compile-error").holds(Outcome::CompileError) && !e("compile-error").holds(Outcome::TestFail));
    }
}
