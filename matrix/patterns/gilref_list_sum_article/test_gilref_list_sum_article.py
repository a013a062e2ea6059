import gilref_list_sum_article as m


def test_sums_the_list():
    assert m.add([1, 2, 3]) == 6
