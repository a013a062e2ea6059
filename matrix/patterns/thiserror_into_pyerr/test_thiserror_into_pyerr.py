import pytest

import thiserror_into_pyerr as m


def test_value_error():
    with pytest.raises(ValueError, match="-1 < 0"):
        m.check(-1)


def test_os_error():
    with pytest.raises(OSError):
        m.read_file("/no/such/file")
