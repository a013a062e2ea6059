import gil_protected as m


def test_remembers():
    first = m.remember(1)
    assert m.remember(2) == first + 1
