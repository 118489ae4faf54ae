#include "trace/tracerecorder.h"

#include "util/clock.h"

#include <unistd.h>

namespace parviz {

TraceRecorder::TraceRecorder(int workers, bool withGilLane)
    : m_store(std::make_shared<TraceStore>())
{
    const auto pid = static_cast<std::int32_t>(::getpid());
    m_store->workers.reserve(static_cast<std::size_t>(workers));
    for (int i = 0; i < workers; ++i)
        m_store->workers.push_back(std::make_unique<TraceLane>(i, pid, &m_store->blocks));
    m_store->main = std::make_unique<TraceLane>(MainLane, pid);
    if (withGilLane)
        m_store->gil = std::make_unique<TraceLane>(GilLane, pid);
    m_store->originNs.store(monotonicNowNs(), std::memory_order_relaxed);
}

void TraceRecorder::reserve(std::size_t eventsPerWorker)
{
    for (auto &lane : m_store->workers)
        lane->reserve(eventsPerWorker);
    if (eventsPerWorker > TraceLane::headEvents()) {
        const std::size_t blocksPerWorker =
            (eventsPerWorker - TraceLane::headEvents() + EventBlockPool::BlockEvents - 1)
            / EventBlockPool::BlockEvents;
        m_store->blocks.reserve(blocksPerWorker * m_store->workers.size());
    }
}

void TraceRecorder::releaseSpareRoom()
{
    m_store->blocks.releaseSpare();
}

void TraceRecorder::startClock()
{
    // Pairs with the acquire loads in originNs() and the snapshot: a snapshot taken after the
    // start measures its time from it.
    m_store->originNs.store(monotonicNowNs(), std::memory_order_release);
}

void TraceRecorder::startClockAt(std::int64_t monotonicNs)
{
    m_store->originNs.store(monotonicNs, std::memory_order_release);
}

std::int64_t TraceRecorder::now() const
{
    // Relaxed: the threads that record were started after startClock(), which orders it.
    return monotonicNowNs() - m_store->originNs.load(std::memory_order_relaxed);
}

TraceLane &TraceRecorder::lane(int lane)
{
    if (lane == MainLane)
        return main();
    if (lane == GilLane)
        return gil();
    return worker(lane);
}

std::shared_ptr<const TraceSnapshot> TraceRecorder::snapshot() const
{
    return std::make_shared<const TraceSnapshot>(m_store);
}

} // namespace parviz
