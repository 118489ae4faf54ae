#pragma once

#include "strategies/strategy.h"

namespace parviz {

// joblib.Parallel(n_jobs=W, batch_size='auto')(delayed(f)(t) for t in tasks): tasks go out in
// batches whose size adapts to their measured duration, 2 x W tasks dispatched up front, one
// more batch each time a batch completes. With joblib's dask backend the cluster runs the
// batches, and the Dask engine the plan (makeEngine()).
class BatchedStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
