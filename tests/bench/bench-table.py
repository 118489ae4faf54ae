#!/usr/bin/env python3
"""Runs ParViz's benchmarks and prints one table: each figure beside its peer, the ratio and
the target, so that anyone can reproduce README.md's "Benchmarks" table on their own machine.

    cmake --build --preset dev --target bench-table        # or:
    tests/bench/bench-table.py build/dev/bin [--quick]

Every peer is measured in the same process as ParViz, interleaved where the benchmark allows
(see each bench_*.cpp). --quick runs fewer repetitions and rounds: a rough look in two minutes
instead of about fifteen. Needs a quiet machine: other work running makes every figure worse.
"""

import argparse
import json
import os
import re
import subprocess
import sys


def run(binary, *args, env=None):
    result = subprocess.run([binary, *args], capture_output=True, text=True,
                            env={**os.environ, **(env or {})})
    if result.returncode != 0:
        sys.exit(f"{os.path.basename(binary)} failed ({result.returncode}):\n{result.stderr}")
    return result.stdout


def google_benchmark(binary, repetitions, *args, env=None):
    """The benchmarks' medians (or their single runs), by name without the _median suffix."""
    text = run(binary, "--benchmark_format=json",
               f"--benchmark_repetitions={repetitions}",
               "--benchmark_report_aggregates_only=true", *args, env=env)
    figures = {}
    for bench in json.loads(text)["benchmarks"]:
        if bench.get("run_type") == "aggregate" and bench.get("aggregate_name") != "median":
            continue
        figures[bench["run_name"]] = bench
    return figures


def find(figures, prefix):
    for name, bench in figures.items():
        if name.startswith(prefix):
            return bench
    sys.exit(f"no benchmark {prefix}* in {sorted(figures)}")


class Table:
    def __init__(self):
        self.rows = []
        self.misses = 0

    def add(self, what, parviz, peer, ratio, target, met):
        self.rows.append((what, parviz, peer, ratio, target, "yes" if met else "**no**"))
        self.misses += 0 if met else 1

    def print(self):
        print("| what | ParViz | peer (same run) | ratio | target | met |")
        print("|---|---|---|---|---|---|")
        for row in self.rows:
            print("| " + " | ".join(row) + " |")


