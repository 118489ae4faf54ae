#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>

namespace parviz {

// joblib's automatic batch size (AutoBatchingMixin): batches start at one task, double while a
// batch completes in under the minimum ideal duration (0.2 s), and shrink when one takes longer
// than the maximum (2 s); the duration is a smoothed average from dispatch to completion,
// reset whenever the size changes.
//
// Not thread-safe: the batched strategy calls it under its dispatch mutex.
class BatchSizer
{
public:
    BatchSizer(std::int64_t minIdealNs, std::int64_t maxIdealNs);

    // The size for the next batch (compute_batch_size()).
    int computeBatchSize();
    // A batch of `batchSize` tasks took `durationNs` from dispatch to completion.
    void batchCompleted(int batchSize, std::int64_t durationNs);

    int effectiveBatchSize() const { return m_effectiveBatchSize; }
    double smoothedDurationNs() const { return m_smoothedDurationNs; }

private:
    const double m_minIdealNs;
    const double m_maxIdealNs;
    int m_effectiveBatchSize = 1;
    double m_smoothedDurationNs = 0.0; // 0: no measurement since the last change
};

// joblib's task iterator as dispatch_one_batch consumes it: when the ready queue is empty it
// takes `batchSize` x workers tasks at most and splits them into batches of a worker's share,
// or, when the iterator runs short (`fromOriginal`: a completion's dispatch, not the
// pre-dispatch), into batches ten times smaller to even out the end. The pre-dispatch slice
// (pre_dispatch = 2 * n_jobs) counts only what it yields itself.
//
// Not thread-safe, as BatchSizer.
class BatchTaskIterator
{
public:
    BatchTaskIterator(std::size_t taskCount, std::size_t workers)
        : m_taskCount(taskCount)
        , m_workers(std::max<std::size_t>(workers, 1))
    { }

    // What the pre-dispatch may still take.
    void setPreDispatchLimit(std::size_t tasks) { m_preDispatchLeft = tasks; }

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
