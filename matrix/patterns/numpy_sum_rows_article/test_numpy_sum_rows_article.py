import numpy as np

import numpy_sum_rows_article as m


def test_sums_rows():
    a = np.arange(6.0).reshape(2, 3)
    assert (m.sum_rows(a) == a.sum(axis=1, keepdims=True)).all()
