#include "metrics/runmetrics.h"

#include "metrics/amdahl.h"

#include <algorithm>
#include <limits>

namespace parviz {

namespace {

struct TaskTally
{
    std::int64_t runNs = 0;
    std::int64_t firstStartNs = -1;
    bool interrupted = false;
    bool failed = false;
    bool running = false; // live: its latest event has no end yet
    bool started() const { return firstStartNs >= 0; }
};

// Calls f(event, inFlight) for the finished events of `lane`, then, if `live`, for the event it
// has in flight (which ends, for now, when the snapshot was taken).
template <typename F>
void visitLane(const TraceSnapshot &trace, int lane, bool live, F &&f)
{
    trace.forEachEvent(lane, [&](const TaskEvent &event) { f(event, false); });
    if (!live)
        return;
    for (const TaskEvent &open : trace.inFlight()) {
        if (open.worker == lane)
            f(open, true);
    }
}

RunMetrics computeMetrics(const TraceSnapshot &trace,
    const std::vector<TaskSpec> &planned,
    std::optional<std::int64_t> sequentialNs,
    bool live)
{
    // A traced program has no plan of its tasks: its work is what was recorded, each task
    // planned at the time it ran, all of it counted as its work (the speedup is against the
    // traced work itself).
    std::vector<TaskSpec> recorded;
    if (planned.empty() && trace.taskCount() > 0) {
        recorded.resize(static_cast<std::size_t>(trace.taskCount()));
        for (std::size_t i = 0; i < recorded.size(); ++i)
            recorded[i].id = static_cast<std::int32_t>(i);
    }
    const std::vector<TaskSpec> &tasks = recorded.empty() ? planned : recorded;
    RunMetrics metrics;
    const int workers = trace.workerCount();
    metrics.workers = workers;
    metrics.utilisation.assign(static_cast<std::size_t>(workers), 0.0);

    for (int lane : trace.lanes()) {
        visitLane(trace, lane, live, [&](const TaskEvent &event, bool) {
            metrics.makespanNs = std::max(metrics.makespanNs, event.endNs);
            if (lane == MainLane)
                metrics.callerDoneNs = std::max(metrics.callerDoneNs, event.endNs);
        });
    }

    // Per task: measured run time, first start, how it ended. Per worker: run time.
    std::vector<TaskTally> tally(tasks.size());
    std::vector<std::int64_t> runPerWorker(static_cast<std::size_t>(workers), 0);
    for (int worker = 0; worker < workers; ++worker) {
        visitLane(trace, worker, live, [&](const TaskEvent &event, bool inFlight) {
            const std::int64_t duration = event.durationNs();
            switch (event.kind) {
            case EventKind::Spawn:
                metrics.loss.spawnNs += duration;
                return;
            case EventKind::Dispatch:
                metrics.loss.dispatchNs += duration;
                return;
            case EventKind::GilWait:
                metrics.loss.gilWaitNs += duration;
                break;
            case EventKind::Run:
                runPerWorker[static_cast<std::size_t>(worker)] += duration;
                break;
            default:
                return;
            }
            if (event.task < 0 || static_cast<std::size_t>(event.task) >= tally.size())
                return;
            TaskTally &task = tally[static_cast<std::size_t>(event.task)];
            if (event.kind == EventKind::Run) {
                task.runNs += duration;
                if (!task.started() || event.startNs < task.firstStartNs)
                    task.firstStartNs = event.startNs;
            }
            task.running = inFlight;
            // An attempt abandoned with its dead worker says nothing about how the task ended.
            if (!event.abandoned()) {
                task.interrupted = task.interrupted || event.interrupted();
                task.failed = task.failed || event.failed();
            }
        });
    }

    for (std::size_t i = 0; i < recorded.size(); ++i)
        recorded[i].durationNs = tally[i].runNs;

    // A computation still running has been slowed by sharing cores as much, as far as anyone
    // can tell, as the computations that have ended: its time so far counts as work in that
    // proportion. Without it, the live speedup of an oversubscribed run would exceed the cores.
    double sharedCoreRate = 1.0;
    if (live) {
        std::int64_t ended = 0;
        std::int64_t endedEffective = 0;
        for (std::size_t i = 0; i < tally.size(); ++i) {
            if (tally[i].started() && !tally[i].running && tasks[i].kind != TaskKind::Sleep) {
                ended += tally[i].runNs;
                endedEffective += effectiveWorkNs(tasks[i], tally[i].runNs);
            }
        }
        if (ended > 0)
            sharedCoreRate = static_cast<double>(endedEffective) / static_cast<double>(ended);
    }

    std::int64_t lastTaskStartNs = 0;
    for (std::size_t i = 0; i < tally.size(); ++i) {
        const TaskTally &task = tally[i];
        if (!task.started()) {
            ++metrics.tasksNotStarted;
            continue;
        }
        lastTaskStartNs = std::max(lastTaskStartNs, task.firstStartNs);
        metrics.totalWorkNs += task.runNs;
        metrics.plannedWorkNs += tasks[i].durationNs;
        const bool computing = task.running && tasks[i].kind != TaskKind::Sleep;
        metrics.effectiveWorkNs += computing
            ? effectiveWorkNs(tasks[i],
                static_cast<std::int64_t>(static_cast<double>(task.runNs) * sharedCoreRate))
            : effectiveWorkNs(tasks[i], task.runNs);
        metrics.longestTaskNs = std::max(metrics.longestTaskNs, task.runNs);
        if (task.failed)
            ++metrics.tasksFailed;
        else if (task.interrupted)
            ++metrics.tasksInterrupted;
        else if (task.running)
            ++metrics.tasksRunning;
        else
            ++metrics.tasksCompleted;
    }
    metrics.loss.contentionNs = metrics.totalWorkNs - metrics.effectiveWorkNs;

    // Idle time: the gaps of each worker's row within [0, makespan], split at the moment the
    // last task started. Before it, work was waiting that an idle worker could have taken.
    auto addGap = [&](std::int64_t from, std::int64_t to) {
        if (to <= from)
            return;
        metrics.loss.idleQueuedNs +=
            std::max<std::int64_t>(0, std::min(to, lastTaskStartNs) - from);
        metrics.loss.tailIdleNs += std::max<std::int64_t>(0, to - std::max(from, lastTaskStartNs));
    };
    for (int worker = 0; worker < workers; ++worker) {
        std::int64_t cursor = 0;
        visitLane(trace, worker, live, [&](const TaskEvent &event, bool) {
            addGap(cursor, event.startNs);
            cursor = std::max(cursor, event.endNs);
        });
        addGap(cursor, metrics.makespanNs);
    }

    completeRunMetrics(metrics, runPerWorker, sequentialNs);
    return metrics;
}

} // namespace

void completeRunMetrics(RunMetrics &metrics,
    const std::vector<std::int64_t> &runPerWorker,
    std::optional<std::int64_t> sequentialNs)
{
    const int workers = metrics.workers;
    const double makespan = static_cast<double>(metrics.makespanNs);
    metrics.utilisation.assign(static_cast<std::size_t>(std::max(workers, 0)), 0.0);
    if (workers > 0) {
        metrics.lowerBoundNs =
            std::max((metrics.totalWorkNs + workers - 1) / workers, metrics.longestTaskNs);
        for (int worker = 0; worker < workers; ++worker)
            metrics.utilisation[static_cast<std::size_t>(worker)] = makespan > 0
                ? static_cast<double>(runPerWorker[static_cast<std::size_t>(worker)]) / makespan
                : 0.0;
    }
    metrics.baselineMeasured = sequentialNs.has_value();
    metrics.baselineNs = sequentialNs.value_or(metrics.effectiveWorkNs);
    if (metrics.makespanNs > 0) {
        metrics.boundRatio = metrics.lowerBoundNs > 0
            ? makespan / static_cast<double>(metrics.lowerBoundNs)
            : std::numeric_limits<double>::quiet_NaN();
        metrics.speedup = static_cast<double>(metrics.baselineNs) / makespan;
        metrics.efficiency = workers > 0 ? metrics.speedup / workers : 0.0;
    }
    metrics.karpFlatt = karpFlatt(metrics.speedup, workers);
}

std::int64_t effectiveWorkNs(const TaskSpec &task, std::int64_t runNs)
{
    // A sleep overshoots its deadline alone as much as in company, so all of a sleep task's
    // time is its work. Computation stretches only when cores are shared: there, the task's
    // work is at most what it takes on a core of its own, its planned duration.
    if (task.kind == TaskKind::Sleep)
        return runNs;
    return std::min(runNs, task.durationNs);
}

RunMetrics computeRunMetrics(const TraceSnapshot &trace,
    const std::vector<TaskSpec> &tasks,
    std::optional<std::int64_t> sequentialNs)
{
    return computeMetrics(trace, tasks, sequentialNs, false);
}

RunMetrics computeLiveRunMetrics(const TraceSnapshot &trace, const std::vector<TaskSpec> &tasks)
{
    return computeMetrics(trace, tasks, std::nullopt, true);
}

std::int64_t plannedLowerBoundNs(const std::vector<TaskSpec> &tasks, int workers)
{
    if (workers <= 0)
        return 0;
    std::int64_t total = 0;
    std::int64_t longest = 0;
    for (const TaskSpec &task : tasks) {
        total += task.durationNs;
        longest = std::max(longest, task.durationNs);
    }
    return std::max((total + workers - 1) / workers, longest);
}

bool boundRatioIsNoise(const RunMetrics &metrics)
{
    return metrics.lowerBoundNs < MinComparableBoundNs;
}

bool isNoise(std::int64_t partNs, const RunMetrics &metrics)
{
    const double workerTimeNs =
        static_cast<double>(metrics.workers) * static_cast<double>(metrics.makespanNs);
    return static_cast<double>(partNs) < NoiseShareOfWorkerTime * workerTimeNs;
}

} // namespace parviz
