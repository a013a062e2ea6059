import non_send_field as m


def test_get():
    assert m.Shared(4).get() == 4
