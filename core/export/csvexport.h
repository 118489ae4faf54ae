#pragma once

#include "run/runresult.h"
#include "run/sweep.h"

#include <vector>

class QIODevice;

namespace parviz {

// CSV exports, RFC 4180 with a header row, streamed row by row. Documented in README.md.

// One row per event: task,worker,kind,start_ns,end_ns,pid,status. `worker` is the lane (-1 the
// caller, -2 the GIL), `status` is ok, interrupted, failed or abandoned. A traced program's run
// adds function,arguments: what each unit of work ran (its qualified name), and with what.
bool writeRunCsv(const RunResult &run, QIODevice &device);
// The same for several runs, each row led by its run's label: the strategy, and the engine of
// a run that was not ParViz's ("thread-pool (CPython 3.11.2)"); function,arguments when any
// run traced a program.
bool writeComparisonCsv(const std::vector<RunResult> &runs, QIODevice &device);
// One row per point of the speedup curve, the sequential baseline first:
// strategy,workers,runs,makespan_ns,min_makespan_ns,max_makespan_ns,speedup,efficiency,karp_flatt
bool writeSweepCsv(const SweepResult &sweep, QIODevice &device);

} // namespace parviz
