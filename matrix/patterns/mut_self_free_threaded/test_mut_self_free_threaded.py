import threading

import mut_self_free_threaded as m


def test_concurrent_adds_all_land():
    """Every add from every thread lands, and no call raises."""
    acc, errors = m.Acc(), []
    barrier = threading.Barrier(8)

    def work():
        barrier.wait()
        try:
            for _ in range(5000):
                acc.add(1)
        except Exception as e:  # noqa: BLE001 - the error is the observation
            errors.append(repr(e))

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert acc.v == 40000
