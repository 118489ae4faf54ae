#pragma once

#include "strategies/strategy.h"

namespace parviz {

// executor.map(f, tasks, chunksize=C) / multiprocessing.Pool.map: chunks of C consecutive
// tasks handed to W workers, results collected in input order.
class PoolMapStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
