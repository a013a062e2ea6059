"""The Python front doors' shared half: the matrix's cells for nox and tox, and one cell run.

`noxfile.py` imports this module; `tox.ini` runs it as a script inside each environment.
Neither front door keeps a copy of the matrix: the releases and interpreter flavors are read
here from `matrix/matrix.toml`, and the cell's workspace (the very member crates the Rust
engine builds, pinned by the release's committed lockfile) is written by the hidden
`pyo3-matrix prepare` command. A cell run builds each pattern with `maturin develop` into the
calling environment (nox's session venv, tox's env) and runs the pattern's own pytest file,
unchanged.

    python python/pyo3_matrix_front.py tox py313t-pyo3_23 [--pattern ID]...  # what tox runs
    python python/pyo3_matrix_front.py envs    # the tox env names matrix.toml implies
    python python/pyo3_matrix_front.py path    # PATH plus the interpreters pyo3-matrix knows
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MATRIX_DIR = ROOT / "matrix"

# Installed into every cell's environment. pytest 9 has `faulthandler_exit_on_timeout`, which
# ends a hung test (a deadlock is a pattern's expected outcome) after the pattern's timeout.
PACKAGES = ["maturin>=1.5", "pytest>=9", "numpy"]
# Wheels only: a source build of numpy for a new interpreter takes longer than the cell.
PIP_OPTIONS = ["--only-binary=:all:"]

# A runner executes one command in the cell's environment and says whether it succeeded.
Runner = Callable[[list[str], dict[str, str]], bool]


# --- The matrix's axes --------------------------------------------------------------------


def matrix() -> dict:
    """matrix/matrix.toml, parsed."""
    with (MATRIX_DIR / "matrix.toml").open("rb") as f:
        return tomllib.load(f)


def minor(version: str) -> str:
    """'0.23.5' -> '0.23'."""
    return ".".join(version.split(".")[:2])


def releases() -> list[str]:
    """The PyO3 minors of the default axis, oldest first: ['0.19', ..., '0.30']."""
    return [minor(r["version"]) for r in matrix()["release"]]


def flavors() -> list[str]:
    """The default interpreter flavors: ['3.12', '3.13', '3.13t']."""
    return [str(f) for f in matrix()["python"]]


def cells() -> list[tuple[str, str]]:
    """Every (pyo3 minor, flavor) of the default matrix, release-major like `pyo3-matrix run`."""
    return [(r, f) for r in releases() for f in flavors()]


def tox_env(pyo3: str, flavor: str) -> str:
    """('0.23', '3.13t') -> 'py313t-pyo3_23'."""
    return f"py{flavor.replace('.', '')}-pyo3_{pyo3.split('.')[1]}"


def parse_tox_env(name: str) -> tuple[str, str]:
    """'py313t-pyo3_23' -> ('0.23', '3.13t')."""
    found = re.fullmatch(r"py(\d)(\d+)(t?)-pyo3_(\d+)", name)
    if not found:
        raise SystemExit(f"tox environment '{name}' is not named py3NN[t]-pyo3_NN")
    major, minor_, t, pyo3 = found.groups()
    return f"0.{pyo3}", f"{major}.{minor_}{t}"


# --- Interpreters -------------------------------------------------------------------------


def interpreter_dirs() -> list[str]:
    """Directories holding the interpreters `pyo3-matrix` finds beyond PATH: pyenv's versions
    (whose shims fail for a version that is not selected) and the ones it provisioned into its
    cache (`pyo3-matrix python install 3.13t`). Non-free-threaded builds come first, so that a
    plain '3.13' is not answered by a free-threaded build that also names itself python3.13."""
    env = os.environ
    cache = (
        Path(env["PYO3_MATRIX_CACHE"])
        if env.get("PYO3_MATRIX_CACHE")
        else Path(env.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "pyo3-matrix"
    )
    pyenv = Path(env.get("PYENV_ROOT") or Path.home() / ".pyenv")
    found = [d / "bin" for d in sorted((pyenv / "versions").glob("*"))]
    found += [d / "bin" for d in sorted((cache / "pythons").glob("*"))]
    found.sort(key=lambda d: d.parent.name.endswith("t"))
    return [str(d) for d in found if d.is_dir()]


def path_with_interpreters(path: str | None = None) -> str:
    """PATH with `interpreter_dirs()` appended: what the user put first still wins."""
    parts = (os.environ.get("PATH", "") if path is None else path).split(os.pathsep)
    return os.pathsep.join(parts + [d for d in interpreter_dirs() if d not in parts])


# --- One cell -----------------------------------------------------------------------------


def pyo3_matrix() -> list[str]:
    """How to run the CLI: $PYO3_MATRIX_BIN, else cargo from this checkout."""
    if os.environ.get("PYO3_MATRIX_BIN"):
        return [os.environ["PYO3_MATRIX_BIN"]]
    return ["cargo", "run", "-q", "--manifest-path", str(ROOT / "Cargo.toml"), "-p", "pyo3-matrix", "--"]


def prepare(pyo3: str, python: str, patterns: list[str], workspace: Path, log=print) -> dict:
    """Writes the cell's workspace with `pyo3-matrix prepare` and returns its JSON answer."""
    cmd = [*pyo3_matrix(), "--matrix", str(MATRIX_DIR), "prepare", "--pyo3", pyo3, "--python", python]
    cmd += ["--dir", str(workspace)]
    for p in patterns:
        cmd += ["--pattern", p]
    log(" ".join(cmd))
    out = subprocess.run(cmd, check=False, cwd=ROOT, stdout=subprocess.PIPE, text=True)
    if out.returncode != 0:
        raise SystemExit(f"pyo3-matrix prepare failed (exit code {out.returncode})")
    return json.loads(out.stdout)


