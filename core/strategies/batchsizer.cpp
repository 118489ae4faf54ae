#include "strategies/batchsizer.h"

#include <algorithm>

namespace parviz {

BatchSizer::BatchSizer(std::int64_t minIdealNs, std::int64_t maxIdealNs)
    : m_minIdealNs(static_cast<double>(minIdealNs))
    , m_maxIdealNs(static_cast<double>(maxIdealNs))
{ }

int BatchSizer::computeBatchSize()
{
    const int oldSize = m_effectiveBatchSize;
    const double duration = m_smoothedDurationNs;
    int size = oldSize;
    if (duration > 0.0 && duration < m_minIdealNs) {
        // Too small to hide the dispatch overhead. Aim at twice the ideal to limit oscillation,
        // but at most double at a time so no worker starves behind a huge batch.
        const int ideal = static_cast<int>(oldSize * m_minIdealNs / duration) * 2;
        size = std::max(std::min(2 * oldSize, ideal), 1);
    } else if (duration > m_maxIdealNs && oldSize >= 2) {
        // Too big: stragglers would leave workers idle at the end. Shrink quickly.
        const int ideal = static_cast<int>(oldSize * m_minIdealNs / duration);
        size = std::max(2 * ideal, 1);
    }
    if (size != oldSize) {
        m_effectiveBatchSize = size;
        m_smoothedDurationNs = 0.0;
    }
    return size;
}

void BatchSizer::batchCompleted(int batchSize, std::int64_t durationNs)
{
    if (batchSize != m_effectiveBatchSize)
        return; // measured under an older size: says nothing about this one
    const double duration = static_cast<double>(durationNs);
    m_smoothedDurationNs =
        m_smoothedDurationNs == 0.0 ? duration : 0.8 * m_smoothedDurationNs + 0.2 * duration;
}

} // namespace parviz
