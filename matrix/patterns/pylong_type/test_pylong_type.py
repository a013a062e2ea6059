import pylong_type as m


def test_ints_and_non_ints():
    assert m.is_int(5) is True
    assert m.is_int("5") is False
