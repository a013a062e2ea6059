import python_with_gil as m


def test_attaches():
    assert m.none_is_none() is True
