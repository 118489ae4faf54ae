#include "commands.h"

#include "export/chrometrace.h"
#include "export/csvexport.h"
#include "export/output.h"
#include "export/runjson.h"
#include "export/runsummary.h"
#include "export/sweepjson.h"
#include "figures.h"
#include "metrics/amdahl.h"
#include "run/runsession.h"
#include "run/sweep.h"
#include "strategies/strategyregistry.h"
#include "truth/cpythonengine.h"
#include "util/format.h"

#include <QStringList>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <unistd.h>

namespace parviz::cli {

namespace {

// Where a person reads: stdout, unless an export took it.
FILE *textStream(const ExportFlags &exports)
{
    return exports.toStdout() ? stderr : stdout;
}

Result<RunPlan> makePlan(
    const QString &strategy, const Workload &workload, const char *strategyFlag)
{
    auto plan = RunPlan::make(strategy, workload.spec, workload.workers, workload.options);
    if (!plan) {
        const QString flag = flagForPlanError(plan.error().code);
        return usage(flag == QLatin1String("--strategy") ? QLatin1String(strategyFlag) : flag,
            plan.error().message);
    }
    return plan;
}

// Runs a session on a thread of its own, so that a stop can reach it, with a line of progress
// on a terminal's stderr.
RunResult execute(RunSession &session, std::stop_token stop, bool progress)
{
    std::stop_callback forward(stop, [&session] { session.requestStop(); });
    session.start();
    if (progress && isatty(STDERR_FILENO)) {
        const std::size_t total = session.plan().tasks->size();
        while (!session.wait(std::chrono::milliseconds(200))) {
            const auto snapshot = session.snapshot();
            std::fprintf(stderr,
                "\r%lld/%zu tasks, %s   ",
                static_cast<long long>(snapshot->completedTasks()),
                total,
                qPrintable(formatDuration(snapshot->takenAtNs())));
            std::fflush(stderr);
        }
        std::fprintf(stderr, "\r\033[K");
    }
    session.wait();
    return session.takeResult();
}

RunResult execute(RunPlan plan, std::stop_token stop, bool progress)
{
    RunSession session(std::move(plan));
    return execute(session, stop, progress);
}

// The pictures' width and theme, as the desktop program's Preferences choose them.
FigureStyle figureStyleOf(const ExportFlags &flags)
{
    FigureStyle style;
    style.width = flags.width();
    style.dark = flags.darkPictures;
    return style;
}

// Writes each export the flags name; the first failure is printed and makes the status 1.
// `stop` (Ctrl+C) ends a wait for a pipe's reader.
class Exporter
{
public:
    Exporter(const ExportFlags &flags, bool quiet, std::stop_token stop)
        : m_flags(flags)
        , m_quiet(quiet)
        , m_stop(std::move(stop))
    { }

    const std::stop_token &stop() const { return m_stop; }

