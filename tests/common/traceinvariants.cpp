#include "traceinvariants.h"

#include <algorithm>
#include <map>
#include <utility>

namespace parviz::test {

namespace {

QString describe(const TaskEvent &event)
{
    return QStringLiteral("%1 event of task %2 on lane %3 [%4, %5]")
        .arg(eventKindName(event.kind))
        .arg(event.task)
        .arg(event.worker)
        .arg(event.startNs)
        .arg(event.endNs);
}

} // namespace

QString checkEventKinds(const TraceSnapshot &trace)
{
    QString problem;
    for (int lane : trace.lanes()) {
        trace.forEachEvent(lane, [&](const TaskEvent &event) {
            if (!problem.isEmpty())
                return;
            if (event.worker != lane)
                problem = QStringLiteral("%1 is stored on lane %2").arg(describe(event)).arg(lane);
            else if (!eventKindBelongsOn(lane, event.kind))
                problem = QStringLiteral("%1 does not belong on that lane").arg(describe(event));
            else if (event.startNs < 0 || event.endNs < event.startNs)
                problem = QStringLiteral("%1 has a bad interval").arg(describe(event));
            else if (event.endNs > trace.takenAtNs())
                problem = QStringLiteral("%1 ends after the snapshot was taken at %2")
                              .arg(describe(event))
                              .arg(trace.takenAtNs());
        });
    }
    return problem;
}

QString checkNoOverlap(const TraceSnapshot &trace)
{
    QString problem;
    for (int lane : trace.lanes()) {
        const TaskEvent *previous = nullptr;
        TaskEvent last;
        trace.forEachEvent(lane, [&](const TaskEvent &event) {
            if (!problem.isEmpty())
                return;
            if (previous && event.startNs < last.endNs)
                problem = QStringLiteral("%1 overlaps the %2").arg(describe(event), describe(last));
            last = event;
            previous = &last;
        });
    }
    return problem;
}

QString checkExactlyOnce(const TraceSnapshot &trace,
    const std::vector<TaskSpec> &tasks,
    bool splitRuns,
    bool allCompleted)
{
    struct Seen
    {
        int runs = 0;
        int worker = -100;
    };
    std::vector<Seen> seen(tasks.size());
    QString problem;
    for (int worker = 0; worker < trace.workerCount() && problem.isEmpty(); ++worker) {
        trace.forEachEvent(worker, [&](const TaskEvent &event) {
            if (!problem.isEmpty() || event.kind != EventKind::Run)
                return;
            if (event.task < 0 || static_cast<std::size_t>(event.task) >= tasks.size()) {
                problem = QStringLiteral("%1 names no task of the workload").arg(describe(event));
                return;
            }
            Seen &task = seen[static_cast<std::size_t>(event.task)];
            if (task.runs > 0 && task.worker != worker)
                problem = QStringLiteral("task %1 ran on workers %2 and %3")
                              .arg(event.task)
                              .arg(task.worker)
                              .arg(worker);
            if (allCompleted && (event.interrupted() || event.failed()))
                problem = QStringLiteral("%1 did not complete").arg(describe(event));
            ++task.runs;
            task.worker = worker;
        });
    }
    for (std::size_t i = 0; i < seen.size() && problem.isEmpty(); ++i) {
        if (seen[i].runs == 0)
            problem = QStringLiteral("task %1 never ran").arg(i);
        else if (!splitRuns && seen[i].runs != 1)
            problem = QStringLiteral("task %1 has %2 run events").arg(i).arg(seen[i].runs);
    }
    return problem;
}

QString checkAtMostOnce(const TraceSnapshot &trace, bool splitRuns)
{
    std::map<std::int32_t, std::pair<int, int>> runsAndWorker;
    QString problem;
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        trace.forEachEvent(worker, [&](const TaskEvent &event) {
            if (!problem.isEmpty() || event.kind != EventKind::Run)
                return;
            auto [it, inserted] = runsAndWorker.try_emplace(event.task, 0, worker);
            ++it->second.first;
            if (!inserted && it->second.second != worker)
                problem = QStringLiteral("task %1 ran on two workers").arg(event.task);
            else if (!splitRuns && it->second.first > 1)
                problem = QStringLiteral("task %1 ran twice").arg(event.task);
        });
    }
    return problem;
}

