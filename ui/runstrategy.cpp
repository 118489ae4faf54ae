#include "runstrategy.h"

#include "strategies/strategyregistry.h"

namespace parviz {

StrategyInfo strategyOf(QStringView id)
{
    const StrategyEntry *entry = findStrategy(id);
    return entry ? entry->info : StrategyInfo{};
}

StrategyInfo strategyOf(const RunPlan &plan)
{
    return strategyOf(plan.strategy);
}

StrategyInfo strategyOf(const RunResult &run)
{
    return run.strategy.id.isEmpty() ? strategyOf(run.plan) : run.strategy;
}

} // namespace parviz
