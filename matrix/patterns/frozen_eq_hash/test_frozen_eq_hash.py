import frozen_eq_hash as m


def test_equal_points_find_each_other_in_a_dict():
    """Equal values are equal keys: a new Point(1, 2) finds the entry stored under another."""
    d = {m.Point(1, 2): "a"}
    assert d[m.Point(1, 2)] == "a"
    assert m.Point(1, 2) != m.Point(2, 1)
