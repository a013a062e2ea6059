import importlib.util

import module_init_twice as m


def load_again():
    spec = importlib.util.find_spec("module_init_twice")
    again = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(again)
    return again


def test_loading_again_from_the_spec_gives_a_working_module():
    """A second load from the spec yields a module whose functions work."""
    assert load_again().inits() >= 1


def test_module_function_runs_once_per_process():
    """One-time setup written in the #[pymodule] function runs once per process."""
    load_again()
    assert m.inits() == 1
