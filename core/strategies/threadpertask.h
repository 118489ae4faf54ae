#pragma once

#include "strategies/strategy.h"

namespace parviz {

// threading.Thread(target=f, args=(t,)).start() for every task, then join() each.
class ThreadPerTaskStrategy : public Strategy
{
public:
    // One thread per task: the system runs out of threads (or of memory for their stacks) in
    // the tens of thousands, so ParViz stops well before.
    static constexpr int MaxThreads = RunPlan::MaxLanes;

    static StrategyInfo describe();
    Result<void> checkPlan(const RunPlan &plan) const override;
    int laneCount(const RunPlan &plan) const override;
    void run(RunContext &context) override;
};

} // namespace parviz
