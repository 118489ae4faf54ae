#pragma once

#include "python/interpreter.h"
#include "run/comparison.h"

#include <QString>

namespace parviz {

// A comparison for a person, as parviz-cli compare prints it: the workload and what the
// speedups are against, then a line per run in the schedule's ranking, fastest first, with its
// makespan, ratio to the lower bound, speedup and efficiency, and how a run that did not finish
// ended; then how many planned runs did not run. Ends with a newline.
QString comparisonSummary(const ComparisonSchedule &schedule);

// ParViz's run and CPython's run of the same plan side by side, as parviz-cli truth prints
// them: what ran, in which interpreter, then the truthLines() of the schedule's first ParViz
// run and first CPython run (which says how a run that did not finish ended) as a table,
// CPython's figure over ParViz's in the last column, and whether CPython's run did not start.
// Empty without a ParViz run. Ends with a newline.
QString truthSummary(const ComparisonSchedule &schedule, const PythonInterpreter &python);

} // namespace parviz
