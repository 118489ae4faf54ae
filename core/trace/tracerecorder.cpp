#include "trace/tracerecorder.h"

#include "util/clock.h"

#include <unistd.h>

namespace parviz {

TraceRecorder::TraceRecorder(int workers, bool withGilLane)
    : m_store(std::make_shared<TraceStore>())
{
    const auto pid = static_cast<std::int32_t>(::getpid());
    for (int i = 0; i < workers; ++i)
        m_store->workers.push(std::make_unique<TraceLane>(i, pid, &m_store->blocks));
    m_store->main = std::make_unique<TraceLane>(MainLane, pid);
    if (withGilLane)
        m_store->gil = std::make_unique<TraceLane>(GilLane, pid);
    m_store->originNs.store(monotonicNowNs(), std::memory_order_relaxed);
}

void TraceRecorder::reserve(std::size_t eventsPerWorker)
{
    const std::size_t workers = m_store->workers.writerSize();
    for (std::size_t i = 0; i < workers; ++i)
        m_store->workers[i]->reserve(eventsPerWorker);
    if (eventsPerWorker > TraceLane::headEvents()) {
        const std::size_t blocksPerWorker =
            (eventsPerWorker - TraceLane::headEvents() + EventBlockPool::BlockEvents - 1)
            / EventBlockPool::BlockEvents;
        m_store->blocks.reserve(blocksPerWorker * workers);
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

int TraceRecorder::addWorkerLane(std::int32_t pid, const QString &label)
{
    const std::size_t index = m_store->workers.writerSize();
    if (index >= static_cast<std::size_t>(TraceStore::MaxWorkerLanes))
        return -1;
    auto lane = std::make_unique<TraceLane>(static_cast<int>(index), pid, &m_store->blocks);
    // Before the lane is published: a snapshot that sees the lane sees its label too.
    if (!label.isEmpty())
        lane->setLabel(label);
    m_store->workers.push(std::move(lane));
    return static_cast<int>(index);
}

std::int32_t TraceRecorder::addTask(const QString &name, const QString &arguments)
{
    auto id = m_nameIds.constFind(name);
    if (id == m_nameIds.constEnd())
        id = m_nameIds.insert(name, static_cast<std::int32_t>(m_store->taskNames.push(name)));
    return static_cast<std::int32_t>(m_store->tasks.push(TracedTask{*id, arguments}));
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

std::shared_ptr<const TraceSnapshot> TraceRecorder::snapshotAt(std::int64_t runNs) const
{
    return std::make_shared<const TraceSnapshot>(m_store, runNs);
}

} // namespace parviz
