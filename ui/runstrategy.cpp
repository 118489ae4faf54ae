#include "runstrategy.h"

#include "strategies/strategyregistry.h"
#include "util/format.h"

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

QString rowsOf(const RunResult &run)
{
    if (run.plan.program)
        return countOf(run.workers, "row", "rows");
    return strategyOf(run).rowPerTask() ? countOf(run.workers, "thread", "threads")
                                        : countOf(run.workers, "worker", "workers");
}

} // namespace parviz
