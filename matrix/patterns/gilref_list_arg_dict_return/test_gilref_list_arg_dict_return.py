import gilref_list_arg_dict_return as m


def test_maps_each_item_to_itself():
    assert m.process([1, "a"]) == {1: 1, "a": "a"}
