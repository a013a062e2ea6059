import numpy as np

import numpy_to_owned_copies as m


def test_new_buffer():
    a = np.arange(6.0).reshape(2, 3)
    assert m.owned_ptr(a) != a.ctypes.data
