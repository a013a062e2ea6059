//! A small hand-written run and catalog for the tests: three releases, two interpreters, a
//! pattern per kind of story (breaks with a compile error, breaks at runtime, crashes and
//! hangs, blocked by a companion), one variant and one claim each.
//!
//! Shared with the browser test in `tests/`, which includes this file by path; so it holds
//! data only and names nothing else of this crate.

use pyo3_matrix_model::{
    CellId, CellResult, Claim, Diagnostic, Fix, Flavor, InterpreterInfo, Level, Outcome, Pattern, PatternMeta, Release,
    RunResults, TestFailure, Timings,
};

/// A bare result: the outcome and nothing else.
pub fn cell(pattern: &str, pyo3: &str, python: &str, outcome: Outcome) -> CellResult {
    CellResult {
        id: CellId::plain(
            pattern,
            Release::parse(pyo3).expect("a fixture release"),
            Flavor::parse(python).expect("a fixture label"),
        ),
        outcome,
        codes: Vec::new(),
        message: None,
        diagnostics: Vec::new(),
        escape_hatch: None,
        failure: None,
        signal: None,
        stacks: None,
        gil_reenabled: None,
        log: None,
        full_log: None,
        warnings: 0,
        timings: Timings::default(),
    }
}

/// A run of nothing but `cells`.
pub fn run(results: Vec<CellResult>) -> RunResults {
    let interpreter = |label: &str, version: &str| InterpreterInfo {
        flavor: Flavor::parse(label).expect("a fixture label"),
        path: Some(format!("/usr/bin/python{label}")),
        version: Some(version.into()),
        note: None,
    };
    let mut releases: Vec<Release> = results.iter().map(|c| c.id.pyo3.clone()).collect();
    releases.sort();
    releases.dedup();
    RunResults {
        schema_version: pyo3_matrix_model::SCHEMA_VERSION,
        tool_version: "0.1.0".into(),
        tool_build: None,
        rustc: "rustc 1.85.0".into(),
        maturin: None,
        started_unix: 1_764_000_000,
        releases,
        interpreters: vec![interpreter("3.12", "3.12.8"), interpreter("3.13t", "3.13.5")],
        results,
    }
}

fn compile_error(pattern: &str, pyo3: &str, python: &str, code: &str, message: &str) -> CellResult {
    let mut c = cell(pattern, pyo3, python, Outcome::CompileError);
    c.codes = vec![code.into()];
    c.message = Some(message.into());
    c.diagnostics = vec![Diagnostic {
        level: Level::Error,
        code: Some(code.into()),
        message: message.into(),
    }];
    c.log = Some(format!("error[{code}]: {message}\n  --> src/lib.rs:7:20"));
    c
}

fn unsupported(pattern: &str, pyo3: &str) -> CellResult {
    let mut c = cell(pattern, pyo3, "3.13t", Outcome::Unsupported);
    c.message = Some("the Python interpreter was built with the GIL disabled, which is not yet supported".into());
    c.escape_hatch = Some("UNSAFE_PYO3_BUILD_FREE_THREADED=1".into());
    c
}

fn test_fail(pyo3: &str, python: &str, address: &str) -> CellResult {
    let mut c = cell("vec_u8_return", pyo3, python, Outcome::TestFail);
    c.message = Some(format!("AssertionError: [104, 105] is not bytes at {address}"));
    c.failure = Some(TestFailure {
        test: "test_vec_u8_return.py::test_returns_bytes".into(),
        exception: Some("AssertionError".into()),
        message: Some("assert isinstance([104, 105], bytes)".into()),
    });
    c
}

const E0599: &str = "no method named `extract` found for reference `&PyAny`";

