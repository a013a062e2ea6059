import rayon_allow_threads as m


def test_sums():
    assert m.total(1000) == 499500
