"""joblib.Parallel with each backend: 12 calls in batches of 4."""

import time

from joblib import Parallel, delayed


def jl_loky(i):
    time.sleep(0.001)
    return i


def jl_multiprocessing(i):
    time.sleep(0.001)
    return i


def jl_threading(i):
    time.sleep(0.001)
    return i


if __name__ == "__main__":
    for backend, fn in (("loky", jl_loky), ("multiprocessing", jl_multiprocessing),
                        ("threading", jl_threading)):
        results = Parallel(n_jobs=2, backend=backend, batch_size=4)(
            delayed(fn)(i) for i in range(12))
        assert results == list(range(12))
    print("done")
