import to_object_pyobject as m


def test_five():
    assert m.five() == 5
