import pytest

import any_iter as m


def test_counts_any_iterable():
    assert m.count_items(range(4)) == 4
    assert m.count_items({"a": 1}) == 1


def test_non_iterable_is_a_type_error():
    with pytest.raises(TypeError):
        m.count_items(5)
