import article_process_list as m


def test_squares():
    assert m.process_list([1.0, 2.0, 3.0]) == [1.0, 4.0, 9.0]
