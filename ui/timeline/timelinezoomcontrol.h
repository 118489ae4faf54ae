#pragma once

#include <QObject>

#include <cstdint>

namespace parviz {

// Which stretch of time the timeline shows. It follows the whole run (fitting it as it grows)
// until the user zooms or pans, and again after fit(). The Gantt and the concurrency chart
// share one, so their time axes stay aligned.
//
// GUI thread.
class TimelineZoomControl : public QObject
{
    Q_OBJECT

public:
    static constexpr std::int64_t MinSpanNs = 1'000; // 1 µs across the view

    explicit TimelineZoomControl(QObject *parent = nullptr);

    std::int64_t t0Ns() const { return m_t0; }
    std::int64_t t1Ns() const { return m_t1; }
    std::int64_t spanNs() const { return m_t1 - m_t0; }
    std::int64_t endNs() const { return m_end; }
    bool isFollowing() const { return m_following; }

    // The run now reaches `endNs`; while following, the view grows with it.
    void setEnd(std::int64_t endNs);
    // Shows the whole run, and follows it again.
    void fit();
    // Zooms by `factor` (above 1: in) keeping `anchorNs` where it is on screen.
    void zoomAround(std::int64_t anchorNs, double factor);
    void pan(std::int64_t deltaNs);
    void setRange(std::int64_t t0Ns, std::int64_t t1Ns);

signals:
    void rangeChanged();

private:
    void apply(std::int64_t t0Ns, std::int64_t t1Ns, bool following);

    std::int64_t m_end = 0;
    std::int64_t m_t0 = 0;
    std::int64_t m_t1 = 1'000'000;
    bool m_following = true;
};

} // namespace parviz
