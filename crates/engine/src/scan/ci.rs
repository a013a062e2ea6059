//! The packages a project's own CI installs for its tests, read as a maintainer reads them,
//! for a project that declares its test dependencies nowhere else: the `pip install` steps of
//! a GitHub Actions job that runs pytest, tox's `[testenv] deps`, a nox session's
//! `session.install(...)`. Each source is a group named by its file and says which job,
//! section or session it is.
//!
//! The project itself (`.`, `-e .`, a built wheel) is the wheel under test and is skipped;
//! `-r FILE` is that file's requirements; `.[extra]` is that extra of the project.

use crate::scan::python_names::{call_arguments, split_top, Names, Value};
use crate::scan::requirements::{is_local_path, read_requirements, requirement_name};
use std::path::Path;

/// Where the workflows are, from the project's directory.
const WORKFLOWS: &str = ".github/workflows";

/// What one CI source installs for the tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CiInstalls {
    /// The file, from the project's directory (`.github/workflows/ci.yml`, `tox.ini`).
    pub file: String,
    /// The part of it: "job `test`", "[testenv] deps", "session `tests`".
    pub part: String,
    /// The requirements it installs, in order.
    pub requirements: Vec<String>,
    /// The project's extras it installs (`pip install .[test]`).
    pub extras: Vec<String>,
    /// What could not be read, each with why.
    pub unreadable: Vec<String>,
}

impl CiInstalls {
    fn new(file: &str, part: String) -> Self {
        CiInstalls {
            file: file.to_string(),
            part,
            requirements: Vec::new(),
            extras: Vec::new(),
            unreadable: Vec::new(),
        }
    }

    /// Takes the arguments after `pip install` (or given to `session.install`), paths read
    /// from `dir`.
    fn take(&mut self, dir: &Path, args: &[String]) {
        // Options whose value is the next argument (the `--opt=value` form is one argument).
        const WITH_VALUE: &[&str] = &[
            "-c",
            "--constraint",
            "-i",
            "--index-url",
            "--extra-index-url",
            "-f",
            "--find-links",
            "--python",
            "-p",
            "-t",
            "--target",
            "--prefix",
            "--root",
            "--platform",
            "--python-version",
            "--only-binary",
            "--no-binary",
            "-C",
            "--config-settings",
            "--trusted-host",
            "--index-strategy",
            "--group",
        ];
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let requirements_file = match arg.as_str() {
                "-r" | "--requirement" => args.next().cloned(),
                other => other
                    .strip_prefix("--requirement=")
                    .or_else(|| other.strip_prefix("-r").filter(|f| !f.is_empty()))
                    .map(str::to_string),
            };
            if let Some(file) = requirements_file {
                match read_requirements(&dir.join(&file), &mut Vec::new()) {
                    Ok(requirements) => self.requirements.extend(requirements),
                    Err(e) => self.unreadable.push(format!("-r {file}: {e:#}")),
                }
                continue;
            }
            let arg = match arg.as_str() {
                "-e" | "--editable" => match args.next() {
                    Some(path) => path,
                    None => continue,
                },
                option if WITH_VALUE.contains(&option) => {
                    args.next();
                    continue;
                }
                option if option.starts_with('-') => continue,
                package => package,
            };
            if let Some(extras) = own_extras(arg) {
                self.extras.extend(extras);
                continue;
            }
            // A path or a built wheel (the project's own, `dist/*.whl`), a shell variable.
            let local = is_local_path(arg)
                || arg.contains('/')
                || arg.ends_with(".whl")
                || arg.ends_with(".tar.gz")
                || arg.starts_with('$');
            if local {
                continue;
            }
            // `numpy==${{ matrix.numpy }}`: the version is the job matrix's; the package stays.
            let requirement = match arg.split_once("${{") {
                Some((before, _)) => requirement_name(before).to_string(),
                None => arg.to_string(),
            };
            let name = requirement_name(&requirement);
            // Upgrading the installer itself is not a test dependency.
            if !name.is_empty() && name != "pip" {
                self.requirements.push(requirement);
            }
        }
    }
}

/// The extras of an install of the project itself (`.`, `./`, `.[test,dev]`), or `None`
/// for anything else.
fn own_extras(arg: &str) -> Option<Vec<String>> {
    let rest = arg.strip_prefix('.')?;
    let rest = rest.strip_prefix('/').unwrap_or(rest);
    if rest.is_empty() {
        return Some(Vec::new());
    }
    let inside = rest.strip_prefix('[')?.strip_suffix(']')?;
    Some(
        inside
            .split(',')
            .map(|e| e.trim().to_string())
            .filter(|e| !e.is_empty())
            .collect(),
    )
}

