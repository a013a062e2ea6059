import unregistered_function as m


def test_both_functions_are_callable():
    assert m.registered() == 1
    assert m.forgotten() == 2