def ns(value):
    return f"{value:.1f} ns" if value < 1000 else f"{value / 1000:.2f} us"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bin", help="the folder of the built programs, e.g. build/dev/bin")
    parser.add_argument("--quick", action="store_true", help="fewer repetitions and rounds")
    options = parser.parse_args()
    bin_dir = options.bin
    reps = 2 if options.quick else 5

    def binary(name):
        path = os.path.join(bin_dir, name)
        if not os.access(path, os.X_OK):
            sys.exit(f"{path} is missing: build with PARVIZ_BUILD_BENCHMARKS on (the dev preset)")
        return path

    table = Table()
    print(f"# ParViz benchmarks on {os.cpu_count()} logical CPUs", file=sys.stderr)

    # Makespan of sleep tasks: every pooled strategy against the best of std::thread,
    # QThreadPool and oneTBB, rounds interleaved.
    print("makespan (the longest part)...", file=sys.stderr)
    figures = google_benchmark(binary("bench_makespan"), 1,
                               env={"PARVIZ_BENCH_ROUNDS": "3" if options.quick else "5"})
    for name, bench in figures.items():
        match = re.match(r"makespan/(\d+)/(\d+)/(\d+)", name)
        tasks, ms, workers = match.groups()
        peers = {k: bench[k] for k in ("std_thread", "QThreadPool", "oneTBB")}
        best = min(peers, key=peers.get)
        for strategy in ("thread-pool", "thread-pool-nogil", "pool-map", "batched",
                         "process-pool"):
            ratio = bench[strategy + "/peer"]
            table.add(f"{tasks} sleeps of {ms} ms, W = {workers}: `{strategy}` makespan / "
                      "ceil(N/W) x d", f"{bench[strategy]:.3f}", f"{bench['best_peer']:.3f} "
                      f"({best})", f"{ratio:.3f}", "<= 1.005", ratio <= 1.005)

    print("dispatch...", file=sys.stderr)
    figures = google_benchmark(binary("bench_dispatch"), reps)
    per_task = {name.split("/")[0]: bench["per_task"] * 1e9 for name, bench in figures.items()}
    for name, what in (("parvizThreadPoolNoGil", "tasks without a GIL"),
                       ("parvizThreadPool", "pure-Python tasks, which take the GIL")):
        ratio = per_task[name] / per_task["qThreadPoolStart"]
        table.add(f"dispatch per empty task, 2 workers: `thread-pool`, {what} (recording "
                  "included)", ns(per_task[name]), ns(per_task["qThreadPoolStart"]) +
                  " (QThreadPool::start)", f"{ratio:.2f}", "<= 1", ratio <= 1)
    # Like for like: QtConcurrent::map has no GIL. Pure-Python tasks hand the GIL over between
    # calls, which no peer does: their figure is told, not compared.
    ratio = per_task["parvizPoolMapChunk64NoGil"] / per_task["qtConcurrentMapRecording"]
    table.add("dispatch per empty task, 2 workers: `pool-map`, chunks of 64, tasks without a GIL",
              ns(per_task["parvizPoolMapChunk64NoGil"]),
              ns(per_task["qtConcurrentMapRecording"]) +
              " (QtConcurrent::map, recording each item as ParViz does; bare: " +
              ns(per_task["qtConcurrentMap"]) + "); pure-Python tasks: " +
              ns(per_task["parvizPoolMapChunk64"]), f"{ratio:.2f}", "<= 2", ratio <= 2)

    print("worker processes...", file=sys.stderr)
    figures = google_benchmark(binary("bench_processpool"), 1,
                               "--benchmark_filter=firstResultAgainstTinyWorker")
    bench = find(figures, "firstResultAgainstTinyWorker")
    ratio = bench["ratio_first"]
    table.add("`process-pool`, W = 2: start until the first result",
              f"{bench['pv_first_ms']:.2f} ms", f"{bench['tiny_first_ms']:.2f} ms "
              "(posix_spawn of a tiny worker)", f"{ratio:.2f}", "<= 1.5", ratio <= 1.5)

    print("recording...", file=sys.stderr)
    figures = google_benchmark(binary("bench_recording"), reps)
    clock = find(figures, "clockReadsOnly")["real_time"]
    record = find(figures, "recordTasks/reserved")["real_time"]
    table.add("recording one task (two timestamps and the store)", ns(record),
              ns(clock) + " (the two clock reads alone)", f"{record / clock:.2f}", "<= 45 ns",
              record <= 45)
    snapshot = find(figures, "snapshotDuringMillionTaskRun")
    table.add("a snapshot during a run of 1,000,000 tasks (O(new events))",
              ns(snapshot["real_time"]), "-", "-", "O(new events)",
              snapshot["events_seen"] >= 1e6)
    for workers in (2, 8):
        trace = find(figures, f"millionTaskTrace/{workers}/")
        table.add(f"trace of 1,000,000 tasks, W = {workers}: bytes per event",
                  f"{trace['bytes_per_event']:.1f}", "32 (one TaskEvent)",
                  f"{trace['bytes_per_event'] / 32:.2f}", "< 48",
                  trace["bytes_per_event"] < 48)

    print("painting...", file=sys.stderr)
    figures = google_benchmark(binary("bench_ganttpaint"), reps,
                               "--benchmark_filter=/1000000", env={"QT_QPA_PLATFORM": "offscreen"})
    for name, label in (("paintWholeRun", "whole run"), ("paintATenth", "a tenth of it")):
        bench = find(figures, name + "/1000000")
        ms = bench["real_time"] * {"ns": 1e-6, "us": 1e-3, "ms": 1, "s": 1e3}[bench["time_unit"]]
        table.add(f"painting 1,000,000 events at 1600x900, {label} in view", f"{ms:.1f} ms",
                  "-", "-", "< 16 ms", ms < 16)

    print("a live run in the window...", file=sys.stderr)
    text = run(binary("bench_livegui"), "--repeat", "1" if options.quick else "3",
               env={"QT_QPA_PLATFORM": "offscreen"})
    rows = [line for line in text.splitlines() if re.match(r"\| \d+ \| [\d.]+ \| ", line)]
    cells = [cell.strip() for cell in rows[0].strip("|").split("|")]
    p99 = float(cells[3].split()[0])
    table.add("a live run of 100,000 sleeps of 100 us on 8 workers: frame time, p99",
              f"{p99:.1f} ms", "-", "-", "< 16.7 ms (60 fps)", p99 < 16.7)

    table.print()
    if table.misses:
        print(f"\n{table.misses} target(s) missed on this machine; README.md explains each.")


if __name__ == "__main__":
    main()