/// Every CI source in `dir` that installs something for the tests: the workflows (by file
/// name), then `tox.ini`, then `noxfile.py`.
pub fn read(dir: &Path) -> Vec<CiInstalls> {
    let mut files: Vec<_> = std::fs::read_dir(dir.join(WORKFLOWS))
        .into_iter()
        .flatten()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yml" || x == "yaml"))
        .collect();
    files.sort();
    let mut out: Vec<CiInstalls> = files
        .iter()
        .filter_map(|path| {
            let file = format!("{WORKFLOWS}/{}", path.file_name()?.to_string_lossy());
            match crate::fs::read_to_string(path) {
                Ok(text) => workflow(dir, &file, &text),
                Err(e) => Some(CiInstalls {
                    unreadable: vec![format!("{e:#}")],
                    ..CiInstalls::new(&file, "its jobs".into())
                }),
            }
        })
        .collect();
    let text = |name: &str| std::fs::read_to_string(dir.join(name)).ok();
    out.extend(text("tox.ini").and_then(|t| tox(dir, &t)));
    out.extend(text("noxfile.py").and_then(|t| nox(dir, &t)));
    out.retain(|ci| !(ci.requirements.is_empty() && ci.extras.is_empty() && ci.unreadable.is_empty()));
    out
}

/// The first job of a GitHub Actions workflow that runs pytest, with what its steps install
/// up to the step that runs it.
fn workflow(dir: &Path, file: &str, text: &str) -> Option<CiInstalls> {
    let doc: serde_norway::Value = match serde_norway::from_str(text) {
        Ok(doc) => doc,
        Err(e) => {
            return Some(CiInstalls {
                unreadable: vec![format!("malformed YAML: {e}")],
                ..CiInstalls::new(file, "its jobs".into())
            })
        }
    };
    let jobs = doc.get("jobs")?.as_mapping()?;
    jobs.iter().find_map(|(id, job)| {
        let id = id.as_str()?;
        let mut found = CiInstalls::new(file, format!("job `{id}`"));
        let steps = job.get("steps")?.as_sequence()?;
        let scripts = steps.iter().filter_map(|s| s.get("run")?.as_str());
        for script in scripts {
            let mut runs_pytest = false;
            for command in commands(script) {
                match install_arguments(&command) {
                    Some(args) => found.take(dir, args),
                    None => runs_pytest |= command.iter().any(|w| w == "pytest" || w.ends_with("/pytest")),
                }
            }
            if runs_pytest {
                return Some(found);
            }
        }
        None
    })
}

/// tox's `[testenv]` (else the first `[testenv:…]`) that installs something: its `deps` (a factor's
/// `py312: numpy` read as `numpy`) and its `extras`.
fn tox(dir: &Path, text: &str) -> Option<CiInstalls> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim();
        if trimmed.is_empty() || trimmed.starts_with(['#', ';']) {
            continue;
        }
        if let Some(section) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            sections.push((section.trim().to_string(), Vec::new()));
            continue;
        }
        let Some((_, keys)) = sections.last_mut() else { continue };
        let continued = line.starts_with([' ', '\t']);
        match (continued, keys.last_mut(), trimmed.split_once('=')) {
            (true, Some((_, value)), _) => {
                value.push('\n');
                value.push_str(trimmed);
            }
            (_, _, Some((key, value))) => keys.push((key.trim().to_string(), value.trim().to_string())),
            _ => {}
        }
    }
    let value = |keys: &[(String, String)], key: &str| keys.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone());
    let installs = |keys: &[(String, String)]| value(keys, "deps").or(value(keys, "extras")).is_some();
    let (section, keys) = sections
        .iter()
        .find(|(name, keys)| name == "testenv" && installs(keys))
        .or_else(|| {
            sections
                .iter()
                .find(|(name, keys)| name.starts_with("testenv:") && installs(keys))
        })?;
    let mut found = CiInstalls::new("tox.ini", format!("[{section}]"));
    for line in value(keys, "deps").unwrap_or_default().lines() {
        let line = line.split(" #").next().unwrap_or_default().trim();
        // `py312: numpy` (a factor), not `git+https://…`.
        let line = match line.split_once(':') {
            Some((factors, rest)) if !rest.starts_with("//") && !factors.contains(['=', '<', '>', '@', ' ']) => {
                rest.trim()
            }
            _ => line,
        };
        // `{[base]deps}`, `{toxinidir}`: tox's substitutions, another section's business.
        let line = line.replace("{toxinidir}/", "");
        if line.is_empty() || line.starts_with('{') {
            continue;
        }
        // A requirement line may hold a marker's `;` and quotes; an option line is words.
        let args = match line.starts_with('-') {
            true => words(&line).concat(),
            false => vec![line],
        };
        found.take(dir, &args);
    }
    if let Some(extras) = value(keys, "extras") {
        found.extras.extend(
            extras
                .split([',', '\n'])
                .map(str::trim)
                .filter(|e| !e.is_empty())
                .map(str::to_string),
        );
    }
    Some(found)
}

