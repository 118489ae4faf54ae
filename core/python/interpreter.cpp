#include "python/interpreter.h"

#include "process/childsignals.h"
#include "strategies/strategyregistry.h"

#include <QFileInfo>
#include <QProcess>
#include <QStandardPaths>
#include <QStringList>

#include <csignal>
#include <sys/prctl.h>
#include <unistd.h>

namespace parviz {

namespace {

// Runs `path` once: its version, and whether it imports joblib. Empty when it does not run.
std::optional<PythonInterpreter> probe(const QString &path)
{
    if (path.isEmpty() || !QFileInfo(path).isExecutable())
        return std::nullopt;
    QProcess python;
    python.setProcessChannelMode(QProcess::SeparateChannels);
    // No signal blocked, as the caller's threads may have them; and no probe outlives ParViz.
    const pid_t parent = ::getpid();
    python.setChildProcessModifier([parent] {
        resetSignalsInChild();
        ::prctl(PR_SET_PDEATHSIG, SIGKILL);
        if (::getppid() != parent) // gone before the line above
            ::_exit(1);
    });
    python.start(path,
        {QStringLiteral("-c"),
            QStringLiteral("import sys\n"
                           "print('%d.%d.%d' % sys.version_info[:3])\n"
                           "try:\n"
                           "    import joblib\n"
                           "    print('joblib')\n"
                           "except ImportError:\n"
                           "    pass\n"
                           "if not getattr(sys, '_is_gil_enabled', lambda: True)():\n"
                           "    print('free-threaded')\n"
                           "try:\n"
                           "    import distributed\n"
                           "    print('distributed')\n"
                           "except ImportError:\n"
                           "    pass\n")});
    if (!python.waitForFinished(10'000)) {
        python.kill();
        python.waitForFinished();
        return std::nullopt;
    }
    if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0)
        return std::nullopt;
    const QStringList lines =
        QString::fromLocal8Bit(python.readAllStandardOutput()).split(u'\n', Qt::SkipEmptyParts);
    if (lines.isEmpty() || !lines.first().startsWith(u'3'))
        return std::nullopt; // Python 2, or not Python at all
    return PythonInterpreter{path,
        lines.first().trimmed(),
        lines.contains(QStringLiteral("joblib")),
        lines.contains(QStringLiteral("free-threaded")),
        lines.contains(QStringLiteral("distributed"))};
}

Error noDistributed(const QString &path)
{
    return Error{QStringLiteral("no-distributed"),
        QStringLiteral("%1 cannot import Dask's distributed, which runs the tasks on a Dask "
                       "cluster (Debian: apt-get install python3-distributed)")
            .arg(path)};
}

} // namespace

Result<void> PythonInterpreter::canRun(const QString &strategy) const
{
    const StrategyEntry *entry = findStrategy(strategy);
    if (entry && entry->info.handOut == HandOut::AutoBatches && !hasJoblib)
        return Error{QStringLiteral("no-joblib"),
            QStringLiteral("%1 cannot import joblib, which the batched strategy's program uses "
                           "(Debian: apt-get install python3-joblib)")
                .arg(path)};
    if (entry && entry->info.workers == WorkerKind::Cluster && !hasDistributed)
        return noDistributed(path);
    return {};
}

Result<void> PythonInterpreter::canRun(const RunPlan &plan) const
{
    if (auto runnable = canRun(plan.strategy); !runnable)
        return runnable;
    if (plan.options.backend == JoblibBackend::Dask && !hasDistributed) {
        const StrategyEntry *entry = findStrategy(plan.strategy);
        if (entry && entry->info.handOut == HandOut::AutoBatches)
            return noDistributed(path);
    }
    // Computing threads without a GIL: with one, they would take turns where ParViz's run at
    // once. Sleeps and worker processes look the same either way.
    const StrategyEntry *entry = findStrategy(plan.strategy);
    if (plan.workload.gil == TaskGil::None && plan.workload.kind != TaskKind::Sleep && entry
        && entry->info.workersWith(plan.options) == WorkerKind::Threads && !freeThreaded)
        return Error{QStringLiteral("no-free-threaded-python"),
            QStringLiteral("%1 (CPython %2) has a GIL, and this workload's tasks have none: its "
                           "threads would take turns where ParViz's compute at once. It needs "
                           "a free-threaded CPython (python3.13t or later, PEP 703) on PATH; "
                           "none was found")
                .arg(path, version)};
    return {};
}

Result<PythonInterpreter> pythonFor(const RunPlan &plan, const PythonInterpreter &python)
{
    auto runnable = python.canRun(plan);
    if (runnable)
        return python;
    if (auto freeThreaded = findFreeThreadedPython(); freeThreaded && freeThreaded->canRun(plan))
        return *freeThreaded;
    return runnable.error();
}

std::optional<PythonInterpreter> findFreeThreadedPython()
{
    for (const char *name : {"python3.14t", "python3.13t", "python3t"}) {
        const QString path = QStandardPaths::findExecutable(QLatin1String(name));
        if (auto python = probe(path); python && python->freeThreaded)
            return python;
    }
    return std::nullopt;
}

Result<PythonInterpreter> findPython(const QString &chosen)
{
    if (!chosen.isEmpty()) {
        const QString path =
            chosen.contains(u'/') ? chosen : QStandardPaths::findExecutable(chosen);
        if (auto python = probe(path))
            return *python;
        return Error{QStringLiteral("no-python"),
            QStringLiteral("%1 does not run as Python 3 (choose another interpreter, or install "
                           "Debian's python3)")
                .arg(chosen)};
    }
    if (const QString given = qEnvironmentVariable("PARVIZ_PYTHON"); !given.isEmpty())
        return findPython(given);
    QStringList candidates{QStandardPaths::findExecutable(QStringLiteral("python3")),
        QStringLiteral("/usr/bin/python3")};
    candidates.removeDuplicates();
    // The first that runs every strategy's program; else the first with joblib; else the first.
    std::optional<PythonInterpreter> best;
    auto rank = [](const PythonInterpreter &python) {
        return (python.hasJoblib ? 2 : 0) + (python.hasDistributed ? 1 : 0);
    };
    for (const QString &candidate : candidates) {
        auto python = probe(candidate);
        if (!python)
            continue;
        if (!best || rank(*python) > rank(*best))
            best = python;
        if (rank(*best) == 3)
            break;
    }
    if (best)
        return *best;
    return Error{QStringLiteral("no-python"),
        QStringLiteral("no python3 was found on PATH or at /usr/bin/python3 (Debian: apt-get "
                       "install python3 python3-joblib)")};
}

QString tracebackTail(const QByteArray &errors)
{
    QString tail = QString::fromLocal8Bit(errors.right(MaxTracebackBytes)).trimmed();
    if (errors.size() > MaxTracebackBytes)
        tail = QStringLiteral("…") + tail.section(u'\n', 1);
    return tail;
}

} // namespace parviz
