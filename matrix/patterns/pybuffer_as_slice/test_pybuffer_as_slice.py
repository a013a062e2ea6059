import pybuffer_as_slice as m


def test_sums_bytes_like_objects():
    assert m.total(b"\x01\x02\x03") == 6
    assert m.total(bytearray([10, 20])) == 30
