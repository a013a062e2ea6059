//! `migrate` on crates written here (tests/fixtures/migrate): real builds at every release
//! on the way, real pytest runs of the crate's own tests at the target.

use crate::common::{bin, fixture, repo, stderr};
use pyo3_matrix_model::Pattern;
use std::path::{Path, PathBuf};
use std::process::Output;

/// A fresh copy of the fixture `name` in a git repository of its own, at a place that stays
/// the same from run to run (so a rerun builds in the migration's target left behind).
fn copy(name: &str, label: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("migrate").join(label);
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.parent().unwrap()).unwrap();
    let copied = std::process::Command::new("cp")
        .arg("-r")
        .arg(fixture(&format!("migrate/{name}")))
        .arg(&dir)
        .status()
        .unwrap();
    assert!(copied.success());
    let git = |args: &[&str]| {
        let out = std::process::Command::new("git")
            .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap();
        assert!(out.status.success(), "git {args:?}: {}", stderr(&out));
    };
    git(&["init", "-q"]);
    git(&["add", "-A"]);
    git(&["commit", "-qm", "fixture"]);
    dir
}

/// `pyo3-matrix migrate DIR ARGS --format json`.
fn migrate(dir: &Path, args: &[&str]) -> Output {
    bin()
        .arg("migrate")
        .arg(dir)
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap()
}

/// The answer of a migration that must succeed.
fn answer_of(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "migrate failed: {}", stderr(out));
    serde_json::from_slice(&out.stdout).expect("JSON on stdout")
}

