//! `index.html` in real headless Chromium: written from the fixture (and once from the
//! committed results), opened from disk (no server), read as a person reads it, clicked,
//! searched, filtered, reloaded from its permalink, and weighed.

#[allow(dead_code)] // The unit tests use the rest of the fixture.
#[path = "../../src/fixture.rs"]
mod fixture;
mod webdriver;

use pyo3_matrix_model::{Flavor, Pattern, Release, RunResults, Transition};
use pyo3_matrix_report::grid::Grid;
use serde_json::json;
use std::path::{Path, PathBuf};
use webdriver::{Driver, Session};

/// What the browser may load to show the grid.
const GRID_WEIGHT: u64 = 1_500_000;

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

/// The details panel's text, once what it loads has arrived.
fn panel(page: &Session) -> String {
    page.wait_until("!document.getElementById('details').hasAttribute('aria-busy')");
    let details = page.one("#details");
    assert!(page.displayed(&details), "the details panel is open");
    page.text(&details)
}

/// The details panel's text after a click on a cell.
fn details_of(page: &Session, pattern: &str, release: &str, python: &str) -> String {
    page.click(&cell(page, pattern, release, python));
    panel(page)
}

/// The upgrade view's text for `from` → `to` on `python`, picked in its form.
fn upgrade(page: &Session, from: &str, to: &str, python: &str) -> String {
    choose(page, "u-from", from);
    choose(page, "u-to", to);
    choose(page, "u-python", python);
    page.click(&page.one("#upgrade button"));
    panel(page)
}

/// The patterns the upgrade view lists under one kind of move (`regressed`, `fixed`, …).
fn listed(page: &Session, kind: &str) -> Vec<String> {
    page.all(&format!("#details ul.moves[data-kind='{kind}'] > li > a:first-child"))
        .iter()
        .map(|a| page.text(a))
        .collect()
}

fn assert_shows(text: &str, expected: &[&str]) {
    for e in expected {
        assert!(text.contains(e), "missing {e:?} in:\n{text}");
    }
}

/// Every release header lies wholly inside a `width` × `height` viewport.
fn assert_release_headers_inside(page: &Session, width: f64, height: f64, count: usize) {
    let headers = page.script(
        "return [...document.querySelectorAll('thead th.release')].map(th => { \
           const r = th.getBoundingClientRect(); return [th.textContent, r.left, r.right, r.top, r.bottom]; });",
        json!([]),
    );
    let headers = headers.as_array().unwrap();
    assert_eq!(headers.len(), count, "one header per release");
    for h in headers {
        let (left, right, top, bottom) = (
            h[1].as_f64().unwrap(),
            h[2].as_f64().unwrap(),
            h[3].as_f64().unwrap(),
            h[4].as_f64().unwrap(),
        );
        assert!(
            left >= 0.0 && right <= width && top >= 0.0 && bottom <= height,
            "release {} at x {left}–{right}, y {top}–{bottom}: outside {width}×{height}",
            h[0]
        );
    }
}

/// The files the page has asked for so far (itself first), as paths on disk: every element
/// that loads one. (Chromium keeps no resource timing for `file://`.)
fn loaded(page: &Session) -> Vec<PathBuf> {
    let urls = page.script(
        "return [location.href, ...[...document.querySelectorAll(            'script[src], link[href]:not([rel=alternate]), img[src], iframe[src], object[data], embed[src]')]            .map(e => e.src || e.href || e.data)];",
        json!([]),
    );
    urls.as_array()
        .unwrap()
        .iter()
        .map(|u| {
            let url = u.as_str().unwrap();
            let path = url.strip_prefix("file://").expect("everything loads from disk");
            PathBuf::from(path.split('#').next().unwrap())
        })
        .collect()
}

/// The bytes of what the page loaded to show the grid; asserts nothing else was loaded.
fn grid_weight(page: &Session, out: &Path) -> u64 {
    let files = loaded(page);
    let index = out.join("index.html").canonicalize().unwrap();
    assert_eq!(files[0], index);
    assert!(
        files
            .iter()
            .all(|f| !f.starts_with(out.join("cells").canonicalize().unwrap())),
        "no details file before a click: {files:?}"
    );
    files.iter().map(|f| std::fs::metadata(f).unwrap().len()).sum()
}

