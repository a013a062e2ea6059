import pyfunction_self as m


def test_self_is_the_module():
    assert type(m.add_one.__self__).__name__ == "module"
