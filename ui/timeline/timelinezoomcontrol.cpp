#include "timeline/timelinezoomcontrol.h"

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {
// The whole run plus a little room on the right, so its last bar does not touch the edge.
std::int64_t fittedEnd(std::int64_t end)
{
    return std::max<std::int64_t>(end + end / 50, TimelineZoomControl::MinSpanNs);
}
} // namespace

TimelineZoomControl::TimelineZoomControl(QObject *parent)
    : QObject(parent)
{ }

void TimelineZoomControl::setEnd(std::int64_t endNs)
{
    m_end = std::max<std::int64_t>(endNs, 0);
    if (m_following)
        apply(0, fittedEnd(m_end), true);
}

void TimelineZoomControl::fit()
{
    apply(0, fittedEnd(m_end), true);
}

void TimelineZoomControl::zoomAround(std::int64_t anchorNs, double factor)
{
    if (!(factor > 0.0))
        return;
    const double span = static_cast<double>(spanNs()) / factor;
    const double share =
        spanNs() > 0 ? static_cast<double>(anchorNs - m_t0) / static_cast<double>(spanNs()) : 0.5;
    const auto t0 =
        static_cast<std::int64_t>(std::llround(static_cast<double>(anchorNs) - share * span));
    apply(t0, t0 + static_cast<std::int64_t>(std::llround(span)), false);
}

void TimelineZoomControl::pan(std::int64_t deltaNs)
{
    apply(m_t0 + deltaNs, m_t1 + deltaNs, false);
}

void TimelineZoomControl::setRange(std::int64_t t0Ns, std::int64_t t1Ns)
{
    apply(t0Ns, t1Ns, false);
}

void TimelineZoomControl::apply(std::int64_t t0Ns, std::int64_t t1Ns, bool following)
{
    // Never narrower than MinSpanNs, never wider than the run with room to spare, and never
    // scrolled far past either end.
    const std::int64_t limit = fittedEnd(m_end);
    std::int64_t span = std::clamp(t1Ns - t0Ns, MinSpanNs, std::max(limit, MinSpanNs));
    std::int64_t t0 =
        std::clamp<std::int64_t>(t0Ns, -span / 10, std::max<std::int64_t>(limit - span, 0));
    if (t0 == m_t0 && t0 + span == m_t1 && following == m_following)
        return;
    m_t0 = t0;
    m_t1 = t0 + span;
    m_following = following;
    emit rangeChanged();
}

} // namespace parviz
