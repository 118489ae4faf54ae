// How true is ParViz? Every strategy of the registry runs the same workloads with ParViz and in
// real CPython (its own Python program, core/truth/), on this machine, and the medians go side
// by side in a Markdown table for README.md:
//
//   300 sleep tasks of 10 ms on 8 workers; 8 CPU tasks of 40 ms on 4 workers; the same 8 tasks
//   half sleeping (mixed, io share 0.5) on 4 workers; and joblib's seed case, 300 sleep tasks
//   of 100 ms with n_jobs = the logical CPUs, with its default backend, loky.
//
// joblib's batches run with both backends, loky (worker processes) and threading. ParViz keeps
// loky's workers between runs, as loky does between Parallel calls, but every CPython run is a
// new program whose workers start afresh: so that both start alike, ParViz's kept workers are
// ended before each of its runs here.
//
// The runs of a pair are interleaved, ParViz first in even repetitions and CPython first in odd
// ones, so that whatever else the machine does hits both alike. Speedups are against the work
// itself (the tasks' effective run time), the same definition for both.
//
// For the process pool, a second table gives the spawn cost: the time from the pool's creation
// (the run's time zero) to each worker's first task, ParViz's worker processes against
// ProcessPoolExecutor's, and ParViz's spawn events alone (posix_spawn to "ready").
//
// A plain program rather than a Google Benchmark: each point is a pair of runs of two engines,
// and what it prints is the README's table. Run it on an otherwise idle machine:
//
//   build/dev/bin/bench_truth [--repeat N] [--python PATH] [--only TEXT]

#include "benchmachine.h"
#include "process/reusableworkers.h"
#include "python/cpythonengine.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QString>
#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

using namespace parviz;

namespace {

constexpr std::int64_t Ms = 1'000'000;
// Thread strategies: within this of CPython's makespan, or faster.
constexpr double MakespanTarget = 1.02;
// Thread strategies: a speedup within this share of CPython's, for tasks that hold the GIL
// and for tasks that release it.
constexpr double GilSpeedupTarget = 0.10;

struct Workload
{
    const char *name;
    WorkloadSpec spec;
    int workers;
    bool seedCase = false; // joblib's seed case: its batched run alone
};

std::vector<Workload> workloads()
{
    WorkloadSpec sleep;
    sleep.taskCount = 300;
    sleep.kind = TaskKind::Sleep;
    sleep.duration = DurationSpec::fixed(10 * Ms);
    WorkloadSpec cpu;
    cpu.taskCount = 8;
    cpu.kind = TaskKind::Cpu;
    cpu.duration = DurationSpec::fixed(40 * Ms);
    WorkloadSpec mixed = cpu;
    mixed.kind = TaskKind::Mixed;
    mixed.ioShare = 0.5;
    WorkloadSpec seed;
    seed.taskCount = 300;
    seed.kind = TaskKind::Sleep;
    seed.duration = DurationSpec::fixed(100 * Ms);
    return {{"300 sleep x 10 ms, 8 workers", sleep, 8},
        {"8 cpu x 40 ms, 4 workers", cpu, 4},
        {"8 mixed x 40 ms (half I/O), 4 workers", mixed, 4},
        {"joblib's seed case: 300 sleep x 100 ms, n_jobs = CPUs", seed, logicalCpus(), true}};
}

double median(std::vector<double> values)
{
    if (values.empty())
        return std::nan("");
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

// What one engine's runs of a point measured, a value per run.
struct Measured
{
    std::vector<double> makespanMs;
    std::vector<double> speedup;
    std::vector<double> firstTaskMs; // per run: the median worker's time to its first task
    std::vector<double> lastFirstTaskMs; // per run: the last worker's
    std::vector<double> spawnEventMs; // per run: the median spawn event (ParViz's own)
    std::vector<double> taskMs; // per run: the measured work per task
};

// Per worker row that ran a task: the time from the run's start to its first task.
std::vector<double> firstTasksMs(const RunResult &run)
{
    std::vector<double> times;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.kind == EventKind::Run) {
                times.push_back(double(event.startNs) / Ms);
                break;
            }
        }
    }
    return times;
}

