//! Twins: a subject written in the GIL-ref idiom of 0.19/0.20, observed with its subject's
//! own tests, and the one story the reports tell of both.

use crate::common::{mini, mini_matrix, nonce, results};

#[test]
fn a_twin_runs_its_subject_s_tests_and_the_reports_tell_one_story() {
    let dir = mini_matrix(&nonce("twins"));
    let twin = dir.path().join("matrix/patterns/gilref_mini_one");
    std::fs::create_dir_all(&twin).unwrap();
    std::fs::write(
        twin.join("pattern.toml"),
        "title = \"mini_one, in the GIL-ref idiom\"\ncategory = \"fixture\"\n\
         shows = \"mini_one as 0.19–0.20 code.\"\npyo3 = \"0.19..=0.20\"\n\n[twin]\nof = \"mini_one\"\nuntil = \"0.20\"\n",
    )
    .unwrap();
    // Named after its subject, which its tests import; no test file of its own.
    std::fs::write(
        twin.join("lib.rs"),
        "use pyo3::prelude::*;\n\n#[pyfunction]\nfn answer() -> i64 {\n    42\n}\n\n#[pymodule]\n\
         fn mini_one(_py: Python<'_>, m: &PyModule) -> PyResult<()> {\n    \
         m.add_function(wrap_pyfunction!(answer, m)?)?;\n    Ok(())\n}\n",
    )
    .unwrap();
    let out = dir.path().join("out/results.json");
    let reports = dir.path().join("reports");
    let ran = mini(
        dir.path(),
        &[
            "run",
            "--pattern",
            "mini_one",
            "--pattern",
            "gilref_mini_one",
            "--pyo3",
            "0.20,0.21",
            "--python",
            "3.12",
            "--out",
            out.to_str().unwrap(),
            "--reports",
            reports.to_str().unwrap(),
        ],
    )
    .output()
    .unwrap();
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    let all = results(&out);
    let outcome = |pattern: &str, pyo3: &str| -> Option<String> {
        let cell = all["results"]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["pattern"] == pattern && c["pyo3"].as_str().unwrap().starts_with(pyo3))?;
        Some(cell["outcome"].as_str().unwrap().to_string())
    };
    // Observed, not assumed: the Bound code cannot build before Bound existed, the old code
    // passes the same tests there; the twin is observed only at the releases it names.
    assert_eq!(outcome("mini_one", "0.20").as_deref(), Some("compile-error"));
    assert_eq!(outcome("gilref_mini_one", "0.20").as_deref(), Some("pass"));
    assert_eq!(outcome("mini_one", "0.21").as_deref(), Some("pass"));
    assert_eq!(outcome("gilref_mini_one", "0.21"), None, "{all:#}");

    let compat = std::fs::read_to_string(reports.join("compat.md")).unwrap();
    let row = compat
        .lines()
        .find(|l| l.starts_with("| [mini_one]"))
        .unwrap_or_else(|| panic!("no mini_one row in:\n{compat}"));
    assert!(row.contains("✓ pass 0.20.3–0.21.2"), "one story: {row}");
    assert!(!row.contains("not yet available"), "{row}");
    let page = std::fs::read_to_string(reports.join("patterns/mini_one.md")).unwrap();
    assert!(
        page.contains("up to 0.20 by [gilref_mini_one](gilref_mini_one.md)"),
        "{page}"
    );
}
