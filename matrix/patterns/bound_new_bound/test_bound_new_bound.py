import bound_new_bound as m


def test_returns_the_list():
    assert m.make() == [1, 2, 3]
