import gilref_any_arg


def test_length_of_a_list():
    """The function accepts any Python object and returns its len()."""
    assert gilref_any_arg.length([1, 2, 3]) == 3
