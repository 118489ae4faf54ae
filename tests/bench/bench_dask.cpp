// A Dask cluster beside ParViz's own pools, and what tracing costs a Dask program.
//
// Makespan: the same sleep workloads (200 tasks of 10 ms, 48 of 50 ms) on 4 workers, run by
// ParViz's `thread-pool` and `process-pool` and by `dask` (a LocalCluster of 4 worker
// processes of 1 thread, started by each run, as a pool is). Each run's makespan against the
// bound, tasks x duration / workers, and the overhead per task, (makespan - bound) x workers /
// tasks. A pool's or a cluster's start is in its makespan; so the same figures are given from
// the run's first task on as well, which leaves the start out.
//
// Tracing: the dask strategy's Python program (pythonProgram()) as shown and as ParViz runs it
// traced, each run by /usr/bin/python3 from a file of its own, on a LocalCluster it starts and
// on a cluster already running (started here, as separate processes). Each program's clock
// starts at the same line (`start = time.perf_counter()`; the traced one's `begin` line follows
// it at once) and stops where its work has ended: the plain one's "Finished in" line, the
// traced one's `end` line, whose time is taken before it waits for its workers' last trace
// lines to arrive (at most 5 s). That wait is in the traced program's "Finished in", given
// beside it. "Finished in" is printed to the microsecond here rather than to the centisecond,
// the one change to either program. Target: the traced program's time at most 5% more than
// the plain one's, judged by the median of the ratios of runs made back to back (the ratio of
// the medians is given beside it).
//
// The runs of a point are interleaved, the first of each repetition changing, so that whatever
// else the machine does hits them alike; figures are medians. A plain program that prints
// README.md's tables. Run it on an otherwise idle machine:
//
//   build/dev/bin/bench_dask [--repeat N] [--only makespan|tracing]

#include "benchmachine.h"
#include "localdaskcluster.h"
#include "process/reusableworkers.h"
#include "python/pythonsnippet.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "util/clock.h"

#include <QCoreApplication>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QString>
#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <optional>
#include <unistd.h>
#include <vector>

using namespace parviz;

namespace {

constexpr std::int64_t Ms = 1'000'000;
constexpr int Workers = 4;
const QString Python = QStringLiteral("/usr/bin/python3");
// The traced program's time against the plain one's.
constexpr double TracingTarget = 1.05;

struct Workload
{
    int tasks;
    std::int64_t taskNs;

    QString name() const
    {
        return QStringLiteral("%1 sleep x %2 ms, %3 workers")
            .arg(tasks)
            .arg(taskNs / Ms)
            .arg(Workers);
    }
    double boundNs() const { return double(tasks) * double(taskNs) / Workers; }
};

const std::vector<Workload> &workloads()
{
    static const std::vector<Workload> all = {{200, 10 * Ms}, {48, 50 * Ms}};
    return all;
}

double median(std::vector<double> values)
{
    if (values.empty())
        return std::nan("");
    std::sort(values.begin(), values.end());
    const std::size_t middle = values.size() / 2;
    return values.size() % 2 ? values[middle] : (values[middle - 1] + values[middle]) / 2.0;
}

RunPlan planFor(const QString &strategy, const Workload &workload, const QString &scheduler = {})
{
    WorkloadSpec spec;
    spec.taskCount = workload.tasks;
    spec.kind = TaskKind::Sleep;
    spec.duration = DurationSpec::fixed(workload.taskNs);
    StrategyOptions options;
    options.threadsPerWorker = 1;
    options.daskScheduler = scheduler;
    return makeRunPlan(strategy, spec, WorkerCount::exactly(Workers), options).value();
}

// One run's makespan and when its first task started, in nanoseconds.
struct Timing
{
    double makespanNs = 0;
    double firstTaskNs = 0;
};

std::optional<Timing> runOnce(const RunPlan &plan, QString &failure)
{
    // Worker processes that start afresh, as a new cluster's do.
    ReusableWorkers::instance().clear();
    const RunResult run = executeRun(plan);
    if (!run.ok() || run.metrics.tasksCompleted != plan.workload.taskCount) {
        failure = run.error ? run.error->message : QStringLiteral("stopped or incomplete");
        return std::nullopt;
    }
    std::int64_t first = run.metrics.makespanNs;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.kind == EventKind::Run) {
                first = std::min(first, event.startNs);
                break;
            }
        }
    }
    return Timing{double(run.metrics.makespanNs), double(first)};
}

