"""A program that raises after a task has run: its traceback, exit code 1."""

import concurrent.futures as cf


def task(i):
    if i == 1:
        raise KeyError("in a task")
    return i


def main():
    with cf.ThreadPoolExecutor(2) as pool:
        assert pool.submit(task, 0).result() == 0
        pool.submit(task, 1).exception()
    raise ValueError("boom")


if __name__ == "__main__":
    main()
