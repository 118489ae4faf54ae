#include "strategies/threadpool.h"

#include "strategies/callerrow.h"
#include "strategies/taskqueue.h"
#include "strategies/threadgil.h"
#include "strategies/workerthreads.h"

namespace parviz {

StrategyInfo ThreadPoolStrategy::describe()
{
    return {
        QStringLiteral("thread-pool"),
        QStringLiteral("Thread pool"),
        QStringLiteral(
            "with ThreadPoolExecutor(max_workers=W) as ex: [ex.submit(f, t) for t in tasks]"),
        QStringLiteral(
            "W threads share one first-in, first-out queue: each takes the next task as soon as "
            "it is free. As in ThreadPoolExecutor, a thread is started with each of the first W "
            "submissions, so the rows begin staggered by their spawn. Sleeping (I/O-bound) tasks "
            "overlap freely, even with more threads than cores. Pure-Python CPU work does not: "
            "CPython's threads share one global interpreter lock, a waiting thread asks for it "
            "after each switch interval (5 ms), so the threads take turns (gil-wait on every "
            "row, and the GIL row shows who held it) and gain nothing over one. Work that "
            "releases the GIL (hashlib, NumPy) or a free-threaded Python runs on every core, "
            "and its bars stretch when threads outnumber them."),
    };
}

void runThreadPoolExecutor(
    RunContext &context, const std::function<void(int worker, TaskQueue &queue)> &workerLoop)
{
    const std::size_t taskCount = context.tasks().size();
    const int workers = context.plan().workers;
    TaskQueue queue(taskCount);

    CallerRow caller(context);
    WorkerThreads threads(
        context, [&workerLoop, &queue](int worker) { workerLoop(worker, queue); });
    for (std::size_t i = 0; i < taskCount && !context.stopRequested(); ++i) {
        queue.push(static_cast<std::int64_t>(i));
        if (threads.startedCount() < workers && !threads.start(threads.startedCount()))
            break;
    }
    queue.close();
    caller.startWaiting();
    threads.joinAll();
}

void ThreadPoolStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    ThreadGil gil(context);
    runThreadPoolExecutor(context, [&context, &gil, &tasks](int worker, TaskQueue &queue) {
        const std::stop_token &stop = context.stopToken();
        while (const auto index = queue.pop(stop))
            gil.runTask(worker, tasks[static_cast<std::size_t>(*index)]);
    });
}

} // namespace parviz
