#pragma once

#include "strategies/strategy.h"

#include <functional>

namespace parviz {

class TaskQueue;

// ThreadPoolExecutor(max_workers=W) with a submit() per task and shutdown(wait=True): one FIFO
// queue of task indices; each of the first W submits also starts a thread (as
// _adjust_thread_count does); the caller's row shows submitting, then waiting. Each worker
// thread runs `workerLoop(worker, queue)`, which pops and runs tasks until pop() says stop.
// The run's main thread.
void runThreadPoolExecutor(
    RunContext &context, const std::function<void(int worker, TaskQueue &queue)> &workerLoop);

// concurrent.futures.ThreadPoolExecutor(max_workers=W) with one submit() per task.
class ThreadPoolStrategy : public Strategy
{
public:
    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