/// Every edit of every step as `rule: from -> to`.
fn edits(answer: &serde_json::Value) -> Vec<String> {
    answer["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["edits"].as_array().unwrap().iter())
        .map(|e| {
            format!(
                "{}: {} -> {}",
                e["rule"].as_str().unwrap(),
                e["from"].as_str().unwrap(),
                e["to"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn deprecations_are_renamed_at_their_spans_and_lookalike_names_are_kept() {
    let dir = copy("attach_crate", "attach");
    let before = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let answer = answer_of(&migrate(&dir, &["--to", "0.27", "--write"]));
    assert_eq!(
        answer["from"].as_str().unwrap().rsplit_once('.').unwrap().0,
        "0.25",
        "{answer:#}"
    );
    assert_eq!(answer["outcome"]["outcome"], "pass", "{answer:#}");
    assert_eq!(
        edits(&answer),
        [
            "use-instead: allow_threads -> detach",
            "use-instead: PyObject -> Py<PyAny>",
            "use-instead: with_gil -> attach",
            "use-instead: downcast -> cast",
        ]
    );
    assert!(answer["residual"].as_array().unwrap().is_empty(), "{answer:#}");
    // Only the tokens the rules target changed; every other line is byte for byte the same.
    let after = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let expected = before
        .replace("py.allow_threads(move", "py.detach(move")
        .replace("PyResult<PyObject>", "PyResult<Py<PyAny>>")
        .replace("Python::with_gil(|py|", "Python::attach(|py|")
        .replace("obj.downcast::<PyList>()", "obj.cast::<PyList>()");
    assert_eq!(after, expected);
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(
        manifest.contains("# The GIL-bound names of 0.25, deprecated at 0.26 and 0.27.\npyo3 = { version = \"0.27\", features = [\"extension-module\"] }"),
        "{manifest}"
    );

    // A second run finds nothing left to do.
    let again = answer_of(&migrate(&dir, &["--to", "0.27", "--write", "--allow-dirty"]));
    assert!(edits(&again).is_empty(), "{again:#}");
    assert_eq!(again["changed"], serde_json::json!([]), "{again:#}");
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), after);
}

#[test]
fn the_gil_refs_staging_step_is_taken_and_gil_ref_arguments_become_bound() {
    let dir = copy("gilrefs_crate", "gilrefs");
    let before = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let answer = answer_of(&migrate(&dir, &["--to", "0.21"]));
    let step = &answer["steps"][0];
    assert!(
        step["staging"]
            .as_str()
            .unwrap()
            .starts_with("with the `gil-refs` feature first"),
        "{answer:#}"
    );
    let edits = edits(&answer);
    assert!(
        edits.contains(&"gil-ref-argument: &PyModule -> &Bound<'_, PyModule>".to_string()),
        "{edits:#?}"
    );
    assert!(
        edits.contains(&"constructor-new-bound: new -> new_bound".to_string()),
        "{edits:#?}"
    );
    // Without --write nothing changes.
    assert_eq!(std::fs::read_to_string(dir.join("src/lib.rs")).unwrap(), before);
    let diff = bin().arg("migrate").arg(&dir).args(["--to", "0.21"]).output().unwrap();
    let text = String::from_utf8_lossy(&diff.stdout);
    assert!(
        text.contains("+fn gilshop(_py: Python, m: &Bound<'_, PyModule>) -> PyResult<()> {"),
        "{text}"
    );
    assert!(text.contains("pass --write to edit them"), "{text}");
}

#[test]
fn a_gil_refs_crate_migrated_builds_and_passes_its_own_tests_at_0_23_and_at_0_28() {
    let dir = copy("gilrefs_crate", "gilrefs-through");
    let before = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    let at_023 = answer_of(&migrate(&dir, &["--to", "0.23", "--write"]));
    assert_eq!(at_023["outcome"]["outcome"], "pass", "{at_023:#}");
    let at_028 = answer_of(&migrate(&dir, &["--to", "0.28", "--write", "--allow-dirty"]));
    assert_eq!(at_028["outcome"]["outcome"], "pass", "{at_028:#}");
    assert!(at_028["residual"].as_array().unwrap().is_empty(), "{at_028:#}");
    let rules: std::collections::BTreeSet<String> = edits(&at_023)
        .into_iter()
        .chain(edits(&at_028))
        .map(|e| e.split(':').next().unwrap().to_string())
        .collect();
    for rule in [
        "extract-bound",
        "from-pyobject-lifetimes",
        "extract-borrowed",
        "into-pyobject-impl",
        "into-pyobject-call",
        // `new_bound` back to a `new` that gives a `PyResult`, with its `?`.
        "fallible-constructor-renamed",
    ] {
        assert!(rules.contains(rule), "{rule} never applied: {rules:?}");
    }
    // Comments in awkward places and names that only look like PyO3's are kept.
    let after = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    for kept in [
        "// the comment between the two attributes must survive",
        "/* the input */",
        "/* a fresh list */",
        "pyo3::ffi::PyObject",
        "Registry::new_bound(limit)",
        "value.downcast::<u32>()",
        "let with_gil = n; // ADVERSARIAL",
    ] {
        assert_eq!(
            before.matches(kept).count(),
            after.matches(kept).count(),
            "`{kept}` changed:\n{after}"
        );
    }
    // A second run finds nothing left to do.
    let again = answer_of(&migrate(&dir, &["--to", "0.28"]));
    assert!(edits(&again).is_empty(), "{again:#}");
    assert_eq!(again["changed"], serde_json::json!([]), "{again:#}");
}

#[test]
fn a_workspace_member_is_migrated_with_its_path_dependencies() {
    let root = copy("workspace_crate", "workspace");
    let answer = answer_of(&migrate(&root.join("pyext"), &["--to", "0.21", "--write"]));
    let files: std::collections::BTreeSet<String> = answer["steps"][0]["edits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["file"].as_str().unwrap().split('/').next().unwrap().to_string())
        .collect();
    assert_eq!(files, ["corelib", "pyext"].map(String::from).into(), "{answer:#}");
    // `corelib` states its requirement; `pyext` inherits the workspace's, which moves.
    let manifest = |at: &str| std::fs::read_to_string(root.join(at).join("Cargo.toml")).unwrap();
    for moved in [manifest("corelib"), manifest("")] {
        assert!(moved.contains("version = \"0.21\""), "{moved}");
    }
    assert!(
        manifest("pyext").contains("pyo3 = { workspace = true"),
        "{}",
        manifest("pyext")
    );
}

/// A crate made of a catalog pattern (its `lib.rs`, and its test file: a twin's is its
/// subject's, whose module it builds) on PyO3 `release`.
fn pattern_crate(pattern: &Pattern, release: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("migrate")
        .join(format!("twin-{}", pattern.id));
    if dir.exists() {
        std::fs::remove_dir_all(&dir).unwrap();
    }
    std::fs::create_dir_all(dir.join("src")).unwrap();
    std::fs::copy(&pattern.source, dir.join("src/lib.rs")).unwrap();
    let test = pattern.test.as_ref().unwrap();
    std::fs::copy(test, dir.join(test.file_name().unwrap())).unwrap();
    std::fs::write(
        dir.join("Cargo.toml"),
        format!(
            "[package]\nname = \"{}\"\nversion = \"0.1.0\"\nedition = \"2021\"\n\n[lib]\nname = \"{}\"\ncrate-type = [\"cdylib\"]\n\n[dependencies]\npyo3 = {{ version = \"={release}\", features = [\"extension-module\"] }}\n",
            pattern.id,
            pattern.module()
        ),
    )
    .unwrap();
    dir
}

#[test]
fn the_catalogs_gil_ref_patterns_migrated_pass_like_their_bound_twins_or_say_why() {
    // The GIL-ref idiom's patterns that pass at the newest 0.20 on 3.12 and need no crate
    // but PyO3, read from the committed results: each of the older ones, and every fourth
    // twin (a twin writes a subject of the Bound-API catalog as 0.19-0.20 code), so that the
    // suite stays small.
    let results: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(repo().join("docs/results.json")).unwrap()).unwrap();
    let catalog = Pattern::load_all(&repo().join("matrix/patterns")).unwrap();
    let outcome = |id: &str, minor: &str| -> Option<(String, String)> {
        results["results"].as_array().unwrap().iter().find_map(|c| {
            (c["pattern"] == id
                && c["pyo3"].as_str().unwrap().starts_with(minor)
                && c["python"] == "3.12"
                && c["variant"].is_null())
            .then(|| {
                (
                    c["pyo3"].as_str().unwrap().to_string(),
                    c["outcome"].as_str().unwrap().to_string(),
                )
            })
        })
    };
    let gilref: Vec<&Pattern> = catalog
        .iter()
        .filter(|p| p.id.starts_with("gilref_") && p.meta.deps.is_empty())
        .filter(|p| outcome(&p.id, "0.20.").is_some_and(|(_, o)| o == "pass"))
        .collect();
    let (twins, older): (Vec<&Pattern>, Vec<&Pattern>) = gilref.into_iter().partition(|p| p.meta.twin.is_some());
    let chosen: Vec<&Pattern> = older.into_iter().chain(twins.into_iter().step_by(4)).collect();
    assert!(
        chosen.len() >= 10,
        "{:?}",
        chosen.iter().map(|p| &p.id).collect::<Vec<_>>()
    );
    let (mut migrated, mut expected) = (Vec::new(), 0);
    for pattern in &chosen {
        let (release, _) = outcome(&pattern.id, "0.20.").unwrap();
        let dir = pattern_crate(pattern, &release);
        let answer = answer_of(&migrate(&dir, &["--to", "0.23"]));
        // A twin passes like its subject: one whose subject fails at 0.23 is not expected to.
        let subject_passes = pattern
            .meta
            .twin
            .as_ref()
            .is_none_or(|t| outcome(&t.of, "0.23.").is_some_and(|(_, o)| o == "pass"));
        expected += usize::from(subject_passes);
        if answer["outcome"]["outcome"] == "pass" {
            migrated.push(pattern.id.as_str());
            continue;
        }
        if !subject_passes {
            continue;
        }
        // What is left is named, each error with the catalog pattern that fails like it.
        let residual = answer["residual"].as_array().unwrap();
        assert!(
            residual
                .iter()
                .filter(|r| r["level"] == "error")
                .all(|r| !r["explained_by"].as_array().unwrap().is_empty()),
            "{}: {answer:#}",
            pattern.id
        );
    }
    assert!(
        migrated.len() * 5 >= expected * 4,
        "only {migrated:?} of the {expected} expected to pass at 0.23 do"
    );
}

#[test]
fn bad_input_is_one_line_and_touches_nothing() {
    let dir = copy("attach_crate", "bad-input");
    let lib = dir.join("src/lib.rs");
    let original = std::fs::read_to_string(&lib).unwrap();
    let fails = |args: &[&str], needle: &str| {
        let out = migrate(&dir, args);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {}", stderr(&out));
        // Progress lines may come first; the error itself is one line.
        let err = stderr(&out);
        let errors: Vec<&str> = err
            .lines()
            .skip_while(|l| !l.starts_with("pyo3-matrix: error:"))
            .collect();
        assert_eq!(errors.len(), 1, "{args:?}: {err}");
        assert!(errors[0].contains(needle), "{args:?}: {err}");
    };
    fails(&["--to", "0.99"], "unknown PyO3 version '0.99'");
    fails(&["--to", "0.24"], "--to 0.24.2 is older than the release");
    std::fs::write(&lib, format!("{original}\n// an edit not yet committed\n")).unwrap();
    fails(
        &["--to", "0.26", "--write"],
        "has uncommitted changes (src/lib.rs); commit them first, or pass --allow-dirty",
    );
    std::fs::write(&lib, format!("{original}\nfn broken( {{}}\n")).unwrap();
    fails(&["--to", "0.26"], "does not build at its own release, PyO3 0.25");
    let not_pyo3 = dir.join("plain");
    std::fs::create_dir_all(not_pyo3.join("src")).unwrap();
    std::fs::write(
        not_pyo3.join("Cargo.toml"),
        "[package]\nname = \"plain\"\nversion = \"0.1.0\"\nedition = \"2021\"\n",
    )
    .unwrap();
    std::fs::write(not_pyo3.join("src/lib.rs"), "").unwrap();
    let out = migrate(&not_pyo3, &["--to", "0.26"]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(stderr(&out).contains("does not depend on pyo3"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read_to_string(&lib).unwrap(),
        format!("{original}\nfn broken( {{}}\n")
    );
}

#[test]
fn a_function_whose_edits_break_a_helper_s_caller_is_kept_until_the_helper_moves_too() {
    let dir = copy("helpers_crate", "helpers");
    let answer = answer_of(&migrate(&dir, &["--to", "0.23", "--write"]));
    let steps = answer["steps"].as_array().unwrap();
    // 0.21: `sum_list`'s argument alone cannot become `&Bound` (it feeds a helper taking
    // `&PyList`): the function stays as it was, deprecated, and the step builds.
    assert_eq!(steps[0]["compiles"], true, "{answer:#}");
    let kept: Vec<&str> = steps[0]["kept"]
        .as_array()
        .unwrap()
        .iter()
        .map(|k| k["function"].as_str().unwrap())
        .collect();
    assert_eq!(kept, ["fn sum_list(list: &PyList) -> PyResult<i64> {"], "{answer:#}");
    // 0.22 refuses GIL-ref arguments and iteration: argument and helper move together.
    assert_eq!(steps[1]["compiles"], true, "{answer:#}");
    assert_eq!(answer["outcome"]["outcome"], "pass", "{answer:#}");
    // Its old tests, at its own release before any edit: what "still passing" is measured by.
    assert_eq!(answer["baseline"]["outcome"], "pass", "{answer:#}");
    assert_eq!(answer["baseline"]["pyo3"], answer["from"], "{answer:#}");
    let written = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert!(
        written.contains("fn total(list: &Bound<'_, PyList>) -> PyResult<i64> {"),
        "{written}"
    );
    assert!(
        written.contains("fn sum_list(list: &Bound<'_, PyList>) -> PyResult<i64> {"),
        "{written}"
    );
    assert!(
        written.contains("/// A helper the Python-facing functions share"),
        "{written}"
    );
}

/// Migrates a copy of `fixture` with `--write` to `to`, and checks what a fixture written for
/// some rules must show: every step from the second release on builds, the steps make an
/// edit of each of `rules`, the crate's tests pass at the target with nothing left for a
/// person, and `src/lib.rs` then holds each of `lines`. Gives the migrated copy.
fn migrates_with(fixture: &str, to: &str, rules: &[&str], lines: &[&str]) -> PathBuf {
    let dir = copy(fixture, fixture);
    let answer = answer_of(&migrate(&dir, &["--to", to, "--write"]));
    let steps = answer["steps"].as_array().unwrap();
    for step in &steps[1..] {
        assert_eq!(step["compiles"], true, "{answer:#}");
    }
    let made: std::collections::BTreeSet<&str> = steps
        .iter()
        .flat_map(|s| s["edits"].as_array().unwrap())
        .map(|e| e["rule"].as_str().unwrap())
        .collect();
    for rule in rules {
        assert!(made.contains(rule), "{rule} in {answer:#}");
    }
    assert_eq!(answer["outcome"]["outcome"], "pass", "{answer:#}");
    assert_eq!(answer["residual"].as_array().map(Vec::len), Some(0), "{answer:#}");
    let written = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    for line in lines {
        assert!(written.lines().any(|l| l == *line), "{line} in {written}");
    }
    dir
}

#[test]
fn a_py_cloned_without_the_gil_is_cloned_by_reference_with_the_python_at_hand() {
    let rules = [
        "derived-clone-with-the-gil",
        "py-clone-with-the-gil",
        "py-clone-method-gone",
        "py-clone-each-with-the-gil",
        "gil-ref-method-as-function",
        "gil-ref-arguments-of-block",
        // 0.23: a list's iterator and its items are no results; a `bool` converts to a
        // `Borrowed`; `new_bound` goes back to a `new` that gives a `PyResult`.
        "infallible-iteration",
        "borrowed-into-any",
        "fallible-constructor-renamed",
    ];
    let lines = [
        // The derived clone, by hand: it takes the GIL, as the old clone never panicked.
        "        Python::with_gil(|py| Entry {",
        "            object: self.object.clone_ref(py),",
        // A method Python calls takes a `Python`; a `PyRef` gives its own; Rust code
        // without one takes the GIL.
        "    fn first(&self, py: Python<'_>) -> PyResult<PyObject> {",
        "        slf.by_label.values().map(|each| each.clone_ref(slf.py())).collect()",
        "    entries.iter().map(|e| &e.object).map(|o| Python::with_gil(|py| o.clone_ref(py))).collect()",
        "            by_label: self.by_label.iter().map(|(key, each)| (key.clone(), each.clone_ref(py))).collect(),",
        "        let object = next.clone_ref(slf.py());",
        "            if entry.object.bind(py).eq(value)? {",
        "    fn __contains__(&self, pair: (String, Bound<'_, PyAny>)) -> PyResult<bool> {",
        "        for each in mapping.items()?.iter() {",
        "            let (_label, _object): (String, PyObject) = each.extract()?;",
        "        let pair = PyTuple::new(py, self.entries.iter().take(2).map(|e| e.weight))?;",
    ];
    migrates_with("clones_crate", "0.23", &rules, &lines);
}

#[test]
fn a_struct_holding_a_gil_ref_holds_a_bound_and_its_users_follow() {
    // 0.22: the field, the constructors that fill it, the `let` and the calls that pass
    // what iterating a `Bound` gives: the step builds and the crate's tests pass.
    let rules = [
        "gil-ref-field",
        "gil-ref-field-init",
        "gil-ref-let",
        "bound-by-reference-or-value",
    ];
    let lines = [
        "    node: Bound<'py, PyAny>,",
        "            node: node.clone(),",
        "            let dict: &Bound<'_, PyDict> = self.node.downcast()?;",
        "    // The text the caller asked for `None`.",
    ];
    migrates_with("fields_crate", "0.23", &rules, &lines);
}

#[test]
fn what_is_left_for_a_person_says_which_rule_or_notice_left_it() {
    let dir = copy("leftovers_crate", "leftovers");
    let answer = answer_of(&migrate(&dir, &["--to", "0.25"]));
    let residual = answer["residual"].as_array().unwrap();
    let at = |needle: &str| {
        residual
            .iter()
            .find(|r| r["level"] == "error" && r["message"].as_str().unwrap().contains(needle))
            .unwrap_or_else(|| panic!("no error naming {needle}: {answer:#}"))
    };
    // `PyTuple::new_bound` inside a closure of a helper that returns no `Result`: the rule
    // renaming it to the fallible `new` left it at 0.23 (no `?` goes there); 0.25 removes the
    // name, and the error keeps the reason.
    let removed = &at("`new_bound`")["left_by"];
    assert_eq!(removed["by"], "rule", "{answer:#}");
    assert_eq!(removed["rule"], "fallible-constructor-renamed", "{answer:#}");
    assert!(removed["release"].as_str().unwrap().starts_with("0.23."), "{answer:#}");
    assert!(removed["source"].as_str().unwrap().contains("migration"), "{answer:#}");
    // `name()` used as a `&str`: a person chooses which name (the notice on its line).
    let name = residual
        .iter()
        .find(|r| r["left_by"]["by"] == "notice")
        .unwrap_or_else(|| panic!("no residual on a noticed line: {answer:#}"));
    assert_eq!(name["left_by"]["notice"], "type-name-is-dunder-name", "{answer:#}");
    assert_eq!(name["left_by"]["pattern"], "type_name_of", "{answer:#}");
    // Nothing written without --write.
    let lib = std::fs::read_to_string(dir.join("src/lib.rs")).unwrap();
    assert_eq!(
        lib,
        std::fs::read_to_string(fixture("migrate/leftovers_crate/src/lib.rs")).unwrap()
    );
}

#[test]
fn a_maturin_project_migrates_with_its_collected_closures_and_keeps_its_pyproject() {
    // A constructor and conversions inside a `map` closure whose values are collected: the
    // closure gives the `PyResult`, the collect takes the `?`.
    let rules = [
        "gil-refs-collected",
        "fallible-constructor-renamed",
        "to-object-of-reference",
    ];
    let lines = [
        "        let rows: Vec<Bound<'_, PyTuple>> = self",
        "            .map(|(n, w)| PyTuple::new(py, [n.into_pyobject(py)?.into_any().unbind(), w.into_pyobject(py)?.into_any().unbind()]))",
        "            .collect::<PyResult<_>>()?;",
        "        PyList::new(py, rows)",
    ];
    let dir = migrates_with("maturin_crate", "0.25", &rules, &lines);
    let pyproject = std::fs::read_to_string(dir.join("pyproject.toml")).unwrap();
    assert_eq!(
        pyproject,
        std::fs::read_to_string(fixture("migrate/maturin_crate/pyproject.toml")).unwrap()
    );
}
