"""Fork server for pattern tests: pays the interpreter's and pytest's start-up once, then
forks one fresh process per test run, so every run still has a process of its own.

A child starts from the state `python -m pytest` has before it reads its arguments: pytest
imported, no extension module loaded (on a free-threaded interpreter the GIL is still off),
no test collected. It gets its own process group, stdin from /dev/null, its output in a
file, its working directory, environment and import path, and dies with this server.
Before anything else it points faulthandler at the request's stacks file: a crash dumps
every thread's stack there, and so does SIGUSR1, which the engine sends to a child that
runs past its timeout before it kills it, so that a hang explains itself however late
the child started. The server ignores SIGUSR1, so a child that has not yet registered
its handler ignores it too instead of dying of it.

Protocol, one JSON object per line. The engine writes a request:
    {"args": [...], "cwd": DIR, "env": {...}, "path": [DIR, ...], "output": FILE,
     "stacks": FILE}
and reads {"pid": N} when the child runs, then {"code": C} or {"signal": S} when it ends,
with "cpu": the CPU seconds (user and system) the child and what it waited for used.
The server ends when its stdin closes.
"""

import faulthandler
import gc
import importlib
import json
import os
import signal
import sys

import pytest
from _pytest.config import default_plugins

# The plugins every pytest run imports, imported once here instead of in every child.
for _name in default_plugins:
    try:
        importlib.import_module("_pytest." + _name)
    except ImportError:
        pass

_PR_SET_PDEATHSIG = 1


def _die_with_parent():
    try:
        import ctypes

        ctypes.CDLL(None).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    except (ImportError, OSError, AttributeError):
        pass


# The child's stacks file: faulthandler writes to its descriptor, which must stay open.
_stacks = None


def _dump_stacks_into(path):
    global _stacks
    _stacks = open(path, "w")
    faulthandler.enable(file=_stacks, all_threads=True)
    if hasattr(faulthandler, "register"):
        faulthandler.register(signal.SIGUSR1, file=_stacks, all_threads=True)


def _child(request, base_path):
    os.setpgid(0, 0)
    _dump_stacks_into(request["stacks"])
    _die_with_parent()
    null = os.open(os.devnull, os.O_RDONLY)
    os.dup2(null, 0)
    out = os.open(request["output"], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    os.dup2(out, 1)
    os.dup2(out, 2)
    os.chdir(request["cwd"])
    os.environ.update(request["env"])
    # As `python -m pytest` with PYTHONPATH would have it: cwd, then PYTHONPATH, then the rest.
    sys.path[:] = [os.getcwd(), *request["path"], *base_path]
    code = pytest.main(request["args"])
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(int(code))


def _reply(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _exit_code(status):
    """A wait status as `os.waitstatus_to_exitcode` (Python 3.9+) gives it: the exit
    code, or minus the signal that ended the child."""
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def main():
    base_path = sys.path[1:]  # without this script's own directory
    signal.signal(signal.SIGUSR1, signal.SIG_IGN)
    for line in sys.stdin:
        request = json.loads(line)
        # What the server made is long-lived: the children's collections skip it, as the gc
        # documentation advises before a fork (pytest collects several times per session).
        # PyPy's gc has no freeze; its children simply collect everything.
        if hasattr(gc, "freeze"):
            gc.freeze()
        pid = os.fork()
        if pid == 0:
            try:
                _child(request, base_path)
            finally:
                os._exit(70)
        try:
            os.setpgid(pid, pid)
        except OSError:
            pass  # the child has already done it, or already exited
        _reply({"pid": pid})
        _, status, usage = os.wait4(pid, 0)
        cpu = usage.ru_utime + usage.ru_stime
        if os.WIFSIGNALED(status):
            _reply({"signal": os.WTERMSIG(status), "cpu": cpu})
        else:
            _reply({"code": _exit_code(status), "cpu": cpu})


if __name__ == "__main__":
    main()
