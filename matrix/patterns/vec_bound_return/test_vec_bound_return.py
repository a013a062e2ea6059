import vec_bound_return as m


def test_python_sees_the_objects_themselves():
    assert m.items() == [1, "a"]