QString ms(double ns)
{
    if (!std::isfinite(ns))
        return QStringLiteral("-");
    const double value = ns / double(Ms);
    return QString::number(value, 'f', value >= 100 ? 0 : (value >= 10 ? 1 : 2))
        + QStringLiteral(" ms");
}

QString number(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

// A program run by /usr/bin/python3 from a file of its own: the seconds its own clock gave (its
// "Finished in" line), for a traced program also its clock from its `begin` line to its `end`
// line, and the whole process's time from start to exit.
struct ProgramTime
{
    double finishedSeconds = std::nan("");
    double tracedSeconds = std::nan("");
    double processSeconds = std::nan("");
    QString failure;
};

ProgramTime runProgram(const QString &path)
{
    ProgramTime time;
    QProcess python;
    python.setWorkingDirectory(QFileInfo(path).absolutePath());
    python.setProcessChannelMode(QProcess::SeparateChannels);
    // A group of its own, as ParViz runs it: the traced program ends its group should its
    // standard input close, which stays open here until it has finished.
    python.setChildProcessModifier([] { ::setpgid(0, 0); });
    const std::int64_t start = monotonicNowNs();
    python.start(Python, {path});
    if (!python.waitForFinished(300'000)) {
        python.kill();
        python.waitForFinished();
        time.failure = QStringLiteral("%1 did not finish").arg(path);
        return time;
    }
    time.processSeconds = double(monotonicNowNs() - start) / 1e9;
    const QByteArray output = python.readAllStandardOutput();
    const auto match = QRegularExpression(QStringLiteral(R"(Finished in ([0-9.]+) seconds)"))
                           .match(QString::fromUtf8(output));
    if (python.exitCode() != 0 || !match.hasMatch()) {
        time.failure = QStringLiteral("%1 failed: %2")
                           .arg(path, QString::fromUtf8(python.readAllStandardError().right(800)));
        return time;
    }
    time.finishedSeconds = match.captured(1).toDouble();
    std::optional<double> begin;
    std::optional<double> end;
    for (const QByteArray &line : output.split('\n')) {
        if (!line.startsWith(PythonTraceMarker))
            continue;
        const QJsonObject fields =
            QJsonDocument::fromJson(line.mid(qsizetype(std::strlen(PythonTraceMarker)))).object();
        const QString event = fields.value(QLatin1String("e")).toString();
        if (event == QLatin1String("begin"))
            begin = fields.value(QLatin1String("t")).toDouble();
        else if (event == QLatin1String("end"))
            end = fields.value(QLatin1String("t")).toDouble();
    }
    if (begin && end)
        time.tracedSeconds = (*end - *begin) / 1e9;
    return time;
}

// The program's "Finished in" line to the microsecond; the rest as pythonProgram() wrote it.
std::optional<QString> timedToTheMicrosecond(QString program)
{
    const QString shown = QStringLiteral("time.perf_counter() - start:.2f} seconds");
    if (!program.contains(shown))
        return std::nullopt;
    return program.replace(shown, QStringLiteral("time.perf_counter() - start:.6f} seconds"));
}

QString loadAverage()
{
    QFile file(QStringLiteral("/proc/loadavg"));
    if (!file.open(QIODevice::ReadOnly))
        return QStringLiteral("unknown");
    return QString::fromLatin1(file.readAll()).section(u' ', 0, 2);
}

void makespans(int repeat)
{
    std::printf("| workload | runner | makespan | / bound | overhead per task | first task at | "
                "from the first task: / bound | per task |\n");
    std::printf("|---|---|---|---|---|---|---|---|\n");
    const std::vector<QString> runners = {
        QStringLiteral("thread-pool"), QStringLiteral("process-pool"), QStringLiteral("dask")};
    for (const Workload &workload : workloads()) {
        std::map<QString, std::vector<Timing>> timings;
        std::map<QString, QString> failures;
        std::fprintf(stderr, "%s:", qPrintable(workload.name()));
        for (int i = 0; i < repeat; ++i) {
            for (std::size_t k = 0; k < runners.size(); ++k) {
                const QString &runner = runners[(k + std::size_t(i)) % runners.size()];
                if (failures.contains(runner))
                    continue;
                QString failure;
                if (const auto timing = runOnce(planFor(runner, workload), failure))
                    timings[runner].push_back(*timing);
                else
                    failures[runner] = failure;
            }
            std::fprintf(stderr, " %d", i + 1);
        }
        std::fprintf(stderr, "\n");
        const double bound = workload.boundNs();
        for (const QString &runner : runners) {
            if (failures.contains(runner)) {
                std::printf("| %s | `%s` | not measured: %s |||||||\n",
                    qPrintable(workload.name()),
                    qPrintable(runner),
                    qPrintable(failures[runner].simplified()));
                continue;
            }
            std::vector<double> makespan;
            std::vector<double> first;
            std::vector<double> afterFirst;
            for (const Timing &timing : timings[runner]) {
                makespan.push_back(timing.makespanNs);
                first.push_back(timing.firstTaskNs);
                afterFirst.push_back(timing.makespanNs - timing.firstTaskNs);
            }
            const double m = median(makespan);
            const double a = median(afterFirst);
            std::printf("| %s | `%s` | %s | %s | %s | %s | %s | %s |\n",
                qPrintable(workload.name()),
                qPrintable(runner),
                qPrintable(ms(m)),
                qPrintable(number(m / bound, 3)),
                qPrintable(ms((m - bound) * Workers / workload.tasks)),
                qPrintable(ms(median(first))),
                qPrintable(number(a / bound, 3)),
                qPrintable(ms((a - bound) * Workers / workload.tasks)));
        }
    }
}

void tracing(int repeat)
{
    test::LocalDaskCluster cluster(Workers, 1);
    const bool clusterUp = cluster.start();
    if (!clusterUp)
        std::fprintf(
            stderr, "bench_dask: no cluster of its own: %s\n", qPrintable(cluster.error()));
    std::printf("\n| workload | cluster | program's clock, as shown | traced | traced / shown | "
                "traced / shown, run by run | target | traced, to its \"Finished in\" | "
                "process, as shown | traced |\n");
    std::printf("|---|---|---|---|---|---|---|---|---|---|\n");
    for (const Workload &workload : workloads()) {
        for (const bool existing : {false, true}) {
            const QString where = existing
                ? QStringLiteral("running (%1 x 1, started apart)").arg(Workers)
                : QStringLiteral("LocalCluster the program starts (%1 x 1)").arg(Workers);
            if (existing && !clusterUp) {
                std::printf("| %s | %s | not measured: no cluster |||||||\n",
                    qPrintable(workload.name()),
                    qPrintable(where));
                continue;
            }
            const RunPlan plan = planFor(QStringLiteral("dask"),
                workload,
                existing ? cluster.schedulerAddress() : QString());
            QTemporaryDir dir;
            const QString paths[2] = {dir.filePath(QStringLiteral("shown.py")),
                dir.filePath(QStringLiteral("traced.py"))};
            QString failure;
            for (int traced = 0; traced < 2; ++traced) {
                const auto program = timedToTheMicrosecond(
                    pythonProgram(plan, traced ? PythonTracing::On : PythonTracing::Off));
                QFile file(paths[traced]);
                if (!program)
                    failure = QStringLiteral("the program's \"Finished in\" line has changed");
                else if (!file.open(QIODevice::WriteOnly) || file.write(program->toUtf8()) < 0)
                    failure = QStringLiteral("cannot write %1").arg(paths[traced]);
            }
            std::vector<double> program[2]; // shown: to its "Finished in"; traced: begin to end
            std::vector<double> finished; // traced: to its "Finished in"
            std::vector<double> process[2];
            std::fprintf(stderr, "%s, %s:", qPrintable(workload.name()), qPrintable(where));
            for (int i = 0; i < repeat && failure.isEmpty(); ++i) {
                for (int traced : i % 2 == 0 ? std::vector{0, 1} : std::vector{1, 0}) {
                    const ProgramTime time = runProgram(paths[traced]);
                    if (!time.failure.isEmpty()) {
                        failure = time.failure;
                        break;
                    }
                    program[traced].push_back(traced ? time.tracedSeconds : time.finishedSeconds);
                    if (traced)
                        finished.push_back(time.finishedSeconds);
                    process[traced].push_back(time.processSeconds);
                }
                std::fprintf(stderr, " %d", i + 1);
            }
            std::fprintf(stderr, "\n");
            if (!failure.isEmpty()) {
                std::printf("| %s | %s | not measured: %s |||||||\n",
                    qPrintable(workload.name()),
                    qPrintable(where),
                    qPrintable(failure.simplified()));
                continue;
            }
            const double shown = median(program[0]) * 1e9;
            const double traced = median(program[1]) * 1e9;
            // Each repetition runs the two back to back: the ratio of each such pair leaves
            // out what the machine did between repetitions, as the ratio of medians does not.
            std::vector<double> pairs;
            for (std::size_t i = 0; i < program[0].size() && i < program[1].size(); ++i)
                pairs.push_back(program[1][i] / program[0][i]);
            const double ratio = median(pairs);
            std::printf("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n",
                qPrintable(workload.name()),
                qPrintable(where),
                qPrintable(ms(shown)),
                qPrintable(ms(traced)),
                qPrintable(number(traced / shown, 3)),
                qPrintable(number(ratio, 3)),
                ratio <= TracingTarget ? "met" : "**missed**",
                qPrintable(ms(median(finished) * 1e9)),
                qPrintable(ms(median(process[0]) * 1e9)),
                qPrintable(ms(median(process[1]) * 1e9)));
        }
    }
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication application(argc, argv);
    int repeat = 5;
    bool makespanTable = true;
    bool tracingTable = true;
    for (int i = 1; i < argc; ++i) {
        if (!std::strcmp(argv[i], "--repeat") && i + 1 < argc) {
            repeat = std::max(1, std::atoi(argv[++i]));
        } else if (!std::strcmp(argv[i], "--only") && i + 1 < argc
            && (!std::strcmp(argv[i + 1], "makespan") || !std::strcmp(argv[i + 1], "tracing"))) {
            makespanTable = !std::strcmp(argv[++i], "makespan");
            tracingTable = !makespanTable;
        } else {
            std::fprintf(stderr, "usage: %s [--repeat N] [--only makespan|tracing]\n", argv[0]);
            return 2;
        }
    }
    if (const QString reason = test::LocalDaskCluster::unavailableReason(); !reason.isEmpty()) {
        std::fprintf(stderr, "bench_dask: %s\n", qPrintable(reason));
        return 2;
    }
    // The dask strategy's runs use the interpreter that has distributed; the python3 on PATH
    // may not.
    qputenv("PARVIZ_PYTHON", Python.toLocal8Bit());
    const char *only = makespanTable == tracingTable ? ""
        : makespanTable                              ? " --only makespan"
                                                     : " --only tracing";
    std::printf("Measured by `bench_dask --repeat %d%s` on %d logical CPUs (%s), load average %s "
                "at the start; %s. Medians of %d runs each, interleaved. Bound = tasks x "
                "duration / workers; overhead per task = (makespan - bound) x workers / "
                "tasks.\n\n",
        repeat,
        only,
        logicalCpus(),
        qPrintable(bench::cpuModel()),
        qPrintable(loadAverage()),
        qPrintable(Python),
        repeat);
    if (makespanTable)
        makespans(repeat);
    if (tracingTable)
        tracing(repeat);
    return 0;
}
