import pytest

import pyruntimeerror_new_err as m


def test_message_is_kept():
    with pytest.raises(RuntimeError, match="^boom$"):
        m.boom()
