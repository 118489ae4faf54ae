#pragma once

#include "strategies/strategy.h"

namespace parviz {

// concurrent.futures.ProcessPoolExecutor(max_workers=W) / multiprocessing.Pool(W): tasks run in
// W real worker processes (parviz-worker), handed out C at a time as each worker finishes.
class ProcessPoolStrategy : public Strategy
{
public:
    // How long stopped workers get to exit before they are killed.
    static constexpr std::int64_t StopGraceNs = 500'000'000;
    // A task that takes down its worker this often is not tried again.
    static constexpr int MaxAttempts = 3;

    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
