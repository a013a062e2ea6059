import numpy as np

import numpy_readonly_zero_copy as m


def test_same_buffer():
    a = np.arange(6.0).reshape(2, 3)
    assert m.data_ptr(a) == a.ctypes.data
