import py_eval_str as m


def test_evaluates():
    assert m.two() == 2
