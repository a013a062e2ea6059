//! Text from the cells (messages, stacks, logs) made fit to publish: paths of the machine
//! that ran the matrix (its checkout, caches, temporary and build folders) shortened to what
//! a reader can look up, and the test runner's own frames left out of stacks.

use pyo3_matrix_model::text_paths::map_paths;

/// Folders every reader's system has: a path under one of them says the same on any
/// machine, so it is kept as it is.
const SYSTEM_FOLDERS: [&str; 6] = ["/usr/", "/bin/", "/lib/", "/etc/", "/dev/", "/proc/"];

/// `path` as a reader can look it up: from `matrix/patterns/` in the checkout, from the
/// crate's folder in cargo's registry, from `site-packages/` or the standard library's
/// `pythonX.Y/`, from `library/` in rustc's sources. Any other absolute, `~/` or `$BASE/`
/// path outside the [`SYSTEM_FOLDERS`] names a place of the machine that ran the matrix
/// (its home, checkout, caches, temporary and build folders) and becomes `…/name`.
fn short_path(path: &str) -> String {
    let parts: Vec<&str> = path.split('/').collect();
    let from = |i: usize| parts[i..].join("/");
    if let Some(i) = parts.windows(2).position(|w| w == ["matrix", "patterns"]) {
        return from(i);
    }
    if let Some(i) = parts.windows(2).position(|w| w == ["registry", "src"]) {
        if parts.len() > i + 3 {
            return from(i + 3);
        }
    }
    if let Some(i) = parts.iter().position(|p| *p == "site-packages") {
        return from(i);
    }
    if let Some(i) = parts
        .windows(2)
        .position(|w| w[0] == "lib" && w[1].starts_with("python3"))
    {
        return from(i + 1);
    }
    if path.starts_with("/rustc/") && parts.len() > 3 {
        return from(3);
    }
    let this_machine = ['/', '~', '$'].iter().any(|start| path.starts_with(*start))
        && !SYSTEM_FOLDERS.iter().any(|folder| path.starts_with(folder));
    match parts.last() {
        Some(name) if this_machine && !name.is_empty() => format!("…/{name}"),
        _ => path.to_string(),
    }
}

/// `text` with every path shortened by [`short_path`].
pub fn paths(text: &str) -> String {
    map_paths(text, short_path)
}

/// Frames of the test runner and of the matrix's own harness: the same in every stack,
/// and none of the pattern's business.
const RUNNER_FRAMES: [&str; 3] = ["/_pytest/", "/pluggy/", "pyo3_matrix_forkserver.py"];

/// A Python stack (faulthandler's dump or a traceback) with the runner's frames left out,
/// each run of them said in one line, and its paths shortened.
pub fn stack(text: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut left_out = 0;
    let said = |out: &mut Vec<String>, left_out: &mut usize| {
        match *left_out {
            0 => {}
            1 => out.push("  … 1 pytest frame left out".into()),
            n => out.push(format!("  … {n} pytest frames left out")),
        }
        *left_out = 0;
    };
    let mut lines = text.lines().peekable();
    while let Some(line) = lines.next() {
        let frame = line.trim_start().starts_with("File \"");
        if frame && RUNNER_FRAMES.iter().any(|f| line.contains(f)) {
            left_out += 1;
            // A traceback follows a frame with its source line, indented deeper.
            let indent = line.len() - line.trim_start().len();
            if lines.peek().is_some_and(|next| {
                next.len() - next.trim_start().len() > indent && !next.trim_start().starts_with("File \"")
            }) {
                lines.next();
            }
            continue;
        }
        said(&mut out, &mut left_out);
        out.push(paths(line));
    }
    said(&mut out, &mut left_out);
    out.join("\n")
}

