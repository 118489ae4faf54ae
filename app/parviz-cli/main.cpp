// parviz-cli: the ParViz engine without a window, for scripts, grading and figures.

#include "export/runjson.h"
#include "export/runsummary.h"
#include "run/runplan.h"
#include "run/runsession.h"
#include "stoponsignal.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QSaveFile>
#include <QString>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <limits>
#include <map>
#include <string>
#include <unistd.h>

using namespace parviz;

namespace {

constexpr int ExitOk = 0;
constexpr int ExitRunFailed = 1; // the run ended with an error, or its export could not be written
constexpr int ExitUsage = 2; // a bad flag or value: nothing ran
// Stopped by a signal: 128 + its number (130 for Ctrl+C, 143 for SIGTERM), as shells do;
// what finished is still reported and exported.

void printError(const QString &message)
{
    QString oneLine = message.simplified();
    std::fprintf(stderr, "parviz-cli: %s\n", qPrintable(oneLine));
}

struct RunOptions
{
    std::string strategy = "thread-pool";
    int tasks = 10;
    std::string duration = "100ms";
    std::string kind = "sleep";
    double ioShare = 0.5;
    int workers = 0;
    double fraction = 0.8;
    std::string seed = "1";
    int chunkSize = 1;
    std::string switchInterval = "5ms";
    std::string onWorkerDeath = "fail";
    std::string startTimeout = "10s";
    std::string json;
    bool quiet = false;
};

// The flag a plan error is about, so the message names it.
QString flagFor(const QString &code)
{
    static const std::map<QString, QString> flags{
        {QStringLiteral("unknown-strategy"), QStringLiteral("--strategy")},
        {QStringLiteral("bad-tasks"), QStringLiteral("--tasks")},
        {QStringLiteral("bad-duration"), QStringLiteral("--duration")},
        {QStringLiteral("bad-io-share"), QStringLiteral("--io-share")},
        {QStringLiteral("bad-workers"), QStringLiteral("--workers")},
        {QStringLiteral("bad-fraction"), QStringLiteral("--fraction")},
        {QStringLiteral("bad-chunksize"), QStringLiteral("--chunksize")},
        {QStringLiteral("bad-switch-interval"), QStringLiteral("--switch-interval")},
        {QStringLiteral("bad-start-timeout"), QStringLiteral("--start-timeout")},
    };
    const auto found = flags.find(code);
    return found == flags.end() ? QString() : found->second;
}

int usageError(const QString &flag, const QString &message)
{
    printError(flag.isEmpty() ? message : flag + QStringLiteral(": ") + message);
    return ExitUsage;
}

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

// A progress line on a terminal's stderr while the run goes on.
void showProgress(RunSession &session)
{
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

int runCommand(const RunOptions &options, bool tasksGiven, bool workersGiven)
{
    WorkloadSpec workload;
    auto duration = DurationSpec::parse(QString::fromStdString(options.duration));
    if (!duration)
        return usageError(QStringLiteral("--duration"), duration.error().message);
    workload.duration = *duration;
    const auto kind = taskKindFromName(QString::fromStdString(options.kind));
    if (!kind)
        return usageError(QStringLiteral("--kind"),
            QStringLiteral("'%1' is not a task kind (use sleep, cpu or mixed)")
                .arg(QString::fromStdString(options.kind)));
    workload.kind = *kind;
    workload.ioShare = options.ioShare;
    bool seedOk = false;
    workload.seed = QString::fromStdString(options.seed).toULongLong(&seedOk);
    if (!seedOk)
        return usageError(QStringLiteral("--seed"),
            QStringLiteral("'%1' is not a seed (use a whole number from 0 to %2)")
                .arg(QString::fromStdString(options.seed))
                .arg(std::numeric_limits<std::uint64_t>::max()));
    // A list of durations without --tasks means one task per listed duration.
    workload.taskCount =
        !tasksGiven && workload.duration.distribution == DurationSpec::Distribution::List
        ? static_cast<int>(workload.duration.listNs.size())
        : options.tasks;

    StrategyOptions strategyOptions;
    strategyOptions.chunkSize = options.chunkSize;
    auto switchInterval = parseDurationNs(QString::fromStdString(options.switchInterval));
    if (!switchInterval)
        return usageError(QStringLiteral("--switch-interval"), switchInterval.error().message);
    strategyOptions.switchIntervalNs = *switchInterval;
    if (options.onWorkerDeath == "restart")
        strategyOptions.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    else if (options.onWorkerDeath != "fail")
        return usageError(QStringLiteral("--on-worker-death"),
            QStringLiteral("'%1' is not a choice (use fail or restart)")
                .arg(QString::fromStdString(options.onWorkerDeath)));
    auto startTimeout = parseDurationNs(QString::fromStdString(options.startTimeout));
    if (!startTimeout)
        return usageError(QStringLiteral("--start-timeout"), startTimeout.error().message);
    strategyOptions.workerStartTimeoutNs = *startTimeout;

    const WorkerCount workers = workersGiven ? WorkerCount::exactly(options.workers)
                                             : WorkerCount::ofCpus(options.fraction);
    auto plan =
        RunPlan::make(QString::fromStdString(options.strategy), workload, workers, strategyOptions);
    if (!plan)
        return usageError(flagFor(plan.error().code), plan.error().message);

    // An export that cannot be written is found now, not after a run that may take hours.
    const bool jsonToStdout = options.json == "-";
    if (!options.json.empty() && !jsonToStdout) {
        QSaveFile probe(QString::fromStdString(options.json));
        if (!probe.open(QIODevice::WriteOnly))
            return usageError(QStringLiteral("--json"),
                QStringLiteral("cannot write '%1': %2").arg(probe.fileName(), probe.errorString()));
        probe.cancelWriting();
    }

    RunSession session(std::move(plan).value());
    StopOnSignal stopOnSignal([&session] { session.requestStop(); });
    session.start();
    if (!options.quiet && isatty(STDERR_FILENO))
        showProgress(session);
    session.wait();
    const RunResult &result = session.result();

    FILE *summaryStream = jsonToStdout ? stderr : stdout;
    if (!options.quiet)
        std::fputs(runSummary(result).toUtf8().constData(), summaryStream);

    int status = ExitOk;
    if (!options.json.empty()) {
        if (auto saved = saveRunJson(result, QString::fromStdString(options.json)); !saved) {
            printError(saved.error().message);
            status = ExitRunFailed;
        } else if (!options.quiet && !jsonToStdout) {
            std::fprintf(summaryStream,
                "  %-10s wrote %s (%zu events)\n",
                "json",
                options.json.c_str(),
                result.trace->totalEventCount());
        }
    }
    if (result.error) {
        printError(result.error->message);
        return ExitRunFailed;
    }
    if (status == ExitOk && stopOnSignal.signalled())
        return 128 + stopOnSignal.signalNumber();
    return status;
}

} // namespace

int main(int argc, char **argv)
{
    CLI::App app{"ParViz on the command line: runs a workload on real threads with one of ParViz's "
                 "parallel strategies, and reports what happened."};
    app.name("parviz-cli");
    app.require_subcommand(1);
    app.footer("Run 'parviz-cli COMMAND --help' for a command's options.");

    auto *list =
        app.add_subcommand("list", "List the strategies, with the Python each one mirrors");

    RunOptions options;
    auto *run = app.add_subcommand("run", "Run one workload with one strategy and print a summary");
    run->add_option("--strategy,-s", options.strategy, "Strategy id, from 'parviz-cli list'")
        ->capture_default_str();
    auto *tasksOption = run->add_option("--tasks,-n",
        options.tasks,
        "Number of tasks, 1 to 1000000 (default 10, or one per "
        "duration of a list:)");
    run->add_option("--duration,-d",
           options.duration,
           "How long each task takes: 100ms, 0.1s, uniform:50ms..150ms, exp:100ms, "
           "list:0.1s,1s,0.3s")
        ->capture_default_str();
    run->add_option("--kind,-k", options.kind, "sleep (I/O-bound), cpu (real arithmetic) or mixed")
        ->capture_default_str();
    run->add_option(
           "--io-share", options.ioShare, "For mixed tasks: the share spent sleeping, 0 to 1")
        ->capture_default_str();
    auto *workersOption =
        run->add_option("--workers,-w", options.workers, "Number of workers, 1 to 1024");
    auto *fractionOption = run->add_option("--fraction,-f",
                                  options.fraction,
                                  "Workers as a fraction of the logical CPUs, 0.05 to 4: "
                                  "max(1, floor(F * cpus)), as int(0.8 * cpu_count())")
                               ->capture_default_str();
    workersOption->excludes(fractionOption);
    run->add_option("--seed", options.seed, "Seed for random durations")->capture_default_str();
    run->add_option(
           "--chunksize", options.chunkSize, "pool-map, process-pool: tasks handed out at once")
        ->capture_default_str();
    run->add_option("--switch-interval",
           options.switchInterval,
           "gil-threads: the GIL's switch interval, as sys.setswitchinterval()")
        ->capture_default_str();
    run->add_option("--on-worker-death",
           options.onWorkerDeath,
           "process-pool: fail the run when a worker process dies (as BrokenProcessPool), "
           "or restart it and run its tasks again")
        ->capture_default_str();
    run->add_option("--start-timeout",
           options.startTimeout,
           "process-pool: how long a worker process may take to start")
        ->capture_default_str();
    run->add_option("--json",
           options.json,
           "Also write the run, every event included, as JSON to FILE ('-' for stdout)")
        ->option_text("FILE");
    run->add_flag("--quiet,-q", options.quiet, "Print no summary");
    run->footer(
        "Examples:\n"
        "  parviz-cli run --strategy thread-pool --tasks 300 --duration 10ms --kind sleep "
        "--workers 8\n"
        "  parviz-cli run -s gil-threads -n 8 -d 50ms -k cpu -w 4\n"
        "  parviz-cli run -s sequential -d list:0.1s,1s,0.3s --json run.json\n"
        "  parviz-cli run -s process-pool -n 300 -d 10ms -w 8 --chunksize 10 --json -\n"
        "Exit status: 0 done, 1 the run failed or its JSON could not be written, 2 bad usage "
        "(nothing ran), 128 + N stopped by signal N (130 for Ctrl+C).");

    // CLI11 would only say that a command is required; name the word it did not know.
    if (argc > 1 && argv[1][0] != '-' && argv[1] != run->get_name()
        && argv[1] != list->get_name()) {
        printError(QStringLiteral("unknown command '%1' (use 'run' or 'list'; see --help)")
                       .arg(QString::fromLocal8Bit(argv[1])));
        return ExitUsage;
    }
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &error) {
        if (error.get_exit_code() == 0)
            return app.exit(error);
        printError(QString::fromStdString(error.what()));
        return ExitUsage;
    }

    if (list->parsed())
        return listStrategies();
    return runCommand(options, tasksOption->count() > 0, workersOption->count() > 0);
}
