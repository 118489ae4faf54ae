#pragma once

#include "strategies/strategy.h"

namespace parviz {

// Python threads (ThreadPoolExecutor) running Python code: every thread must hold the GIL to
// compute, so CPU-bound work takes turns, while sleeps and I/O release it and overlap.
class GilThreadsStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    bool hasGilLane() const override { return true; }
    void run(RunContext &context) override;
};

} // namespace parviz
