#pragma once

#include "metrics/runmetrics.h"

#include <cstdint>
#include <deque>
#include <memory>
#include <vector>

namespace parviz {

// A run's metrics kept up to date while it runs. update() reads only the events recorded since
// the snapshot it was given before: running sums per task, per worker and per kind of loss,
// and each worker's idle gaps. live() and finished() then answer in O(lanes + events in
// flight) exactly what computeLiveRunMetrics() and computeRunMetrics() compute over the whole
// trace, so a frame of the window costs what the run added since the last one, not what it
// has recorded in all.
//
// The one exception is rare and stays exact: a task whose first start moves earlier than the
// latest first start (a task started twice, on two lanes, out of order). The split of idle
// time at that moment is then computed again from the whole trace.
//
// One thread at a time (the GUI thread); the snapshots it reads are immutable and shared.
class LiveRunMetrics
{
public:
    // Brings the sums up to `trace`. A snapshot of another recording, or other tasks, starts
    // again from nothing.
    void update(std::shared_ptr<const TraceSnapshot> trace,
        std::shared_ptr<const std::vector<TaskSpec>> tasks);
    void clear();
    bool isEmpty() const { return !m_trace; }

    // computeLiveRunMetrics() of the last snapshot given to update().
    RunMetrics live() const { return metrics(true); }
    // computeRunMetrics() of it: events in flight are left out.
    RunMetrics finished() const { return metrics(false); }

private:
    struct Tally
    {
        std::int64_t runNs = 0;
        std::int64_t firstStartNs = -1;
        int lastLane = -1; // the highest worker lane with a finished event of the task
        bool interrupted = false;
        bool failed = false;
        bool started() const { return firstStartNs >= 0; }
    };
    // Sums over the started tasks, as if none were running.
    struct Totals
    {
        std::int64_t started = 0;
        std::int64_t totalWorkNs = 0;
        std::int64_t plannedWorkNs = 0;
        std::int64_t effectiveWorkNs = 0;
        std::int64_t computeRunNs = 0; // cpu and mixed tasks: run time
        std::int64_t computeEffectiveNs = 0; // and their effective work
        std::int64_t failed = 0;
        std::int64_t interrupted = 0;
    };
    struct Gap
    {
        std::int64_t fromNs;
        std::int64_t toNs;
    };

    RunMetrics metrics(bool live) const;
    // Starts again from nothing, on `trace`.
    void start(std::shared_ptr<const TraceSnapshot> trace,
        std::shared_ptr<const std::vector<TaskSpec>> tasks);
    // The sums of the events of each lane from `from` on (per lane, as m_seen).
    void tallyFrom(const std::vector<std::size_t> &from);
    void tallyEvent(int worker, const TaskEvent &event);
    void addTotals(std::size_t task, const Tally &tally, int sign);
    void gapEvent(int worker, const TaskEvent &event);
    void settleGaps();
    std::size_t laneSlot(int lane) const;
    // Makes room for worker lanes a run added since the last snapshot (a traced program's
    // threads and processes): `workers` in all.
    void growLanes(int workers);
    // What `task` was planned as: the plan's task, or for a run without planned tasks (a
    // traced program), the task as it has run so far, all of its time counted as work, as
    // computeRunMetrics() takes it, built in `scratch`.
    const TaskSpec &specOf(std::size_t task, const Tally &tally, TaskSpec &scratch) const;

    std::shared_ptr<const TraceSnapshot> m_trace;
    std::shared_ptr<const std::vector<TaskSpec>> m_tasks;
    bool m_recordedTasks = false; // no planned tasks: the trace's own, as they are added
    std::vector<std::size_t> m_seen; // per lane (main, workers..., gil): events read so far
    // From the finished events only.
    std::int64_t m_makespanNs = 0;
    std::int64_t m_callerDoneNs = 0;
    std::int64_t m_spawnNs = 0;
    std::int64_t m_dispatchNs = 0;
    std::int64_t m_gilWaitNs = 0;
    std::vector<std::int64_t> m_runPerWorker;
    std::vector<Tally> m_tallies;
    Totals m_totals;
    std::int64_t m_longestTaskNs = 0;
    std::int64_t m_lastTaskStartNs = 0; // the latest first start of a task
    bool m_lastStartMayHaveMoved = false; // a first start at the latest moved earlier
    // Idle gaps of each worker so far: all of their time, the part before the latest first
    // start (settled: it can only grow), and the gaps that end after it, in time order.
    std::vector<std::int64_t> m_cursorNs; // per worker: the end of its events so far
    std::int64_t m_idleNs = 0;
    std::int64_t m_settledQueuedNs = 0;
    std::vector<std::deque<Gap>> m_pendingGaps;
};

} // namespace parviz
