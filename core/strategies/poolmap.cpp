#include "strategies/poolmap.h"

#include "strategies/callerrow.h"
#include "strategies/chunkcompletion.h"
#include "strategies/taskqueue.h"
#include "strategies/threadgil.h"
#include "strategies/workerthreads.h"

#include <algorithm>

namespace parviz {

StrategyInfo PoolMapStrategy::describe()
{
    return {
        QStringLiteral("pool-map"),
        QStringLiteral("Pool map"),
        QStringLiteral("list(executor.map(f, tasks, chunksize=C))"),
        QStringLiteral(
            "The tasks are cut into chunks of C consecutive tasks; W workers take whole chunks "
            "from one queue, and the caller collects the results in input order, so a slow early "
            "chunk holds back the results behind it (the main row keeps waiting). Bigger chunks "
            "mean fewer hand-overs but a lumpier end. ProcessPoolExecutor.map and "
            "multiprocessing.Pool.map honour chunksize; ThreadPoolExecutor.map ignores it. "
            "The workers are threads: pure-Python CPU work takes turns under the GIL."),
        /*usesWorkerCount=*/true,
        /*hasCaller=*/true,
        WorkerKind::Threads,
        HandOut::Chunks,
    };
}

void PoolMapStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    const std::size_t chunkSize = static_cast<std::size_t>(context.plan().options.chunkSize);
    const std::size_t chunks = (tasks.size() + chunkSize - 1) / chunkSize;
    TaskQueue queue(chunks);
    ChunkCompletion completion(chunks);
    // A chunk's count of completed tasks, written by its worker before markEnded().
    std::vector<std::size_t> completedInChunk(chunks, 0);

    // Chunks of one are tasks handed out one at a time, as a thread pool's: no group to mark.
    const std::uint8_t chunkStart = chunkSize > 1 ? EventFlag::GroupStart : 0;

    ThreadGil gil(context);
    CallerRow caller(context);
    WorkerThreads threads(context, [&](int worker) {
        const std::stop_token &stop = context.stopToken();
        while (const auto chunk = queue.pop(stop)) {
            const std::size_t first = static_cast<std::size_t>(*chunk) * chunkSize;
            const std::size_t last = std::min(first + chunkSize, tasks.size());
            std::size_t completed = 0;
            for (std::size_t i = first; i < last && !context.stopRequested(); ++i) {
                if (gil.runTask(worker, tasks[i], i == first ? chunkStart : 0)
                    != RunContext::TaskEnd::Completed)
                    break;
                ++completed;
            }
            completedInChunk[static_cast<std::size_t>(*chunk)] = completed;
            completion.markEnded(static_cast<std::size_t>(*chunk));
        }
    });
    threads.startAll(context.plan().workers);
    for (std::size_t chunk = 0; chunk < chunks && !context.stopRequested(); ++chunk)
        queue.push(static_cast<std::int64_t>(chunk));
    queue.close();

    caller.startWaiting();
    completion.waitForAll(context.stopToken());
    threads.joinAll();

    // Results in input order, as map() yields them: chunk by chunk, up to the first chunk that
    // did not end or a task that did not complete (map() raises there).
    std::vector<std::int32_t> order;
    order.reserve(tasks.size());
    for (std::size_t chunk = 0; chunk < chunks && completion.ended(chunk); ++chunk) {
        const std::size_t first = chunk * chunkSize;
        for (std::size_t i = 0; i < completedInChunk[chunk]; ++i)
            order.push_back(tasks[first + i].id);
        if (first + completedInChunk[chunk] < std::min(first + chunkSize, tasks.size()))
            break;
    }
    context.setResultOrder(std::move(order));
}

} // namespace parviz
