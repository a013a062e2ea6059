import pyerr_matches_bool as m


def test_matches():
    assert m.is_key_error("raise KeyError(1)") is True
    assert m.is_key_error("raise ValueError(1)") is False
