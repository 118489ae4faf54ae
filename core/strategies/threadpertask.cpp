#include "strategies/threadpertask.h"

#include "strategies/callerrow.h"
#include "strategies/threadgil.h"
#include "strategies/workerthreads.h"

namespace parviz {

StrategyInfo ThreadPerTaskStrategy::describe()
{
    return {
        QStringLiteral("thread-per-task"),
        QStringLiteral("Thread per task"),
        QStringLiteral("threading.Thread(target=f, args=(t,)).start() for each task, then join()"),
        QStringLiteral(
            "A new thread for every task, all started at once, then joined one by one. The worker "
            "count is ignored: there are as many threads as tasks. Each row begins with the "
            "thread's spawn and the main row shows how long starting them all took. Fine for a "
            "handful of I/O waits; with thousands of tasks the start-up cost shows plainly. "
            "Pure-Python CPU work takes turns under the GIL, one thread at a time; work that "
            "releases the GIL competes for the cores."),
        /*usesWorkerCount=*/false,
        /*hasCaller=*/true,
        WorkerKind::Threads,
        HandOut::ThreadEach,
    };
}

Result<void> ThreadPerTaskStrategy::checkPlan(const RunPlan &plan) const
{
    if (plan.workload.taskCount > MaxThreads)
        return Error{QStringLiteral("bad-tasks"),
            QStringLiteral("thread-per-task starts one thread per task, and %1 threads are "
                           "more than a system can start (ParViz allows %2); use "
                           "thread-pool for that many tasks")
                .arg(plan.workload.taskCount)
                .arg(MaxThreads)};
    return {};
}

int ThreadPerTaskStrategy::laneCount(const RunPlan &plan) const
{
    return plan.workload.taskCount; // so that a plan without its tasks made has it too
}

void ThreadPerTaskStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    ThreadGil gil(context);
    CallerRow caller(context);
    WorkerThreads threads(context, [&gil, &tasks](int worker) {
        gil.runTask(worker, tasks[static_cast<std::size_t>(worker)]);
    });
    threads.startAll(static_cast<int>(tasks.size()));
    caller.startWaiting();
    threads.joinAll();
}

} // namespace parviz
