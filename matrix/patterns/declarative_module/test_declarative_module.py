import declarative_module as m


def test_exported_function():
    assert m.double(21) == 42
