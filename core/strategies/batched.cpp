#include "strategies/batched.h"

#include "strategies/batchsizer.h"
#include "strategies/callerrow.h"
#include "strategies/processpool.h"
#include "strategies/taskqueue.h"
#include "strategies/threadgil.h"
#include "strategies/workerthreads.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <functional>
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
// A dispatched batch is published by its index, to the threading backend's queue or to the
// loky backend's worker processes.
//
// Any thread: every member but batch() runs under m_mutex, as joblib's Parallel._lock.
class BatchDispatcher
{
public:
    using Publish = std::function<void(std::size_t batch)>;

    BatchDispatcher(RunContext &context, JoblibBackend backend, Publish publish)
        : m_context(context)
        , m_publish(std::move(publish))
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

    // No more batches: after this, completions dispatch nothing.
    void stopIterating()
    {
        std::scoped_lock lock(m_mutex);
        m_iterating = false;
    }

    // joblib's BatchCompletionCallBack: records how long the batch took, from its dispatch to
    // `completedNs`, and dispatches the next one. Whether it dispatched one.
    bool batchCompleted(const Batch &batch, std::int64_t completedNs)
    {
        std::scoped_lock lock(m_mutex);
        if (m_autoBatching)
            m_sizer.batchCompleted(batch.size(), completedNs - batch.dispatchedNs);
        if (!m_iterating || m_context.stopRequested())
            return false;
        m_iterating = dispatchOneLocked(/*fromOriginal=*/true);
        return m_iterating;
    }

    // Every task is in a dispatched batch.
    bool allDispatched() const
    {
        std::scoped_lock lock(m_mutex);
        return m_ready.empty() && m_tasks.exhausted();
    }

    // A dispatched batch; its slot is written before its index is published.
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
        m_publish(m_dispatched++);
        return true;
    }

    RunContext &m_context;
    const Publish m_publish;
    const std::size_t m_taskCount;

    mutable std::mutex m_mutex; // guards everything below
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

// joblib's loky backend as the pool of worker processes sees it: batches are dispatched by the
// caller up front and by each completion after, and wait, ready, until a worker is free. A dead
// worker's batch is run again first.
class BatchFeed final : public PoolFeed
{
public:
    explicit BatchFeed(RunContext &context)
        : m_context(context)
        , m_dispatcher(
              context, JoblibBackend::Loky, [this](std::size_t batch) { m_ready.push_back(batch); })
    { }

    BatchDispatcher &dispatcher() { return m_dispatcher; }

    Group take() override
    {
        if (!m_retry.empty()) {
            Group group = std::move(m_retry.front());
            m_retry.pop_front();
            return group;
        }
        if (m_ready.empty())
            return {};
        const std::size_t index = m_ready.front();
        m_ready.pop_front();
        const Batch &batch = m_dispatcher.batch(index);
        Group group{{}, static_cast<std::int64_t>(index)};
        for (std::size_t task = batch.first; task < batch.last; ++task)
            group.tasks.push_back(task);
        return group;
    }
    // loky's call queue holds a batch for every worker and one more: a worker that finishes
    // finds its next batch waiting. Only while there is one for every worker, so that none
    // idles while a batch waits behind another's.
    bool sendsAhead(std::size_t workers) const override
    {
        return m_retry.size() + m_ready.size() >= workers;
    }
    void completed(std::int64_t tag) override
    {
        m_dispatcher.batchCompleted(
            m_dispatcher.batch(static_cast<std::size_t>(tag)), m_context.now());
    }
    void putBack(Group group) override { m_retry.push_front(std::move(group)); }
    bool exhausted() const override
    {
        return m_retry.empty() && m_ready.empty() && m_dispatcher.allDispatched();
    }
    bool marksGroups() const override { return true; }

private:
    RunContext &m_context;
    BatchDispatcher m_dispatcher;
    std::deque<std::size_t> m_ready; // dispatched batches no worker has taken yet
    std::deque<Group> m_retry; // a dead worker's, to run again first
};

// The caller's pre-dispatch: pre_dispatch = 2 * n_jobs tasks; with one worker, every task.
std::size_t preDispatchLimit(const RunContext &context)
{
    const auto workers = static_cast<std::size_t>(context.plan().workers);
    const std::size_t tasks = context.tasks().size();
    return workers > 1 ? std::min(
               static_cast<std::size_t>(context.plan().options.preDispatchFactor) * workers, tasks)
                       : tasks;
}

// The threading backend, and either backend with one worker (joblib's SequentialBackend): the
// batches run on threads of this process, each dispatching the next as it completes.
void runOnThreads(RunContext &context)
{
    const auto &tasks = context.tasks();
    const int workers = context.plan().workers;
    TaskQueue queue(tasks.size());
    BatchDispatcher dispatcher(context, JoblibBackend::Threading, [&queue](std::size_t batch) {
        queue.push(static_cast<std::int64_t>(batch));
    });
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
            // The completion callback runs on the worker that ran the batch: its dispatch of
            // the next batch is a segment on that worker's row.
            if (completed == static_cast<std::size_t>(batch.size())) {
                const std::int64_t start = context.now();
                if (dispatcher.batchCompleted(batch, start))
                    context.recorder().worker(worker).append(
                        -1, EventKind::Dispatch, start, context.now());
            }
            completion.add(completed);
        }
    });
    threads.startAll(workers);
    dispatcher.preDispatch(preDispatchLimit(context));

    caller.startWaiting();
    completion.waitFor(tasks.size(), context.stopToken());
    dispatcher.stopIterating();
    queue.close();
    threads.joinAll();
}

} // namespace

StrategyInfo BatchedStrategy::describe()
{
    return {
        QStringLiteral("batched"),
        QStringLiteral("joblib batches"),
        QStringLiteral("Parallel(n_jobs=W)(delayed(f)(t) for t in tasks)"),
        QStringLiteral(
            "joblib's Parallel. The caller pre-dispatches 2 x W tasks, then each batch that "
            "completes dispatches the next one. With loky, joblib's default backend, the batches "
            "run in W worker processes that stay alive after the call, so only the first run "
            "shows their spawn; batches start at one task and double while a batch takes under "
            "0.2 s, then shrink near the end so the last ones spread over every worker. With the "
            "threading backend they run on W threads of this process that share its GIL, one "
            "task per batch, and each completion's dispatch is a short segment on its worker's "
            "row. With one worker both run the tasks in order, as joblib's sequential backend "
            "does. The seed's 300 tasks of 0.1 s on 12 CPUs take 2.98 s against 30.95 s "
            "sequentially."),
        /*usesWorkerCount=*/true,
        /*hasCaller=*/true,
        WorkerKind::Processes, // with loky, the default: see StrategyInfo::workersWith()
        HandOut::AutoBatches,
    };
}

void BatchedStrategy::run(RunContext &context)
{
    // parallel_backend('dask') never comes here: Dask runs it, in CPython (makeEngine()).
    Q_ASSERT(context.plan().options.backend != JoblibBackend::Dask);
    if (context.plan().options.backend == JoblibBackend::Threading || context.plan().workers == 1) {
        runOnThreads(context);
        return;
    }
    // loky: worker processes that stay for the next run, as loky's reusable executor keeps
    // them. The caller dispatches its first batches before any worker is up.
    BatchFeed feed(context);
    feed.dispatcher().preDispatch(preDispatchLimit(context));
    runInWorkerProcesses(context, feed, PoolWorkers::Reused);
}

} // namespace parviz
