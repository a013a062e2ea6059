import pyerr_matches_bool as m


def test_matches_the_type_and_its_bases():
    """A KeyError matches KeyError and its base LookupError, not ValueError."""
    assert m.key_error_matches(KeyError) is True
    assert m.key_error_matches(LookupError) is True
    assert m.key_error_matches(ValueError) is False
