"""A worker process that dies in a task: the pool breaks, the program goes on."""

import concurrent.futures as cf
import os
import time


def survive(i):
    time.sleep(0.01)
    return i


def die(i):
    time.sleep(0.05)
    os._exit(3)


if __name__ == "__main__":
    with cf.ProcessPoolExecutor(1) as pool:
        assert pool.submit(survive, 1).result() == 1
        try:
            pool.submit(die, 2).result()
        except cf.process.BrokenProcessPool:
            print("broken")
