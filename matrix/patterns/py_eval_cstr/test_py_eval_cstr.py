import py_eval_cstr as m


def test_evaluates():
    assert m.two() == 2
