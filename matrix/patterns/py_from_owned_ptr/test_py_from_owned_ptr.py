import py_from_owned_ptr as m


def test_empty_list():
    assert m.fresh_list() == []