std::vector<double> spawnEventsMs(const RunResult &run)
{
    std::vector<double> times;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane)
        for (const TaskEvent &event : run.trace->events(lane))
            if (event.kind == EventKind::Spawn)
                times.push_back(double(event.endNs - event.startNs) / Ms);
    return times;
}

void record(Measured &measured, const RunResult &run)
{
    measured.makespanMs.push_back(double(run.metrics.makespanNs) / Ms);
    measured.speedup.push_back(run.metrics.speedup);
    if (run.metrics.tasksCompleted > 0)
        measured.taskMs.push_back(
            double(run.metrics.totalWorkNs) / run.metrics.tasksCompleted / double(Ms));
    const std::vector<double> first = firstTasksMs(run);
    if (!first.empty()) {
        measured.firstTaskMs.push_back(median(first));
        measured.lastFirstTaskMs.push_back(*std::max_element(first.begin(), first.end()));
    }
    if (const std::vector<double> spawns = spawnEventsMs(run); !spawns.empty())
        measured.spawnEventMs.push_back(median(spawns));
}

QString ms(double value)
{
    if (!std::isfinite(value))
        return QStringLiteral("-");
    return value >= 100 ? QString::number(value, 'f', 0) + QStringLiteral(" ms")
                        : QString::number(value, 'f', value >= 10 ? 1 : 2) + QStringLiteral(" ms");
}

QString number(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

StrategyOptions withBackend(JoblibBackend backend)
{
    StrategyOptions options;
    options.backend = backend;
    return options;
}

WorkerKind workersOf(const QString &id, JoblibBackend backend)
{
    return findStrategy(id)->info.workersWith(withBackend(backend));
}

bool isThreadStrategy(const QString &id, JoblibBackend backend)
{
    // The strategies whose Python program runs its tasks on threads of the one interpreter.
    return workersOf(id, backend) != WorkerKind::Processes;
}

bool isPool(const QString &id, JoblibBackend backend)
{
    return workersOf(id, backend) == WorkerKind::Threads;
}

// The targets a point meets or misses, as a table cell: ParViz's figure against CPython's, in
// percent, and whether that is within the target.
QString verdict(const QString &id,
    JoblibBackend backend,
    double parvizMakespan,
    double cpythonMakespan,
    double parvizSpeedup,
    double cpythonSpeedup)
{
    auto percent = [](double ratio) { return QString::asprintf("%+.1f%%", (ratio - 1.0) * 100.0); };
    QStringList parts;
    if (isThreadStrategy(id, backend)) {
        const double ratio = parvizMakespan / cpythonMakespan;
        parts << QStringLiteral("makespan %1: %2")
                     .arg(percent(ratio),
                         ratio <= MakespanTarget ? QStringLiteral("met")
                                                 : QStringLiteral("**missed**"));
    }
    if (isPool(id, backend)) {
        const double ratio = parvizSpeedup / cpythonSpeedup;
        parts << QStringLiteral("speedup %1: %2")
                     .arg(percent(ratio),
                         std::abs(ratio - 1.0) <= GilSpeedupTarget ? QStringLiteral("met")
                                                                   : QStringLiteral("**missed**"));
    }
    return parts.isEmpty() ? QStringLiteral("-") : parts.join(QStringLiteral("; "));
}

} // namespace

