#pragma once

#include "plan/runplan.h"

#include <QString>

namespace parviz {

// The Python program that a plan's strategy mirrors, with the plan's numbers filled in: task
// count, durations, workers, chunk size, switch interval, batch size. It is a complete program:
// `python3 program.py` runs the same workload in CPython and prints its elapsed time, as the
// seed tutorial's examples do. It stays short for any task count: durations that cannot be
// written compactly are made by a line of Python. The plan's tasks need not be made.
//
// Its CPU-bound tasks burn their duration of the thread's own CPU time (time.thread_time), so
// that, as in ParViz, a CPU task is a fixed amount of computing that takes its duration on an
// idle core and longer while it waits for the GIL or for a core.
//
// Traced, the program also tells ParViz what happened, on lines of standard output that begin
// with PythonTraceMarker, each written at once (os.write) so that threads and processes never
// interleave them: {"e": "begin"} when its clock starts, {"e": "start", "task": i} and
// {"e": "done", "task": i} around every task, {"e": "end"} when its clock stops. Each has "t"
// (time.monotonic_ns(), CLOCK_MONOTONIC, ParViz's own clock), "pid" and "tid" (the native
// thread id). And it ends with ParViz: it watches its standard input, which ParViz holds open,
// and when that ends (ParViz killed), it removes its own file and folder and kills its process
// group (the one ParViz starts it in), its worker processes with it. Everything else is the
// program as shown.
//
// Any thread.
enum class PythonTracing { Off, On };
inline constexpr char PythonTraceMarker[] = "\x1eparviz ";
QString pythonProgram(const RunPlan &plan, PythonTracing tracing = PythonTracing::Off);

// The file the program is saved as: "thread_pool.py". Never the name of a module it imports:
// dask's program is "dask_cluster.py".
QString pythonFileName(const RunPlan &plan);

// What ParViz itself runs for the plan, as a short C++ sketch of the strategy's implementation
// with the plan's numbers (core/strategies/), ending with what a task does.
//
// Any thread.
QString cppCall(const RunPlan &plan);

} // namespace parviz
