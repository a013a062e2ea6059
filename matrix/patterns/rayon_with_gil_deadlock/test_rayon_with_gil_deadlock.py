import rayon_with_gil_deadlock as m


def test_sums():
    assert m.total(1000) == 499500
