import pathbuf_return as m


def test_is_a_str():
    assert isinstance(m.tmp(), str)
