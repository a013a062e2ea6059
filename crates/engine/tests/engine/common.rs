//! What the engine's tests share: the repository's matrix, and a snippet observed through a
//! session as `pyo3-matrix check --no-cache` observes it.

use pyo3_matrix_engine::cells::Member;
use pyo3_matrix_engine::interpreters::parse_python_arg;
use pyo3_matrix_engine::plan::{Context, Subject};
use pyo3_matrix_engine::session::Session;
use pyo3_matrix_engine::targets;
use pyo3_matrix_model::ReleaseSelector;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The repository root.
pub fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A file under `tests/fixtures`.
pub fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name)
}

/// The repository's matrix with the user's cache; every verdict observed again.
fn context() -> Context {
    Context {
        use_cache: false,
        ..Context::load(&repo().join("matrix")).unwrap()
    }
}

/// Observes the fixture `snippet` (with the pytest file `test`) in the cells that `args`
/// choose as `check`'s flags do (`--pyo3 LIST`, `--python LIST`, `--timeout S`), and
/// returns each cell's result as its JSON.
pub fn check(snippet: &str, test: Option<&str>, args: &[&str]) -> Vec<serde_json::Value> {
    let flag = |name: &str| args.chunks(2).find(|pair| pair[0] == name).map(|pair| pair[1]);
    let ctx = context();
    let known = ctx.matrix.release_list();
    let releases = flag("--pyo3")
        .unwrap()
        .parse::<ReleaseSelector>()
        .unwrap()
        .resolve(&known)
        .unwrap();
    let python: Vec<_> = flag("--python")
        .unwrap()
        .split(',')
        .map(|label| parse_python_arg(label).unwrap())
        .collect();
    let timeout = flag("--timeout").map_or(60, |s| s.parse().unwrap());
    let targets = targets::resolve(&ctx, &python, true, true, &mut |m| eprintln!("{m}")).unwrap();
    let subject = Subject::snippet(
        Member::from_snippet(&fixture(snippet), Vec::new()).unwrap(),
        test.map(fixture),
        Duration::from_secs(timeout),
    );
    let tag = format!("check-{}", subject.member.name);
    let session = Session::new(ctx, releases, targets, vec![subject], tag);
    let cells = session.verdicts(&|_| {}).unwrap();
    cells.iter().map(|c| serde_json::to_value(c).unwrap()).collect()
}

/// The cell for (pyo3, python) in `cells`.
pub fn cell<'a>(cells: &'a [serde_json::Value], pyo3: &str, python: &str) -> &'a serde_json::Value {
    cells
        .iter()
        .find(|c| c["pyo3"] == pyo3 && c["python"] == python)
        .unwrap_or_else(|| panic!("no cell {pyo3} / {python} in {cells:#?}"))
}
