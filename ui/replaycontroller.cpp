#include "replaycontroller.h"

#include <algorithm>
#include <cmath>

namespace parviz {

ReplayController::ReplayController(QObject *parent)
    : QObject(parent)
{
    m_timer.setInterval(FrameIntervalMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &ReplayController::tick);
}

void ReplayController::setSpeed(double speed)
{
    if (speed > 0.0)
        m_speed = speed;
}

void ReplayController::start(std::int64_t endNs)
{
    m_endNs = std::max<std::int64_t>(endNs, 0);
    m_positionNs = 0;
    m_active = true;
    m_wall.start();
    m_lastWallNs = 0;
    if (m_timerEnabled)
        m_timer.start();
    emit frame(0);
}

void ReplayController::stop()
{
    if (!m_active)
        return;
    m_active = false;
    m_timer.stop();
    emit finished();
}

void ReplayController::advance(std::int64_t wallNs)
{
    if (!m_active || wallNs < 0)
        return;
    // Never past the end: the last frame shows the run as it ended.
    const auto step =
        static_cast<std::int64_t>(std::llround(static_cast<double>(wallNs) * m_speed));
    m_positionNs = std::min(m_endNs, m_positionNs + step);
    emit frame(m_positionNs);
    if (m_positionNs >= m_endNs)
        stop();
}

void ReplayController::setTimerEnabled(bool enabled)
{
    m_timerEnabled = enabled;
    if (!enabled)
        m_timer.stop();
    else if (m_active && !m_timer.isActive()) {
        m_lastWallNs = m_wall.nsecsElapsed();
        m_timer.start();
    }
}

void ReplayController::tick()
{
    // The wall time since the last frame, whatever the timer's jitter: a replay at 1x takes
    // as long as the run did.
    const std::int64_t wall = m_wall.nsecsElapsed();
    const std::int64_t passed = wall - m_lastWallNs;
    m_lastWallNs = wall;
    advance(passed);
}

} // namespace parviz
