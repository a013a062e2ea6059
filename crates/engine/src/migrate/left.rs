//! Why a step left a diagnostic for a person: a rule knows the change but could not make it
//! at that span, or a change a person must decide was noticed on that line. A later step
//! inherits the reason for the same text of the same file (a deprecated name a rule left at
//! 0.23 is an unknown name at 0.26, where no rule matches its message any more).

use pyo3_matrix_model::Release;
use serde::Serialize;
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};

/// Why a residual was left as it is.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "by", rename_all = "kebab-case")]
pub enum LeftBy {
    /// A rule knows this change (its `source` says what the change is and where PyO3 says
    /// so) but made no edit that builds here: the text at the span is not one it edits
    /// (no `?` can go inside a closure, say) or its edit was put back.
    Rule {
        /// The rule.
        rule: String,
        /// The step where it first left the change.
        release: Release,
        /// Its migration-guide or CHANGELOG entry.
        source: String,
    },
    /// A change a person must decide (a `[[notice]]`) was noticed on this line.
    Notice {
        /// The notice.
        notice: String,
        /// The step that noticed it.
        release: Release,
        /// The catalog pattern that shows the change and its fix.
        pattern: String,
    },
}

/// Where a reason was given: a file, its lines (a rule's one, a notice's code), and for a
/// rule the text under its span.
#[derive(Debug)]
struct Entry {
    file: PathBuf,
    lines: RangeInclusive<usize>,
    text: Option<String>,
    why: LeftBy,
}

/// The reasons every step so far gave, for the next steps to inherit.
#[derive(Debug, Default)]
pub struct Ledger(Vec<Entry>);

impl Ledger {
    /// A notice found at `lines` of `file` (again, at a later step, where edits above it moved
    /// it): it keeps the step that first raised it.
    pub fn noticed(&mut self, file: &Path, lines: RangeInclusive<usize>, mut why: LeftBy) {
        if let LeftBy::Notice { notice, release, .. } = &mut why {
            let first = self.0.iter().find_map(|e| match &e.why {
                LeftBy::Notice {
                    notice: n, release: r, ..
                } if n == notice => Some(r.clone()),
                _ => None,
            });
            if let Some(first) = first {
                *release = first;
            }
        }
        self.0.push(Entry {
            file: file.to_path_buf(),
            lines,
            text: None,
            why,
        });
    }

    /// Why the residual at `file:line`, whose span holds `text`, was left: the rule that knows
    /// its change (`knowing`, with its source), where one does, at the first step it left the
    /// same text of the same file; else what an earlier step's rule left at the same text
    /// (the nearest such line); else a notice whose code holds the line.
    pub fn why(
        &mut self,
        file: &Path,
        line: usize,
        text: &str,
        knowing: Option<(&str, &str)>,
        release: &Release,
    ) -> Option<LeftBy> {
        let same_text = |e: &&Entry| e.file == file && !text.is_empty() && e.text.as_deref() == Some(text);
        if let Some((rule, source)) = knowing {
            let earlier = self
                .0
                .iter()
                .filter(same_text)
                .find(|e| matches!(&e.why, LeftBy::Rule { rule: r, .. } if r == rule));
            if let Some(entry) = earlier {
                return Some(entry.why.clone());
            }
            let why = LeftBy::Rule {
                rule: rule.to_string(),
                release: release.clone(),
                source: source.to_string(),
            };
            self.0.push(Entry {
                file: file.to_path_buf(),
                lines: line..=line,
                text: Some(text.to_string()),
                why: why.clone(),
            });
            return Some(why);
        }
        let inherited = self
            .0
            .iter()
            .filter(same_text)
            .min_by_key(|e| e.lines.start().abs_diff(line));
        let noticed = || {
            self.0
                .iter()
                .find(|e| e.file == file && e.lines.contains(&line) && matches!(e.why, LeftBy::Notice { .. }))
        };
        inherited.or_else(noticed).map(|e| e.why.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn release(r: &str) -> Release {
        Release::parse(r).unwrap()
    }

    fn rule_of(why: Option<LeftBy>) -> Option<(String, String)> {
        match why? {
            LeftBy::Rule { rule, release, .. } => Some((rule, release.to_string())),
            LeftBy::Notice { notice, release, .. } => Some((notice, release.to_string())),
        }
    }

    #[test]
    fn a_name_a_rule_left_keeps_its_reason_when_a_later_release_removes_it() {
        let mut ledger = Ledger::default();
        let lib = Path::new("src/lib.rs");
        let renamed = Some(("fallible-constructor-renamed", "https://pyo3.rs/v0.23.0/migration"));
        let first = ledger.why(lib, 40, "new_bound", renamed, &release("0.23.5"));
        assert_eq!(
            rule_of(first),
            Some(("fallible-constructor-renamed".into(), "0.23.5".into()))
        );
        // Still deprecated at 0.24: the same rule, the step that first left it.
        let again = ledger.why(lib, 40, "new_bound", renamed, &release("0.24.2"));
        assert_eq!(
            rule_of(again),
            Some(("fallible-constructor-renamed".into(), "0.23.5".into()))
        );
        // Removed at 0.26 (no rule knows "no function named `new_bound`"), two lines lower
        // after edits above it: the nearest left `new_bound` of the file.
        ledger.why(lib, 90, "new_bound", renamed, &release("0.23.5"));
        let removed = ledger.why(lib, 42, "new_bound", None, &release("0.26.0"));
        assert_eq!(
            rule_of(removed),
            Some(("fallible-constructor-renamed".into(), "0.23.5".into()))
        );
        // Another file, or another text, is not the same residual.
        assert_eq!(
            ledger.why(Path::new("src/other.rs"), 42, "new_bound", None, &release("0.26.0")),
            None
        );
        assert_eq!(ledger.why(lib, 42, "into_py", None, &release("0.26.0")), None);
    }

    #[test]
    fn a_residual_on_a_noticed_line_is_the_notices() {
        let mut ledger = Ledger::default();
        let ser = Path::new("src/ser.rs");
        let notice = LeftBy::Notice {
            notice: "type-name-is-dunder-name".into(),
            release: release("0.22.6"),
            pattern: "type_name_of".into(),
        };
        ledger.noticed(ser, 177..=177, notice.clone());
        let at = |ledger: &mut Ledger, line: usize| ledger.why(ser, line, "\"unknown\"", None, &release("0.23.5"));
        assert_eq!(at(&mut ledger, 177), Some(notice.clone()));
        assert_eq!(at(&mut ledger, 178), None);
        // Found again at 0.23 three lines lower: the same notice, raised at 0.22.
        let again = LeftBy::Notice {
            notice: "type-name-is-dunder-name".into(),
            release: release("0.23.5"),
            pattern: "type_name_of".into(),
        };
        ledger.noticed(ser, 180..=182, again);
        assert_eq!(at(&mut ledger, 182), Some(notice));
    }
}
