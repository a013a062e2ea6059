import pytest

import str_utf8_error_into_pyerr as m


def test_valid_bytes_decode():
    assert m.decode(b"ok") == "ok"


def test_invalid_bytes_raise_unicode_decode_error():
    """Invalid UTF-8 surfaces as UnicodeDecodeError (a ValueError), which callers catch."""
    with pytest.raises(UnicodeDecodeError):
        m.decode(b"\xff")
