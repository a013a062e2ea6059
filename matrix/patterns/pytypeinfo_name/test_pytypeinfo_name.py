import pytypeinfo_name as m


def test_name_names_the_list_type():
    """The constant names the type it belongs to (what a user prints in a message)."""
    assert "list" in m.list_name().lower()
