import pytest

import pyerr_new_ffi_static as m


def test_message_is_unhandled_error_as_the_article_says():
    with pytest.raises(RuntimeError) as info:
        m.boom()
    assert "<unhandled error>" in str(info.value)
