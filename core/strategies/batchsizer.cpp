#include "strategies/batchsizer.h"

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {

// joblib measures durations with time.time(), in seconds.
double seconds(std::int64_t ns)
{
    return static_cast<double>(ns) / 1e9;
}

} // namespace

BatchSizer::BatchSizer(std::int64_t minIdealNs, std::int64_t maxIdealNs)
    : m_minIdeal(seconds(minIdealNs))
    , m_maxIdeal(seconds(maxIdealNs))
{ }

// AutoBatchingMixin.compute_batch_size().
int BatchSizer::computeBatchSize()
{
    const int oldSize = m_effectiveBatchSize;
    const double duration = m_smoothedDuration;
    int size = oldSize;
    if (duration > 0.0 && duration < m_minIdeal) {
        // Too small to hide the dispatch overhead. Aim at twice the ideal to limit oscillation,
        // but at most double at a time so no worker starves behind a huge batch. The ideal is
        // kept in floating point (an exact integer there): Python's int() has no upper bound,
        // and a tiny duration makes it far larger than an int holds.
        const double ideal = std::trunc(oldSize * m_minIdeal / duration) * 2;
        size = static_cast<int>(std::max(std::min(2.0 * oldSize, ideal), 1.0));
    } else if (duration > m_maxIdeal && oldSize >= 2) {
        // Too big: stragglers would leave workers idle at the end. Shrink quickly; the ideal is
        // below the old size here.
        const int ideal = static_cast<int>(oldSize * m_minIdeal / duration);
        size = std::max(2 * ideal, 1);
    }
    if (size != oldSize) {
        // The smoothed duration was measured at the old size: start again.
        m_effectiveBatchSize = size;
        m_smoothedDuration = 0.0;
    }
    return size;
}

// AutoBatchingMixin.batch_completed(), which BatchCompletionCallBack calls with the time since
// the batch's dispatch_timestamp.
void BatchSizer::batchCompleted(int batchSize, std::int64_t durationNs)
{
    if (batchSize != m_effectiveBatchSize)
        return; // measured under an older size: says nothing about this one
    const double duration = seconds(durationNs);
    m_smoothedDuration =
        m_smoothedDuration == 0.0 ? duration : 0.8 * m_smoothedDuration + 0.2 * duration;
}

} // namespace parviz
