#include "strategies/strategyregistry.h"

#include "strategies/batched.h"
#include "strategies/gilthreads.h"
#include "strategies/poolmap.h"
#include "strategies/processpool.h"
#include "strategies/sequential.h"
#include "strategies/threadpertask.h"
#include "strategies/threadpool.h"

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
        entry<GilThreadsStrategy>(),
        entry<BatchedStrategy>(),
        entry<ProcessPoolStrategy>(),
    };
    return entries;
}

int laneCountOf(const RunPlan &plan)
{
    const StrategyEntry *entry = findStrategy(plan.strategy);
    return entry ? entry->create()->laneCount(plan) : plan.workers;
}

const StrategyEntry *findStrategy(QStringView id)
{
    for (const auto &candidate : strategyRegistry()) {
        if (candidate.info.id == id)
            return &candidate;
    }
    return nullptr;
}

} // namespace parviz
