import from_py_with_string as m


def test_converter_runs():
    assert m.f([1, 2, 3]) == 3
