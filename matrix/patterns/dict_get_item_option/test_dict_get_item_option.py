import dict_get_item_option as m


def test_present_and_missing_keys():
    assert m.get_a({"a": 5}) == 5
    assert m.get_a({}) is None