#[test]
fn the_grid_opens_from_disk_answers_upgrades_searches_and_keeps_its_view_in_the_url() {
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().canonicalize().unwrap();
    pyo3_matrix_report::write_all(
        &fixture::results(),
        &[],
        &fixture::patterns(),
        Default::default(),
        &out_dir,
    )
    .unwrap();
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let page = driver.session(profile.path());
    page.open(&out_dir.join("index.html"));
    page.viewport(1280, 800);

    // Light: the grid is the page alone.
    let weight = grid_weight(&page, &out_dir);
    assert!(weight <= GRID_WEIGHT, "the grid loads {weight} bytes");
    assert_release_headers_inside(&page, 1280.0, 800.0, 3);

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
    assert_eq!(page.all("thead tr.pythons th").len(), 6, "a sub-column per interpreter");

    // Each state has its symbol (colour is never alone), its word in the cell's label.
    let symbol = |p: &str, r: &str, py: &str| page.text(&cell(&page, p, r, py));
    assert_eq!(symbol("gilref_any_arg", "0.22.6", "3.12"), "✗");
    assert_eq!(symbol("gilref_any_arg", "0.21.2", "3.12"), "⚠");
    assert_eq!(symbol("gilref_any_arg", "0.21.2", "3.13t"), "⊘");
    assert_eq!(symbol("vec_u8_return", "0.23.5", "3.13t"), "✗T");
    assert_eq!(symbol("static_ref_exit", "0.21.2", "3.12"), "☠");
    assert_eq!(symbol("static_ref_exit", "0.22.6", "3.12"), "∞");
    assert_eq!(symbol("static_ref_exit", "0.23.5", "3.13t"), "◐");
    assert_eq!(symbol("async_future", "0.23.5", "3.12"), "⊗");
    let gil = cell(&page, "static_ref_exit", "0.23.5", "3.13t");
    assert_eq!(
        page.attribute(&gil, "aria-label").unwrap(),
        "0.23.5 · Python 3.13t: ◐ works, GIL re-enabled"
    );
    let legend = |state: &str| page.text(&page.one(&format!("#legend li[data-state='{state}']")));
    assert_eq!(legend("gil-reenabled"), "◐ works, GIL re-enabled 1");
    assert_eq!(legend("pass"), "✓ pass 6");
    assert_eq!(legend("not-yet"), "○ not yet available 0");

    // Each row shows its last working and first broken release; the break is drawn in the row.
    let bound = |css: &str| page.text(&page.one(&format!("tr.row{css} td.bound")));
    assert_eq!(
        bound("[data-pattern='vec_u8_return']"),
        "3.12: 0.22.6 → 0.23.5 · 3.13t: never worked"
    );
    assert_eq!(bound("[data-pattern='static_ref_exit']"), "0.23.5 → none");
    let broken = cell(&page, "vec_u8_return", "0.23.5", "3.12");
    assert!(page.attribute(&broken, "class").unwrap().contains("break"));

    // A click shows the cell: codes, first message, each diagnostic once with its cells, the claim.
    assert!(!page.displayed(&page.one("#details")), "no details before a click");
    assert_shows(
        &details_of(&page, "gilref_any_arg", "0.22.6", "3.12"),
        &[
            "PyO3 0.22.6 · Python 3.12",
            "✗ compile-error E0599 no method named extract found for reference &PyAny",
            "Fix: How to fix gilref_any_arg.",
            "emitted by: 0.22.6/3.12 0.23.5/3.12 0.23.5/3.13t",
            "THIS ROW ON PYTHON 3.12",
            "⚠ deprecated 0.21.2 · ✗ compile-error 0.22.6–0.23.5",
            "GIL refs stop compiling in 0.22",
            "confirmed",
        ],
    );
    let files = loaded(&page);
    assert!(
        files.contains(&out_dir.join("cells/gilref_any_arg.js")),
        "the details came from their own file, which the weighing would have seen: {files:?}"
    );
    assert_shows(
        &details_of(&page, "vec_u8_return", "0.23.5", "3.13t"),
        &[
            "✗T test-fail AssertionError: [104, 105] is not bytes at 0x…",
            "test_vec_u8_return.py::test_returns_bytes",
            "AssertionError: assert isinstance",
            "Importing the module re-enabled the GIL.",
        ],
    );
    // A crash leads with its cause and the fix; the stack waits behind a disclosure.
    let crash = details_of(&page, "static_ref_exit", "0.21.2", "3.12");
    assert_shows(
        &crash,
        &[
            "☠ crash a signal killed the test process",
            "Fix: How to fix static_ref_exit.",
            "SIGSEGV",
            "stack",
        ],
    );
    assert!(!crash.contains("Fatal Python error"), "the stack is folded:\n{crash}");
    page.click(&page.one("#details details summary"));
    assert_shows(
        &page.text(&page.one("#details")),
        &["Fatal Python error: Segmentation fault"],
    );
    assert_shows(
        &details_of(&page, "gilref_any_arg", "0.21.2", "3.13t"),
        &[
            "⊘ unsupported the Python interpreter was built with the GIL disabled",
            "Escape hatch: UNSAFE_PYO3_BUILD_FREE_THREADED: no variant sets it here, so it was not observed",
        ],
    );
    page.click(&page.one("#close"));
    assert!(
        !page.displayed(&page.one("#details")),
        "the close button hides the details"
    );

    // Filters: by state, by interpreter, by category.
    choose(&page, "f-state", "test-fail");
    assert_eq!(rows(&page), ["vec_u8_return"]);
    choose(&page, "f-state", "");
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
    choose(&page, "f-category", "");

    // Search by id, by a variant, by the fix's words.
    let search = page.one("#f-search");
    page.type_into(&search, "gil-refs");
    assert_eq!(rows(&page), ["gilref_any_arg", "gilref_any_arg [gil-refs]"]);
    page.type_into(&search, "fix vec_u8");
    assert_eq!(rows(&page), ["vec_u8_return"]);

    // Search by what the cells said: a rustc code, or a message pasted as rustc prints it
    // (other paths, punctuation); the cells that said it are marked.
    let hits = |page: &Session| -> Vec<String> {
        page.all("td.cell.hit")
            .iter()
            .map(|td| page.attribute(td, "data-key").unwrap())
            .collect()
    };
    let said_e0599 = [
        "gilref_any_arg|0.22.6|3.12|",
        "gilref_any_arg|0.23.5|3.12|",
        "gilref_any_arg|0.23.5|3.13t|",
    ];
    for query in [
        "E0599",
        "error[E0599]: no method named `extract` found for reference `&pyo3::PyAny`",
    ] {
        page.type_into(&search, query);
        assert_eq!(rows(&page), ["gilref_any_arg", "gilref_any_arg [gil-refs]"], "{query}");
        assert_eq!(hits(&page), said_e0599, "{query}");
    }
    page.type_into(&search, "SIGSEGV");
    assert_eq!(rows(&page), ["static_ref_exit"]);
    assert_eq!(hits(&page), ["static_ref_exit|0.21.2|3.12|"]);
    page.type_into(&search, "AssertionError");
    assert_eq!(rows(&page), ["vec_u8_return"]);
    assert_eq!(
        hits(&page).len(),
        2,
        "the failing test's exception, on both interpreters"
    );

    // A search and a cell, restored from the URL on reload.
    page.type_into(&search, "static");
    details_of(&page, "static_ref_exit", "0.22.6", "3.12");
    let url = page.url();
    assert_shows(&url, &["q=static", "cell=static_ref_exit%7C0.22.6%7C3.12%7C"]);
    page.reload();
    assert_eq!(
        page.script("return document.getElementById('f-search').value;", json!([])),
        "static"
    );
    assert_eq!(rows(&page), ["static_ref_exit"]);
    let hang = panel(&page);
    assert_shows(&hang, &["PyO3 0.22.6 · Python 3.12", "∞ hang"]);
    assert!(
        !hang.contains("Fix:"),
        "the pattern's fix is for its crash, not a hang:\n{hang}"
    );
    assert!(page
        .attribute(&cell(&page, "static_ref_exit", "0.22.6", "3.12"), "class")
        .unwrap()
        .contains("selected"));

    // A pattern's view is a permalink too.
    page.click(&page.one("tr.row[data-pattern='static_ref_exit'] a.about"));
    assert_shows(
        &panel(&page),
        &[
            "A static Py<T> at exit",
            "3.12: ☠ crash 0.21.2 · ∞ hang 0.22.6 · ✓ pass 0.23.5",
            "3.13t: ⊘ unsupported 0.21.2–0.22.6 · ◐ works, GIL re-enabled 0.23.5",
        ],
    );
    page.reload();
    assert_shows(&panel(&page), &["Segfault on Python exit"]);

    // The upgrade view: 0.21.2 refuses 3.13t, so the way to 0.23.5 on 3.13t starts on 3.12.
    let answer = upgrade(&page, "0.21.2", "0.23.5", "3.13t");
    assert_shows(
        &answer,
        &[
            "Upgrading PyO3 0.21.2 → 0.23.5 on Python 3.13t",
            "0.21.2 does not build for Python 3.13t, so you are on Python 3.12 today.",
            "0.23.5 builds for Python 3.13t (✓ builds: 0 of 3 work, ◐ 1 more with the GIL re-enabled); 0.21.2 refused it",
            "BREAKS (2)",
            "vec_u8_return (✓ pass → ✗T test-fail)",
            "gilref_any_arg (⚠ deprecated → ✗ compile-error E0599)",
            "Fix: How to fix vec_u8_return.",
        ],
    );
    let event = answer.find("0.23.5 builds for").unwrap();
    assert!(event < answer.find("BREAKS").unwrap(), "the support event comes first");
    page.reload();
    assert_eq!(panel(&page), answer, "the upgrade view is restored from the URL");
    page.click(&page.all("#details ul.moves[data-kind='regressed'] a.change")[0]);
    assert_shows(&panel(&page), &["PyO3 0.23.5 · Python 3.13t", "✗T test-fail"]);
}

