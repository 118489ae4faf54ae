#include "strategies/batched.h"

#include "strategies/batchsizer.h"
#include "strategies/callerrow.h"
#include "strategies/taskqueue.h"
#include "strategies/threadgil.h"
#include "strategies/workerthreads.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace parviz {

namespace {

struct Batch
{
    std::size_t first = 0; // tasks [first, last)
    std::size_t last = 0;
    std::int64_t dispatchedNs = 0;

    int size() const { return static_cast<int>(last - first); }
};

// joblib's Parallel.dispatch_one_batch(): the batch size comes from the backend (the
// BatchSizer for loky, always 1 for threading), the task iterator is sliced W batches at a time
// into a local queue of ready batches, and near the end of the tasks the slice is cut ten times
// finer so the last batches spread over all workers. With one worker, both backends fall back
// to SequentialBackend (their configure() raises FallbackToBackend when n_jobs == 1), whose
// compute_batch_size() is always 1 and whose batch_completed() does nothing, and
// Parallel.__call__ sets _original_iterator to None, so the caller dispatches every task and
// completions dispatch nothing.
//
// Any thread: every member but batch() runs under m_mutex, as joblib's Parallel._lock.
class BatchDispatcher
{
public:
    BatchDispatcher(RunContext &context, TaskQueue &queue, JoblibBackend backend)
        : m_context(context)
        , m_queue(queue)
        , m_taskCount(context.tasks().size())
        , m_sizer(
              context.plan().options.minBatchDurationNs, context.plan().options.maxBatchDurationNs)
        , m_batches(m_taskCount)
        , m_tasks(m_taskCount, static_cast<std::size_t>(context.plan().workers))
        , m_autoBatching(backend == JoblibBackend::Loky && context.plan().workers > 1)
        , m_iterating(context.plan().workers > 1)
    { }

    // The caller's pre-dispatch: batches from `limit` tasks only, as joblib slices the task
    // iterator to pre_dispatch = 2 * n_jobs tasks before it starts (every task with one worker).
    // The slice counts only what it yields itself, however many tasks workers' callbacks take
    // meanwhile.
    void preDispatch(std::size_t limit)
    {
        std::scoped_lock lock(m_mutex);
        m_tasks.setPreDispatchLimit(limit);
        while (!m_context.stopRequested() && dispatchOneLocked(/*fromOriginal=*/false)) { }
    }

    // No more batches: after this, completions dispatch nothing and the queue drains.
    void close()
    {
        std::scoped_lock lock(m_mutex);
        m_iterating = false;
        m_queue.close();
    }

    // joblib's BatchCompletionCallBack, on the worker that ran the batch: records how long the
    // batch took and dispatches the next one, timed as a `dispatch` event on that worker's row.
    void batchCompleted(int worker, const Batch &batch)
    {
        const std::int64_t start = m_context.now();
        bool dispatched = false;
        {
            std::scoped_lock lock(m_mutex);
            if (m_autoBatching)
                m_sizer.batchCompleted(batch.size(), start - batch.dispatchedNs);
            if (m_iterating && !m_context.stopRequested()) {
                dispatched = dispatchOneLocked(/*fromOriginal=*/true);
                m_iterating = dispatched;
            }
        }
        if (dispatched)
            m_context.recorder().worker(worker).append(
                -1, EventKind::Dispatch, start, m_context.now());
    }

    // A dispatched batch; its slot is written before the queue publishes its index.
    const Batch &batch(std::size_t index) const { return m_batches[index]; }

private:
    // `fromOriginal`: from the task iterator itself (a completion's dispatch_next()), rather
    // than from the pre-dispatch slice of it.
    bool dispatchOneLocked(bool fromOriginal)
    {
        const std::size_t batchSize =
            m_autoBatching ? static_cast<std::size_t>(m_sizer.computeBatchSize()) : 1;
        if (m_ready.empty()
            && !m_tasks.take(batchSize, fromOriginal, [this](std::size_t first, std::size_t last) {
                   m_ready.push_back({first, last, 0});
               }))
            return false;
        Batch &batch = m_batches[m_dispatched];
        batch = m_ready.front();
        m_ready.pop_front();
        batch.dispatchedNs = m_context.now();
        m_queue.push(static_cast<std::int64_t>(m_dispatched));
        ++m_dispatched;
        return true;
    }

