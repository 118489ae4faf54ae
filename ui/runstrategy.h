#pragma once

#include "run/runresult.h"
#include "strategies/strategy.h"

#include <QStringView>

namespace parviz {

// What a strategy is, as the registry describes it, so that the program treats strategies by
// what they are rather than by their ids. An id the registry does not know gets StrategyInfo's
// defaults: a pool of threads fed from a queue.
StrategyInfo strategyOf(QStringView id);
StrategyInfo strategyOf(const RunPlan &plan);
// What ran the run: run.strategy, or for a run that does not say, its plan's strategy.
StrategyInfo strategyOf(const RunResult &run);
// A run's rows, counted as what they are: "6 rows" of a traced program (the threads and
// processes that ran its work), "8 threads" of a thread per task, "4 workers" of any other.
QString rowsOf(const RunResult &run);

} // namespace parviz
