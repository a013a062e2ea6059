import counter_class as m


def test_counts_and_reprs():
    c = m.Counter()
    c.increment(2)
    c.increment(3)
    assert c.get() == 5
    assert repr(c) == "Counter(count=5)"
