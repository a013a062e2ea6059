import from_pyobject_extract_bound as m


def test_extracts():
    assert m.double(1.5) == 3.0
