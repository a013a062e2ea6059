import frozen_hashable as m


def test_equal_points_find_each_other_in_a_dict():
    d = {m.Point(1, 2): "a"}
    assert d[m.Point(1, 2)] == "a"
