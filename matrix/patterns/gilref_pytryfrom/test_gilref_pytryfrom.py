import pytest

import gilref_pytryfrom as m


def test_length_of_a_list():
    assert m.list_len([1, 2]) == 2


def test_a_non_list_is_a_type_error():
    with pytest.raises(TypeError):
        m.list_len(5)