    RunContext &m_context;
    TaskQueue &m_queue;
    const std::size_t m_taskCount;

    std::mutex m_mutex; // guards everything below
    BatchSizer m_sizer;
    std::deque<Batch> m_ready;
    std::vector<Batch> m_batches; // at most one batch per task, so never reallocated
    std::size_t m_dispatched = 0;
    BatchTaskIterator m_tasks;
    const bool m_autoBatching; // AutoBatchingMixin: loky, with more than one worker
    bool m_iterating; // _original_iterator is not None
};

// Counts completed tasks so the caller can wait for all of them, as Parallel.retrieve() does.
// Any thread.
class CompletionCounter
{
public:
    void add(std::size_t tasks)
    {
        std::scoped_lock lock(m_mutex);
        m_completed += tasks;
        m_changed.notify_all();
    }

    bool waitFor(std::size_t total, std::stop_token stop)
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait(lock, stop, [&] { return m_completed >= total; });
    }

private:
    std::mutex m_mutex; // guards m_completed
    std::condition_variable_any m_changed;
    std::size_t m_completed = 0;
};

} // namespace

StrategyInfo BatchedStrategy::describe()
{
    return {
        QStringLiteral("batched"),
        QStringLiteral("joblib batches"),
        QStringLiteral("Parallel(n_jobs=W, backend='threading')(delayed(f)(t) for t in tasks)"),
        QStringLiteral(
            "joblib's Parallel with its threading backend: W threads of this process. The caller "
            "pre-dispatches 2 x W tasks, then each task that completes dispatches the next one, "
            "from the worker that ran it: a short dispatch segment at the end of a task. The "
            "threading backend does not batch automatically (only loky, joblib's default with "
            "worker processes, does), so every batch is a single task. The threads share the "
            "GIL: pure-Python CPU work takes turns, work that releases the GIL or sleeps "
            "overlaps. The seed's 300 tasks of 0.1 s on 12 CPUs take 2.98 s against 30.95 s "
            "sequentially."),
        /*usesWorkerCount=*/true,
        /*hasCaller=*/true,
        WorkerKind::Threads,
        HandOut::AutoBatches,
    };
}

void BatchedStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    const int workers = context.plan().workers;
    TaskQueue queue(tasks.size());
    // ParViz's batches run on threads of this process, as joblib's threading backend has them.
    BatchDispatcher dispatcher(context, queue, JoblibBackend::Threading);
    CompletionCounter completion;

    ThreadGil gil(context);
    CallerRow caller(context);
    WorkerThreads threads(context, [&](int worker) {
        const std::stop_token &stop = context.stopToken();
        while (const auto index = queue.pop(stop)) {
            const Batch batch = dispatcher.batch(static_cast<std::size_t>(*index));
            std::size_t completed = 0;
            // Every batch is marked, one of a single task too: batch sizes change during the
            // run, and a task alone is a batch as much as eight together are.
            for (std::size_t i = batch.first; i < batch.last && !context.stopRequested(); ++i) {
                const std::uint8_t flags = i == batch.first ? EventFlag::GroupStart : 0;
                if (gil.runTask(worker, tasks[i], flags) != RunContext::TaskEnd::Completed)
                    break;
                ++completed;
            }
            if (completed == static_cast<std::size_t>(batch.size()))
                dispatcher.batchCompleted(worker, batch);
            completion.add(completed);
        }
    });
    threads.startAll(workers);
    // pre_dispatch = 2 * n_jobs; with one worker, SequentialBackend: the caller dispatches
    // every task.
    const std::size_t preDispatch =
        static_cast<std::size_t>(context.plan().options.preDispatchFactor)
        * static_cast<std::size_t>(workers);
    dispatcher.preDispatch(workers > 1 ? std::min(preDispatch, tasks.size()) : tasks.size());

    caller.startWaiting();
    completion.waitFor(tasks.size(), context.stopToken());
    dispatcher.close();
    threads.joinAll();
}

} // namespace parviz