/// The first nox session that runs pytest, with the arguments of its
/// `session.install(...)` calls: strings, and the paths and tables the file names at its top
/// level ([`Names`]); an argument with no such value is reported as unreadable.
fn nox(dir: &Path, text: &str) -> Option<CiInstalls> {
    let session = regex::Regex::new(r"(?m)^def\s+(\w+)\s*\(").expect("valid regex");
    let names = Names::of_module(text);
    let starts: Vec<(usize, &str)> = session
        .captures_iter(text)
        .map(|c| (c.get(0).expect("whole").start(), c.get(1).expect("name").as_str()))
        .collect();
    starts.iter().enumerate().find_map(|(i, (start, name))| {
        let end = starts.get(i + 1).map(|(s, _)| *s).unwrap_or(text.len());
        let body = &text[*start..end];
        if !(body.contains("\"pytest\"") || body.contains("'pytest'")) {
            return None;
        }
        let mut found = CiInstalls::new("noxfile.py", format!("session `{name}`"));
        for call in body.split("session.install(").skip(1) {
            let Some(inside) = call_arguments(call) else { continue };
            let mut args = Vec::new();
            for arg in split_top(inside, ',').into_iter().filter(|a| !a.is_empty()) {
                match names.eval(arg) {
                    Some(Value::Text(text)) => args.push(text),
                    _ => found.unreadable.push(format!(
                        "session.install argument `{arg}` is not a value the file names plainly"
                    )),
                }
            }
            found.take(dir, &args);
        }
        Some(found)
    })
}

/// The arguments after `install` when `command` is a pip install (`pip install`, `pip3
/// install`, `python -m pip install`, `uv pip install`).
fn install_arguments(command: &[String]) -> Option<&[String]> {
    let at = command.windows(2).position(|w| {
        let pip = w[0].rsplit('/').next().unwrap_or_default();
        matches!(pip, "pip" | "pip3") && w[1] == "install"
    })?;
    Some(&command[at + 2..])
}

/// The commands of a shell script, each as its words: lines joined where they end in `\`,
/// split at `&&`, `||`, `;`, `|`, quotes removed, comments dropped, each GitHub expression
/// one word.
fn commands(script: &str) -> Vec<Vec<String>> {
    // `${{ matrix.numpy }}` holds spaces but stands for one value.
    let expression = regex::Regex::new(r"\$\{\{[^}]*\}\}").expect("valid regex");
    expression
        .replace_all(script, "$${{}}")
        .replace("\\\n", " ")
        .lines()
        .flat_map(words)
        .filter(|c| !c.is_empty())
        .collect()
}

/// The commands of one line of shell, each as its words.
fn words(line: &str) -> Vec<Vec<String>> {
    let mut commands = vec![Vec::new()];
    let mut word = String::new();
    let mut quote: Option<char> = None;
    let mut in_word = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some(_), c) => word.push(c),
            (None, '\'' | '"') => {
                quote = Some(c);
                in_word = true;
            }
            (None, '#') if !in_word => break,
            (None, ' ' | '\t' | ';' | '&' | '|') => {
                if in_word {
                    commands.last_mut().expect("one").push(std::mem::take(&mut word));
                    in_word = false;
                }
                if matches!(c, ';' | '&' | '|') {
                    chars.next_if(|n| *n == c);
                    commands.push(Vec::new());
                }
            }
            (None, c) => {
                word.push(c);
                in_word = true;
            }
        }
    }
    if in_word {
        commands.last_mut().expect("one").push(word);
    }
    commands
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_workflow_job_that_runs_pytest_gives_what_its_steps_install() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("requirements-ci.txt"), "attrs\n").unwrap();
        let text = r#"
