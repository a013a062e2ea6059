import trailing_option_arg as m


def test_the_option_can_be_left_out():
    assert m.add(1) == 101
    assert m.add(1, 2) == 3
