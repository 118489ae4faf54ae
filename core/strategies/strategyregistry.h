#pragma once

#include "strategies/strategy.h"

#include <QStringView>

#include <memory>
#include <optional>
#include <vector>

namespace parviz {

struct StrategyEntry
{
    StrategyInfo info;
    // The strategy's own engine. What runs a given plan is makeEngine(plan)'s: a plan's options
    // may send its tasks to a cluster.
    std::unique_ptr<Strategy> (*create)();
};

// Every strategy ParViz has, in the order they are taught. Adding one is a file pair in
// core/strategies/ and one line in strategyregistry.cpp.
const std::vector<StrategyEntry> &strategyRegistry();
// The strategy with this id, also the one a traced program's run names
// (TracedProgramStrategyId), which strategyRegistry() does not list. Ids that older files, presets
// and scripts use for what is now a workload property are found too: "gil-threads" is the thread
// pool (see strategyAlias()).
const StrategyEntry *findStrategy(QStringView id);
// What an old id says about the workload besides its strategy: "gil-threads" was a thread pool
// whose tasks hold the GIL. Nothing for an id that is a strategy's own.
std::optional<TaskGil> gilImpliedBy(QStringView id);
// Whether the plan's tasks run as threads of one process under one GIL that they take: its
// strategy's workers are threads and its tasks hold the GIL or take it around their calls.
bool tasksShareOneGil(const RunPlan &plan);
// Whether the workers of `strategy` with these options are a Dask cluster's: dask, and batched
// on joblib's dask backend. False for a strategy that does not exist.
bool runsOnCluster(QStringView strategy, const StrategyOptions &options);
// What runs `plan`: for a plan with a program, the traced program's engine; for any plan whose
// workers are a Dask cluster (dask, and batched on joblib's dask backend), the Dask engine, CPython
// running the plan's program (makeDaskEngine()); for every other, its strategy's own. The plan's
// strategy must exist.
std::unique_ptr<Strategy> makeEngine(const RunPlan &plan);
// How many worker rows a run of `plan` has: its workers, or one per task for thread-per-task.
int laneCountOf(const RunPlan &plan);

} // namespace parviz
