#include "export/runsummary.h"

#include "metrics/amdahl.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QStringList>

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {

QString line(const QString &label, const QString &text)
{
    return QStringLiteral("  %1 %2\n").arg(label, -10).arg(text);
}

QString share(std::int64_t part, std::int64_t whole)
{
    if (whole <= 0)
        return formatDuration(part);
    return QStringLiteral("%1 (%2)").arg(formatDuration(part),
        formatPercent(static_cast<double>(part) / static_cast<double>(whole)));
}

// A traced program's work: what it ran, found as it ran, on the rows that ran it.
QString tracedWork(const RunResult &run)
{
    const TracedProgram &program = *run.plan.program;
    QString text;
    const QString where = program.workingDirectory.isEmpty()
        ? QString()
        : QStringLiteral(" (in %1)").arg(program.workingDirectory);
    text += line(QStringLiteral("program"), programCommand(program) + where);
    const std::int32_t units = run.trace ? run.trace->taskCount() : 0;
    text += line(QStringLiteral("units"),
        units == 0
            ? QStringLiteral("no parallel work seen: the program used no pool, thread "
                             "or process ParViz traces")
            : QStringLiteral("%1 traced").arg(countOf(units, "unit of work", "units of work")));
    if (units > 0)
        text += line(QStringLiteral("workers"),
            QStringLiteral("%1: the threads and processes that ran work (%2 logical CPUs)")
                .arg(countOf(run.workers, "row", "rows"))
                .arg(run.plan.cpus));
    else if (run.trace)
        // No makespan, speedup or loss to give: only how long the program ran.
        text += line(QStringLiteral("ran"), formatDuration(run.trace->takenAtNs()));
    return text;
}

// What happened to the run as a whole: others' load, a stop, an error.
QString outcome(const RunResult &run)
{
    QString text;
    if (run.machineLoad.disturbed)
        text += line(QStringLiteral("disturbed"),
            QStringLiteral("other processes kept %1 cores busy on average during the run: its "
                           "times are not this machine's alone, run it again")
                .arg(run.machineLoad.otherCores, 0, 'f', 2));
    if (run.stopped)
        text +=
            line(QStringLiteral("stopped"), QStringLiteral("the run was stopped before it ended"));
    if (run.error)
        text += line(QStringLiteral("error"), run.error->message);
    return text;
}

// The workload ParViz made for the run, and the workers it had.
QString plannedWork(const RunResult &run)
{
    const WorkloadSpec &workload = run.plan.workload;
    QString text;
    QString kind = taskKindName(workload.kind);
    if (workload.kind == TaskKind::Mixed)
        kind += QStringLiteral(" (%1 sleeping)").arg(formatPercent(workload.ioShare));
    // What the tasks' computing does with the GIL, where it decides anything: on threads of
    // one process, for work that computes.
    QString gil;
    const StrategyEntry *entry = findStrategy(run.plan.strategy);
    if (entry && entry->info.workersWith(run.plan.options) == WorkerKind::Threads
        && workload.kind != TaskKind::Sleep) {
        static const QString uses[] = {QStringLiteral(", pure Python (holds the GIL)"),
            QStringLiteral(", releases the GIL to compute"),
            QStringLiteral(", no GIL (free-threaded)")};
        gil = uses[static_cast<int>(workload.gil)];
    }
    text += line(QStringLiteral("workload"),
        QStringLiteral("%1 %2 tasks, duration %3%4 (seed %5)")
            .arg(run.plan.tasks->size())
            .arg(kind, workload.duration.toString(), gil)
            .arg(workload.seed));
    if (run.workers == static_cast<int>(run.plan.workerCount.resolve(run.plan.cpus)))
        text += line(QStringLiteral("workers"), run.plan.workerCount.describe(run.plan.cpus));
    else if (run.strategy.workersWith(run.plan.options) == WorkerKind::Cluster)
        // A row per thread of each Dask worker process.
        text += line(QStringLiteral("workers"),
            QStringLiteral("%1, %2 each: %3 rows")
                .arg(run.plan.workerCount.describe(run.plan.cpus),
                    countOf(run.plan.options.threadsPerWorker, "thread", "threads"))
                .arg(run.workers));
    else
        text += line(QStringLiteral("workers"),
            QStringLiteral("%1 (this strategy sets its own count; %2 logical CPUs)")
                .arg(run.workers)
                .arg(run.plan.cpus));
    return text;
}

} // namespace

