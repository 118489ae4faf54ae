#include "commands.h"

#include "export/chrometrace.h"
#include "export/comparisonsummary.h"
#include "export/csvexport.h"
#include "export/runjson.h"
#include "export/runsummary.h"
#include "export/sweepjson.h"
#include "export/sweepsummary.h"
#include "pictures/figures.h"
#include "python/cpythonengine.h"
#include "python/daskcluster.h"
#include "python/interpreter.h"
#include "python/tracedprogramengine.h"
#include "run/comparison.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "run/sweep.h"
#include "strategies/strategyregistry.h"
#include "strategies/tracedprogram.h"
#include "util/format.h"
#include "util/output.h"
#include "util/texttable.h"

#include <QDir>
#include <QFileInfo>
#include <QStringList>

#include <algorithm>
#include <csignal>
#include <cstdio>
#include <functional>
#include <memory>
#include <unistd.h>

namespace parviz::cli {

namespace {

// Where a person reads: stdout, unless an export took it.
FILE *textStream(const ExportFlags &exports)
{
    return exports.toStdout() ? stderr : stdout;
}

// The traced program's strategy is found, so that a traced run's file names it, but runs no
// workload: naming it is bad usage, which says how to trace a program.
Result<void> runsWorkloads(const QString &strategy, const char *strategyFlag)
{
    if (strategy.trimmed() != TracedProgramStrategyId)
        return {};
    return usage(QLatin1String(strategyFlag),
        QStringLiteral("the strategy '%1' runs a Python program of your own, not a workload: "
                       "use parviz-cli trace -- PROGRAM.py")
            .arg(TracedProgramStrategyId));
}

Result<RunPlan> makePlan(
    const QString &strategy, const Workload &workload, const char *strategyFlag)
{
    if (auto workload = runsWorkloads(strategy, strategyFlag); !workload)
        return workload.error();
    auto plan = makeRunPlan(strategy, workload.spec, workload.workers, workload.options);
    if (!plan) {
        const QString flag = flagForPlanError(plan.error().code);
        return usage(flag == QLatin1String("--strategy") ? QLatin1String(strategyFlag) : flag,
            plan.error().message);
    }
    return plan;
}

// A plan whose tasks run on a Dask cluster (dask, batched with joblib's dask backend) runs in
// CPython: `python` is the interpreter that runs it, the one findPython() finds ($PARVIZ_PYTHON)
// unless the command chose one already (truth's --python). It is looked for once, tens of
// milliseconds, and only for such plans; every plan after it shares it. One that cannot run
// the plan (no distributed, no joblib) is bad usage, found before anything runs, as truth finds
// it: the message names the package to install. The plan runs with it (RunPlan::python).
Result<void> chooseClusterPython(RunPlan &plan, std::shared_ptr<const PythonInterpreter> &python)
{
    if (!runsOnCluster(plan.strategy, plan.options))
        return {};
    if (!python) {
        auto found = findPython();
        if (!found)
            return usage(QString(), found.error().message);
        python = std::make_shared<const PythonInterpreter>(std::move(found).value());
    }
    if (auto runnable = python->canRun(plan); !runnable)
        return usage(QString(),
            QStringLiteral("%1; $PARVIZ_PYTHON chooses another interpreter")
                .arg(runnable.error().message));
    plan.python = python;
    return {};
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
    // `text`: where "wrote FILE" lines go; null, where textStream() says.
    Exporter(const ExportFlags &flags, bool quiet, std::stop_token stop, FILE *text = nullptr)
        : m_flags(flags)
        , m_quiet(quiet)
        , m_stop(std::move(stop))
        , m_text(text ? text : textStream(flags))
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
            std::fprintf(m_text, "  %-10s wrote %s\n", what, path.c_str());
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
    FILE *m_text;
    bool m_failed = false;
};

// One run's exports (run, trace): its run JSON, CSV, Chrome trace and Gantt pictures.
void writeRunExports(Exporter &exporter, const ExportFlags &exports, const RunResult &result)
{
    const std::stop_token &stop = exporter.stop();
    const std::span<const RunResult> runs(&result, 1);
    exporter.write(
        exports.json, "json", [&](const QString &path) { return saveRunJson(result, path, stop); });
    exporter.write(exports.csv, "csv", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeRunCsv(result, device); }, stop);
    });
    exporter.write(exports.trace, "trace", [&](const QString &path) {
        return writeOutput(
            path, [&](QIODevice &device) { return writeChromeTrace(runs, device); }, stop);
    });
    exporter.pictures([&](const PictureTarget &target) {
        return saveGanttFigure(runs, target, figureStyleOf(exports));
    });
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
    std::shared_ptr<const PythonInterpreter> python;
    if (auto chosen = chooseClusterPython(*plan, python); !chosen)
        return report(chosen.error());
    // An export that cannot be written is found now, not after a run that may take hours.
    if (auto writable = flags.exports.checkWritable(); !writable)
        return statusOf(writable.error());

    const RunResult result = execute(std::move(plan).value(), stop, !flags.quiet);
    FILE *text = textStream(flags.exports);
    if (!flags.quiet)
        std::fputs(runSummary(result).toUtf8().constData(), text);

    Exporter exporter(flags.exports, flags.quiet, stop);
    writeRunExports(exporter, flags.exports, result);
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
    if (auto workload = runsWorkloads(plan.strategy, "--strategy"); !workload)
        return report(workload.error());
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
    // Every point's plan differs from this one in its worker count alone: the interpreter found
    // for it runs them all, and the cluster kept for them.
    if (auto point =
            checkRunPlan(plan.strategy, plan.workload, WorkerCount::exactly(1), plan.options)) {
        if (auto chosen = chooseClusterPython(*point, plan.python); !chosen)
            return report(chosen.error());
    }
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());
    // A Dask sweep without a cluster of its own starts one for all its runs, with the most
    // workers; each run uses the first 1, 2, ... of them.
    std::unique_ptr<KeptDaskCluster> cluster;
    if (plan.python && plan.options.daskScheduler.isEmpty()) {
        auto started =
            KeptDaskCluster::start(*plan.python, plan.maxWorkers, plan.options.threadsPerWorker);
        if (!started)
            return report(started.error());
        cluster = std::move(started).value();
        plan.options.daskScheduler = cluster->address();
    }
    if (plan.python) {
        // The schedule's plans carry the interpreter, and the kept cluster's address.
        auto remade = SweepSchedule::make(plan);
        if (!remade)
            return report(remade.error());
        schedule = std::move(remade).value();
    }

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
                             TextTable::number(point->speedup, 2),
                             point->disturbed ? QStringLiteral("  (disturbed)") : QString()));
            if (writer)
                writer->writePoint(*point, pending);
            pending.clear();
        }
    }
    SweepResult sweep = schedule.result();
    sweep.stopped = sweep.stopped || (stop.stop_requested() && !schedule.finished());

    if (!flags.quiet)
        std::fputs(sweepSummary(plan, sweep).toUtf8().constData(), text);

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
    std::vector<ComparisonRun> plans;
    for (const QString &id :
        QString::fromStdString(flags.strategies).split(QLatin1Char(','), Qt::SkipEmptyParts)) {
        auto plan = makePlan(id.trimmed(), *workload, "--strategies");
        if (!plan)
            return report(plan.error());
        plans.push_back({std::move(plan).value(), {}, {}});
    }
    if (plans.empty())
        return report(usage(QStringLiteral("--strategies"),
            QStringLiteral("name at least one strategy, as in thread-pool,process-pool (see "
                           "'parviz-cli list')")));
    const ExportFlags &exports = flags.exports;
    if (auto checked = exports.check(); !checked)
        return report(checked.error());
    std::shared_ptr<const PythonInterpreter> python; // looked for once, for every cluster plan
    for (ComparisonRun &run : plans) {
        if (auto chosen = chooseClusterPython(run.plan, python); !chosen)
            return report(chosen.error());
    }
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    ComparisonSchedule schedule(std::move(plans));
    while (!stop.stop_requested()) {
        const auto next = schedule.takeNext();
        if (!next)
            break;
        if (!flags.quiet)
            std::fprintf(stderr,
                "[%zu/%d] %s\n",
                schedule.runs().size() + 1,
                schedule.runsPlanned(),
                qPrintable(next->plan.strategy));
        schedule.record(execute(*next->session(), stop, !flags.quiet));
    }
    const std::vector<RunResult> &runs = schedule.runs();
    if (!flags.quiet)
        std::fputs(comparisonSummary(schedule).toUtf8().constData(), textStream(exports));

    Exporter exporter(exports, flags.quiet, stop);
    writeComparisonExports(exporter, exports, runs);
    const auto failed = std::find_if(
        runs.begin(), runs.end(), [](const RunResult &run) { return run.error.has_value(); });
    if (failed != runs.end())
        return statusOf(failed->error);
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
    // ParViz's own run of a plan on a Dask cluster is CPython's too, with the same interpreter.
    auto clusterPython = std::make_shared<const PythonInterpreter>(*python);
    if (auto chosen = chooseClusterPython(*plan, clusterPython); !chosen)
        return report(chosen.error());
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    // One after the other, so that neither run takes the other's cores.
    const QString engine = CPythonEngine::engineName(*python);
    ComparisonSchedule schedule(
        {{*plan, {}, {}}, {*plan, engine, [interpreter = *python](const RunPlan &each) {
                               return makeCPythonSession(each, interpreter);
                           }}});
    while (const auto next = schedule.takeNext()) {
        if (!flags.quiet && next->engine.isEmpty())
            std::fprintf(stderr, "[1/2] %s in ParViz\n", qPrintable(next->plan.strategy));
        else if (!flags.quiet)
            std::fprintf(stderr,
                "[2/2] %s in %s (%s)\n",
                qPrintable(next->plan.strategy),
                qPrintable(next->engine),
                qPrintable(python->path));
        schedule.record(execute(*next->session(), stop, !flags.quiet));
        if (stop.stop_requested())
            break;
    }
    const std::vector<RunResult> &runs = schedule.runs();
    if (!flags.quiet)
        std::fputs(truthSummary(schedule, *python).toUtf8().constData(), textStream(exports));

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

