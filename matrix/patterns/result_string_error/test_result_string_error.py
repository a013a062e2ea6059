import result_string_error as m


def test_python_sees_a_tuple_as_the_article_says():
    assert isinstance(m.half(3), tuple)
