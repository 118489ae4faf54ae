#include "strategies/strategyregistry.h"

#include "strategies/batched.h"
#include "strategies/dask.h"
#include "strategies/poolmap.h"
#include "strategies/processpool.h"
#include "strategies/sequential.h"
#include "strategies/threadpertask.h"
#include "strategies/threadpool.h"
#include "strategies/tracedprogram.h"

namespace parviz {

namespace {

template <typename T>
StrategyEntry entry()
{
    return {T::describe(), []() -> std::unique_ptr<Strategy> { return std::make_unique<T>(); }};
}

} // namespace

const std::vector<StrategyEntry> &strategyRegistry()
{
    static const std::vector<StrategyEntry> entries{
        entry<SequentialStrategy>(),
        entry<ThreadPerTaskStrategy>(),
        entry<ThreadPoolStrategy>(),
        entry<PoolMapStrategy>(),
        entry<BatchedStrategy>(),
        entry<ProcessPoolStrategy>(),
        {DaskStrategy::describe(), &makeDaskEngine},
    };
    return entries;
}

bool runsOnCluster(QStringView strategy, const StrategyOptions &options)
{
    const StrategyEntry *entry = findStrategy(strategy);
    return entry && entry->info.workersWith(options) == WorkerKind::Cluster;
}

std::unique_ptr<Strategy> makeEngine(const RunPlan &plan)
{
    if (plan.program)
        return makeTracedProgramEngine();
    const StrategyEntry *entry = findStrategy(plan.strategy);
    Q_ASSERT_X(entry, "makeEngine", "the plan names a strategy that does not exist");
    if (runsOnCluster(plan.strategy, plan.options))
        return makeDaskEngine();
    return entry->create();
}

int laneCountOf(const RunPlan &plan)
{
    return findStrategy(plan.strategy) ? makeEngine(plan)->laneCount(plan) : plan.workers;
}

namespace {

// Strategies that became a workload property. A run file, preset or script that names one
// still runs what it always did.
struct StrategyAlias
{
    QLatin1String id;
    QLatin1String strategy;
    TaskGil gil;
};

constexpr StrategyAlias Aliases[] = {
    // Python threads under the GIL: the thread pool with tasks that hold it.
    {QLatin1String("gil-threads"), QLatin1String("thread-pool"), TaskGil::Held},
};

} // namespace

const StrategyEntry *findStrategy(QStringView id)
{
    for (const StrategyAlias &alias : Aliases) {
        if (alias.id == id)
            return findStrategy(QString(alias.strategy));
    }
    for (const auto &candidate : strategyRegistry()) {
        if (candidate.info.id == id)
            return &candidate;
    }
    // Not listed: nobody chooses it, but a traced run names it.
    static const StrategyEntry traced{TracedProgramStrategy::describe(), &makeTracedProgramEngine};
    if (traced.info.id == id)
        return &traced;
    return nullptr;
}

std::optional<TaskGil> gilImpliedBy(QStringView id)
{
    for (const StrategyAlias &alias : Aliases) {
        if (alias.id == id)
            return alias.gil;
    }
    return std::nullopt;
}

bool tasksShareOneGil(const RunPlan &plan)
{
    const StrategyEntry *entry = findStrategy(plan.strategy);
    return entry && entry->info.workersWith(plan.options) == WorkerKind::Threads
        && plan.workload.gil != TaskGil::None;
}

bool Strategy::hasGilLane(const RunPlan &plan) const
{
    return tasksShareOneGil(plan);
}

} // namespace parviz
