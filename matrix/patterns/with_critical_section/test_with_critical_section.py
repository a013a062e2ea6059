import with_critical_section as m


def test_len():
    assert m.locked_len([1, 2, 3]) == 3
