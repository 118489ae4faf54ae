#pragma once

#include "strategies/strategy.h"

namespace parviz {

// threading.Thread(target=f, args=(t,)).start() for every task, then join() each.
class ThreadPerTaskStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    int laneCount(const RunPlan &plan) const override;
    void run(RunContext &context) override;
};

} // namespace parviz