    void write(const std::string &path,
        const char *what,
        const std::function<Result<void>(const QString &path)> &save)
    {
        if (path.empty())
            return;
        if (auto saved = save(QString::fromStdString(path)); !saved) {
            printError(saved.error().message);
            m_failed = true;
        } else if (!m_quiet && path != "-") {
            std::fprintf(textStream(m_flags), "  %-10s wrote %s\n", what, path.c_str());
        }
    }
    void pictures(const std::function<Result<void>(const PictureTarget &)> &save)
    {
        struct Picture
        {
            const std::string *path;
            const char *what;
            PictureFormat format;
        };
        const Picture pictures[] = {{&m_flags.png, "png", PictureFormat::Png},
            {&m_flags.svg, "svg", PictureFormat::Svg},
            {&m_flags.pdf, "pdf", PictureFormat::Pdf}};
        for (const Picture &picture : pictures) {
            write(*picture.path, picture.what, [&](const QString &file) {
                return save(PictureTarget{file, picture.format, m_flags.scale(), m_stop});
            });
        }
    }
    bool failed() const { return m_failed; }

private:
    const ExportFlags &m_flags;
    bool m_quiet;
    std::stop_token m_stop;
    bool m_failed = false;
};

// A table for a terminal: a header, then rows; numbers right-aligned.
class Table
{
public:
    explicit Table(QStringList header)
        : m_rows{std::move(header)}
    { }
    void add(QStringList row) { m_rows.push_back(std::move(row)); }
    void print(FILE *stream) const
    {
        std::vector<qsizetype> widths;
        for (const QStringList &row : m_rows)
            for (qsizetype i = 0; i < row.size(); ++i) {
                if (std::size_t(i) >= widths.size())
                    widths.push_back(0);
                widths[std::size_t(i)] = std::max(widths[std::size_t(i)], row[i].size());
            }
        for (const QStringList &row : m_rows) {
            QString line;
            for (qsizetype i = 0; i < row.size(); ++i) {
                const int width = static_cast<int>(widths[std::size_t(i)]);
                // The first column is a name; the others are numbers.
                line += i == 0 ? row[i].leftJustified(width) : row[i].rightJustified(width);
                line += QStringLiteral("  ");
            }
            // Trailing spaces only: a name may be indented under the row it is a part of.
            while (line.endsWith(u' '))
                line.chop(1);
            std::fprintf(stream, "%s\n", qPrintable(line));
        }
    }

private:
    std::vector<QStringList> m_rows;
};

QString fixed(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

// The exit status of runs that ended: a failure is 1 and says why.
int statusOf(const std::optional<Error> &error)
{
    if (error) {
        printError(error->message);
        return ExitFailed;
    }
    return ExitOk;
}

// A run's failure on stderr: its first line as every error is, then what follows it (a Python
// traceback) as it was written.
void printFailure(const QString &what, const Error &error)
{
    const qsizetype newline = error.message.indexOf(u'\n');
    printError(QStringLiteral("%1 failed: %2").arg(what, error.message.left(newline)));
    if (newline >= 0)
        std::fprintf(stderr, "%s\n", qPrintable(error.message.mid(newline + 1)));
}

// CPython's figure over ParViz's: 1.000 is the same, above 1 CPython's is larger.
QString ratio(double cpython, double parviz)
{
    if (!std::isfinite(cpython) || !std::isfinite(parviz) || parviz <= 0.0)
        return QStringLiteral("-");
    const double r = cpython / parviz;
    return fixed(r, r < 10.0 ? 3 : 1);
}

// The worker rows that ran at least one task: CPython's pools may leave a late starter idle.
int rowsThatRanTasks(const RunResult &run)
{
    if (!run.trace)
        return 0;
    int rows = 0;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        rows += std::any_of(events.begin(), events.end(), [](const TaskEvent &event) {
            return event.kind == EventKind::Run;
        });
    }
    return rows;
}

// The two runs side by side, with CPython's figures over ParViz's. `runs` holds ParViz's run,
// then CPython's unless a stop came first.
void printTruth(FILE *text, std::span<const RunResult> runs, const PythonInterpreter &python)
{
    const RunResult &own = runs.front();
    const RunResult *cpython = runs.size() > 1 ? &runs[1] : nullptr;
    std::fprintf(text,
        "%s (%s)\n%s on %s, speedup against the work itself\n",
        qPrintable(own.strategy.name),
        qPrintable(own.strategy.mirrors),
        qPrintable(own.plan.workload.label()),
        qPrintable(countOf(own.workers, "worker", "workers")));
    std::fprintf(
        text, "CPython: %s (Python %s)\n", qPrintable(python.path), qPrintable(python.version));

    const QString engine = CPythonEngine::engineName(python);
    Table table({QString(), QStringLiteral("ParViz"), engine, QStringLiteral("CPython/ParViz")});
    // A row of a figure: ParViz's and CPython's as text, and their ratio. `always`: shown for a
    // run cut short too, as what it did until then (the others are not the workload's).
    auto add = [&](const QString &name,
                   const std::function<double(const RunResult &)> &value,
                   const std::function<QString(double)> &format,
                   bool always = false) {
        auto cell = [&](const RunResult *run) {
            return run && (always || run->ok()) ? format(value(*run)) : QStringLiteral("-");
        };
        table.add({name,
            cell(&own),
            cell(cpython),
            own.ok() && cpython && cpython->ok() ? ratio(value(*cpython), value(own))
                                                 : QStringLiteral("-")});
    };
    auto duration = [](double ns) { return formatDuration(static_cast<std::int64_t>(ns)); };
    auto decimals = [](int places) { return [places](double x) { return fixed(x, places); }; };
    add(
        QStringLiteral("makespan"),
        [](const RunResult &run) { return double(run.metrics.makespanNs); },
        duration,
        true);
    add(
        QStringLiteral("x bound"),
        [](const RunResult &run) { return run.metrics.boundRatio; },
        decimals(3));
    add(
        QStringLiteral("speedup"),
        [](const RunResult &run) { return run.metrics.speedup; },
        decimals(2));
    add(
        QStringLiteral("efficiency"),
        [](const RunResult &run) { return run.metrics.efficiency; },
        [](double x) { return formatPercent(x); });
    add(
        QStringLiteral("rows with tasks"),
        [](const RunResult &run) { return double(rowsThatRanTasks(run)); },
        decimals(0),
        true);
    add(
        QStringLiteral("lost"),
        [](const RunResult &run) { return double(run.metrics.loss.totalNs()); },
        duration);
    const std::pair<const char *, std::int64_t LossBudget::*> parts[] = {
        {"  spawn", &LossBudget::spawnNs},
        {"  dispatch", &LossBudget::dispatchNs},
        {"  gil-wait", &LossBudget::gilWaitNs},
        {"  idle while queued", &LossBudget::idleQueuedNs},
        {"  tail idle", &LossBudget::tailIdleNs},
        {"  contention", &LossBudget::contentionNs}};
    bool noiseShown = false;
    for (const auto &[name, part] : parts) {
        if (part == &LossBudget::gilWaitNs) {
            // CPython's GIL cannot be watched from outside: its threads' waits are inside their
            // tasks, and so in its contention.
            table.add({QLatin1String(name),
                own.ok() ? duration(double(own.metrics.loss.gilWaitNs)) : QStringLiteral("-"),
                QStringLiteral("(in contention)"),
                QStringLiteral("-")});
            continue;
        }
        const auto value = [part](const RunResult &run) { return double(run.metrics.loss.*part); };
        if (own.ok() && cpython && cpython->ok()
            && (isNoise(own.metrics.loss.*part, own.metrics)
                || isNoise(cpython->metrics.loss.*part, cpython->metrics))) {
            // As small as noise on one side: the ratio would be noise too.
            table.add({QLatin1String(name),
                duration(value(own)),
                duration(value(*cpython)),
                QStringLiteral("(noise)")});
            noiseShown = true;
            continue;
        }
        add(QLatin1String(name), value, duration);
    }
    table.add({QStringLiteral("tasks completed"),
        QString::number(own.metrics.tasksCompleted),
        cpython ? QString::number(cpython->metrics.tasksCompleted) : QStringLiteral("-"),
        QString()});
    auto status = [](const RunResult *run) {
        return !run        ? QStringLiteral("not run")
            : run->error   ? QStringLiteral("failed")
            : run->stopped ? QStringLiteral("interrupted")
                           : QStringLiteral("ok");
    };
    if (!own.ok() || !cpython || !cpython->ok())
        table.add({QStringLiteral("status"), status(&own), status(cpython), QString()});
    table.print(text);
    if (noiseShown)
        std::fprintf(text,
            "(noise): under %s of the worker time on one side, where a ratio says nothing\n",
            qPrintable(formatPercent(NoiseShareOfWorkerTime)));
}

} // namespace

int listStrategies()
{
    int width = 0;
    for (const auto &entry : strategyRegistry())
        width = std::max(width, static_cast<int>(entry.info.id.size()));
    for (const auto &entry : strategyRegistry()) {
        std::printf("%-*s  %s\n%*s  mirrors %s\n",
            width,
            qPrintable(entry.info.id),
            qPrintable(entry.info.name),
            width,
            "",
            qPrintable(entry.info.mirrors));
    }
    return ExitOk;
}

int runCommand(const RunFlags &flags, std::stop_token stop)
{
    auto workload = parseWorkload(flags.workload);
    if (!workload)
        return report(workload.error());
    auto plan = makePlan(QString::fromStdString(flags.strategy), *workload, "--strategy");
    if (!plan)
        return report(plan.error());
    if (auto checked = flags.exports.check(); !checked)
        return report(checked.error());
    // An export that cannot be written is found now, not after a run that may take hours.
    if (auto writable = flags.exports.checkWritable(); !writable)
        return statusOf(writable.error());

    const RunResult result = execute(std::move(plan).value(), stop, !flags.quiet);
    FILE *text = textStream(flags.exports);
    if (!flags.quiet)
        std::fputs(runSummary(result).toUtf8().constData(), text);

    const std::span<const RunResult> runs(&result, 1);
    Exporter exporter(flags.exports, flags.quiet, stop);
    exporter.write(flags.exports.json, "json", [&](const QString &path) {
        return saveRunJson(result, path, stop);
    });
    exporter.write(flags.exports.csv, "csv", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeRunCsv(result, device); }, stop);
    });
    exporter.write(flags.exports.trace, "trace", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeChromeTrace(runs, device); }, stop);
    });
    exporter.pictures([&](const PictureTarget &target) {
        return saveGanttFigure(runs, target, figureStyleOf(flags.exports));
    });
    if (result.error)
        return statusOf(result.error);
    return exporter.failed() ? ExitFailed : ExitOk;
}

