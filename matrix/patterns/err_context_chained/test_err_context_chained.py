import err_context_chained as m


def test_chained_to_the_handled_exception():
    try:
        try:
            raise KeyError("first")
        except KeyError:
            m.fail()
    except ValueError as e:
        assert isinstance(e.__context__, KeyError)
