import tuple_new_subclass as m


def test_is_a_base():
    assert isinstance(m.Sub(), m.Base)
