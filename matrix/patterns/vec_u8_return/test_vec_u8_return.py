import vec_u8_return as m


def test_is_the_list_callers_index_and_compare():
    """Code written against the list behaviour compares with a list."""
    assert m.three() == [1, 2, 3]
