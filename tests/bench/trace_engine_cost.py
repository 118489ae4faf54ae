#!/usr/bin/python3
"""What ParViz's reading of a traced program adds to the tracer's own cost.

The program of tracer_cost.py (10,000 ThreadPoolExecutor tasks of 1 ms, 2
workers; 1,000 ProcessPoolExecutor tasks), run in turn plain
(`python3 prog.py`), traced with tracer_cost.py's own reader of the pipe (the
tracer's cost alone), and through `parviz-cli trace` (the pipe read by the
engine as any traced run's), ROUNDS times each; medians of the makespan the
program measures itself (pool made, tasks submitted and waited for, pool shut
down). Run by hand:

    /usr/bin/python3 tests/bench/trace_engine_cost.py build/dev/bin/parviz-cli [ROUNDS]
"""

import os
import statistics
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tracer_cost import PROGRAM, makespan as tracer_makespan  # noqa: E402

CASES = [  # pool, task, count, seconds per task
    ("threads", "sleep", 10000, 0.001),
    ("processes", "sleep", 1000, 0.001),
    ("threads", "nothing", 10000, 0),
]


def makespan(command):
    output = subprocess.run(command, capture_output=True, text=True, check=True)
    return float(output.stdout)


def main():
    cli = os.path.abspath(sys.argv[1])
    rounds = int(sys.argv[2]) if len(sys.argv) > 2 else 5
    with tempfile.TemporaryDirectory() as folder:
        program = os.path.join(folder, "program.py")
        with open(program, "w") as file:
            file.write(PROGRAM)
        print(f"{'pool':10} {'task':8} {'count':>6} {'plain s':>8} {'tracer s':>9} "
              f"{'parviz s':>9} {'tracer':>7} {'parviz':>7} {'us/unit':>8}")
        for case in CASES:
            arguments = [program] + [str(value) for value in case]
            plain, alone, traced = [], [], []
            for _ in range(rounds):
                plain.append(makespan([sys.executable] + arguments))
                alone.append(tracer_makespan(program, case, True)[0])
                traced.append(makespan([cli, "trace", "--quiet", "--python", sys.executable,
                                        "--"] + arguments))
            p, a, t = (statistics.median(x) for x in (plain, alone, traced))
            print(f"{case[0]:10} {case[1]:8} {case[2]:>6} {p:8.3f} {a:9.3f} {t:9.3f} "
                  f"{(a / p - 1) * 100:+6.1f}% {(t / p - 1) * 100:+6.1f}% "
                  f"{(t - p) / case[2] * 1e6:8.1f}", flush=True)


if __name__ == "__main__":
    main()
