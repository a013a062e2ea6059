import pyfn_in_module as m


def test_inc():
    assert m.inc(1) == 2
