#pragma once

#include "run/runplan.h"

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
// Any thread.
QString pythonProgram(const RunPlan &plan);

// What ParViz itself runs for the plan, as a short C++ sketch of the strategy's implementation
// with the plan's numbers (core/strategies/), ending with what a task does.
//
// Any thread.
QString cppCall(const RunPlan &plan);

} // namespace parviz
