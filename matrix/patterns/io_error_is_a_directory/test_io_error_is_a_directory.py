import pytest

import io_error_is_a_directory as m


def test_missing_file_is_file_not_found():
    with pytest.raises(FileNotFoundError):
        m.read("/no/such/file")


def test_directory_is_is_a_directory_error(tmp_path):
    """Reading a directory raises IsADirectoryError, as Python's own open().read() does."""
    with pytest.raises(IsADirectoryError):
        m.read(str(tmp_path))
