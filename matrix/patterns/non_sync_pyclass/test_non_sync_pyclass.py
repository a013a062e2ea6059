import non_sync_pyclass as m


def test_counts():
    c = m.Counter()
    c.bump()
    assert c.bump() == 2
