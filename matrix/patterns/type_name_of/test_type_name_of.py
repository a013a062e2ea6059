import collections

import type_name_of as m


def test_name_is_the_python_name():
    """The name matches what Python code sees as `type(x).__name__`."""
    x = collections.OrderedDict()
    assert m.type_name(x) == type(x).__name__
    assert m.type_name(5) == "int"
