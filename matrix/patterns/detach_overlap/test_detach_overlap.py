import threading

import detach_overlap as m


def test_two_threads_are_inside_at_once():
    """Both calls are inside the GIL-free closure at the same time."""
    seen = []
    threads = [threading.Thread(target=lambda: seen.append(m.meet(2))) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert max(seen) == 2
