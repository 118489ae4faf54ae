#pragma once

#include "strategies/strategy.h"

namespace parviz {

// A plain for loop: the baseline every speedup is measured against.
class SequentialStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    int laneCount(const RunPlan &) const override { return 1; }
    void run(RunContext &context) override;
};

} // namespace parviz
