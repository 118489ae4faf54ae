#pragma once

#include "run/sweep.h"

#include <QString>

namespace parviz {

// A sweep for a person, as parviz-cli sweep prints it: what ran, a table of the sequential
// baseline and each worker count (makespan, speedup, efficiency, Karp-Flatt, the cores other
// processes kept busy), notes on what a number there means, and the Amdahl fit. Ends with a
// newline.
QString sweepSummary(const SweepPlan &plan, const SweepResult &sweep);

} // namespace parviz
