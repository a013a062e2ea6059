import pyobject_alias as m


def test_identity():
    x = object()
    assert m.ident(x) is x
