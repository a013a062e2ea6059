//! What `run` writes: the results file it is told to write, and nothing else beside it; the
//! tables only where `--reports` names; and results that name no path of this machine.

use crate::common::{mini, mini_matrix, nonce, results};
use std::path::Path;

/// A pattern that does not compile, so that its cell keeps rustc's log (with its paths);
/// `nonce` makes its verdict one no cache holds.
fn add_broken_pattern(matrix_root: &Path, nonce: &str) {
    let dir = matrix_root.join("matrix/patterns/mini_broken");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("pattern.toml"),
        "title = \"Fixture mini_broken\"\ncategory = \"fixture\"\nshows = \"A module that does not compile.\"\n",
    )
    .unwrap();
    let source =
        "use pyo3::prelude::*;\n\n#[pymodule]\nfn mini_broken(m: &Bound<'_, PyModule>) -> PyResult<()> {\n    \
                  m.add_function(wrap_pyfunction!(no_such_function, m)?)\n}\n";
    std::fs::write(dir.join("lib.rs"), format!("{source}// nonce {nonce}\n")).unwrap();
    std::fs::write(dir.join("test_mini_broken.py"), "import mini_broken\n").unwrap();
}

/// The names of the entries of `dir`, sorted.
fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn out_writes_the_results_alone_reports_go_where_asked_and_no_machine_path_is_written() {
    let nonce = nonce("writes");
    let dir = mini_matrix(&nonce);
    add_broken_pattern(dir.path(), &nonce);
    let cells = ["--pattern", "mini_broken", "--pyo3", "0.23", "--python", "3.12"];
    let out = dir.path().join("out/x.json");
    let mut args = vec!["run", "--out", out.to_str().unwrap()];
    args.extend_from_slice(&cells);
    let ran = mini(dir.path(), &args).output().unwrap();
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(
        entries(out.parent().unwrap()),
        ["x.json"],
        "--out writes its file alone"
    );

    let written = std::fs::read_to_string(&out).unwrap();
    let cell = &results(&out)["results"][0];
    assert_eq!(cell["outcome"], "compile-error", "{written}");
    let log = cell["log"].as_str().unwrap();
    assert!(log.contains("--> lib.rs:"), "the pattern's paths are its own: {log}");
    let home = std::env::var("HOME").unwrap();
    let temp = std::env::temp_dir();
    for machine in [dir.path().to_str().unwrap(), &home, &format!("{}/", temp.display())] {
        assert!(!written.contains(machine), "{machine} is written in:\n{written}");
    }

    // Reports go to the folder --reports names, drawn from the same results.
    let reports = dir.path().join("tables");
    let again = dir.path().join("again/y.json");
    let mut args = vec![
        "run",
        "--out",
        again.to_str().unwrap(),
        "--reports",
        reports.to_str().unwrap(),
    ];
    args.extend_from_slice(&cells);
    let ran = mini(dir.path(), &args).output().unwrap();
    assert!(ran.status.success(), "{}", String::from_utf8_lossy(&ran.stderr));
    assert_eq!(entries(again.parent().unwrap()), ["y.json"]);
    for table in ["index.html", "compat.md", "claims.md", "upgrades.md", "results.csv"] {
        assert!(reports.join(table).is_file(), "no {table} in --reports");
    }
}
