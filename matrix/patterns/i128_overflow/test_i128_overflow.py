import pytest

import i128_overflow as m


def test_round_trip():
    assert m.echo(2**100) == 2**100


def test_overflow_is_an_overflow_error():
    with pytest.raises(OverflowError):
        m.echo(2**130)
