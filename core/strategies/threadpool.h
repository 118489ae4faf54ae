#pragma once

#include "strategies/strategy.h"

namespace parviz {

// concurrent.futures.ThreadPoolExecutor(max_workers=W) with one submit() per task.
class ThreadPoolStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
