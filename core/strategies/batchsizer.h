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

// What joblib's dispatch_one_batch takes from the task iterator when its ready queue is empty:
// `batchSize` x workers tasks at most, of which `available` remain; split into batches of a
// worker's share, or, when the iterator ran short (`fromOriginal`: a completion's dispatch,
// not the pre-dispatch), into batches ten times smaller to even out the end.
struct BatchSlice
{
    std::size_t take = 0; // tasks taken now; 0: none left
    std::size_t batchSize = 1; // the size of each batch made of them (the last may be smaller)
};

inline BatchSlice sliceForDispatch(
    std::size_t batchSize, std::size_t workers, std::size_t available, bool fromOriginal)
{
    const std::size_t bigBatch = batchSize * workers;
    const std::size_t take = std::min(bigBatch, available);
    const std::size_t split = fromOriginal && take < bigBatch ? 10 * workers : workers;
    return {take, std::max<std::size_t>(1, take / split)};
}

} // namespace parviz
