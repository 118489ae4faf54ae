#pragma once

#include "trace/tracesnapshot.h"
#include "workload/taskspec.h"

#include <QString>

#include <vector>

namespace parviz::test {

// Checks of a trace's structure, shared by every suite that runs strategies. Each returns an
// empty string when the trace is sound, else a description of the first violation, ready for
// QVERIFY2(check.isEmpty(), qPrintable(check)).

// Worker lanes hold only worker kinds, the main lane only submit/wait, the GIL lane only
// gil-hold; every event has start <= end and lies within [0, snapshot time].
QString checkEventKinds(const TraceSnapshot &trace);
// Within each lane, events are in time order and never overlap.
QString checkNoOverlap(const TraceSnapshot &trace);
// Every task has run events, all on one worker, and (unless `splitRuns`, as under a GIL) exactly
// one; no run event names a task that does not exist; when `allCompleted`, none is interrupted.
QString checkExactlyOnce(const TraceSnapshot &trace,
    const std::vector<TaskSpec> &tasks,
    bool splitRuns,
    bool allCompleted = true);
// Each task's run events, on tasks that ran at most once: no task id twice (for stopped runs).
QString checkAtMostOnce(const TraceSnapshot &trace, bool splitRuns);
// At no moment are more than `limit` run events in progress at once.
QString checkPeakConcurrency(const TraceSnapshot &trace, int limit);
// Every lane of `earlier` is a prefix of the same lane of `later`.
QString checkPrefix(const TraceSnapshot &earlier, const TraceSnapshot &later);

// The tasks a worker received together, as its run events mark them: a group begins at a run
// flagged EventFlag::GroupStart and holds the tasks run after it on that worker up to the next
// one. A task whose run a GIL split counts once. Runs before a worker's first flag make a group
// too; a trace without flags has no groups.
struct TaskGroup
{
    int worker = 0;
    std::vector<std::int32_t> tasks; // in the order they ran
};
// Every worker's groups, worker by worker.
std::vector<TaskGroup> taskGroups(const TraceSnapshot &trace);
// Where any run is flagged: each worker's first task starts a group, the flag is on a task's first
// run event only, and each group is a range of consecutive task ids, as chunks and batches are.
QString checkGroups(const TraceSnapshot &trace);

// All of the above that apply to a run that was stopped or failed part way: sound events,
// no overlap within a lane, no task run twice.
QString checkPartialRun(const TraceSnapshot &trace, bool splitRuns);
// All of the above that apply to a finished, complete run.
QString checkCompleteRun(
    const TraceSnapshot &trace, const std::vector<TaskSpec> &tasks, int workers, bool splitRuns);

} // namespace parviz::test
