import gc
import weakref

import pyclass_dict_cycle as m


def test_plain_instance_is_freed():
    n = m.Node()
    r = weakref.ref(n)
    del n
    gc.collect()
    assert r() is None


def test_cycle_through_instance_dict_is_collected():
    """Like any Python object, a cycle through its attributes is reclaimed by gc.collect()."""
    n = m.Node()
    n.me = n
    r = weakref.ref(n)
    del n
    gc.collect()
    assert r() is None
