#include "strategies/threadpool.h"

#include "strategies/taskqueue.h"
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
            "overlap freely, even with more threads than cores; CPU-bound tasks can only go as "
            "fast as there are cores, and their bars stretch when threads outnumber them."),
    };
}

void ThreadPoolStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    const int workers = context.plan().workers;
    TraceLane &main = context.recorder().main();
    TaskQueue queue(tasks.size());

    main.begin(-1, EventKind::Submit, context.now());
    WorkerThreads threads(context, [&context, &queue, &tasks](int worker) {
        const std::stop_token stop = context.stopToken();
        while (const auto index = queue.pop(stop))
            context.runTask(worker, tasks[static_cast<std::size_t>(*index)]);
    });
    for (std::size_t i = 0; i < tasks.size() && !context.stopRequested(); ++i) {
        queue.push(static_cast<std::int64_t>(i));
        // ThreadPoolExecutor._adjust_thread_count: a new thread per submit until there are W.
        if (threads.startedCount() < workers && !threads.start(threads.startedCount()))
            break;
    }
    queue.close();
    main.end(context.now());

    main.begin(-1, EventKind::Wait, context.now());
    threads.joinAll();
    main.end(context.now());
}

} // namespace parviz
