#pragma once

#include <QElapsedTimer>
#include <QObject>
#include <QTimer>

#include <cstdint>

namespace parviz {

// Plays a finished run back at a chosen speed, so that a 50 ms run can be watched: about 60
// times a second it moves a replay clock on by the wall time passed times the speed, and
// frame() says where the clock is; whoever shows the run shows it up to there
// (TimelineModel::setVisibleUntil()). The replay ends at the run's end, or at stop().
//
// GUI thread.
class ReplayController : public QObject
{
    Q_OBJECT

public:
    static constexpr int FrameIntervalMs = 16;
    // The speeds offered, slowest first.
    static constexpr double Speeds[] = {0.1, 0.25, 0.5, 1.0};

    explicit ReplayController(QObject *parent = nullptr);

    bool isActive() const { return m_active; }
    // Replay time per wall time: 0.1 plays a run ten times slower than it ran. Takes effect
    // from the next frame, also during a replay.
    double speed() const { return m_speed; }
    void setSpeed(double speed);
    std::int64_t positionNs() const { return m_positionNs; }
    std::int64_t endNs() const { return m_endNs; }

    // Plays [0, endNs] from the start; frame(0) at once.
    void start(std::int64_t endNs);
    // Ends the replay under way, if any; finished() follows.
    void stop();
    // Moves the replay clock on as `wallNs` of wall time would at the current speed, as each
    // frame of the timer does; at the end, finished(). For tests, with the timer off, a clock
    // that does not depend on how busy the machine is.
    void advance(std::int64_t wallNs);
    // Whether frames come from the timer (the default) or only from advance().
    void setTimerEnabled(bool enabled);

signals:
    void frame(std::int64_t positionNs);
    void finished();

private:
    void tick();

    QTimer m_timer;
    QElapsedTimer m_wall;
    std::int64_t m_lastWallNs = 0;
    bool m_timerEnabled = true;
    bool m_active = false;
    double m_speed = 0.25;
    std::int64_t m_positionNs = 0;
    std::int64_t m_endNs = 0;
};

} // namespace parviz
