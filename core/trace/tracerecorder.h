#pragma once

#include "trace/growingtable.h"
#include "trace/tracelane.h"
#include "trace/tracesnapshot.h"

#include <QHash>
#include <QString>

#include <atomic>
#include <cstdint>
#include <memory>

namespace parviz {

// A unit of work of a traced program: what ran (an index into TraceStore::taskNames) and with
// what arguments (their repr, as the tracer cut it).
struct TracedTask
{
    std::int32_t name = -1;
    QString arguments;
};

// The lanes of one run, kept alive as long as any snapshot of them is: a worker lane per worker,
// the main lane, and the GIL lane when the strategy has one.
//
// Worker lanes may be added while the run is recorded (a traced program's threads and
// processes, found as they start), and so may tasks with their names and arguments; both grow
// in tables that never move (GrowingTable), so snapshots on other threads read them without a
// lock.
struct TraceStore
{
    // As many worker lanes as a store holds (RunPlan::MaxLanes).
    static constexpr int MaxWorkerLanes = 20'000;

    // monotonicNowNs() at the run's start: event times count from it. Set by the run's thread
    // as it starts, read by snapshots on any thread.
    std::atomic<std::int64_t> originNs{0};
    // The blocks the lanes grow into; declared first, so it outlives them.
    EventBlockPool blocks;
    // Chunks of 16, 32, ... lane pointers: 32,752 in 11 chunks.
    GrowingTable<std::unique_ptr<TraceLane>, 4, 11> workers;
    static_assert(decltype(workers)::Capacity >= MaxWorkerLanes);
    std::unique_ptr<TraceLane> main;
    std::unique_ptr<TraceLane> gil; // null unless the strategy models a GIL
    // A traced program's units of work, TaskEvent::task indexing them, and their names, each
    // name once. Empty for ParViz's own runs, whose tasks are the plan's.
    GrowingTable<QString, 4, 16> taskNames;
    GrowingTable<TracedTask, 10, 21> tasks; // below INT32_MAX entries
};

// Records one run. Each lane is written by its own thread (see TraceLane); snapshot() may be
// called from any thread at any moment, costs O(lanes) and copies no events.
//
// The lanes a run has from its start are made here; more worker lanes (addWorkerLane()) and
// traced tasks (addTask()) are added by one thread at a time, the recording thread, while
// snapshots on any other thread see a prefix of them.
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

    // The worker lanes added so far. Any thread.
    int workerCount() const { return static_cast<int>(m_store->workers.size()); }
    bool hasGilLane() const { return m_store->gil != nullptr; }
    TraceLane &worker(int index) { return *m_store->workers[static_cast<std::size_t>(index)]; }
    // Adds a worker lane for a thread or process of process `pid`, called `label` (see
    // TraceLane::setLabel(); empty: none), and returns its index: the next after the lanes
    // there are. -1 once there are TraceStore::MaxWorkerLanes. Snapshots taken after it
    // returns show the lane. The recording thread only.
    int addWorkerLane(std::int32_t pid, const QString &label = {});
    // Adds a traced unit of work, `name` its function's qualified name ("__main__.work") and
    // `arguments` their repr, and returns its index for TaskEvent::task. Names are stored once
    // however many tasks share them. Record the task's events after this returns, so that a
    // snapshot that shows them knows its name. The recording thread only.
    std::int32_t addTask(const QString &name, const QString &arguments);
    // The tasks added so far. The recording thread.
    std::int32_t taskCount() const
    {
        return static_cast<std::int32_t>(m_store->tasks.writerSize());
    }
    TraceLane &main() { return *m_store->main; }
    TraceLane &gil() { return *m_store->gil; }
    // A worker index, MainLane or GilLane.
    TraceLane &lane(int lane);

    std::shared_ptr<const TraceSnapshot> snapshot() const;
    // A snapshot taken at `runNs` of the run's time rather than now: for a recording of events
    // read back (a run file), at its end, as a live run's last snapshot is, so that a moment
    // of it (TraceSnapshot::until()) holds what ran then.
    std::shared_ptr<const TraceSnapshot> snapshotAt(std::int64_t runNs) const;

private:
    std::shared_ptr<TraceStore> m_store;
    // The recording thread's: which index each task name has in TraceStore::taskNames.
    QHash<QString, std::int32_t> m_nameIds;
};

} // namespace parviz
