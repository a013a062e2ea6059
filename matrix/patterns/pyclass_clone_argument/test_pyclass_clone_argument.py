import pyclass_clone_argument as m


def test_round_trip():
    assert m.px(m.origin()) == 0
