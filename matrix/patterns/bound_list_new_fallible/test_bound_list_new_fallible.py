import bound_list_new_fallible as m


def test_returns_the_list():
    assert m.make() == [1, 2, 3]