QString checkPeakConcurrency(const TraceSnapshot &trace, int limit)
{
    std::vector<std::pair<std::int64_t, int>> edges; // (time, +1 start / -1 end)
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        trace.forEachEvent(worker, [&](const TaskEvent &event) {
            if (event.kind == EventKind::Run && event.endNs > event.startNs) {
                edges.emplace_back(event.startNs, +1);
                edges.emplace_back(event.endNs, -1);
            }
        });
    }
    // Ends sort before starts at the same instant: touching intervals do not overlap.
    std::sort(edges.begin(), edges.end());
    int running = 0;
    for (const auto &[time, delta] : edges) {
        running += delta;
        if (running > limit)
            return QStringLiteral("%1 tasks ran at once at %2 ns; the limit is %3")
                .arg(running)
                .arg(time)
                .arg(limit);
    }
    return {};
}

QString checkPrefix(const TraceSnapshot &earlier, const TraceSnapshot &later)
{
    // A run may add worker lanes as it goes: the later snapshot has the earlier one's, and
    // perhaps more.
    if (earlier.workerCount() > later.workerCount() || earlier.hasGilLane() != later.hasGilLane())
        return QStringLiteral("the two snapshots have different lanes");
    for (int lane : earlier.lanes()) {
        const std::size_t count = earlier.eventCount(lane);
        if (count > later.eventCount(lane))
            return QStringLiteral("lane %1 shrank from %2 to %3 events")
                .arg(lane)
                .arg(count)
                .arg(later.eventCount(lane));
        for (std::size_t i = 0; i < count; ++i) {
            if (!(earlier.event(lane, i) == later.event(lane, i)))
                return QStringLiteral("lane %1 event %2 changed: %3 became %4")
                    .arg(lane)
                    .arg(i)
                    .arg(describe(earlier.event(lane, i)), describe(later.event(lane, i)));
        }
    }
    return {};
}

namespace {

bool anyGroupStart(const TraceSnapshot &trace)
{
    bool flagged = false;
    trace.forEachEvent([&](const TaskEvent &event) { flagged = flagged || event.groupStart(); });
    return flagged;
}

} // namespace

std::vector<TaskGroup> taskGroups(const TraceSnapshot &trace)
{
    std::vector<TaskGroup> groups;
    if (!anyGroupStart(trace))
        return groups;
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        std::size_t first = groups.size();
        trace.forEachEvent(worker, [&](const TaskEvent &event) {
            if (event.kind != EventKind::Run)
                return;
            if (groups.size() == first || event.groupStart())
                groups.push_back({worker, {}});
            std::vector<std::int32_t> &tasks = groups.back().tasks;
            if (tasks.empty() || tasks.back() != event.task) // a task split by GIL waits: once
                tasks.push_back(event.task);
        });
    }
    return groups;
}

QString checkGroups(const TraceSnapshot &trace)
{
    QString problem;
    if (!anyGroupStart(trace))
        return problem;
    for (int worker = 0; worker < trace.workerCount() && problem.isEmpty(); ++worker) {
        std::int32_t previous = -1; // the task of the run before
        bool any = false;
        trace.forEachEvent(worker, [&](const TaskEvent &event) {
            if (!problem.isEmpty() || event.kind != EventKind::Run)
                return;
            const bool sameTask = any && event.task == previous;
            if (event.groupStart() && sameTask)
                problem = QStringLiteral("%1 starts a group, but is not the task's first run")
                              .arg(describe(event));
            else if (!any && !event.groupStart())
                problem = QStringLiteral("%1 is its worker's first run, yet starts no group")
                              .arg(describe(event));
            else if (!event.groupStart() && !sameTask && event.task != previous + 1)
                problem = QStringLiteral("%1 follows task %2 in its group")
                              .arg(describe(event))
                              .arg(previous);
            previous = event.task;
            any = true;
        });
    }
    return problem;
}

QString checkPartialRun(const TraceSnapshot &trace, bool splitRuns)
{
    for (const QString &problem :
        {checkEventKinds(trace), checkNoOverlap(trace), checkAtMostOnce(trace, splitRuns)}) {
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

QString checkCompleteRun(
    const TraceSnapshot &trace, const std::vector<TaskSpec> &tasks, int workers, bool splitRuns)
{
    if (trace.workerCount() != workers)
        return QStringLiteral("the trace has %1 worker lanes, not %2")
            .arg(trace.workerCount())
            .arg(workers);
    for (const QString &problem : {checkEventKinds(trace),
             checkNoOverlap(trace),
             checkExactlyOnce(trace, tasks, splitRuns),
             checkPeakConcurrency(trace, workers)}) {
        if (!problem.isEmpty())
            return problem;
    }
    return {};
}

} // namespace parviz::test
