import threading

import frozen_gilref_counter as m


def test_no_lost_updates():
    c = m.Counter()
    barrier = threading.Barrier(8)

    def work():
        barrier.wait()
        for _ in range(5000):
            c.inc()

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert c.value() == 40000
