import pytest

import panic_exception as m


def test_ok_value():
    assert m.parse("5") == 5


def test_panic_is_a_panic_exception_not_an_exception():
    with pytest.raises(BaseException) as info:
        m.parse("x")
    assert type(info.value).__name__ == "PanicException"
    assert not isinstance(info.value, Exception)
