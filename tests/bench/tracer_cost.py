#!/usr/bin/python3
"""What ParViz's Python tracer (resources/python/tracer) costs a program.

The same program, untraced and traced in turn, ROUNDS times each; the medians
of its makespan (pool made, every task submitted and waited for, pool shut
down). Traced as ParViz traces: the tracer's folder first on PYTHONPATH and a
FIFO that a reader thread enlarges to 1 MiB and empties every 10 ms
(PROTOCOL.md, step 4). Run by hand, on an idle machine if the figures are to
be quoted:

    /usr/bin/python3 tests/bench/tracer_cost.py [ROUNDS]
"""

import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

TRACER = os.path.join(os.path.dirname(os.path.abspath(__file__)), "../../resources/python/tracer")
F_SETPIPE_SZ = 1031

PROGRAM = """
import concurrent.futures as cf
import sys
import time


def sleep(seconds):
    time.sleep(seconds)


def spin(seconds):
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


def nothing(seconds):
    return seconds


if __name__ == "__main__":
    pool, task, count, seconds = sys.argv[1:]
    work = {"sleep": sleep, "spin": spin, "nothing": nothing}[task]
    Executor = cf.ThreadPoolExecutor if pool == "threads" else cf.ProcessPoolExecutor
    start = time.perf_counter()
    with Executor(2) as executor:
        futures = [executor.submit(work, float(seconds)) for _ in range(int(count))]
        for future in futures:
            future.result()
    print(time.perf_counter() - start)
"""

CASES = [  # pool, task, count, seconds per task
    ("threads", "sleep", 10000, 0.001),
    ("processes", "sleep", 1000, 0.001),
    ("processes", "spin", 1000, 0.001),
    ("threads", "nothing", 10000, 0),
    ("processes", "nothing", 1000, 0),
]


def read_in_batches(fd, finished, counted):
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            chunk = None
        if chunk:
            counted[0] += chunk.count(b"\n")
        elif finished.is_set():
            return
        time.sleep(0.01)


def makespan(program, case, traced):
    environment = dict(os.environ)
    environment.pop("PARVIZ_TRACE_ROOT", None)
    with tempfile.TemporaryDirectory() as folder:
        lines = [0]
        if traced:
            fifo = os.path.join(folder, "trace")
            os.mkfifo(fifo, 0o600)
            fd = os.open(fifo, os.O_RDONLY | os.O_NONBLOCK)
            try:
                import fcntl

                fcntl.fcntl(fd, F_SETPIPE_SZ, 1 << 20)
            except OSError:
                pass
            environment["PYTHONPATH"] = TRACER
            environment["PARVIZ_TRACE_PIPE"] = fifo
            finished = threading.Event()
            reader = threading.Thread(target=read_in_batches, args=(fd, finished, lines))
            reader.start()
        command = [sys.executable, program] + [str(value) for value in case]
        output = subprocess.run(
            command, env=environment, capture_output=True, text=True, check=True
        )
        if traced:
            finished.set()
            reader.join()
            os.close(fd)
    return float(output.stdout), lines[0]


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 7
    with tempfile.TemporaryDirectory() as folder:
        program = os.path.join(folder, "program.py")
        with open(program, "w") as file:
            file.write(PROGRAM)
        print(f"{'pool':10} {'task':8} {'count':>6} {'untraced s':>11} {'traced s':>9} "
              f"{'added':>7} {'us/unit':>8} {'lines':>7}")
        for case in CASES:
            plain, traced, lines = [], [], 0
            for _ in range(rounds):
                plain.append(makespan(program, case, False)[0])
                seconds, lines = makespan(program, case, True)
                traced.append(seconds)
            untraced_s, traced_s = statistics.median(plain), statistics.median(traced)
            pool, task, count, _ = case
            print(f"{pool:10} {task:8} {count:>6} {untraced_s:>11.3f} {traced_s:>9.3f} "
                  f"{(traced_s / untraced_s - 1) * 100:>+6.1f}% "
                  f"{(traced_s - untraced_s) / count * 1e6:>8.1f} {lines:>7}")


if __name__ == "__main__":
    main()