on: push
jobs:
  lint:
    runs-on: ubuntu-latest
    steps:
      - run: pip install ruff && ruff check .
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Install
        run: |
          python -m pip install --upgrade pip
          pip install -e .[test] maturin \
            "numpy>=1.20" pandas==${{ matrix.pandas }} -r requirements-ci.txt  # for the tests
          uv pip install --system dist/*.whl hypothesis
      - run: pytest -q
      - run: pip install sphinx
"#;
        let found = workflow(dir.path(), ".github/workflows/ci.yml", text).unwrap();
        assert_eq!(found.part, "job `test`");
        assert_eq!(
            found.requirements,
            ["maturin", "numpy>=1.20", "pandas", "attrs", "hypothesis"]
        );
        assert_eq!(found.extras, ["test"]);
        assert!(found.unreadable.is_empty());
        // A job that never runs pytest gives nothing.
        assert!(workflow(
            dir.path(),
            "x.yml",
            "jobs:\n  a:\n    steps:\n      - run: pip install ruff\n"
        )
        .is_none());
        let bad = workflow(dir.path(), "x.yml", "jobs: [").unwrap();
        assert!(bad.unreadable[0].starts_with("malformed YAML"), "{bad:?}");
    }

    #[test]
    fn tox_deps_and_nox_installs_are_read_as_text() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("test-requirements.txt"), "pytest-mock\n").unwrap();
        let ini = "[tox]\nenvlist = py312\n\n[testenv]\ndeps =\n    pytest>=8\n    py312: numpy\n    \
                   -r{toxinidir}/test-requirements.txt\n    {[base]deps}\nextras = test\ncommands = pytest\n";
        let found = tox(dir.path(), ini).unwrap();
        assert_eq!(
            (found.part.as_str(), found.requirements.clone(), found.extras.clone()),
            (
                "[testenv]",
                vec!["pytest>=8".into(), "numpy".into(), "pytest-mock".into()],
                vec!["test".into()]
            )
        );
        let named = tox(
            dir.path(),
            "[testenv]\ncommands = pytest\n[testenv:lint]\nskip_install = true\n[testenv:tests]\ndeps = attrs\n",
        )
        .unwrap();
        assert_eq!(
            (named.part.as_str(), named.requirements.clone()),
            ("[testenv:tests]", vec!["attrs".to_string()])
        );
        let noxfile = r#"
import nox

@nox.session
def lint(session):
    session.install("ruff")
    session.run("ruff", "check")

@nox.session(python=["3.12"])
def tests(session):
    session.install("-e", ".", 'hypothesis', "-r", "test-requirements.txt")
    session.run("pytest")
"#;
        let found = nox(dir.path(), noxfile).unwrap();
        assert_eq!(found.part, "session `tests`");
        assert_eq!(found.requirements, ["hypothesis", "pytest-mock"]);
        // The paths and tables a noxfile names once; what it computes is said, not guessed.
        std::fs::create_dir_all(dir.path().join("tests")).unwrap();
        std::fs::write(dir.path().join("tests/requirements.txt"), "attrs\n").unwrap();
        let named = r#"
ROOT = Path(__file__).parent
TESTS = ROOT / "tests"
REQUIREMENTS = dict(
    tests=TESTS / "requirements.txt",
)

@nox.session
def tests(session):
    session.install("-r", REQUIREMENTS["tests"], os.environ["EXTRA"])
    session.run("pytest", TESTS)
"#;
        let found = nox(dir.path(), named).unwrap();
        assert_eq!(found.requirements, ["attrs"]);
        assert_eq!(found.unreadable.len(), 1, "{:?}", found.unreadable);
        assert!(
            found.unreadable[0].contains("os.environ[\"EXTRA\"]"),
            "{:?}",
            found.unreadable
        );
    }

    #[test]
    fn read_finds_the_sources_in_their_order_and_drops_empty_ones() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join(WORKFLOWS)).unwrap();
        std::fs::write(
            dir.path().join(WORKFLOWS).join("tests.yml"),
            "jobs:\n  t:\n    steps:\n      - run: pip install pytest numpy\n      - run: python -m pytest\n",
        )
        .unwrap();
        std::fs::write(dir.path().join(WORKFLOWS).join("docs.yml"), "jobs: {}\n").unwrap();
        std::fs::write(dir.path().join("tox.ini"), "[testenv]\ndeps = attrs\n").unwrap();
        let found = read(dir.path());
        let seen: Vec<(&str, &str, Vec<String>)> = found
            .iter()
            .map(|c| (c.file.as_str(), c.part.as_str(), c.requirements.clone()))
            .collect();
        assert_eq!(
            seen,
            [
                (
                    ".github/workflows/tests.yml",
                    "job `t`",
                    vec!["pytest".to_string(), "numpy".to_string()]
                ),
                ("tox.ini", "[testenv]", vec!["attrs".to_string()]),
            ]
        );
    }
}
