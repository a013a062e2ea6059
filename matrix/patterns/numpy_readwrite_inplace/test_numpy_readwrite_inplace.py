import numpy as np

import numpy_readwrite_inplace as m


def test_in_place():
    a = np.ones((2, 2))
    m.scale_inplace(a, 3.0)
    assert (a == 3.0).all()
