import pytest

import dict_get_item_unhashable as m


def test_present_and_missing_keys():
    assert m.has_key({"a": 1}, "a") is True
    assert m.has_key({}, "a") is False


def test_unhashable_key_raises_like_python():
    """Looking up an unhashable key raises TypeError, as `[] in {}` does in Python."""
    with pytest.raises(TypeError):
        m.has_key({}, [])
