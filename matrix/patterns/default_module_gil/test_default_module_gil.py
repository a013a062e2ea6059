import sys
import sysconfig

import default_module_gil as m


def test_gil_stays_off_where_it_was_off():
    """A user of a free-threaded interpreter expects the GIL to stay off."""
    assert m.one() == 1
    if sysconfig.get_config_var("Py_GIL_DISABLED"):
        assert sys._is_gil_enabled() is False