/// The first line of `text`, at most `max` characters, `…` marking a cut.
pub fn one_line(text: &str, max: usize) -> String {
    let first = text.lines().next().unwrap_or_default().trim_end();
    let cut = text.lines().nth(1).is_some() || first.chars().count() > max;
    if !cut {
        return first.to_string();
    }
    let kept: String = first.chars().take(max.saturating_sub(1)).collect();
    format!("{}…", kept.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn machine_paths_are_shortened_and_urls_kept() {
        let log = "  --> /srv/ci/checkout/matrix/patterns/any_iter/lib.rs:25:30\n\
                   FAILED ../../../../srv/ci/checkout/matrix/patterns/any_iter/test_any_iter.py::test_x\n\
                   note: /home/runner/.cargo/registry/src/index.crates.io-1949cf8c6b5b557f/pyo3-0.19.2/src/impl_/pymodule.rs:19:12\n\
                   at /rustc/59807616e1fa2540724bfbac14d7976d7e4a3860/library/core/src/ops.rs:5\n\
                   tmp_path = PosixPath('/tmp/pytest-of-runner/pytest-2/test_x0/data.bin')\n\
                   built /home/runner/.cache/pyo3-matrix/cells/0.23.5/3.12/target/debug/libany_iter.so\n\
                   see https://github.com/PyO3/pyo3/blob/main/guide/src/migration.md and /usr/bin/python3.12\n\
                   within `{async block@/srv/ci/checkout/matrix/patterns/p/lib.rs:6:52: 6:60}`\n\
                   interpreter ~/venvs/x/python3 not found; ./a/b, a/b and 1/2 stay\n\
                   note: $CARGO_HOME/registry/src/index.crates.io-1949cf8c6b5b557f/pyo3-0.19.2/src/lib.rs:3:1\n\
                   built $PYO3_MATRIX_CACHE/cells/0.23.5/3.12/target/debug/libany_iter.so";
        assert_eq!(
            paths(log),
            "  --> matrix/patterns/any_iter/lib.rs:25:30\n\
             FAILED matrix/patterns/any_iter/test_any_iter.py::test_x\n\
             note: pyo3-0.19.2/src/impl_/pymodule.rs:19:12\n\
             at library/core/src/ops.rs:5\n\
             tmp_path = PosixPath('…/data.bin')\n\
             built …/libany_iter.so\n\
             see https://github.com/PyO3/pyo3/blob/main/guide/src/migration.md and /usr/bin/python3.12\n\
             within `{async block@matrix/patterns/p/lib.rs:6:52: 6:60}`\n\
             interpreter …/python3 not found; ./a/b, a/b and 1/2 stay\n\
             note: pyo3-0.19.2/src/lib.rs:3:1\n\
             built …/libany_iter.so"
        );
    }

    #[test]
    fn stacks_lose_the_runners_frames_and_keep_the_patterns() {
        let venv = "/home/runner/.cache/pyo3-matrix/venvs/3.12-47ddaba8/lib/python3.12/site-packages";
        let dump = format!(
            "Fatal Python error: Segmentation fault\n\n\
             Current thread 0x00007fd7e54a1c40 (most recent call first):\n  \
             File \"<frozen importlib._bootstrap>\", line 488 in _call_with_frames_removed\n  \
             File \"/srv/ci/checkout/matrix/patterns/build_control/test_build_control.py\", line 1 in <module>\n  \
             File \"{venv}/_pytest/python.py\", line 187 in pytest_pyfunc_call\n  \
             File \"{venv}/pluggy/_execution.py\", line 147 in _multicall\n  \
             File \"/home/runner/.cache/pyo3-matrix/pythons/3.13.5t/lib/python3.13t/threading.py\", line 1167 in join\n  \
             File \"/home/runner/.cache/pyo3-matrix/cells/0.21.2/3.13t/.host-1/pyo3_matrix_forkserver.py\", line 57 in _child\n"
        );
        assert_eq!(
            stack(&dump),
            "Fatal Python error: Segmentation fault\n\n\
             Current thread 0x00007fd7e54a1c40 (most recent call first):\n  \
             File \"<frozen importlib._bootstrap>\", line 488 in _call_with_frames_removed\n  \
             File \"matrix/patterns/build_control/test_build_control.py\", line 1 in <module>\n  \
             … 2 pytest frames left out\n  \
             File \"python3.13t/threading.py\", line 1167 in join\n  \
             … 1 pytest frame left out"
        );
        let traceback = format!(
            "Traceback (most recent call last):\n  File \"{venv}/_pytest/runner.py\", line 341, in from_call\n    \
             result = func()\n  File \"/srv/ci/checkout/matrix/patterns/p/test_p.py\", line 3, in test_p\n    m.f()\nValueError: boom"
        );
        assert_eq!(
            stack(&traceback),
            "Traceback (most recent call last):\n  … 1 pytest frame left out\n  \
             File \"matrix/patterns/p/test_p.py\", line 3, in test_p\n    m.f()\nValueError: boom"
        );
    }

    #[test]
    fn one_line_keeps_the_first_line_and_marks_a_cut() {
        assert_eq!(one_line("short", 10), "short");
        assert_eq!(one_line("first\nsecond", 10), "first…");
        assert_eq!(one_line("ééééééééééé", 5), "éééé…");
    }
}
