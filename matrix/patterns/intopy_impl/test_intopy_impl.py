import intopy_impl as m


def test_converts():
    assert m.seven() == 7
