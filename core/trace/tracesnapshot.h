#pragma once

#include "trace/taskevent.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <vector>

namespace parviz {

struct TraceStore;
class TraceLane;

// What a run had recorded at one moment: for every lane, the events finished by then (a prefix
// of the lane's final events) and the one in flight. Immutable; shares the recorder's storage,
// so it is cheap to take and to pass between threads as std::shared_ptr<const TraceSnapshot>.
// Any thread.
class TraceSnapshot
{
public:
    struct LaneState
    {
        std::size_t published = 0;
    };

    // Captures the lanes of `store` now. Any thread.
    explicit TraceSnapshot(std::shared_ptr<const TraceStore> store);
    // The same, said to be taken at `takenAtNs` of the run's time rather than now: for a
    // recording of events read back, whose moment is its end (TraceRecorder::snapshotAt()).
    TraceSnapshot(std::shared_ptr<const TraceStore> store, std::int64_t takenAtNs);

    // The worker lanes there were when the snapshot was taken: a run may add lanes as it goes
    // (TraceRecorder::addWorkerLane()), so a later snapshot of it may have more, never fewer.
    int workerCount() const { return m_workerCount; }
    bool hasGilLane() const;
    // Lanes in display order: MainLane, workers 0..W-1, then GilLane if there is one.
    std::vector<int> lanes() const;

    // Nanoseconds since the run started when the snapshot was taken.
    std::int64_t takenAtNs() const { return m_takenAtNs; }
    std::int64_t originNs() const;

    // `lane` is a worker index, MainLane or GilLane.
    std::size_t eventCount(int lane) const;
    const TaskEvent &event(int lane, std::size_t index) const;
    std::size_t totalEventCount() const;
    std::int64_t completedTasks() const { return m_completedTasks; }
    // The lane's label (TraceLane::setLabel()) as it is now; empty for most runs.
    QString label(int lane) const;

    // A traced program's units of work (TraceRecorder::addTask()) recorded when the snapshot
    // was taken: every task an event of the snapshot names, and perhaps a few more. 0 for
    // ParViz's own runs, whose tasks are the plan's.
    std::int32_t taskCount() const { return m_taskCount; }
    // The task's function's qualified name ("__main__.work") and its arguments' repr; empty
    // for a task out of [0, taskCount()).
    QString taskName(std::int32_t task) const;
    QString taskArguments(std::int32_t task) const;
    // The names as stored, each once: every task below taskCount() has its name's index below
    // taskNameCount() (taskNameIndex(), -1 for a task out of range).
    std::int32_t taskNameCount() const { return m_taskNameCount; }
    QString taskNameAt(std::int32_t name) const;
    std::int32_t taskNameIndex(std::int32_t task) const;
    // The memory the recorder holds for its lanes and their events, used or not, and room
    // reserved that no lane has taken. Only for a run that has ended (see
    // TraceLane::allocatedBytes()).
    std::size_t allocatedBytes() const;

    // Calls f(const TaskEvent &) for each finished event of one lane, in order.
    template <typename F>
    void forEachEvent(int lane, F &&f) const;
    // The same for the finished events of `lane` from index `from` on: what a later snapshot of
    // the same recording adds to an earlier one (see sameRecording()).
    template <typename F>
    void forEachEventFrom(int lane, std::size_t from, F &&f) const;
    // Calls f(const TaskEvent &) for each finished event, lane by lane in lanes() order.
    template <typename F>
    void forEachEvent(F &&f) const;

    std::vector<TaskEvent> events(int lane) const;
    std::vector<TaskEvent> allEvents() const;

    // The same recording as it stood `timeNs` after the run started, as if the snapshot had
    // been taken then: per lane, the events ended by then, and the one started and not ended
    // in flight. What a replay shows at that moment; for a snapshot of a run that has ended.
    // O(events before timeNs).
    std::shared_ptr<const TraceSnapshot> until(std::int64_t timeNs) const;

    // Whether both snapshots are of the same recording: then the one taken later holds every
    // event of the other, at the same indices, and more.
    bool sameRecording(const TraceSnapshot &other) const { return m_store == other.m_store; }

    // Events started and not yet ended when the snapshot was taken; endNs is takenAtNs().
    const std::vector<TaskEvent> &inFlight() const { return m_inFlight; }

private:
    TraceSnapshot() = default;
    const TraceLane &laneAt(int lane) const;
    std::size_t stateIndex(int lane) const;

    std::shared_ptr<const TraceStore> m_store;
    std::int64_t m_takenAtNs = 0;
    std::vector<LaneState> m_states; // main, workers..., gil
    std::vector<TaskEvent> m_inFlight;
    std::int64_t m_completedTasks = 0;
    int m_workerCount = 0;
    std::int32_t m_taskCount = 0;
    std::int32_t m_taskNameCount = 0;
};

} // namespace parviz

#include "trace/tracelane.h"

namespace parviz {

template <typename F>
void TraceSnapshot::forEachEvent(int lane, F &&f) const
{
    if (const std::size_t count = eventCount(lane); count > 0)
        laneAt(lane).visit(0, count, f);
}

template <typename F>
void TraceSnapshot::forEachEventFrom(int lane, std::size_t from, F &&f) const
{
    if (const std::size_t count = eventCount(lane); count > from)
        laneAt(lane).visit(from, count, f);
}

template <typename F>
void TraceSnapshot::forEachEvent(F &&f) const
{
    for (int lane : lanes())
        forEachEvent(lane, f);
}

} // namespace parviz
