"""nox front door to the matrix: one session per cell, generated from matrix/matrix.toml.

    nox -l                                                         # every cell
    nox -s "cell(pyo3='0.23', python='3.13t')"                     # one cell
    nox -s "cell(pyo3='0.23', python='3.12')" -- --pattern ID      # some of its patterns
    nox -t python-3.13t                                            # a column
    nox -t pyo3-0.23                                               # a row

Each session gets its own virtual environment from the cell's interpreter, installs maturin,
pytest and numpy, builds every pattern with `maturin develop` from the workspace
`pyo3-matrix prepare` writes (the engine's member crates and the release's committed
lockfile) and runs the pattern's own pytest file, unchanged. A pattern that fails to build or
to pass its tests fails the session at the end, after the summary of every pattern.

Interpreters are looked up on PATH, to which this file appends pyenv's versions and the
interpreters pyo3-matrix provisioned; a missing 3.13t is provisioned with
`cargo run -p pyo3-matrix -- python install 3.13t`. The cargo target directory of a cell is
kept under .nox/_targets/ across runs (or is $CARGO_TARGET_DIR when set).
"""

import os
import sys
from pathlib import Path

import nox

sys.path.insert(0, str(Path(__file__).resolve().parent / "python"))
import pyo3_matrix_front as front

nox.needs_version = ">=2025.10.14"  # "3.13t" interpreters, tags on parameters, download_python
nox.options.download_python = "never"  # the matrix's interpreters, not standalone builds
os.environ["PATH"] = front.path_with_interpreters()


@nox.session
@nox.parametrize(
    ["pyo3", "python"],
    [nox.param(pyo3, python, tags=[f"pyo3-{pyo3}", f"python-{python}"]) for pyo3, python in front.cells()],
)
def cell(session: nox.Session, pyo3: str) -> None:
    """One matrix cell: every pattern built with maturin, then its pytest file."""
    session.install(*front.PIP_OPTIONS, *front.PACKAGES)
    flavor = session.python
    location = Path(session.virtualenv.location).resolve()
    outcomes = front.run_cell(
        pyo3,
        flavor,
        str(location / "bin" / "python"),
        front.parse_posargs(list(session.posargs)),
        workdir=Path(session.create_tmp()).resolve(),
        target_dir=location.parent / "_targets" / f"pyo3-{pyo3}-py{flavor}",
        run=_runner(session),
        log=session.log,
    )
    if failed := front.failures(outcomes):
        session.error(f"{len(failed)} pattern(s) failed in pyo3 {pyo3} · python {flavor}: {', '.join(failed)}")


def _runner(session: nox.Session) -> front.Runner:
    """Runs a command in the session (logged by nox); a failure is recorded, not raised."""

    def run(cmd: list[str], env: dict[str, str]) -> bool:
        try:
            session.run(*cmd, env=env)
        except nox.command.CommandFailed:
            return False
        return True

    return run
