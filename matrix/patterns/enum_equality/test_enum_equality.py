import enum_equality as m


def test_two_reds_are_equal():
    assert m.red() == m.red()


def test_variants_compare_to_themselves():
    assert m.Color.Red == m.Color.Red
    assert m.Color.Red != m.Color.Green