int sweepCommand(const SweepFlags &flags, std::stop_token stop)
{
    auto workload = parseWorkload(flags.workload);
    if (!workload)
        return report(workload.error());
    SweepPlan plan;
    plan.strategy = QString::fromStdString(flags.strategy);
    plan.workload = workload->spec;
    plan.options = workload->options;
    if (flags.maxWorkers.empty()) {
        plan.maxWorkers = logicalCpus();
    } else {
        const auto maxWorkers =
            wholeNumber("--max-workers", flags.maxWorkers, 1, WorkerCount::MaxWorkers);
        if (!maxWorkers)
            return report(maxWorkers.error());
        plan.maxWorkers = static_cast<int>(*maxWorkers);
    }
    const auto repeat = wholeNumber("--repeat", flags.repeat, 1, 100);
    if (!repeat)
        return report(repeat.error());
    plan.repeat = static_cast<int>(*repeat);
    if (const StrategyEntry *entry = findStrategy(plan.strategy);
        entry && !entry->info.usesWorkerCount)
        return report(usage(QStringLiteral("--strategy"),
            QStringLiteral("%1 sets its own worker count, so there is nothing to sweep (use "
                           "compare instead)")
                .arg(plan.strategy)));
    auto made = SweepSchedule::make(plan);
    if (!made) {
        const QString flag = flagForPlanError(made.error().code);
        return report(
            usage(flag == QLatin1String("--workers") ? QStringLiteral("--max-workers") : flag,
                made.error().message));
    }
    SweepSchedule &schedule = made.value();
    const ExportFlags &exports = flags.exports;
    if (auto checked = exports.check(); !checked)
        return report(checked.error());
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    // The JSON is written as the sweep goes, one point's runs at a time.
    std::optional<Output> json;
    std::optional<SweepJsonWriter> writer;
    if (!exports.json.empty()) {
        auto opened = Output::open(QString::fromStdString(exports.json), stop);
        if (!opened)
            return statusOf(opened.error());
        json.emplace(std::move(opened).value());
        writer.emplace(json->device(), plan, logicalCpus());
    }

    FILE *text = textStream(exports);
    auto progress = [&](const QString &line) {
        if (!flags.quiet) {
            std::fprintf(stderr, "%s\n", qPrintable(line));
            std::fflush(stderr);
        }
    };
    progress(QStringLiteral("sweep: %1 on %2, %3, %4 each")
                 .arg(plan.strategy,
                     plan.maxWorkers == 1 ? countOf(1, "worker", "workers")
                                          : QStringLiteral("1 to %1 workers").arg(plan.maxWorkers),
                     plan.workload.label(),
                     countOf(plan.repeat, "run", "runs")));
    std::vector<RunResult> pending; // the runs of the point being measured
    while (const auto runPlan = schedule.next()) {
        if (stop.stop_requested())
            break;
        const bool baseline = schedule.result().sequentialNs.empty();
        RunResult run = execute(*runPlan, stop, false);
        const auto point = schedule.record(run);
        if (run.error || run.stopped)
            break;
        pending.push_back(std::move(run));
        if (baseline && !schedule.result().sequentialNs.empty()) {
            progress(QStringLiteral("  sequential  %1")
                         .arg(formatDuration(schedule.result().sequentialMedianNs)));
            if (writer)
                writer->writeBaseline(schedule.result().sequentialMedianNs, pending);
            pending.clear();
        } else if (point) {
            progress(QStringLiteral("  %1 %2  %3  speedup %4x%5")
                         .arg(point->workers, 3)
                         .arg(point->workers == 1 ? QStringLiteral("worker ")
                                                  : QStringLiteral("workers"),
                             formatDuration(point->medianNs),
                             fixed(point->speedup, 2),
                             point->disturbed ? QStringLiteral("  (disturbed)") : QString()));
            if (writer)
                writer->writePoint(*point, pending);
            pending.clear();
        }
    }
    SweepResult sweep = schedule.result();
    sweep.stopped = sweep.stopped || (stop.stop_requested() && !schedule.finished());

    if (!flags.quiet) {
        const StrategyEntry *entry = findStrategy(plan.strategy);
        std::fprintf(text,
            "%s (%s) on %s, median of %s per point\n",
            qPrintable(entry ? entry->info.name : plan.strategy),
            qPrintable(entry ? entry->info.mirrors : QString()),
            qPrintable(plan.workload.label()),
            qPrintable(countOf(plan.repeat, "run", "runs")));
        Table table({QStringLiteral("workers"),
            QStringLiteral("makespan"),
            QStringLiteral("speedup"),
            QStringLiteral("efficiency"),
            QStringLiteral("karp-flatt"),
            QStringLiteral("others")});
        // The cores other processes kept busy meanwhile: the most in one of the point's runs.
        const auto others = [](double cores, bool disturbed) {
            if (!std::isfinite(cores))
                return QStringLiteral("-");
            return disturbed ? QStringLiteral("%1 disturbed").arg(fixed(cores, 2))
                             : fixed(cores, 2);
        };
        if (!sweep.sequentialNs.empty())
            table.add({QStringLiteral("sequential"),
                formatDuration(sweep.sequentialMedianNs),
                QStringLiteral("1.00"),
                QStringLiteral("-"),
                QStringLiteral("-"),
                sweep.sequentialDisturbed ? QStringLiteral("disturbed") : QString()});
        bool outOfRange = false;
        bool disturbed = sweep.sequentialDisturbed;
        for (const SweepPoint &point : sweep.points) {
            outOfRange = outOfRange || !karpFlattNote(point.karpFlatt).isEmpty();
            disturbed = disturbed || point.disturbed;
            table.add({QString::number(point.workers),
                formatDuration(point.medianNs),
                fixed(point.speedup, 2),
                formatPercent(point.efficiency),
                fixed(point.karpFlatt, 3),
                others(point.otherCores, point.disturbed)});
        }
        table.print(text);
        if (outOfRange)
            std::fprintf(text,
                "karp-flatt out of 0..1: above 1, slower than one worker alone; below 0, "
                "superlinear. Neither is a serial fraction.\n");
        if (disturbed)
            std::fprintf(text,
                "disturbed: other processes kept more than %s of a core busy during a run of "
                "that point; its times are not this machine's alone, measure it again\n",
                qPrintable(fixed(DisturbedCores, 2)));
        const double s = sweep.amdahl.serialFraction;
        if (std::isfinite(s) && s > 0.0)
            std::fprintf(text,
                "Amdahl fit: serial fraction s = %s, so at most %sx on any number of workers\n",
                qPrintable(fixed(s, 3)),
                qPrintable(fixed(sweep.amdahl.maxSpeedup(), 1)));
        else if (std::isfinite(s))
            std::fprintf(text, "Amdahl fit: no serial fraction measured (s = 0)\n");
        if (sweep.stopped)
            std::fprintf(text, "interrupted: the sweep was stopped before it ended\n");
    }

    Exporter exporter(exports, flags.quiet, stop);
    if (writer) {
        const bool written = writer->finish(sweep);
        if (auto committed = json->commit(written); !committed) {
            printError(committed.error().message);
            return ExitFailed;
        }
        if (!flags.quiet && !json->isStdout())
            std::fprintf(text, "  %-10s wrote %s\n", "json", exports.json.c_str());
    }
    exporter.write(exports.csv, "csv", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeSweepCsv(sweep, device); }, stop);
    });
    exporter.pictures([&](const PictureTarget &target) {
        return saveSpeedupFigure(
            sweep, plan.workload, plan.maxWorkers, target, figureStyleOf(exports));
    });
    if (sweep.error)
        return statusOf(sweep.error);
    return exporter.failed() ? ExitFailed : ExitOk;
}

