import importlib
import importlib.machinery

import maturin_free_threaded


def test_the_function_runs():
    assert maturin_free_threaded.add(2, 3) == 5


def test_the_module_is_built_for_this_interpreter():
    # maturin installs the extension inside a package of the same name; one built for
    # another ABI (cp313 on cp313t) carries another suffix.
    native = importlib.import_module("maturin_free_threaded.maturin_free_threaded")
    assert native.__file__.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES))
