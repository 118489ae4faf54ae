#pragma once

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

} // namespace parviz