namespace {

// A comparison's exports (compare, truth): every run in one file of each kind, and the
// stacked Gantts as pictures.
void writeComparisonExports(
    Exporter &exporter, const ExportFlags &exports, const std::vector<RunResult> &runs)
{
    const std::stop_token &stop = exporter.stop();
    exporter.write(exports.json, "json", [&](const QString &path) {
        return saveComparisonJson(runs, path, stop);
    });
    exporter.write(exports.csv, "csv", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeComparisonCsv(runs, device); }, stop);
    });
    exporter.write(exports.trace, "trace", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeChromeTrace(runs, device); }, stop);
    });
    exporter.pictures([&](const PictureTarget &target) {
        return saveGanttFigure(runs, target, figureStyleOf(exports));
    });
}

} // namespace

int compareCommand(const CompareFlags &flags, std::stop_token stop)
{
    auto workload = parseWorkload(flags.workload);
    if (!workload)
        return report(workload.error());
    std::vector<RunPlan> plans;
    for (const QString &id :
        QString::fromStdString(flags.strategies).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        auto plan = makePlan(id.trimmed(), *workload, "--strategies");
        if (!plan)
            return report(plan.error());
        plans.push_back(std::move(plan).value());
    }
    if (plans.empty())
        return report(usage(QStringLiteral("--strategies"),
            QStringLiteral("name at least one strategy, as in thread-pool,process-pool (see "
                           "'parviz-cli list')")));
    const ExportFlags &exports = flags.exports;
    if (auto checked = exports.check(); !checked)
        return report(checked.error());
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    std::vector<RunResult> runs;
    std::optional<Error> firstError;
    for (std::size_t i = 0; i < plans.size() && !stop.stop_requested(); ++i) {
        if (!flags.quiet)
            std::fprintf(
                stderr, "[%zu/%zu] %s\n", i + 1, plans.size(), qPrintable(plans[i].strategy));
        runs.push_back(execute(plans[i], stop, !flags.quiet));
        if (runs.back().error && !firstError)
            firstError = runs.back().error;
    }
    // With a sequential run among them, every speedup is against it, as in the tutorial.
    const auto sequential = std::find_if(runs.begin(), runs.end(), [](const RunResult &run) {
        return run.strategy.workers == WorkerKind::Caller && run.ok();
    });
    if (sequential != runs.end()) {
        const std::int64_t baselineNs = sequential->metrics.makespanNs;
        for (RunResult &run : runs)
            if (run.trace)
                run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks, baselineNs);
    }

    FILE *text = textStream(exports);
    if (!flags.quiet) {
        std::vector<const RunResult *> sorted;
        for (const RunResult &run : runs)
            sorted.push_back(&run);
        // Runs that did not finish rank last: their makespans are not the work's.
        std::stable_sort(sorted.begin(), sorted.end(), [](const RunResult *a, const RunResult *b) {
            if (a->ok() != b->ok())
                return a->ok();
            return a->metrics.makespanNs < b->metrics.makespanNs;
        });
        std::fprintf(text,
            "%s, speedup against %s\n",
            qPrintable(workload->spec.label()),
            sequential != runs.end() ? "the sequential run" : "the work itself");
        Table table({QStringLiteral("strategy"),
            QStringLiteral("workers"),
            QStringLiteral("makespan"),
            QStringLiteral("x bound"),
            QStringLiteral("speedup"),
            QStringLiteral("efficiency"),
            QStringLiteral("")});
        for (const RunResult *run : sorted) {
            const RunMetrics &m = run->metrics;
            const bool ok = run->ok();
            table.add({run->strategy.id,
                QString::number(run->workers),
                formatDuration(m.makespanNs),
                ok && !boundRatioIsNoise(m) ? fixed(m.boundRatio, 3) : QStringLiteral("-"),
                ok ? fixed(m.speedup, 2) : QStringLiteral("-"),
                ok ? formatPercent(m.efficiency) : QStringLiteral("-"),
                run->error         ? QStringLiteral("failed")
                    : run->stopped ? QStringLiteral("interrupted")
                                   : QString()});
        }
        table.print(text);
        if (runs.size() < plans.size())
            std::fprintf(text,
                "interrupted: %zu of %zu strategies did not run\n",
                plans.size() - runs.size(),
                plans.size());
    }

    Exporter exporter(exports, flags.quiet, stop);
    writeComparisonExports(exporter, exports, runs);
    if (firstError)
        return statusOf(firstError);
    return exporter.failed() ? ExitFailed : ExitOk;
}

