import gilref_pycell_receiver as m


def test_reads_through_the_cell():
    assert m.Point(7).get_x() == 7