int main(int argc, char **argv)
{
    int repeat = 5;
    QString chosen;
    QString only; // measure only the rows whose "workload, strategy, gil" contains this
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc)
            repeat = std::max(1, std::atoi(argv[++i]));
        else if (!std::strcmp(argv[i], "--python") && i + 1 < argc)
            chosen = QString::fromLocal8Bit(argv[++i]);
        else if (!std::strcmp(argv[i], "--only") && i + 1 < argc)
            only = QString::fromLocal8Bit(argv[++i]);
        else {
            std::fprintf(stderr, "usage: %s [--repeat N] [--python PATH] [--only TEXT]\n", argv[0]);
            return 2;
        }
    }
    const auto python = findPython(chosen);
    if (!python) {
        std::fprintf(stderr, "bench_truth: %s\n", qPrintable(python.error().message));
        return 2;
    }

    struct Row
    {
        QString workload;
        QString strategy;
        TaskGil gil = TaskGil::Held;
        JoblibBackend backend = JoblibBackend::Loky;
        Measured own;
        Measured cpython;
        QString skipped;
        std::int64_t planNs = 0; // a task's planned duration

        // "`batched` (loky)": joblib's backend where it has one.
        QString label() const
        {
            const QString id = QStringLiteral("`%1`").arg(strategy);
            return findStrategy(strategy)->info.handOut == HandOut::AutoBatches
                ? QStringLiteral("%1 (%2)").arg(id, joblibBackendName(backend))
                : id;
        }
    };
    std::vector<Row> rows;
    for (const Workload &workload : workloads()) {
        for (const StrategyEntry &entry : strategyRegistry()) {
            const bool joblib = entry.info.handOut == HandOut::AutoBatches;
            if (workload.seedCase && !joblib)
                continue;
            for (const JoblibBackend backend : {JoblibBackend::Loky, JoblibBackend::Threading}) {
                if (backend != JoblibBackend::Loky && (!joblib || workload.seedCase))
                    continue;
                // Threads of one process on computing work: with tasks that hold the GIL (pure
                // Python) and with tasks that release it (hashlib). Elsewhere the GIL changes
                // nothing.
                const bool gilMatters =
                    entry.info.workersWith(withBackend(backend)) == WorkerKind::Threads
                    && workload.spec.kind != TaskKind::Sleep;
                for (const TaskGil gil : {TaskGil::Held, TaskGil::Released}) {
                    if (gil != TaskGil::Held && !gilMatters)
                        continue;
                    WorkloadSpec spec = workload.spec;
                    spec.gil = gil;
                    Row row{QString::fromLatin1(workload.name),
                        entry.info.id,
                        gil,
                        backend,
                        {},
                        {},
                        {},
                        workload.spec.duration.valueNs};
                    QString label = QStringLiteral("%1, %2, %3")
                                        .arg(row.workload, row.strategy, taskGilName(gil));
                    if (joblib)
                        label += QStringLiteral(", ") + joblibBackendName(backend);
                    if (!label.contains(only))
                        continue;
                    const RunPlan plan = makeRunPlan(entry.info.id,
                        spec,
                        WorkerCount::exactly(workload.workers),
                        withBackend(backend))
                                             .value();
                    if (auto runnable = python->canRun(plan); !runnable) {
                        row.skipped = runnable.error().message;
                        rows.push_back(std::move(row));
                        continue;
                    }
                    std::fprintf(stderr, "%s:", qPrintable(label));
                    for (int i = 0; i < repeat && row.skipped.isEmpty(); ++i) {
                        // Interleaved, the first of the pair alternating.
                        for (int engine : i % 2 == 0 ? std::vector{0, 1} : std::vector{1, 0}) {
                            // Workers that start afresh, as a new Python program's do.
                            ReusableWorkers::instance().clear();
                            const RunResult run =
                                engine == 0 ? executeRun(plan) : executeInCPython(plan, *python);
                            if (!run.ok()) {
                                row.skipped =
                                    run.error ? run.error->message : QStringLiteral("stopped");
                                break;
                            }
                            record(engine == 0 ? row.own : row.cpython, run);
                        }
                        std::fprintf(stderr, " %d", i + 1);
                    }
                    std::fprintf(stderr, "\n");
                    rows.push_back(std::move(row));
                }
            }
        }
    }

    std::printf(
        "Measured by `bench_truth --repeat %d` on %d logical CPUs (%s); CPython %s "
        "(%s). Medians of %d runs each, ParViz's and CPython's interleaved; speedup "
        "against the work itself; ratio = CPython / ParViz. Targets, ParViz against CPython: the "
        "makespan of a strategy on threads at most 2%% longer; the speedup of a pool of "
        "threads within 10%%, for tasks that hold the GIL and for tasks that release it "
        "(hashlib in CPython).\n\n",
        repeat,
        logicalCpus(),
        qPrintable(bench::cpuModel()),
        qPrintable(python->version),
        qPrintable(python->path),
        repeat);
    std::printf("| workload | strategy | `--gil` | makespan ParViz | makespan CPython | ratio | "
                "speedup ParViz | speedup CPython | ratio | targets |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Row &row : rows) {
        if (!row.skipped.isEmpty()) {
            std::printf("| %s | %s | %s | not measured: %s |||||||\n",
                qPrintable(row.workload),
                qPrintable(row.label()),
                taskGilId(row.gil).data(),
                qPrintable(row.skipped.simplified()));
            continue;
        }
        const double ownMakespan = median(row.own.makespanMs);
        const double cpythonMakespan = median(row.cpython.makespanMs);
        const double ownSpeedup = median(row.own.speedup);
        const double cpythonSpeedup = median(row.cpython.speedup);
        std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
            qPrintable(row.workload),
            qPrintable(row.label()),
            taskGilId(row.gil).data(),
            qPrintable(ms(ownMakespan)),
            qPrintable(ms(cpythonMakespan)),
            qPrintable(number(cpythonMakespan / ownMakespan, 3)),
            qPrintable(number(ownSpeedup, 2)),
            qPrintable(number(cpythonSpeedup, 2)),
            qPrintable(number(cpythonSpeedup / ownSpeedup, 3)),
            qPrintable(verdict(row.strategy,
                row.backend,
                ownMakespan,
                cpythonMakespan,
                ownSpeedup,
                cpythonSpeedup)));
    }

    std::printf("\nA task alone: the measured work per task of the `sequential` runs. ParViz's "
                "CPU work is an iteration count calibrated once per process (this one's); "
                "CPython's reads the thread's CPU time (time.thread_time()).\n\n");
    std::printf("| workload | planned | ParViz | CPython |\n");
    std::printf("|---|---|---|---|\n");
    for (const Row &row : rows) {
        if (findStrategy(row.strategy)->info.workers != WorkerKind::Caller
            || !row.skipped.isEmpty())
            continue;
        std::printf("| %s | %s | %s | %s |\n",
            qPrintable(row.workload),
            qPrintable(ms(double(row.planNs) / Ms)),
            qPrintable(ms(median(row.own.taskMs))),
            qPrintable(ms(median(row.cpython.taskMs))));
    }

    std::printf("\nSpawn cost of the worker processes (`process-pool`, and `batched` with loky): "
                "from the pool's creation to each worker's first task (the median worker / the "
                "last one), medians of the runs. ParViz's spawn event is posix_spawn of "
                "parviz-worker until it reports ready; Python's workers start an interpreter and "
                "import what the task needs (loky's also unpickle the task's function).\n\n");
    std::printf("| workload | strategy | ParViz: first task, median / last worker | Python: "
                "first task, median / last worker | ratio (median) | ParViz spawn event |\n");
    std::printf("|---|---|---|---|---|---|\n");
    for (const Row &row : rows) {
        if (workersOf(row.strategy, row.backend) != WorkerKind::Processes || !row.skipped.isEmpty())
            continue;
        const double own = median(row.own.firstTaskMs);
        const double cpython = median(row.cpython.firstTaskMs);
        std::printf("| %s | %s | %s / %s | %s / %s | %s | %s |\n",
            qPrintable(row.workload),
            qPrintable(row.label()),
            qPrintable(ms(own)),
            qPrintable(ms(median(row.own.lastFirstTaskMs))),
            qPrintable(ms(cpython)),
            qPrintable(ms(median(row.cpython.lastFirstTaskMs))),
            qPrintable(number(cpython / own, 2)),
            qPrintable(ms(median(row.own.spawnEventMs))));
    }
    return 0;
}
