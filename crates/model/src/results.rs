//! Results: what one run observed, serialized as `results.json`.

use crate::{CellId, Flavor, ModelError, Outcome, Release};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Bumped whenever a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

/// How severe rustc says a diagnostic is (an internal compiler error counts as an error).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Level {
    /// The build cannot succeed.
    Error,
    /// The build goes on.
    Warning,
}

impl std::fmt::Display for Level {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Level::Error => "error",
            Level::Warning => "warning",
        })
    }
}

/// One rustc diagnostic from the pattern's own code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    /// Error or warning.
    pub level: Level,
    /// Error code or lint name (`E0277`, `deprecated`), if rustc gave one.
    pub code: Option<String>,
    /// The first line of the message.
    pub message: String,
}

/// The first failing test of a pattern.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TestFailure {
    /// pytest node id.
    pub test: String,
    /// Exception type, e.g. `TypeError`.
    pub exception: Option<String>,
    /// Exception message.
    pub message: Option<String>,
}

/// Seconds spent: wall-clock, except the CPU seconds named so.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Timings {
    /// The cell's cargo build, shared by all its patterns (with the start of its target).
    pub build_s: f64,
    /// The part of `build_s` until everything but the patterns was compiled (PyO3 and the
    /// crates paired with it); the rest compiled and linked the patterns.
    #[serde(default)]
    pub deps_s: f64,
    /// CPU seconds (user and system) of the cell's build: cargo, rustc and build scripts.
    #[serde(default)]
    pub build_cpu_s: f64,
    /// This pattern's pytest process.
    pub test_s: f64,
    /// CPU seconds (user and system) of that process and what it waited for.
    #[serde(default)]
    pub test_cpu_s: f64,
}

/// One verdict: a pattern in a cell (release, interpreter, variant).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellResult {
    /// The cell: its fields sit flat in the JSON.
    #[serde(flatten)]
    pub id: CellId,
    /// The verdict.
    pub outcome: Outcome,
    /// rustc error codes (or, for `deprecated`, lint names) from the pattern's code.
    #[serde(default)]
    pub codes: Vec<String>,
    /// The one line that best explains the outcome.
    #[serde(default)]
    pub message: Option<String>,
    /// Every diagnostic from the pattern's code.
    #[serde(default)]
    pub diagnostics: Vec<Diagnostic>,
    /// The escape-hatch variable PyO3's build script named, for `unsupported`.
    #[serde(default)]
    pub escape_hatch: Option<String>,
    /// The first failing test, for `test-fail`.
    #[serde(default)]
    pub failure: Option<TestFailure>,
    /// The signal that killed the tests, for `crash`.
    #[serde(default)]
    pub signal: Option<String>,
    /// Stacks dumped by faulthandler, for `hang` and `crash`.
    #[serde(default)]
    pub stacks: Option<String>,
    /// On a free-threaded interpreter: whether importing the module re-enabled the GIL.
    #[serde(default)]
    pub gil_reenabled: Option<bool>,
    /// Tail of the build or test log that led to the verdict.
    #[serde(default)]
    pub log: Option<String>,
    /// Where the whole log is kept (a user's crate, whose failures are read by people).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub full_log: Option<String>,
    /// Warnings rustc gave on the code's own source (deprecations among them), beside the
    /// outcome: a cell can build with warnings and then fail its tests.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub warnings: usize,
    /// Time spent.
    #[serde(default)]
    pub timings: Timings,
}

impl CellResult {
    /// Every free text of the verdict (messages, the failing test's name, stacks, the log and
    /// where the whole log is kept) replaced by `map` of it: the texts that may hold paths.
    pub fn map_texts(&mut self, map: &impl Fn(&str) -> String) {
        let each = |text: &mut Option<String>| {
            if let Some(t) = text.as_mut() {
                *t = map(t);
            }
        };
        each(&mut self.message);
        each(&mut self.stacks);
        each(&mut self.log);
        each(&mut self.full_log);
        for d in &mut self.diagnostics {
            d.message = map(&d.message);
        }
        if let Some(f) = self.failure.as_mut() {
            f.test = map(&f.test);
            each(&mut f.message);
        }
    }
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// An interpreter as the run found it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InterpreterInfo {
    /// Flavor label.
    pub flavor: Flavor,
    /// Executable, if found.
    pub path: Option<String>,
    /// Full version (`3.13.5`), as the interpreter reported it.
    pub version: Option<String>,
    /// Why it is missing, if it is.
    #[serde(default)]
    pub note: Option<String>,
}

