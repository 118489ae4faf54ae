#include "metrics/liverunmetrics.h"

#include <algorithm>

namespace parviz {

namespace {

const std::vector<TaskSpec> &noTasks()
{
    static const std::vector<TaskSpec> none;
    return none;
}

} // namespace

void LiveRunMetrics::clear()
{
    *this = LiveRunMetrics();
}

std::size_t LiveRunMetrics::laneSlot(int lane) const
{
    if (lane == MainLane)
        return 0;
    if (lane == GilLane)
        return m_seen.size() - 1;
    return static_cast<std::size_t>(lane) + 1;
}

void LiveRunMetrics::growLanes(int workers)
{
    const auto count = static_cast<std::size_t>(workers);
    const std::size_t had = m_runPerWorker.size();
    if (count <= had)
        return;
    // The workers' slots of m_seen lie between the main lane's and the GIL lane's.
    m_seen.insert(m_seen.end() - 1, count - had, 0);
    m_runPerWorker.resize(count, 0);
    m_cursorNs.resize(count, 0);
    m_pendingGaps.resize(count);
}

void LiveRunMetrics::start(
    std::shared_ptr<const TraceSnapshot> trace, std::shared_ptr<const std::vector<TaskSpec>> tasks)
{
    clear();
    const auto workers = static_cast<std::size_t>(trace->workerCount());
    m_trace = std::move(trace);
    m_tasks = std::move(tasks);
    m_seen.assign(workers + 2, 0);
    m_runPerWorker.assign(workers, 0);
    m_cursorNs.assign(workers, 0);
    m_pendingGaps.assign(workers, {});
    m_recordedTasks = !m_tasks || m_tasks->empty();
    m_tallies.assign(
        m_recordedTasks ? static_cast<std::size_t>(m_trace->taskCount()) : m_tasks->size(),
        Tally{});
}

void LiveRunMetrics::update(
    std::shared_ptr<const TraceSnapshot> trace, std::shared_ptr<const std::vector<TaskSpec>> tasks)
{
    if (!trace) {
        clear();
        return;
    }
    if (m_trace && m_trace->sameRecording(*trace) && m_tasks == tasks) {
        m_trace = std::move(trace);
        growLanes(m_trace->workerCount());
        if (m_recordedTasks)
            m_tallies.resize(static_cast<std::size_t>(m_trace->taskCount()), Tally{});
    } else
        start(std::move(trace), std::move(tasks));
    const TraceSnapshot &snapshot = *m_trace;
    // First the sums, over every lane: they settle where the latest first start is, which the
    // idle gaps are split at.
    tallyFrom(m_seen);
    if (!m_lastStartMayHaveMoved) {
        for (int worker = 0; worker < snapshot.workerCount(); ++worker) {
            snapshot.forEachEventFrom(worker,
                m_seen[laneSlot(worker)],
                [&](const TaskEvent &event) { gapEvent(worker, event); });
        }
    } else {
        // The latest first start moved back: what else is latest is not known. Everything
        // again, and the gaps split only once the sums are complete. O(events), and only in
        // that rare case (a task started twice, on two lanes, out of order).
        start(m_trace, m_tasks);
        tallyFrom(m_seen);
        m_lastStartMayHaveMoved = false;
        m_lastTaskStartNs = 0;
        for (const Tally &tally : m_tallies)
            m_lastTaskStartNs = std::max(m_lastTaskStartNs, tally.firstStartNs);
        for (int worker = 0; worker < snapshot.workerCount(); ++worker)
            snapshot.forEachEvent(worker, [&](const TaskEvent &event) { gapEvent(worker, event); });
    }
    settleGaps();
    for (int lane : snapshot.lanes())
        m_seen[laneSlot(lane)] = snapshot.eventCount(lane);
}

void LiveRunMetrics::tallyFrom(const std::vector<std::size_t> &from)
{
    const TraceSnapshot &trace = *m_trace;
    for (int lane : trace.lanes()) {
        trace.forEachEventFrom(lane, from[laneSlot(lane)], [&](const TaskEvent &event) {
            m_makespanNs = std::max(m_makespanNs, event.endNs);
            if (lane == MainLane)
                m_callerDoneNs = std::max(m_callerDoneNs, event.endNs);
            else if (lane >= 0)
                tallyEvent(lane, event);
        });
    }
}

void LiveRunMetrics::tallyEvent(int worker, const TaskEvent &event)
{
    const std::int64_t duration = event.durationNs();
    switch (event.kind) {
    case EventKind::Spawn:
        m_spawnNs += duration;
        return;
    case EventKind::Dispatch:
        m_dispatchNs += duration;
        return;
    case EventKind::GilWait:
        m_gilWaitNs += duration;
        break;
    case EventKind::Run:
        m_runPerWorker[static_cast<std::size_t>(worker)] += duration;
        break;
    default:
        return;
    }
    if (event.task < 0 || static_cast<std::size_t>(event.task) >= m_tallies.size())
        return;
    const auto task = static_cast<std::size_t>(event.task);
    Tally &tally = m_tallies[task];
    if (tally.started())
        addTotals(task, tally, -1);
    if (event.kind == EventKind::Run) {
        tally.runNs += duration;
        if (!tally.started() || event.startNs < tally.firstStartNs) {
            if (tally.firstStartNs == m_lastTaskStartNs && tally.started())
                m_lastStartMayHaveMoved = true;
            tally.firstStartNs = event.startNs;
        }
        m_lastTaskStartNs = std::max(m_lastTaskStartNs, tally.firstStartNs);
        m_longestTaskNs = std::max(m_longestTaskNs, tally.runNs);
    }
    tally.lastLane = std::max(tally.lastLane, worker);
    if (!event.abandoned()) {
        tally.interrupted = tally.interrupted || event.interrupted();
        tally.failed = tally.failed || event.failed();
    }
    if (tally.started())
        addTotals(task, tally, +1);
}

const TaskSpec &LiveRunMetrics::specOf(
    std::size_t task, const Tally &tally, TaskSpec &scratch) const
{
    if (!m_recordedTasks)
        return (*m_tasks)[task];
    scratch = {}; // a sleep: all of its time is work
    scratch.id = static_cast<std::int32_t>(task);
    scratch.durationNs = tally.runNs;
    return scratch;
}

void LiveRunMetrics::addTotals(std::size_t task, const Tally &tally, int sign)
{
    TaskSpec scratch;
    const TaskSpec &spec = specOf(task, tally, scratch);
    const std::int64_t effective = effectiveWorkNs(spec, tally.runNs);
    m_totals.started += sign;
    m_totals.totalWorkNs += sign * tally.runNs;
    m_totals.plannedWorkNs += sign * spec.durationNs;
    m_totals.effectiveWorkNs += sign * effective;
    if (spec.kind != TaskKind::Sleep) {
        m_totals.computeRunNs += sign * tally.runNs;
        m_totals.computeEffectiveNs += sign * effective;
    }
    if (tally.failed)
        m_totals.failed += sign;
    else if (tally.interrupted)
        m_totals.interrupted += sign;
}

void LiveRunMetrics::gapEvent(int worker, const TaskEvent &event)
{
    std::int64_t &cursor = m_cursorNs[static_cast<std::size_t>(worker)];
    if (event.startNs > cursor) {
        m_idleNs += event.startNs - cursor;
        if (event.startNs <= m_lastTaskStartNs)
            m_settledQueuedNs += event.startNs - cursor;
        else
            m_pendingGaps[static_cast<std::size_t>(worker)].push_back({cursor, event.startNs});
    }
    cursor = std::max(cursor, event.endNs);
}

void LiveRunMetrics::settleGaps()
{
    // The latest first start only moves later here: a gap that ends before it is idle time
    // while work was queued for good.
    for (std::deque<Gap> &gaps : m_pendingGaps) {
        while (!gaps.empty() && gaps.front().toNs <= m_lastTaskStartNs) {
            m_settledQueuedNs += gaps.front().toNs - gaps.front().fromNs;
            gaps.pop_front();
        }
    }
}

RunMetrics LiveRunMetrics::metrics(bool live) const
{
    if (!m_trace)
        return {};
    const TraceSnapshot &trace = *m_trace;
    const std::vector<TaskSpec> &tasks = m_tasks ? *m_tasks : noTasks();
    RunMetrics metrics;
    const int workers = trace.workerCount();
    metrics.workers = workers;
    metrics.makespanNs = m_makespanNs;
    metrics.callerDoneNs = m_callerDoneNs;
    metrics.loss.spawnNs = m_spawnNs;
    metrics.loss.dispatchNs = m_dispatchNs;
    metrics.loss.gilWaitNs = m_gilWaitNs;
    std::vector<std::int64_t> runPerWorker = m_runPerWorker;

    // The events in flight count up to the snapshot's time, as computeLiveRunMetrics() counts
    // them: their tasks' tallies are copied and brought up to date here, the others stand.
    struct Touched
    {
        std::size_t task;
        Tally tally;
        int openLane = -1; // the highest worker lane where the task is in flight
        bool running() const { return openLane >= 0 && openLane >= tally.lastLane; }
    };
    std::vector<Touched> touched;
    std::vector<const TaskEvent *> openOf(static_cast<std::size_t>(workers), nullptr);
    if (live) {
        for (const TaskEvent &open : trace.inFlight()) {
            metrics.makespanNs = std::max(metrics.makespanNs, open.endNs);
            if (open.worker == MainLane)
                metrics.callerDoneNs = std::max(metrics.callerDoneNs, open.endNs);
            if (open.worker < 0 || open.worker >= workers)
                continue;
            openOf[static_cast<std::size_t>(open.worker)] = &open;
            const std::int64_t duration = open.durationNs();
            switch (open.kind) {
            case EventKind::Spawn:
                metrics.loss.spawnNs += duration;
                continue;
            case EventKind::Dispatch:
                metrics.loss.dispatchNs += duration;
                continue;
            case EventKind::GilWait:
                metrics.loss.gilWaitNs += duration;
                break;
            case EventKind::Run:
                runPerWorker[static_cast<std::size_t>(open.worker)] += duration;
                break;
            default:
                continue;
            }
            if (open.task < 0 || static_cast<std::size_t>(open.task) >= m_tallies.size())
                continue;
            const auto task = static_cast<std::size_t>(open.task);
            auto entry = std::find_if(
                touched.begin(), touched.end(), [&](const Touched &t) { return t.task == task; });
            if (entry == touched.end())
                entry = touched.insert(touched.end(), Touched{task, m_tallies[task]});
            if (open.kind == EventKind::Run) {
                entry->tally.runNs += duration;
                if (!entry->tally.started() || open.startNs < entry->tally.firstStartNs)
                    entry->tally.firstStartNs = open.startNs;
            }
            entry->openLane = std::max(entry->openLane, open.worker);
        }
    }

    // The sums without the touched tasks, then with them as they are now.
    std::int64_t started = m_totals.started;
    std::int64_t totalWork = m_totals.totalWorkNs;
    std::int64_t planned = m_totals.plannedWorkNs;
    std::int64_t effective = m_totals.effectiveWorkNs;
    std::int64_t endedRun = m_totals.computeRunNs;
    std::int64_t endedEffective = m_totals.computeEffectiveNs;
    std::int64_t failed = m_totals.failed;
    std::int64_t interrupted = m_totals.interrupted;
    std::int64_t running = 0;
    std::int64_t longest = m_longestTaskNs;
    std::int64_t lastTaskStart = m_lastTaskStartNs;
    for (const Touched &entry : touched) {
        const Tally &before = m_tallies[entry.task];
        TaskSpec scratch;
        const TaskSpec &spec = specOf(entry.task, before, scratch);
        if (before.started()) {
            const std::int64_t work = effectiveWorkNs(spec, before.runNs);
            --started;
            totalWork -= before.runNs;
            planned -= spec.durationNs;
            effective -= work;
            if (spec.kind != TaskKind::Sleep) {
                endedRun -= before.runNs;
                endedEffective -= work;
            }
            failed -= before.failed;
            interrupted -= !before.failed && before.interrupted;
            // Its first start moved back from the latest: what else was latest is not known
            // here. Rare (a task started twice, out of order): the batch computation answers.
            if (entry.tally.firstStartNs < before.firstStartNs
                && before.firstStartNs == m_lastTaskStartNs)
                return live ? computeLiveRunMetrics(trace, tasks) : computeRunMetrics(trace, tasks);
        }
        TaskSpec nowScratch;
        const TaskSpec &now = specOf(entry.task, entry.tally, nowScratch);
        if (entry.tally.started() && !entry.running() && now.kind != TaskKind::Sleep) {
            endedRun += entry.tally.runNs;
            endedEffective += effectiveWorkNs(now, entry.tally.runNs);
        }
    }
    // As computeLiveRunMetrics(): a computation still running has been slowed by sharing cores
    // as much as those that have ended.
    const double sharedCoreRate =
        endedRun > 0 ? static_cast<double>(endedEffective) / static_cast<double>(endedRun) : 1.0;
    for (const Touched &entry : touched) {
        const Tally &tally = entry.tally;
        if (!tally.started())
            continue;
        TaskSpec scratch;
        const TaskSpec &spec = specOf(entry.task, tally, scratch);
        ++started;
        totalWork += tally.runNs;
        planned += spec.durationNs;
        const bool computing = entry.running() && spec.kind != TaskKind::Sleep;
        effective += computing
            ? effectiveWorkNs(
                spec, static_cast<std::int64_t>(static_cast<double>(tally.runNs) * sharedCoreRate))
            : effectiveWorkNs(spec, tally.runNs);
        longest = std::max(longest, tally.runNs);
        lastTaskStart = std::max(lastTaskStart, tally.firstStartNs);
        if (tally.failed)
            ++failed;
        else if (tally.interrupted)
            ++interrupted;
        else if (entry.running())
            ++running;
    }
    metrics.totalWorkNs = totalWork;
    metrics.plannedWorkNs = planned;
    metrics.effectiveWorkNs = effective;
    metrics.longestTaskNs = longest;
    metrics.loss.contentionNs = totalWork - effective;
    metrics.tasksFailed = static_cast<int>(failed);
    metrics.tasksInterrupted = static_cast<int>(interrupted);
    metrics.tasksRunning = static_cast<int>(running);
    metrics.tasksCompleted = static_cast<int>(started - failed - interrupted - running);
    metrics.tasksNotStarted =
        static_cast<int>(static_cast<std::int64_t>(m_tallies.size()) - started);

    // Idle time, split where the last task started: the settled gaps, those after the latest
    // first start of a finished event, then each worker's gaps before its event in flight and
    // after its last event, up to the makespan.
    std::int64_t idle = m_idleNs;
    std::int64_t queued = m_settledQueuedNs;
    auto addGap = [&](std::int64_t from, std::int64_t to) {
        if (to <= from)
            return;
        idle += to - from;
        queued += std::max<std::int64_t>(0, std::min(to, lastTaskStart) - from);
    };
    for (int worker = 0; worker < workers; ++worker) {
        const auto index = static_cast<std::size_t>(worker);
        for (const Gap &gap : m_pendingGaps[index]) {
            if (gap.fromNs >= lastTaskStart)
                break; // the ones after start later still
            queued += std::min(gap.toNs, lastTaskStart) - gap.fromNs;
        }
        std::int64_t cursor = m_cursorNs[index];
        if (const TaskEvent *open = openOf[index]) {
            addGap(cursor, open->startNs);
            cursor = std::max(cursor, open->endNs);
        }
        addGap(cursor, metrics.makespanNs);
    }
    metrics.loss.idleQueuedNs = queued;
    metrics.loss.tailIdleNs = idle - queued;

    completeRunMetrics(metrics, runPerWorker, std::nullopt);
    return metrics;
}

} // namespace parviz
