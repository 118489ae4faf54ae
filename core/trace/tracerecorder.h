#pragma once

#include "trace/tracelane.h"
#include "trace/tracesnapshot.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <vector>

namespace parviz {

// The lanes of one run, kept alive as long as any snapshot of them is: a worker lane per worker,
// the main lane, and the GIL lane when the strategy has one.
struct TraceStore
{
    // monotonicNowNs() at the run's start: event times count from it. Set by the run's thread
    // as it starts, read by snapshots on any thread.
    std::atomic<std::int64_t> originNs{0};
    // The blocks the lanes grow into; declared first, so it outlives them.
    EventBlockPool blocks;
    std::vector<std::unique_ptr<TraceLane>> workers;
    std::unique_ptr<TraceLane> main;
    std::unique_ptr<TraceLane> gil; // null unless the strategy models a GIL
};

// Records one run. Each lane is written by its own thread (see TraceLane); snapshot() may be
// called from any thread at any moment, costs O(lanes) and copies no events.
class TraceRecorder
{
public:
    TraceRecorder(int workers, bool withGilLane);

    // Room for `eventsPerWorker` events on every worker lane, up front (see
    // TraceLane::reserve()): the lanes' first segments, and blocks beyond them in one pool
    // that any lane may draw on. Before the run starts.
    void reserve(std::size_t eventsPerWorker);
    // Frees the reserved room no lane used. After the run, once nothing more is recorded.
    void releaseSpareRoom();

    // Sets time zero to now. Call once, before any event is recorded.
    void startClock();
    // Sets time zero to a CLOCK_MONOTONIC reading instead: when another process's clock
    // started (a CPython program's). Before any event is recorded.
    void startClockAt(std::int64_t monotonicNs);
    std::int64_t originNs() const { return m_store->originNs.load(std::memory_order_acquire); }
    // Nanoseconds since startClock(). Any thread.
    std::int64_t now() const;
    // Converts a CLOCK_MONOTONIC reading (from any process) to run time.
    std::int64_t fromMonotonic(std::int64_t monotonicNs) const { return monotonicNs - originNs(); }

    int workerCount() const { return static_cast<int>(m_store->workers.size()); }
    bool hasGilLane() const { return m_store->gil != nullptr; }
    TraceLane &worker(int index) { return *m_store->workers[static_cast<std::size_t>(index)]; }
    TraceLane &main() { return *m_store->main; }
    TraceLane &gil() { return *m_store->gil; }
    // A worker index, MainLane or GilLane.
    TraceLane &lane(int lane);

    std::shared_ptr<const TraceSnapshot> snapshot() const;

private:
    std::shared_ptr<TraceStore> m_store;
};

} // namespace parviz
