#pragma once

#include "strategies/strategy.h"

#include <memory>

namespace parviz {

// Dask distributed: client.map(f, tasks) then client.gather on a cluster's worker threads,
// a LocalCluster ParViz starts for the run or an existing one (StrategyOptions::daskScheduler).
// There is no C++ model of Dask's scheduler: the run is Dask's own, in CPython, traced.
class DaskStrategy
{
public:
    static StrategyInfo describe();
    // A row per worker thread: workers x threads per worker.
    static int laneCount(const RunPlan &plan);
};

// The engine that runs a plan on a Dask cluster (dask, and batched with joblib's dask backend):
// CPython running the strategy's program. It lives with the other engines that run Python
// (core/python/daskengine.cpp); the registry names it, and makeEngine() chooses it for every
// plan whose workers are a cluster.
std::unique_ptr<Strategy> makeDaskEngine();

} // namespace parviz
