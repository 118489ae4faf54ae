"""Arguments too long or too strange to show whole: cut, never failing."""

import concurrent.futures as cf


class Thing:
    def __repr__(self):
        raise RuntimeError("never called by the tracer")


def big(numbers, text, thing):
    return len(numbers)


def named(*, value):
    return value


if __name__ == "__main__":
    with cf.ThreadPoolExecutor(1) as pool:
        assert pool.submit(big, list(range(100000)), "\u00e9" * 5000, Thing()).result() == 100000
        assert pool.submit(named, value=3).result() == 3
        assert pool.submit(named, value=[Thing()]).result()
    print("done")
