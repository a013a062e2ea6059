"""pytest plugin loaded by pyo3-matrix into every pattern's test process.

It records what the engine cannot see from outside: each test's outcome with its
exception, and whether importing the pattern's module re-enabled the GIL on a
free-threaded interpreter. It writes its report after every test, so a crash or a
hang still leaves the results so far (and the test that was running) on disk. Stacks
from faulthandler go to their own file because pytest captures fd 2 during tests.
"""

import faulthandler
import json
import os
import sys

_REPORT = os.environ["PYO3_MATRIX_REPORT"]
_STACKS = os.environ["PYO3_MATRIX_STACKS"]
_HANG_AFTER = float(os.environ["PYO3_MATRIX_HANG_AFTER"])

_state = {"gil_before": None, "gil_after": None, "running": None, "tests": []}
_stacks_file = None


def _gil_enabled():
    probe = getattr(sys, "_is_gil_enabled", None)
    return probe() if probe else None


def _write():
    tmp = _REPORT + ".tmp"
    with open(tmp, "w") as f:
        json.dump(_state, f)
    os.replace(tmp, _REPORT)


def _exception(report):
    """Splits pytest's crash line 'path:line: Type: message' into type and message."""
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    text = crash.message if crash is not None else str(report.longrepr or "")
    first = text.strip().splitlines()[0] if text.strip() else ""
    head, sep, rest = first.partition(": ")
    if sep and head.replace(".", "").replace("_", "").isalnum():
        return head, rest
    return None, first


def pytest_configure(config):
    global _stacks_file
    _stacks_file = open(_STACKS, "w")
    faulthandler.enable(file=_stacks_file, all_threads=True)
    faulthandler.dump_traceback_later(_HANG_AFTER, exit=False, file=_stacks_file)
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
            {"test": report.nodeid, "outcome": outcome, "exception": exc_type, "message": message}
        )
        _write()


def pytest_runtest_logreport(report):
    _record(report)


def pytest_collectreport(report):
    if report.failed:
        _record(report)


def pytest_sessionfinish(session, exitstatus):
    faulthandler.cancel_dump_traceback_later()
    _state["running"] = None
    _state["gil_after"] = _gil_enabled()
    _write()
