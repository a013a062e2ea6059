import sys
import sysconfig

import gil_used_false as m


def test_gil_stays_off_where_it_was_off():
    """On a free-threaded interpreter, importing the module leaves the GIL disabled."""
    assert m.one() == 1
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        assert sys._is_gil_enabled() is False