QString runSummary(const RunResult &run)
{
    const RunMetrics &m = run.metrics;
    QString text = QStringLiteral("%1 (%2)\n").arg(run.strategy.name, run.strategy.mirrors);

    text += run.plan.program ? tracedWork(run) : plannedWork(run);
    if (run.plan.program && (!run.trace || run.trace->taskCount() == 0))
        return text + outcome(run);

    QString makespan = QStringLiteral("%1, lower bound %2")
                           .arg(formatDuration(m.makespanNs), formatDuration(m.lowerBoundNs));
    if (boundRatioIsNoise(m))
        makespan += QStringLiteral(" (too short to compare: start-up costs, not scheduling)");
    else if (std::isfinite(m.boundRatio) && m.boundRatio > 0)
        makespan += QStringLiteral(" (x%1)").arg(m.boundRatio, 0, 'f', 3);
    text += line(QStringLiteral("makespan"), makespan);
    if (!run.plan.options.join)
        text += line(QStringLiteral("no join"),
            QStringLiteral("the caller went on after %1, while its workers ran until %2: "
                           "a clock read there measures only the start-up")
                .arg(formatDuration(m.callerDoneNs), formatDuration(m.makespanNs)));
    if (run.plan.program)
        text += line(QStringLiteral("work"),
            QStringLiteral("%1 measured").arg(formatDuration(m.totalWorkNs)));
    else
        text += line(QStringLiteral("work"),
            QStringLiteral("%1 measured, %2 planned, %3 effective")
                .arg(formatDuration(m.totalWorkNs),
                    formatDuration(m.plannedWorkNs),
                    formatDuration(m.effectiveWorkNs)));
    const QString baseline = m.baselineMeasured ? QStringLiteral("a measured sequential run")
                                                : QStringLiteral("the effective work");
    QString speedup = QStringLiteral("%1x against %2 (%3), efficiency %4")
                          .arg(m.speedup, 0, 'f', 2)
                          .arg(baseline, formatDuration(m.baselineNs), formatPercent(m.efficiency));
    if (std::isfinite(m.karpFlatt))
        speedup +=
            QStringLiteral(", Karp-Flatt serial fraction %1").arg(describeKarpFlatt(m.karpFlatt));
    text += line(QStringLiteral("speedup"), speedup);

    const std::int64_t lost = m.loss.totalNs();
    QStringList parts;
    auto add = [&](const char *name, std::int64_t ns) {
        if (ns != 0)
            parts << QStringLiteral("%1 %2").arg(QLatin1String(name), share(ns, lost));
    };
    add("spawn", m.loss.spawnNs);
    add("dispatch", m.loss.dispatchNs);
    add("gil-wait", m.loss.gilWaitNs);
    add("idle while queued", m.loss.idleQueuedNs);
    add("tail idle", m.loss.tailIdleNs);
    add("contention", m.loss.contentionNs);
    text += line(QStringLiteral("lost"),
        QStringLiteral("%1 of %2 worker time%3%4")
            .arg(formatDuration(lost),
                formatDuration(static_cast<std::int64_t>(run.workers) * m.makespanNs),
                parts.isEmpty() ? QString() : QStringLiteral(": "),
                parts.join(QStringLiteral(", "))));
    if (!m.utilisation.empty()) {
        const auto [low, high] = std::minmax_element(m.utilisation.begin(), m.utilisation.end());
        text += line(QStringLiteral("busy"),
            QStringLiteral("each worker %1 to %2 of the makespan")
                .arg(formatPercent(*low), formatPercent(*high)));
    }

    QStringList counts{QStringLiteral("%1 completed").arg(m.tasksCompleted)};
    if (m.tasksInterrupted)
        counts << QStringLiteral("%1 interrupted").arg(m.tasksInterrupted);
    if (m.tasksFailed)
        counts << QStringLiteral("%1 failed").arg(m.tasksFailed);
    if (m.tasksNotStarted)
        counts << QStringLiteral("%1 not started").arg(m.tasksNotStarted);
    text += line(QStringLiteral("tasks"), counts.join(QStringLiteral(", ")));
    return text + outcome(run);
}

} // namespace parviz
