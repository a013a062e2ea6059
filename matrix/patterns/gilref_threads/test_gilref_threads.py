import threading

import gilref_threads as m


def test_lists_from_threads():
    results = []

    def work():
        for _ in range(200):
            results.append(len(m.make(50)))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [50] * 800
