"""pytest plugin loaded by pyo3-matrix into every pattern's test process.

It records what the engine cannot see from outside: each test's outcome with its
exception, and whether importing the pattern's module re-enabled the GIL on a
free-threaded interpreter. It writes its report after every test, so a crash or a
hang still leaves the results so far (and the test that was running) on disk. Stacks
are the fork server's business: it points faulthandler at a file of their own before
pytest starts (pytest captures fd 2 during tests).
"""

import json
import os
import sys

_REPORT = os.environ["PYO3_MATRIX_REPORT"]

_state = {"gil_before": None, "gil_after": None, "running": None, "tests": []}


def _gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return probe() if probe else None


def _write():
    tmp = _REPORT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(_state, f)
    os.replace(tmp, _REPORT)


def _split(line):
    """'Type: message' into its two parts; (None, line) when it does not read so."""
    head, sep, rest = line.partition(": ")
    if sep and head.replace(".", "").replace("_", "").isalnum():
        return head, rest
    return None, line


def _exception(report):
    """The exception type and message of a failed report: the error itself, never the
    location line pytest prints above it."""
    longrepr = report.longrepr
    # A fixture nobody provides: pytest's own lookup error, its text under the location.
    errorstring = getattr(longrepr, "errorstring", None)
    if errorstring and errorstring.strip():
        return "FixtureLookupError", errorstring.strip().splitlines()[0]
    text = str(longrepr or "")
    # The lines pytest marks with "E" hold the exception; the last names its type.
    marked = [line[1:].strip() for line in text.splitlines() if line.startswith("E ")]
    crash = getattr(longrepr, "reprcrash", None)
    if crash is not None and crash.message.strip():
        exc_type, message = _split(crash.message.strip().splitlines()[0])
        if exc_type is not None or not marked:
            return exc_type, message
    typed = [line for line in marked if _split(line)[0] is not None]
    if typed:
        return _split(typed[-1])
    if marked:
        return None, marked[0]
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    return None, (lines[-1] if lines else "")


def pytest_configure(config):
    _state["gil_before"] = _gil_enabled()
    _write()


def pytest_runtest_logstart(nodeid, location):
    _state["running"] = nodeid
    _write()


def _record(report):
    if report.failed or (report.when == "call" and report.passed) or report.skipped:
        exc_type, message = _exception(report) if report.failed else (None, None)
        outcome = "failed" if report.failed else ("skipped" if report.skipped else "passed")
        _state["tests"].append(
            {
                "test": report.nodeid,
                "when": getattr(report, "when", None) or "collect",
                "outcome": outcome,
                "exception": exc_type,
                "message": message,
            }
        )
        _write()


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    if report.failed:
        _record(report)


def pytest_sessionfinish(session, exitstatus):
    _state["running"] = None
    _state["gil_after"] = _gil_enabled()
    _write()
