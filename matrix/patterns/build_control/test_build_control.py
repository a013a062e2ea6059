import build_control as m


def test_add():
    assert m.add(2, 3) == 5
