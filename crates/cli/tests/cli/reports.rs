//! `report` and `diff` on a committed results file (the tables themselves are tested in the
//! report crate, in a real browser too).

use crate::common::{bin, fixture};
use std::io::Read;
use std::process::Stdio;

#[test]
fn report_writes_every_table_beside_the_results() {
    let out = tempfile::tempdir().unwrap();
    let drawn = bin()
        .args(["report", "--results"])
        .arg(fixture("small_results.json"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(drawn.status.success(), "{}", String::from_utf8_lossy(&drawn.stderr));
    for table in ["index.html", "compat.md", "claims.md", "upgrades.md", "results.csv"] {
        assert!(out.path().join(table).is_file(), "no {table}");
    }
}

#[test]
fn diff_ends_quietly_when_its_reader_goes_away() {
    let results = fixture("small_results.json");
    let mut diff = bin()
        .arg("diff")
        .arg(&results)
        .arg(&results)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Like `| head -0`: the reader closes the pipe before reading anything.
    drop(diff.stdout.take());
    let mut stderr = String::new();
    diff.stderr.take().unwrap().read_to_string(&mut stderr).unwrap();
    diff.wait().unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
}