int truthCommand(const TruthFlags &flags, std::stop_token stop)
{
    auto workload = parseWorkload(flags.workload);
    if (!workload)
        return report(workload.error());
    auto plan = makePlan(QString::fromStdString(flags.strategy), *workload, "--strategy");
    if (!plan)
        return report(plan.error());
    const ExportFlags &exports = flags.exports;
    if (auto checked = exports.check(); !checked)
        return report(checked.error());
    // An interpreter that cannot run the program is bad usage, as a bad flag is: nothing runs,
    // and the message names what to install or choose. A run that failed is 1.
    const QString chosen = QString::fromStdString(flags.python);
    const auto found = findPython(chosen);
    if (!found)
        return report(usage(
            chosen.isEmpty() ? QString() : QStringLiteral("--python"), found.error().message));
    // Checked before ParViz's run, which would otherwise be measured for nothing.
    const auto python = pythonFor(*plan, *found);
    if (!python)
        return report(usage(QString(), python.error().message));
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    // One after the other, so that neither run takes the other's cores.
    const QString engine = CPythonEngine::engineName(*python);
    std::vector<RunResult> runs;
    if (!flags.quiet)
        std::fprintf(stderr, "[1/2] %s in ParViz\n", qPrintable(plan->strategy));
    runs.push_back(execute(*plan, stop, !flags.quiet));
    if (!stop.stop_requested()) {
        if (!flags.quiet)
            std::fprintf(stderr,
                "[2/2] %s in %s (%s)\n",
                qPrintable(plan->strategy),
                qPrintable(engine),
                qPrintable(python->path));
        const auto session = makeCPythonSession(*plan, *python);
        runs.push_back(execute(*session, stop, !flags.quiet));
    }

    FILE *text = textStream(exports);
    if (!flags.quiet) {
        printTruth(text, runs, *python);
        if (runs.size() < 2)
            std::fprintf(text, "interrupted: the CPython run did not start\n");
    }

    Exporter exporter(exports, flags.quiet, stop);
    writeComparisonExports(exporter, exports, runs);
    bool failed = false;
    for (const RunResult &run : runs) {
        if (run.error) {
            printFailure(run.engine.isEmpty() ? QStringLiteral("the ParViz run")
                                              : QStringLiteral("the %1 run").arg(run.engine),
                *run.error);
            failed = true;
        }
    }
    return failed || exporter.failed() ? ExitFailed : ExitOk;
}

} // namespace parviz::cli
