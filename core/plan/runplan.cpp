#include "plan/runplan.h"

#include "util/format.h"

#include <QFileInfo>
#include <QThread>

#include <algorithm>
#include <cmath>
#include <limits>

namespace parviz {

QString workLabel(const RunPlan &plan)
{
    return plan.program ? programCommand(*plan.program, true) : plan.workload.label();
}

QString programCommand(const TracedProgram &program, bool fileNameOnly)
{
    QStringList words{fileNameOnly ? QFileInfo(program.path).fileName() : program.path};
    for (const QString &argument : program.arguments) {
        // Quoted where a space would make two of one, as a shell would need it.
        words << (argument.isEmpty() || argument.contains(u' ')
                ? QStringLiteral("'%1'").arg(argument)
                : argument);
    }
    return words.join(u' ');
}

int logicalCpus()
{
    return std::max(1, QThread::idealThreadCount());
}

Result<void> WorkerCount::validate() const
{
    if (count && (*count < 1 || *count > MaxWorkers))
        return Error{QStringLiteral("bad-workers"),
            QStringLiteral("the worker count must lie between 1 and %1, not %2")
                .arg(MaxWorkers)
                .arg(*count)};
    if (!count && !(fraction >= MinFraction && fraction <= MaxFraction))
        return Error{QStringLiteral("bad-fraction"),
            QStringLiteral("the worker fraction must lie between %1 and %2, not %3")
                .arg(MinFraction)
                .arg(MaxFraction)
                .arg(fraction)};
    return {};
}

int WorkerCount::resolve(int cpus) const
{
    if (count)
        return *count;
    // A hair of tolerance so that 0.8 * 10 is 8, not 7.999999. The product is made and
    // bounded as a double: as an int, 4 x 2147483647 CPUs (read from a file) would overflow.
    const double workers = std::floor(fraction * static_cast<double>(cpus) + 1e-9);
    if (!(workers >= 1.0))
        return 1;
    if (workers >= double(MaxWorkers))
        return MaxWorkers;
    return static_cast<int>(workers);
}

QString WorkerCount::describe(int cpus) const
{
    const int workers = resolve(cpus);
    const QString noun = workers == 1 ? QStringLiteral("worker") : QStringLiteral("workers");
    if (count)
        return QStringLiteral("%1 %2 (chosen; %3 logical CPUs)").arg(workers).arg(noun).arg(cpus);
    return QStringLiteral("%1% of %2 logical CPUs = %3 %4")
        .arg(QString::number(fraction * 100.0, 'g', 4))
        .arg(cpus)
        .arg(workers)
        .arg(noun);
}

QString joblibBackendName(JoblibBackend backend)
{
    switch (backend) {
    case JoblibBackend::Loky:
        return QStringLiteral("loky");
    case JoblibBackend::Threading:
        return QStringLiteral("threading");
    case JoblibBackend::Dask:
        return QStringLiteral("dask");
    }
    return {};
}

std::optional<JoblibBackend> joblibBackendFromName(QStringView name)
{
    for (const JoblibBackend backend :
        {JoblibBackend::Loky, JoblibBackend::Threading, JoblibBackend::Dask}) {
        if (name == joblibBackendName(backend))
            return backend;
    }
    return std::nullopt;
}

std::int64_t StrategyOptions::stallBoundNs(std::int64_t plannedNs) const
{
    // Ten times the plan covers a task slowed by workers that outnumber the cores.
    constexpr std::int64_t Factor = 10;
    const std::int64_t scaled = plannedNs > std::numeric_limits<std::int64_t>::max() / Factor
        ? std::numeric_limits<std::int64_t>::max()
        : plannedNs * Factor;
    return std::max(workerStallTimeoutNs, scaled);
}

Result<void> StrategyOptions::validate() const
{
    if (chunkSize < 1)
        return Error{QStringLiteral("bad-chunksize"),
            QStringLiteral("the chunk size must be at least 1, not %1").arg(chunkSize)};
    if (switchIntervalNs < 1'000 || switchIntervalNs > 10'000'000'000)
        return Error{QStringLiteral("bad-switch-interval"),
            QStringLiteral("the switch interval must lie between 1 µs and 10 s")};
    if (minBatchDurationNs <= 0 || maxBatchDurationNs < minBatchDurationNs)
        return Error{QStringLiteral("bad-batch-duration"),
            QStringLiteral("the target batch durations must be positive and ordered")};
    if (workerStallTimeoutNs < 1'000'000 || workerStallTimeoutNs > 3'600'000'000'000)
        return Error{QStringLiteral("bad-stall-timeout"),
            QStringLiteral("the worker stall timeout must lie between 1 ms and 1 hour")};
    if (workerStartTimeoutNs < 1'000'000 || workerStartTimeoutNs > 600'000'000'000)
        return Error{QStringLiteral("bad-start-timeout"),
            QStringLiteral("the worker start-up timeout must lie between 1 ms and 10 minutes")};
    if (preDispatchFactor < 1)
        return Error{QStringLiteral("bad-pre-dispatch"),
            QStringLiteral("the pre-dispatch factor must be at least 1")};
    if (threadsPerWorker < 1 || threadsPerWorker > 256)
        return Error{QStringLiteral("bad-threads-per-worker"),
            QStringLiteral("the threads per Dask worker must lie between 1 and 256, not %1")
                .arg(threadsPerWorker)};
    if (!daskScheduler.isEmpty() && !daskScheduler.contains(QLatin1String("://")))
        return Error{QStringLiteral("bad-dask-scheduler"),
            QStringLiteral("a Dask scheduler's address is tcp://HOST:PORT, not '%1'")
                .arg(daskScheduler.left(80))};
    return {};
}

} // namespace parviz
