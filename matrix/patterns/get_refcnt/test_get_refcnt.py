import get_refcnt as m


def test_positive():
    assert m.refcount(object()) >= 1
