//! The HTML report in a real headless Chromium: loaded from disk, read and clicked.

mod common;
use common::{bin, fixture, repo};
use std::process::Command;

#[test]
fn the_grid_opens_from_disk_and_a_click_shows_the_cell() {
    let out = tempfile::tempdir().unwrap();
    let drawn = bin()
        .args(["report", "--results"])
        .arg(fixture("small_results.json"))
        .arg("--out")
        .arg(out.path())
        .output()
        .unwrap();
    assert!(drawn.status.success(), "{}", String::from_utf8_lossy(&drawn.stderr));
    assert!(
        std::path::Path::new("/usr/bin/chromium").exists() && std::path::Path::new("/usr/bin/chromedriver").exists(),
        "this test drives Debian's chromium: apt-get install chromium chromium-driver (scripts/test.sh does)"
    );
    let venv = repo().join("target/browser-venv");
    if !venv.join("bin/python").exists() {
        assert!(Command::new("python3")
            .arg("-m")
            .arg("venv")
            .arg(&venv)
            .status()
            .unwrap()
            .success());
        let pip = Command::new(venv.join("bin/pip"))
            .args(["install", "-q", "selenium"])
            .status()
            .unwrap();
        assert!(pip.success(), "cannot install selenium from PyPI");
    }
    let checked = Command::new(venv.join("bin/python"))
        .arg(fixture("browser_check.py"))
        .arg(out.path().join("index.html"))
        .output()
        .unwrap();
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&checked.stdout),
        String::from_utf8_lossy(&checked.stderr)
    );
    assert!(checked.status.success(), "{text}");
    assert!(text.contains("browser checks passed"), "{text}");
}
