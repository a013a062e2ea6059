import json

import pytest

import import_exception_bound as m


def test_raises_the_python_exception_type():
    """Python code catches the error as the json module's own exception."""
    with pytest.raises(json.JSONDecodeError) as info:
        m.fail()
    assert info.value.pos == 1
