import numpy as np

import numpy_int64_extract as m


def test_numpy_scalar():
    assert m.plus_one(np.int64(41)) == 42
