import pytest

import argument_error_message as m


def test_message_names_the_argument():
    with pytest.raises(TypeError) as info:
        m.add_one("x")
    assert "argument 'x'" in str(info.value)
