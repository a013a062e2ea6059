import gil_once_cell as m


def test_returns_the_same_object():
    assert m.cached() is None
    assert m.cached() is m.cached()
