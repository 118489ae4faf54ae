#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace parviz {

// joblib's automatic batch size (AutoBatchingMixin in joblib/_parallel_backends.py): batches
// start at one task, double while a batch completes in under the minimum ideal duration (0.2 s),
// and shrink when one takes longer than the maximum (2 s); the duration is a smoothed average from
// dispatch to completion, reset whenever the size changes.
//
// The arithmetic is joblib's, in seconds as floating point: int(old * 0.2 / duration) truncates a
// quotient that lands just under an integer where the same quotient in nanoseconds is exact (a
// batch of 162 tasks taking 10.8 s gives 4 in joblib, 6 in nanoseconds), so the durations are
// converted to seconds first and every operation is done in joblib's order.
//
// Only some of joblib's backends have it: loky (and multiprocessing) has the AutoBatchingMixin;
// ThreadingBackend has not, so its compute_batch_size() is ParallelBackendBase's, always 1, and
// every task is a batch of its own. Both fall back to SequentialBackend when n_jobs is 1.
//
// Not thread-safe: the batched strategy calls it under its dispatch mutex.
class BatchSizer
{
public:
    BatchSizer(std::int64_t minIdealNs, std::int64_t maxIdealNs);

    // The size for the next batch (compute_batch_size()).
    int computeBatchSize();
    // A batch of `batchSize` tasks took `durationNs` from dispatch to completion
    // (batch_completed()).
    void batchCompleted(int batchSize, std::int64_t durationNs);

    int effectiveBatchSize() const { return m_effectiveBatchSize; }
    // _smoothed_batch_duration, in seconds; 0: no measurement since the last change.
    double smoothedDurationSeconds() const { return m_smoothedDuration; }

private:
    const double m_minIdeal; // MIN_IDEAL_BATCH_DURATION, in seconds
    const double m_maxIdeal; // MAX_IDEAL_BATCH_DURATION, in seconds
    int m_effectiveBatchSize = 1; // _DEFAULT_EFFECTIVE_BATCH_SIZE
    double m_smoothedDuration = 0.0; // _DEFAULT_SMOOTHED_BATCH_DURATION
};

// joblib's task iterator as Parallel.dispatch_one_batch() consumes it: when the ready queue is
// empty it takes `batchSize` x n_jobs tasks at most and splits them into batches of a worker's
// share, max(1, len(islice) // n_jobs), or, when the original iterator runs short (`fromOriginal`:
// a completion's dispatch_next(), not the pre-dispatch slice), into batches ten times smaller,
// max(1, len(islice) // (10 * n_jobs)), to even out the end. The pre-dispatch slice
// (Parallel.__call__'s itertools.islice(iterator, pre_dispatch), pre_dispatch = 2 * n_jobs) counts
// only what it yields itself; with n_jobs == 1 Parallel.__call__ does not slice the iterator at
// all, so the pre-dispatch takes every task.
//
// Not thread-safe, as BatchSizer.
class BatchTaskIterator
{
public:
    BatchTaskIterator(std::size_t taskCount, std::size_t workers)
        : m_taskCount(taskCount)
        , m_workers(std::max<std::size_t>(workers, 1))
    { }

    // What the pre-dispatch may still take: `tasks`, or every task when there is one worker
    // (Parallel.__call__: `if pre_dispatch == 'all' or n_jobs == 1`, no islice).
    void setPreDispatchLimit(std::size_t tasks)
    {
        m_preDispatchLeft = m_workers == 1 ? m_taskCount : tasks;
    }

    // Every task has been taken.
    bool exhausted() const { return m_next == m_taskCount; }

    // Takes the tasks of the next batches and calls add(first, last) for each, in order;
    // false when there is nothing left to take.
    template <typename Add>
    bool take(std::size_t batchSize, bool fromOriginal, Add &&add)
    {
        const std::size_t left = m_taskCount - m_next;
        const std::size_t available = fromOriginal ? left : std::min(m_preDispatchLeft, left);
        const std::size_t bigBatch = batchSize * m_workers;
        const std::size_t taken = std::min(bigBatch, available);
        if (taken == 0)
            return false;
        const std::size_t split = fromOriginal && taken < bigBatch ? 10 * m_workers : m_workers;
        const std::size_t size = std::max<std::size_t>(1, taken / split);
        const std::size_t end = m_next + taken;
        for (std::size_t first = m_next; first < end; first += size)
            add(first, std::min(first + size, end));
        m_next = end;
        if (!fromOriginal)
            m_preDispatchLeft -= taken;
        return true;
    }

private:
    const std::size_t m_taskCount;
    const std::size_t m_workers;
    std::size_t m_next = 0;
    std::size_t m_preDispatchLeft = 0;
};

} // namespace parviz
