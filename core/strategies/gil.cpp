#include "strategies/gil.h"

namespace parviz {

Gil::Gil(TraceRecorder &recorder, std::int64_t switchIntervalNs, std::stop_token stop)
    : m_recorder(recorder)
    , m_interval(switchIntervalNs)
    , m_stop(std::move(stop))
{ }

void Gil::acquireLocked(int worker, std::int32_t task, Drawn drawn)
{
    m_locked = true;
    if (m_lastHolder != worker) {
        m_lastHolder = worker;
        ++m_switchNumber;
    }
    m_switched.notify_all();
    // A request aimed at the previous holder is served.
    m_dropRequest.store(false, std::memory_order_relaxed);
    m_holdDrawn = drawn == Drawn::Yes;
    if (m_holdDrawn)
        m_recorder.gil().begin(task, EventKind::GilHold, m_recorder.now());
}

bool Gil::tryTake(int worker, std::int32_t task, Drawn drawn)
{
    std::scoped_lock lock(m_mutex);
    if (m_locked)
        return false;
    acquireLocked(worker, task, drawn);
    return true;
}

bool Gil::take(int worker, std::int32_t task, Drawn drawn)
{
    std::unique_lock lock(m_mutex);
    while (m_locked) {
        if (m_stop.stop_requested())
            return false;
        const std::uint64_t switchesBefore = m_switchNumber;
        const bool released =
            m_released.wait_for(lock, m_stop, m_interval, [this] { return !m_locked; });
        // A whole interval without a switch: ask the holder to let go.
        if (!released && m_locked && m_switchNumber == switchesBefore && !m_stop.stop_requested())
            m_dropRequest.store(true, std::memory_order_relaxed);
    }
    if (m_stop.stop_requested())
        return false;
    acquireLocked(worker, task, drawn);
    return true;
}

void Gil::drop(int worker)
{
    std::unique_lock lock(m_mutex);
    if (m_holdDrawn)
        m_recorder.gil().end(m_recorder.now());
    m_holdDrawn = false;
    m_locked = false;
    m_released.notify_one();
    if (m_dropRequest.load(std::memory_order_relaxed) && m_lastHolder == worker) {
        // FORCE_SWITCHING: do not come back for the lock before someone else has had it.
        m_dropRequest.store(false, std::memory_order_relaxed);
        m_switched.wait(lock, m_stop, [this, worker] { return m_lastHolder != worker; });
    }
}

std::uint64_t Gil::switchCount() const
{
    std::scoped_lock lock(m_mutex);
    return m_switchNumber;
}

} // namespace parviz
