//! `index.html` in real headless Chromium: written from the fixture, opened from disk (no
//! server), read as a person reads it, clicked and filtered.

#[allow(dead_code)] // The unit tests use the rest of the fixture.
#[path = "../../src/fixture.rs"]
mod fixture;
mod webdriver;

use webdriver::{Driver, Session};

/// The `data-pattern` of every row shown, in order.
fn rows(page: &Session) -> Vec<String> {
    page.all("tr.row")
        .iter()
        .map(|r| {
            let pattern = page.attribute(r, "data-pattern").unwrap();
            match page.attribute(r, "data-variant") {
                Some(v) => format!("{pattern} [{v}]"),
                None => pattern,
            }
        })
        .collect()
}

/// The cell of (pattern, release, interpreter), plain row.
fn cell(page: &Session, pattern: &str, release: &str, python: &str) -> webdriver::Element {
    page.one(&format!("td.cell[data-key='{pattern}|{release}|{python}|']"))
}

/// Picks `value` in the `<select id=id>` as a user does: a click on the option.
fn choose(page: &Session, id: &str, value: &str) {
    page.click(&page.one(&format!("#{id} option[value='{value}']")));
}

/// The details panel's text after a click on a cell.
fn details_of(page: &Session, pattern: &str, release: &str, python: &str) -> String {
    page.click(&cell(page, pattern, release, python));
    let panel = page.one("#details");
    assert!(page.displayed(&panel), "a click on a cell opens its details");
    page.text(&panel)
}

fn assert_shows(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

#[test]
fn the_grid_opens_from_disk_reads_well_and_a_click_shows_the_cell() {
    let out = tempfile::tempdir().unwrap();
    pyo3_matrix_report::write_all(&fixture::results(), &fixture::patterns(), out.path()).unwrap();
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let page = driver.session(profile.path());
    page.open(&out.path().join("index.html"));

    // Rows grouped by category, each category named once above its rows.
    assert_eq!(
        rows(&page),
        [
            "vec_u8_return",
            "gilref_any_arg",
            "gilref_any_arg [gil-refs]",
            "static_ref_exit",
            "async_future"
        ]
    );
    let categories: Vec<String> = page.all("tr.cat").iter().map(|c| page.text(c)).collect();
    assert_eq!(categories, ["conversions", "gil-refs", "lifecycle", "uncatalogued"]);
    // Three releases with a sub-column per interpreter.
    assert_eq!(page.all("thead tr.pythons th").len(), 6);

    // Each outcome has its symbol (colour is never alone), and a GIL marker where it applies.
    let symbol = |p: &str, r: &str, py: &str| page.text(&cell(&page, p, r, py));
    assert_eq!(symbol("gilref_any_arg", "0.22.6", "3.12"), "✗");
    assert_eq!(symbol("gilref_any_arg", "0.21.2", "3.12"), "⚠");
    assert_eq!(symbol("gilref_any_arg", "0.21.2", "3.13t"), "⊘");
    assert_eq!(symbol("vec_u8_return", "0.23.5", "3.13t"), "✗Tᴳ");
    assert_eq!(symbol("static_ref_exit", "0.21.2", "3.12"), "☠");
    assert_eq!(symbol("static_ref_exit", "0.22.6", "3.12"), "∞");
    assert_eq!(symbol("async_future", "0.23.5", "3.12"), "⊗");
    let legend = page.text(&page.one("#legend"));
    assert_shows(
        &legend,
        &["✓ pass", "✗T test-fail", "∞ hang", "ᴳ GIL re-enabled on import"],
    );

    // Each row shows its last working and first broken release; the break is drawn in the row.
    let bound = |css: &str| page.text(&page.one(&format!("tr.row{css} td.bound")));
    assert_eq!(
        bound("[data-pattern='vec_u8_return']"),
        "3.12: 0.22.6 → 0.23.5\n3.13t: never worked"
    );
    assert_eq!(
        bound("[data-variant='gil-refs']"),
        "3.12: 0.21.2 → none\n3.13t: not run"
    );
    assert_eq!(bound("[data-pattern='static_ref_exit']"), "0.23.5 → none");
    let broken = cell(&page, "vec_u8_return", "0.23.5", "3.12");
    assert!(page.attribute(&broken, "class").unwrap().contains("break"));

    // A click shows the cell: codes, first message, each diagnostic once with its cells, the claim.
    assert!(!page.displayed(&page.one("#details")), "no details before a click");
    let details = details_of(&page, "gilref_any_arg", "0.22.6", "3.12");
    assert_shows(
        &details,
        &[
            "PyO3 0.22.6 · Python 3.12",
            "✗ compile-error",
            "E0599",
            "no method named `extract` found for reference `&PyAny`",
            "emitted by: 0.22.6/3.12 0.23.5/3.12 0.23.5/3.13t",
            "GIL refs stop compiling in 0.22",
            "confirmed",
            "How to fix gilref_any_arg.",
        ],
    );
    let failing = details_of(&page, "vec_u8_return", "0.23.5", "3.13t");
    assert_shows(
        &failing,
        &[
            "test_vec_u8_return.py::test_returns_bytes",
            "AssertionError: assert isinstance",
            "GIL RE-ENABLED ON IMPORT\nyes",
        ],
    );
    assert_shows(
        &details_of(&page, "static_ref_exit", "0.21.2", "3.12"),
        &["SIGSEGV", "Fatal Python error: Segmentation fault"],
    );
    assert_shows(
        &details_of(&page, "gilref_any_arg", "0.21.2", "3.13t"),
        &["⊘ unsupported", "UNSAFE_PYO3_BUILD_FREE_THREADED=1"],
    );
    page.click(&page.one("#close"));
    assert!(
        !page.displayed(&page.one("#details")),
        "the close button hides the details"
    );

    // Filters: by outcome, by interpreter, by category.
    choose(&page, "f-outcome", "test-fail");
    assert_eq!(rows(&page), ["vec_u8_return"]);
    choose(&page, "f-outcome", "");
    choose(&page, "f-python", "3.13t");
    assert_eq!(page.all("thead tr.pythons th").len(), 3);
    assert!(page.all("td.cell[data-key*='|3.12|']").is_empty(), "only 3.13t cells");
    assert_eq!(
        rows(&page),
        ["vec_u8_return", "gilref_any_arg", "static_ref_exit"],
        "rows without a 3.13t cell are left out"
    );
    choose(&page, "f-python", "");
    choose(&page, "f-category", "lifecycle");
    assert_eq!(rows(&page), ["static_ref_exit"]);
    assert_eq!(page.text(&page.one("#shown")), "1 row");
}
