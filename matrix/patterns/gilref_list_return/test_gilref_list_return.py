import gilref_list_return as m


def test_returns_the_list():
    assert m.make() == [1, 2, 3]
