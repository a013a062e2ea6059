import pytest

import class_without_new as m


def test_calling_it_is_a_type_error_saying_no_constructor():
    with pytest.raises(TypeError) as info:
        m.NoNew()
    assert "No constructor defined" in str(info.value)