def add_pattern_args(parser: argparse.ArgumentParser) -> None:
    """The patterns a cell may be restricted to: `--pattern ID` (repeatable) or bare ids."""
    parser.add_argument("--pattern", action="append", default=[], metavar="ID", help="only this pattern")
    parser.add_argument("ids", nargs="*", metavar="ID", help="only these patterns")


def parse_posargs(posargs: list[str]) -> list[str]:
    """The patterns named after `--` on the nox or tox command line."""
    parser = argparse.ArgumentParser(prog="-- ")
    add_pattern_args(parser)
    known = parser.parse_args(posargs)
    return known.pattern + known.ids


def run_cell(
    pyo3: str,
    flavor: str,
    python: str,
    patterns: list[str],
    workdir: Path,
    target_dir: Path,
    run: Runner,
    log: Callable[[str], None] = print,
) -> dict[str, str]:
    """Runs one cell in the environment whose interpreter is `python`: prepares the workspace,
    then for each pattern (all when `patterns` is empty) `maturin develop` and its pytest file.
    Returns each pattern's outcome: pass, build failed, tests failed, blocked (no companion
    release for this PyO3) or built (no tests)."""
    workdir.mkdir(parents=True, exist_ok=True)
    cell = prepare(pyo3, python, patterns, workdir / "workspace", log)
    if cell["python"]["flavor"] != flavor:
        raise SystemExit(
            f"the environment's interpreter {python} is Python {cell['python']['flavor']}, "
            f"not {flavor}: put a {flavor} interpreter first on PATH"
        )
    # Our own empty ini, so that no pytest configuration in the user's tree applies.
    ini = workdir / "pytest.ini"
    ini.write_text("[pytest]\n")
    env = {"CARGO_TARGET_DIR": os.environ.get("CARGO_TARGET_DIR") or str(target_dir), "PYTHONDONTWRITEBYTECODE": "1"}
    outcomes: dict[str, str] = {}
    for p in cell["patterns"]:
        if p["blocked"]:
            outcomes[p["id"]] = f"blocked (no {p['missing']} release for PyO3 {cell['pyo3']})"
            continue
        if not run(["maturin", "develop", "--manifest-path", p["manifest"]], env):
            outcomes[p["id"]] = "build failed"
            continue
        if not p["test"]:
            outcomes[p["id"]] = "built (no tests)"
            continue
        pytest = ["pytest", "-q", "-p", "no:cacheprovider", "-c", str(ini)]
        pytest += ["--rootdir", str(Path(p["test"]).parent)]
        pytest += ["-o", f"faulthandler_timeout={p['timeout']}", "-o", "faulthandler_exit_on_timeout=true"]
        outcomes[p["id"]] = "pass" if run([*pytest, p["test"]], env) else "tests failed"
    log(f"pyo3 {cell['pyo3']} · python {flavor} ({cell['python']['version']}):")
    for pattern, outcome in outcomes.items():
        log(f"  {pattern}: {outcome}")
    failed = failures(outcomes)
    log(f"{len(outcomes) - len(failed)} ok, {len(failed)} failed")
    return outcomes


def failures(outcomes: dict[str, str]) -> list[str]:
    """The patterns whose outcome fails the cell (a blocked pattern is the matrix's answer)."""
    return [p for p, o in outcomes.items() if o not in ("pass", "built (no tests)") and not o.startswith("blocked")]


def subprocess_runner(cmd: list[str], env: dict[str, str]) -> bool:
    """Runs a command of the current environment (tox's), echoing it."""
    print("+ " + " ".join(cmd), flush=True)
    bindir = Path(sys.executable).parent
    exe = bindir / cmd[0] if (bindir / cmd[0]).exists() else cmd[0]
    return subprocess.run([str(exe), *cmd[1:]], check=False, env={**os.environ, **env}).returncode == 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    tox = sub.add_parser("tox", help="run one cell in the current (tox) environment")
    tox.add_argument("env", help="the tox environment name, e.g. py313t-pyo3_23")
    tox.add_argument("--workdir", type=Path, required=True)
    tox.add_argument("--target-dir", type=Path, required=True)
    add_pattern_args(tox)
    sub.add_parser("envs", help="print the tox environment names of every cell")
    sub.add_parser("path", help="print PATH with the interpreters pyo3-matrix knows appended")
    args = parser.parse_args()
    if args.command == "envs":
        print("\n".join(tox_env(r, f) for r, f in cells()))
    elif args.command == "path":
        print(path_with_interpreters())
    else:
        pyo3, flavor = parse_tox_env(args.env)
        install = [sys.executable, "-m", "pip", "install", "-q", *PIP_OPTIONS, *PACKAGES]
        if not subprocess_runner(install, {}):
            raise SystemExit("cannot install the cell's packages")
        patterns = args.pattern + args.ids
        outcomes = run_cell(pyo3, flavor, sys.executable, patterns, args.workdir, args.target_dir, subprocess_runner)
        sys.exit(1 if failures(outcomes) else 0)


if __name__ == "__main__":
    main()