/// The catalog and results committed in the repository.
fn committed() -> (RunResults, Vec<Pattern>) {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let text = std::fs::read_to_string(root.join("docs/results.json")).unwrap();
    let results = serde_json::from_str(&text).unwrap();
    (results, Pattern::load_all(&root.join("matrix/patterns")).unwrap())
}

#[test]
fn the_committed_results_draw_a_light_page_that_answers_the_common_jump() {
    let (results, patterns) = committed();
    let grid = Grid::new(&results, &patterns);
    let out = tempfile::tempdir().unwrap();
    let out_dir = out.path().canonicalize().unwrap();
    pyo3_matrix_report::write_all(&results, &[], &patterns, Default::default(), &out_dir).unwrap();
    for entry in std::fs::read_dir(out_dir.join("cells")).unwrap() {
        let text = std::fs::read_to_string(entry.unwrap().path()).unwrap();
        for machine in ["/root/", "/tmp/", "/work/", "/home/"] {
            assert!(
                !text.contains(machine),
                "a path of the machine ({machine}) in the details"
            );
        }
    }
    let driver = Driver::start();
    let profile = tempfile::tempdir().unwrap();
    let page = driver.session(profile.path());
    page.open(&out_dir.join("index.html"));
    page.viewport(1280, 800);
    let weight = grid_weight(&page, &out_dir);
    assert!(weight <= GRID_WEIGHT, "the grid loads {weight} bytes");
    assert_release_headers_inside(&page, 1280.0, 800.0, 12);

    // An error a user holds finds the rows whose cells said it, those cells marked: the
    // patterns whose committed cells have it among their codes or diagnostics.
    let said_it = |said: &dyn Fn(&pyo3_matrix_model::CellResult) -> bool| -> Vec<String> {
        let mut ids: Vec<String> = results
            .results
            .iter()
            .filter(|c| said(c))
            .map(|c| c.id.pattern.clone())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    let search = page.one("#f-search");
    let patterns_shown = |page: &Session| -> Vec<String> {
        let mut ids: Vec<String> = rows(page)
            .iter()
            .map(|r| r.split(' ').next().unwrap().to_string())
            .collect();
        ids.sort();
        ids.dedup();
        ids
    };
    page.type_into(
        &search,
        "the trait bound `&PyList: PyFunctionArgument` is not satisfied",
    );
    let expected = said_it(&|c| {
        c.diagnostics
            .iter()
            .any(|d| d.message.starts_with("the trait bound `&PyList: ") && d.message.contains("PyFunctionArgument"))
    });
    assert!(
        expected.contains(&"gilref_list_sum_article".to_string()),
        "{expected:?}"
    );
    assert_eq!(patterns_shown(&page), expected);
    assert!(!page.all("td.cell.hit").is_empty(), "the cells that said it are marked");
    page.type_into(&search, "E0277");
    assert_eq!(
        patterns_shown(&page),
        said_it(&|c| c.codes.iter().any(|code| code == "E0277"))
    );
    page.type_into(&search, "");

    // 0.20 → 0.23, the answer the grid gives, on 3.12 and from 3.12 to 3.13t.
    let release = |r: &str| Release::parse(r).unwrap();
    let (from, to) = (release("0.20.3"), release("0.23.5"));
    for python in ["3.12", "3.13t"] {
        let python = Flavor::parse(python).unwrap();
        let step = grid.cumulative(&from, &to, python);
        let answer = upgrade(&page, "0.20.3", "0.23.5", &python.to_string());
        for (kind, transition) in [
            ("regressed", Transition::Regressed),
            ("fixed", Transition::Fixed),
            ("changed", Transition::Changed),
        ] {
            let expected: Vec<String> = step.of(transition).iter().map(|m| m.pattern.id.clone()).collect();
            assert_eq!(listed(&page, kind), expected, "{kind} on {python}");
        }
        if let Some(event) = pyo3_matrix_report::events::support_event(&grid, &step) {
            assert_shows(&answer, &[&event.replace('`', "")]);
        }
        if python.free_threaded {
            assert_eq!(step.from_python.to_string(), "3.12");
            assert_shows(
                &answer,
                &[
                    "0.20.3 does not build for Python 3.13t, so you are on Python 3.12 today.",
                    "0.23.5 builds for Python 3.13t",
                ],
            );
        } else {
            assert_eq!(step.from_python, python);
            assert!(
                !listed(&page, "regressed").is_empty(),
                "0.20 → 0.23 breaks code on 3.12"
            );
        }
    }
}
