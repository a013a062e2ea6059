import pytypeinfo_name as m


def test_name():
    assert m.list_name() == "list"
