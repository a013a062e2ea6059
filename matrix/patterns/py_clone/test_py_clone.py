import py_clone as m


def test_both_are_the_same_object():
    x = object()
    a, b = m.twice(x)
    assert a is x and b is x
