"""Every construct the tracer knows, each with a function of its own, under
the start method named by the first argument (fork, spawn or forkserver)."""

import concurrent.futures as cf
import multiprocessing as mp
import sys
import threading
import time


def work(seconds=0.02):
    """Long enough that the caller, even on a busy machine, usually waits for it;
    the threads and the process, whose joins the test requires, longer still."""
    time.sleep(seconds)


def tpe_submit(i):
    work()
    return i


def tpe_map(i):
    work()
    return i


def ppe_submit(i):
    work()
    return i


def ppe_map(i):
    work()
    return i


def thread_target(i, label="x"):
    work(0.2)


class Worker(threading.Thread):
    """A thread whose run() is the unit of work."""

    def run(self):
        work(0.2)


def process_target(i):
    work(0.2)


def pool_map(i):
    work()
    return i


def pool_apply(i):
    work()
    return i


def pool_imap(i):
    work()
    return i


def pool_starmap(a, b):
    work()
    return a + b


def nested_inner(i):
    work()
    return i


def nested_outer(i):
    """A thread pool inside a worker process."""
    with cf.ThreadPoolExecutor(2) as pool:
        return sum(pool.map(nested_inner, range(i * 10, i * 10 + 3)))


def main():
    mp.set_start_method(sys.argv[1])
    with cf.ThreadPoolExecutor(2) as pool:
        futures = [pool.submit(tpe_submit, i) for i in range(4)]
        assert [f.result() for f in futures] == list(range(4))
        assert list(pool.map(tpe_map, range(4))) == list(range(4))
        futures = [pool.submit(tpe_submit, i) for i in range(4, 6)]
        assert sorted(f.result() for f in cf.as_completed(futures)) == [4, 5]
        cf.wait([pool.submit(tpe_submit, 6)])
    pool = cf.ThreadPoolExecutor(1)
    pool.submit(tpe_submit, 7)
    pool.shutdown()
    with cf.ProcessPoolExecutor(2) as pool:
        assert pool.submit(ppe_submit, 0).result() == 0
        assert list(pool.map(ppe_map, range(6), chunksize=3)) == list(range(6))
        assert list(pool.map(nested_outer, range(2))) == [3, 33]
    threads = [threading.Thread(target=thread_target, args=(i,), kwargs={"label": "t"})
               for i in range(2)]
    threads.append(Worker())
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    process = mp.Process(target=process_target, args=(7,))
    process.start()
    process.join()
    with mp.Pool(2) as pool:
        assert pool.map(pool_map, range(6), chunksize=2) == list(range(6))
        assert pool.apply_async(pool_apply, (5,)).get() == 5
        assert sorted(pool.imap_unordered(pool_imap, range(3))) == [0, 1, 2]
        assert pool.starmap(pool_starmap, [(1, 2), (3, 4)]) == [3, 7]
    print("done")


if __name__ == "__main__":
    main()
