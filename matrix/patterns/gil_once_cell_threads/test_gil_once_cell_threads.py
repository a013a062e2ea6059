import threading

import gil_once_cell_threads as m


def test_initialiser_runs_once_under_concurrent_first_use():
    """A once-cell runs its initialiser once, even when many threads ask first at once."""
    barrier = threading.Barrier(8)
    seen = []

    def work():
        barrier.wait()
        seen.append(m.value())

    threads = [threading.Thread(target=work) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert seen == [42] * 8
    assert m.init_calls() == 1
