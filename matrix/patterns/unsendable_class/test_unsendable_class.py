import threading

import unsendable_class as m


def test_same_thread_works_other_thread_is_refused():
    obj = m.Local(3)
    assert obj.get() == 3
    caught = []

    def other():
        try:
            obj.get()
        except BaseException as e:  # noqa: BLE001 - PanicException is a BaseException
            caught.append(type(e).__name__)

    t = threading.Thread(target=other)
    t.start()
    t.join()
    assert caught, "using it from another thread must raise"