/// Everything one run observed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunResults {
    /// [`SCHEMA_VERSION`] at the time of writing.
    pub schema_version: u32,
    /// pyo3-matrix's own version.
    pub tool_version: String,
    /// The engine's build identity (`pyo3_matrix_engine::BUILD_IDENTITY`): which code decided
    /// the verdicts. Absent from files written before it was recorded.
    #[serde(default)]
    pub tool_build: Option<String>,
    /// `rustc --version`.
    pub rustc: String,
    /// `maturin --version`, where maturin was found.
    #[serde(default)]
    pub maturin: Option<String>,
    /// Seconds since the Unix epoch when the run started.
    pub started_unix: u64,
    /// The PyO3 releases the run asked for, in order. Empty in files written before it was
    /// recorded; then no cell is checked against it.
    #[serde(default)]
    pub releases: Vec<Release>,
    /// The interpreters the run used or looked for.
    pub interpreters: Vec<InterpreterInfo>,
    /// One entry per (pattern, cell).
    pub results: Vec<CellResult>,
}

impl RunResults {
    /// Orders the verdicts the way the tables read: pattern, release, interpreter, variant.
    pub fn sort(&mut self) {
        self.results.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Every free text of the file (each interpreter's path, each verdict's texts:
    /// [`CellResult::map_texts`]) replaced by `map` of it.
    pub fn map_texts(&mut self, map: &impl Fn(&str) -> String) {
        for info in &mut self.interpreters {
            if let Some(path) = info.path.as_mut() {
                *path = map(path);
            }
        }
        for r in &mut self.results {
            r.map_texts(map);
        }
    }

    /// Reads a results file: see [`RunResults::parse`].
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let text = std::fs::read_to_string(path).map_err(|source| ModelError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Parses the text of the results file at `path` (named in the errors only), refusing
    /// other schema versions and files that contradict themselves ([`RunResults::validate`]).
    /// Every error is one line naming the file and, where there is one, the first bad cell.
    pub fn parse(text: &str, path: &Path) -> Result<Self, ModelError> {
        let malformed = |message: String| ModelError::Malformed {
            path: path.to_path_buf(),
            message: one_line(&message),
        };
        let probe: serde_json::Value = serde_json::from_str(text).map_err(|e| malformed(e.to_string()))?;
        let found = probe
            .get("schema_version")
            .and_then(|v| v.as_u64())
            .and_then(|v| u32::try_from(v).ok())
            .unwrap_or(0);
        if found != SCHEMA_VERSION {
            return Err(ModelError::Schema {
                path: path.to_path_buf(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        let results =
            RunResults::deserialize(&probe).map_err(|e| malformed(first_bad_cell(&probe).unwrap_or(e.to_string())))?;
        results.validate().map_err(|message| ModelError::Contradicts {
            path: path.to_path_buf(),
            message: one_line(&message),
        })?;
        Ok(results)
    }

    /// Whether the cells agree with each other and with the header: each cell once, each on
    /// one of the file's interpreters and (when the file lists them) one of its releases.
    /// The error names the first cell, in file order, that does not.
    pub fn validate(&self) -> Result<(), String> {
        let flavors: BTreeSet<Flavor> = self.interpreters.iter().map(|i| i.flavor).collect();
        let releases: BTreeSet<&Release> = self.releases.iter().collect();
        let mut seen: HashSet<&CellId> = HashSet::with_capacity(self.results.len());
        for cell in &self.results {
            let id = &cell.id;
            if !seen.insert(id) {
                return Err(format!("cell {id} appears twice"));
            }
            if !flavors.contains(&id.python) {
                return Err(format!(
                    "cell {id} is on interpreter {}, which the file's interpreters ({}) do not include",
                    id.python,
                    listed(&flavors)
                ));
            }
            if !releases.is_empty() && !releases.contains(&id.pyo3) {
                return Err(format!(
                    "cell {id} is at PyO3 {}, which the file's releases ({}) do not include",
                    id.pyo3,
                    listed(&releases)
                ));
            }
        }
        Ok(())
    }
}

/// `a, b, c`, or `none`.
fn listed<T: std::fmt::Display>(items: impl IntoIterator<Item = T>) -> String {
    let all: Vec<String> = items.into_iter().map(|i| i.to_string()).collect();
    match all.is_empty() {
        true => "none".into(),
        false => all.join(", "),
    }
}

/// Why the first cell of `results` that does not read as one fails, named by its id when
/// its id reads (`cell p 0.23.5 3.12 (results[3]): unknown variant ...`).
fn first_bad_cell(probe: &serde_json::Value) -> Option<String> {
    let cells = probe.get("results")?.as_array()?;
    cells.iter().enumerate().find_map(|(k, raw)| {
        let err = CellResult::deserialize(raw).err()?;
        Some(match CellId::deserialize(raw) {
            Ok(id) => format!("cell {id} (results[{k}]): {err}"),
            Err(_) => format!("results[{k}]: {err}"),
        })
    })
}

/// `message` with its control characters escaped, so that an error stays on one line
/// whatever text the file quoted.
fn one_line(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    for c in message.chars() {
        match c.is_control() {
            true => out.extend(c.escape_default()),
            false => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::{json, Value};

    const FILE: &str = "shards/a.json";

    /// A small valid file: two releases, two interpreters, three cells (one a variant).
    fn valid() -> Value {
        json!({
            "schema_version": SCHEMA_VERSION,
            "tool_version": "0.1.0",
            "tool_build": "e5f6",
            "rustc": "rustc 1.85.0",
            "maturin": null,
            "started_unix": 5,
            "releases": ["0.23.5", "0.24.2"],
            "interpreters": [
                {"flavor": "3.12", "path": "/usr/bin/python3.12", "version": "3.12.8"},
                {"flavor": "3.13t", "path": null, "version": null, "note": "not found"}
            ],
            "results": [
                {"pattern": "p", "pyo3": "0.23.5", "python": "3.12", "outcome": "pass",
                 "timings": {"build_s": 1.5, "test_s": 0.25}},
                {"pattern": "p", "pyo3": "0.24.2", "python": "3.12", "variant": "v",
                 "outcome": "compile-error", "codes": ["E0599"], "message": "no method"},
                {"pattern": "q", "pyo3": "0.24.2", "python": "3.13t", "outcome": "skipped"}
            ]
        })
    }

    fn parse(value: &Value) -> Result<RunResults, ModelError> {
        RunResults::parse(&value.to_string(), Path::new(FILE))
    }

    fn refusal(value: &Value) -> String {
        let err = parse(value).expect_err("refused").to_string();
        assert!(!err.contains('\n'), "one line: {err}");
        err
    }

    /// An accepted file, written again and read back, is accepted and the same.
    fn round_trips(accepted: &RunResults) -> Result<(), TestCaseError> {
        let text = serde_json::to_string(accepted).expect("serializes");
        let back = RunResults::parse(&text, Path::new(FILE));
        prop_assert!(back.is_ok(), "written back, refused: {:?}\n{text}", back.err());
        let (a, b) = (
            serde_json::to_value(accepted).unwrap(),
            serde_json::to_value(back.unwrap()).unwrap(),
        );
        prop_assert_eq!(a, b, "changed by a round trip");
        Ok(())
    }

    #[test]
    fn a_consistent_file_loads_and_round_trips() {
        let results = parse(&valid()).unwrap();
        assert_eq!(results.results.len(), 3);
        assert_eq!(results.tool_build.as_deref(), Some("e5f6"));
        assert_eq!(results.releases.len(), 2);
        round_trips(&results).unwrap();
    }

    #[test]
    fn a_file_from_before_the_header_fields_loads_without_the_release_check() {
        let mut old = valid();
        let header = old.as_object_mut().unwrap();
        header.remove("releases");
        header.remove("tool_build");
        old["results"][0]["pyo3"] = json!("0.19.2");
        let results = parse(&old).unwrap();
        assert!(results.releases.is_empty() && results.tool_build.is_none());
    }

    #[test]
    fn a_cell_twice_is_refused_by_name() {
        let mut twice = valid();
        let first = twice["results"][1].clone();
        twice["results"].as_array_mut().unwrap().push(first);
        assert_eq!(refusal(&twice), "shards/a.json: cell p 0.24.2 3.12 [v] appears twice");
        // The same cell with another variant is another cell.
        twice["results"][3]["variant"] = json!("w");
        parse(&twice).unwrap();
    }

    #[test]
    fn a_cell_on_an_interpreter_the_run_did_not_use_is_refused() {
        let mut stray = valid();
        stray["results"][2]["python"] = json!("3.13");
        assert_eq!(
            refusal(&stray),
            "shards/a.json: cell q 0.24.2 3.13 is on interpreter 3.13, which the file's interpreters \
             (3.12, 3.13t) do not include"
        );
    }

    #[test]
    fn a_cell_at_a_release_the_run_did_not_ask_for_is_refused() {
        let mut stray = valid();
        stray["results"][0]["pyo3"] = json!("0.22.6");
        assert_eq!(
            refusal(&stray),
            "shards/a.json: cell p 0.22.6 3.12 is at PyO3 0.22.6, which the file's releases \
             (0.23.5, 0.24.2) do not include"
        );
    }

    #[test]
    fn the_first_bad_cell_in_file_order_is_named() {
        let mut bad = valid();
        bad["results"][1]["python"] = json!("3.11");
        bad["results"][2]["pyo3"] = json!("0.1.0");
        assert!(refusal(&bad).contains("cell p 0.24.2 3.11 [v] is on interpreter 3.11"));
    }

    #[test]
    fn an_unknown_outcome_names_the_file_and_the_cell_on_one_line() {
        let mut bad = valid();
        bad["results"][2]["outcome"] = json!("passs");
        let err = refusal(&bad);
        assert!(
            err.starts_with("malformed shards/a.json: cell q 0.24.2 3.13t (results[2]): unknown variant `passs`"),
            "{err}"
        );
        // A cell whose id does not read is named by its place, and what it quoted stays on
        // the line.
        bad["results"][2]["outcome"] = json!("pass");
        bad["results"][2]["python"] = json!("py3\n13");
        let err = refusal(&bad);
        assert!(err.starts_with("malformed shards/a.json: results[2]: "), "{err}");
        assert!(err.contains("py3\\n13"), "{err}");
    }

    #[test]
    fn other_schema_versions_and_non_json_are_refused() {
        let mut other = valid();
        other["schema_version"] = json!(1u64 << 32 | SCHEMA_VERSION as u64);
        assert!(refusal(&other).contains("results schema version 0 is not supported"));
        let err = RunResults::parse("{\"schema_version\": 1,\n", Path::new(FILE)).unwrap_err();
        assert!(err.to_string().starts_with("malformed shards/a.json: "), "{err}");
    }

    /// Applies byte edits (0: replace, 1: insert, 2: delete) to `text`.
    fn mutate(text: &str, edits: &[(prop::sample::Index, u8, u8)]) -> String {
        let mut bytes = text.as_bytes().to_vec();
        for (at, byte, op) in edits {
            let k = at.index(bytes.len() + 1);
            match op {
                0 if k < bytes.len() => bytes[k] = *byte,
                2 if k < bytes.len() => {
                    bytes.remove(k);
                }
                _ => bytes.insert(k, *byte),
            }
        }
        String::from_utf8_lossy(&bytes).into_owned()
    }

    /// A cell from a small vocabulary, so that duplicates and strays are frequent.
    fn small_cell() -> impl Strategy<Value = Value> {
        (
            prop::sample::select(vec!["p", "q"]),
            prop::sample::select(vec!["0.23.5", "0.24.2", "0.25.1"]),
            prop::sample::select(vec!["3.12", "3.13", "3.13t"]),
            prop::option::of(prop::sample::select(vec!["v"])),
            prop::sample::select(Outcome::ALL.to_vec()),
        )
            .prop_map(|(pattern, pyo3, python, variant, outcome)| {
                json!({"pattern": pattern, "pyo3": pyo3, "python": python, "variant": variant, "outcome": outcome})
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..256)) {
            if let Ok(accepted) = RunResults::parse(&String::from_utf8_lossy(&bytes), Path::new(FILE)) {
                round_trips(&accepted)?;
            }
        }

        #[test]
        fn arbitrary_text_never_panics(text in "\\PC{0,120}") {
            if let Ok(accepted) = RunResults::parse(&text, Path::new(FILE)) {
                round_trips(&accepted)?;
            }
        }

        #[test]
        fn mutated_files_never_panic_and_what_is_accepted_round_trips(
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..6),
        ) {
            let text = mutate(&serde_json::to_string_pretty(&valid()).unwrap(), &edits);
            match RunResults::parse(&text, Path::new(FILE)) {
                Ok(accepted) => {
                    prop_assert!(accepted.validate().is_ok());
                    round_trips(&accepted)?;
                }
                Err(e) => prop_assert!(!e.to_string().contains('\n'), "two lines: {e}"),
            }
        }

        #[test]
        fn a_file_is_accepted_exactly_when_its_cells_agree(
            cells in prop::collection::vec(small_cell(), 0..8),
            releases in prop::sample::subsequence(vec!["0.23.5", "0.24.2", "0.25.1"], 0..=3),
            flavors in prop::sample::subsequence(vec!["3.12", "3.13", "3.13t"], 0..=3),
        ) {
            let mut file = valid();
            file["releases"] = json!(releases);
            file["interpreters"] = Value::Array(
                flavors.iter().map(|f| json!({"flavor": f, "path": null, "version": null})).collect(),
            );
            file["results"] = Value::Array(cells.clone());
            let mut seen = HashSet::new();
            let agree = cells.iter().all(|c| {
                let key = ["pattern", "pyo3", "python", "variant"].map(|k| c[k].to_string());
                seen.insert(key)
                    && flavors.iter().any(|f| c["python"] == *f)
                    && (releases.is_empty() || releases.iter().any(|r| c["pyo3"] == *r))
            });
            match parse(&file) {
                Ok(accepted) => {
                    prop_assert!(agree, "accepted a contradiction: {file}");
                    round_trips(&accepted)?;
                }
                Err(e) => {
                    prop_assert!(!agree, "refused a consistent file: {e}");
                    prop_assert!(matches!(e, ModelError::Contradicts { .. }), "{e}");
                    prop_assert!(e.to_string().starts_with("shards/a.json: cell "), "{e}");
                }
            }
        }
    }
}