int traceCommand(const TraceFlags &flags, std::stop_token stop)
{
    if (flags.program.empty())
        return report(usage(QStringLiteral("PROGRAM"),
            QStringLiteral("name the Python program to trace, after --: parviz-cli trace -- "
                           "PROGRAM.py [ARGS...]")));
    const QString path = QString::fromStdString(flags.program.front());
    if (!QFileInfo(path).isFile())
        return report(usage(
            QStringLiteral("PROGRAM"), QStringLiteral("%1 is not a file").arg(excerpt(path))));
    QStringList arguments;
    for (std::size_t i = 1; i < flags.program.size(); ++i)
        arguments << QString::fromStdString(flags.program[i]);
    const ExportFlags &exports = flags.exports;
    if (auto checked = exports.check(); !checked)
        return report(checked.error());
    if (exports.toStdout())
        return report(usage(QString(),
            QStringLiteral("standard output is the program's: write the exports to files")));
    // As truth chooses it: --python, else $PARVIZ_PYTHON, else python3 on PATH or
    // /usr/bin/python3. None that runs is bad usage: nothing ran.
    const QString chosen = QString::fromStdString(flags.python);
    const auto found = findPython(chosen);
    if (!found)
        return report(usage(
            chosen.isEmpty() ? QString() : QStringLiteral("--python"), found.error().message));
    if (auto writable = exports.checkWritable(); !writable)
        return statusOf(writable.error());

    // The program's standard streams are this command's own: what it prints is its own, and
    // everything this command says goes to stderr.
    // It runs here, and its run file says where: a path relative to this folder names the
    // program only with it.
    auto session = makeTracedProgramSession({path, arguments, QDir::currentPath(), nullptr},
        std::make_shared<const PythonInterpreter>(*found));
    const RunResult result = execute(*session, stop, false);
    std::fflush(stdout);
    if (!flags.quiet)
        std::fputs(runSummary(result).toUtf8().constData(), stderr);

    Exporter exporter(exports, flags.quiet, stop, stderr);
    writeRunExports(exporter, exports, result);
    // Ctrl+C in a terminal reaches the program itself, which held the terminal: the status
    // says it, as a shell would.
    if (result.error && result.error->code == QLatin1String("python-interrupted")) {
        printError(result.error->message);
        return 128 + SIGINT;
    }
    if (result.error)
        return statusOf(result.error);
    return exporter.failed() ? ExitFailed : ExitOk;
}

} // namespace parviz::cli
