import pytest

import cast_error_names_python_type as m


def test_error_names_the_python_type_to_pass():
    """The TypeError tells a Python caller to pass a 'list' (the type they know)."""
    assert m.size([1, 2]) == 2
    with pytest.raises(TypeError) as info:
        m.size(5)
    assert "'list'" in str(info.value)