/// The results: 2 interpreters × 3 releases for four patterns, plus one variant row.
pub fn results() -> RunResults {
    use Outcome::*;
    let mut gil_refs = cell("gilref_any_arg", "0.21.2", "3.12", Pass);
    gil_refs.id.variant = Some("gil-refs".into());
    let mut deprecated = cell("gilref_any_arg", "0.21.2", "3.12", Deprecated);
    deprecated.codes = vec!["deprecated".into()];
    deprecated.diagnostics = vec![Diagnostic {
        level: Level::Warning,
        code: Some("deprecated".into()),
        message: "use of deprecated method `pyo3::PyAny::extract`".into(),
    }];
    let mut crash = cell("static_ref_exit", "0.21.2", "3.12", Crash);
    crash.signal = Some("SIGSEGV".into());
    crash.stacks = Some("Fatal Python error: Segmentation fault\n  File \"test_static_ref_exit.py\", line 9".into());
    let mut hang = cell("static_ref_exit", "0.22.6", "3.12", Hang);
    hang.stacks = Some("Thread 0x00007f (most recent call first):\n  File \"threading.py\", line 1167".into());
    let mut ft_pass = cell("static_ref_exit", "0.23.5", "3.13t", Pass);
    ft_pass.gil_reenabled = Some(true);
    let mut ft_fail = test_fail("0.23.5", "3.13t", "0x7f3c43748e10");
    ft_fail.gil_reenabled = Some(true);
    let mut blocked = cell("async_future", "0.23.5", "3.12", Blocked);
    blocked.message = Some("pyo3-async-runtimes has no release for PyO3 0.23".into());
    run(vec![
        deprecated,
        compile_error("gilref_any_arg", "0.22.6", "3.12", "E0599", E0599),
        compile_error("gilref_any_arg", "0.23.5", "3.12", "E0599", E0599),
        unsupported("gilref_any_arg", "0.21.2"),
        unsupported("gilref_any_arg", "0.22.6"),
        compile_error("gilref_any_arg", "0.23.5", "3.13t", "E0599", E0599),
        gil_refs,
        cell("vec_u8_return", "0.21.2", "3.12", Pass),
        cell("vec_u8_return", "0.22.6", "3.12", Pass),
        test_fail("0.23.5", "3.12", "0x55d0c0ffee00"),
        unsupported("vec_u8_return", "0.21.2"),
        unsupported("vec_u8_return", "0.22.6"),
        ft_fail,
        crash,
        hang,
        cell("static_ref_exit", "0.23.5", "3.12", Pass),
        unsupported("static_ref_exit", "0.21.2"),
        unsupported("static_ref_exit", "0.22.6"),
        ft_pass,
        cell("async_future", "0.21.2", "3.12", Pass),
        cell("async_future", "0.22.6", "3.12", Pass),
        blocked,
    ])
}

fn claim(text: &str, version: Option<&str>, expect: &str) -> Option<Claim> {
    Some(Claim {
        text: text.into(),
        version: version.map(|v| v.parse().expect("a fixture version")),
        until: None,
        context: None,
        expect: Some(expect.parse().expect("a fixture expectation")),
        variant: None,
        python: None,
        quotes: Vec::new(),
        last: false,
        except: Vec::new(),
    })
}

/// A catalog pattern with a fix and a link, no claim.
pub fn pattern(id: &str, category: &str, title: &str) -> Pattern {
    Pattern {
        id: id.into(),
        meta: PatternMeta {
            title: title.into(),
            category: category.into(),
            shows: format!("What {id} shows."),
            fixes: vec![Fix::text(format!("How to fix {id}."))],
            link: Some(format!("https://pyo3.rs/migration#{id}")),
            claim: None,
            changelog: None,
            deps: Vec::new(),
            timeout: None,
            variants: Vec::new(),
            twin: None,
            pyo3: None,
        },
        source: format!("matrix/patterns/{id}/lib.rs").into(),
        test: None,
    }
}

/// The catalog for [`results`]; `async_future` is left out, so it gets a bare row.
pub fn patterns() -> Vec<Pattern> {
    let mut gilref = pattern("gilref_any_arg", "gil-refs", "`&PyAny` argument");
    gilref.meta.claim = claim("GIL refs stop compiling in 0.22", Some("0.22"), "breaks");
    let mut vec_u8 = pattern("vec_u8_return", "conversions", "`Vec<u8>` return");
    vec_u8.meta.claim = claim("`Vec<u8>` becomes `bytes` from 0.23", Some("0.23"), "works");
    vec_u8.meta.changelog = claim("0.23: `Vec<u8>` converts to `list`", Some("0.23"), "test-fail");
    let mut exit = pattern("static_ref_exit", "lifecycle", "A static `Py<T>` at exit");
    exit.meta.claim = claim("Segfault on Python exit", None, "crash");
    exit.meta.fixes[0].fixes = vec![Outcome::Crash];
    vec![gilref, vec_u8, exit]
}
