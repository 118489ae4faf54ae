#include "pdfreader.h"
#include "plan/runplan.h"
#include "processes.h"
#include "python/interpreter.h"
#include "scripts.h"
#include "strategies/strategyregistry.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QScopeGuard>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <map>
#include <optional>
#include <sys/resource.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace parviz;

// parviz-cli as a user meets it: a real process, its output and its exit status.
class tst_Cli : public QObject
{
    Q_OBJECT

private slots:
    void listsEveryStrategy();
    void helpForEachCommand_data();
    void helpForEachCommand();
    void badUsageIsOneLineAndExitTwo_data();
    void badUsageIsOneLineAndExitTwo();
    void runPrintsASummary();
    void jsonToStdoutKeepsTheSummaryOnStderr();
    void jsonFileHoldsEveryEvent();
    void gilReachesTheRunsWorkload();
    void backendDecidesWhereBatchesRun_data();
    void backendDecidesWhereBatchesRun();
    void listDurationSetsTheTaskCount();
    void quietPrintsNothing();
    void processPoolEventsCarryPids();
    void ctrlCStopsAndReports();
    void sigtermStopsWithItsOwnStatus();
    void seedIsKeptExactly();
    void unwritablePathIsExitOneAndWritesNothing_data();
    void unwritablePathIsExitOneAndWritesNothing();
    void fullDiskIsExitOneAndLeavesNoFile_data();
    void fullDiskIsExitOneAndLeavesNoFile();
    void fullDeviceIsExitOneAndSaysSo_data();
    void fullDeviceIsExitOneAndSaysSo();
    void runWritesEveryFormat();
    void csvToStdoutKeepsTheSummaryOnStderr();
    void sweepPrintsATableAndExports();
    void sweepIsQuietWhenAsked();
    void compareRanksByMakespanAndExports();
    void ctrlCStopsASweepAndKeepsItsPoints();
    void ctrlCStopsAComparisonAndKeepsItsRuns();
    void failedRunIsExitOneAndSaysWhy();
    void exportsIntoAPipe();
    void pdfForEveryCommand_data();
    void pdfForEveryCommand();
    void pdfToStdoutKeepsTheSummaryOnStderr();
    void truthPrintsBothRunsAndTheirRatio();
    void truthExportsBothRuns();
    void truthWithoutAnInterpreterIsUsage();
    void daskWithoutDistributedIsUsage_data();
    void daskWithoutDistributedIsUsage();
    void daskCommandsLookForTheirPythonOnce_data();
    void daskCommandsLookForTheirPythonOnce();
    void truthShowsAFailingProgramsTraceback();
    void ctrlCDuringCPythonLeavesNoPython();
    void childrenStartWithNoSignalBlocked();
    void oneFileUnderTwoSpellingsIsUsage_data();
    void oneFileUnderTwoSpellingsIsUsage();
    void longBadValuesAreQuotedShort_data();
    void longBadValuesAreQuotedShort();
    void ctrlCStopsWaitingForAPipesReader();
    void unwritableProgramSaysWhy();
    void outOfMemoryIsAFailedRun_data();
    void outOfMemoryIsAFailedRun();
    void killedTruthLeavesNoProcessNorFile();
    void tracePassesTheProgramsStreamsThroughAndWritesItsRun();
    void traceOfAFailingProgramIsExitOne();
    void runWithTheTracedProgramsStrategyIsUsage();
    void ctrlCStopsATracedProgramAndAllItStarted();
    void killedTraceLeavesNoProcessNorFolder_data();
    void killedTraceLeavesNoProcessNorFolder();
    void tracedProgramReadsTheTerminalAsAShellsJob_data();
    void tracedProgramReadsTheTerminalAsAShellsJob();

private:
    struct Outcome
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    static Outcome cli(const QStringList &arguments, int timeoutMs = 60000);
};

namespace {

// Waits until parviz-cli can be stopped by a signal and its run is under way: SIGINT and
// SIGTERM blocked (its StopOnSignal is in place) and at least `threads` threads started (the
// signal thread, the run's workers). A fixed wait lost to a slow start on a loaded machine, and
// the signal then ended the process before it listened. False after `timeoutMs`.
bool waitUntilStoppable(qint64 pid, int threads, int timeoutMs = 20000)
{
    const quint64 stoppers = (quint64{1} << (SIGINT - 1)) | (quint64{1} << (SIGTERM - 1));
    QElapsedTimer waited;
    waited.start();
    while (waited.elapsed() < timeoutMs) {
        bool read = false;
        const quint64 blocked =
            test::statusField(pid_t(pid), "SigBlk").trimmed().toULongLong(&read, 16);
        const qsizetype running = QDir(QStringLiteral("/proc/%1/task").arg(pid))
                                      .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                                      .size();
        if (read && (blocked & stoppers) == stoppers && running >= threads)
            return true;
        QTest::qWait(10);
    }
    return false;
}

} // namespace

tst_Cli::Outcome tst_Cli::cli(const QStringList &arguments, int timeoutMs)
{
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return {process.exitStatus() == QProcess::NormalExit ? process.exitCode() : -1,
        process.readAllStandardOutput(),
        process.readAllStandardError()};
}

void tst_Cli::listsEveryStrategy()
{
    const Outcome outcome = cli({QStringLiteral("list")});
    QCOMPARE(outcome.exitCode, 0);
    for (const auto &entry : strategyRegistry()) {
        QVERIFY2(outcome.out.contains(entry.info.id.toUtf8()), qPrintable(entry.info.id));
        QVERIFY2(outcome.out.contains(entry.info.mirrors.toUtf8()), qPrintable(entry.info.mirrors));
    }
}

void tst_Cli::helpForEachCommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("top level") << QStringList{QStringLiteral("--help")} << "run";
    QTest::newRow("run") << QStringList{QStringLiteral("run"), QStringLiteral("--help")}
                         << "Examples:";
    QTest::newRow("list") << QStringList{QStringLiteral("list"), QStringLiteral("--help")}
                          << "strategies";
    QTest::newRow("sweep") << QStringList{QStringLiteral("sweep"), QStringLiteral("--help")}
                           << "Examples:";
    QTest::newRow("compare") << QStringList{QStringLiteral("compare"), QStringLiteral("--help")}
                             << "Examples:";
    QTest::newRow("truth") << QStringList{QStringLiteral("truth"), QStringLiteral("--help")}
                           << "Examples:";
    QTest::newRow("top level names every command")
        << QStringList{QStringLiteral("--help")} << "compare";
    QTest::newRow("top level names truth") << QStringList{QStringLiteral("--help")} << "truth";
    QTest::newRow("trace") << QStringList{QStringLiteral("trace"), QStringLiteral("--help")}
                           << "-- my_program.py";
    QTest::newRow("top level names trace") << QStringList{QStringLiteral("--help")} << "trace";
    QTest::newRow("run names the Dask flags")
        << QStringList{QStringLiteral("run"), QStringLiteral("--help")} << "--threads-per-worker";
    QTest::newRow("run names the Dask scheduler") << QStringList{QStringLiteral("run"),
        QStringLiteral("--help")} << "--dask-scheduler tcp://HOST:PORT";
    QTest::newRow("run names joblib's dask backend")
        << QStringList{QStringLiteral("run"), QStringLiteral("--help")} << "loky|threading|dask";
    QTest::newRow("sweep names the Dask flags")
        << QStringList{QStringLiteral("sweep"), QStringLiteral("--help")} << "--threads-per-worker";
    QTest::newRow("truth names distributed")
        << QStringList{QStringLiteral("truth"), QStringLiteral("--help")} << "python3-distributed";
    QTest::newRow("version") << QStringList{QStringLiteral("--version")} << "parviz-cli 0.";
}

void tst_Cli::helpForEachCommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, mentions);
    const Outcome outcome = cli(arguments);
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.out.contains(mentions.toUtf8()), outcome.out.constData());
}

void tst_Cli::badUsageIsOneLineAndExitTwo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("names");
    auto run = [](std::initializer_list<const char *> extra) {
        QStringList arguments{QStringLiteral("run")};
        for (const char *argument : extra)
            arguments << QString::fromLatin1(argument);
        return arguments;
    };
    QTest::newRow("no command") << QStringList{} << "";
    QTest::newRow("unknown command") << QStringList{QStringLiteral("fly")} << "fly";
    QTest::newRow("unknown flag") << run({"--bogus"}) << "--bogus";
    QTest::newRow("bad duration") << run({"--duration", "abc"}) << "--duration";
    QTest::newRow("duration without unit") << run({"--duration", "0.1"}) << "--duration";
    QTest::newRow("bad kind") << run({"--kind", "fast"}) << "--kind";
    QTest::newRow("bad gil") << run({"--gil", "sometimes"}) << "--gil";
    QTest::newRow("bad backend") << run({"--backend", "ray"}) << "--backend";
    QTest::newRow("zero threads per worker")
        << run({"-s", "dask", "--threads-per-worker", "0"})
        << "--threads-per-worker: 0 is out of range (use a whole number from 1 to 256)";
    QTest::newRow("threads per worker over the limit")
        << run({"-s", "dask", "--threads-per-worker", "257"}) << "--threads-per-worker";
    QTest::newRow("threads per worker not a number")
        << run({"-s", "dask", "--threads-per-worker", "many"}) << "--threads-per-worker";
    QTest::newRow("a scheduler without a scheme")
        << run({"-s", "dask", "--dask-scheduler", "localhost:8786"})
        << "--dask-scheduler: a Dask scheduler's address is tcp://HOST:PORT, not "
           "'localhost:8786'";
    QTest::newRow("bad stall timeout") << run({"--stall-timeout", "0s"}) << "--stall-timeout";
    QTest::newRow("unknown strategy") << run({"--strategy", "nope"}) << "--strategy";
    QTest::newRow("zero tasks") << run({"--tasks", "0"}) << "--tasks";
    QTest::newRow("tasks not a number") << run({"--tasks", "many"}) << "--tasks";
    QTest::newRow("zero workers") << run({"--workers", "0"}) << "--workers";
    QTest::newRow("fraction too big") << run({"--fraction", "9"}) << "--fraction";
    QTest::newRow("workers and fraction")
        << run({"--workers", "2", "--fraction", "0.5"}) << "--fraction";
    QTest::newRow("zero chunk size") << run({"--chunksize", "0"}) << "--chunksize";
    QTest::newRow("zero switch interval")
        << run({"--switch-interval", "0ms"}) << "--switch-interval";
    QTest::newRow("io share above one")
        << run({"--kind", "mixed", "--io-share", "2"}) << "--io-share";
    QTest::newRow("negative seed") << run({"--seed", "-1"}) << "--seed";
    QTest::newRow("seed too large") << run({"--seed", "99999999999999999999"}) << "--seed";
    QTest::newRow("negative tasks") << run({"--tasks", "-5"}) << "--tasks";
    QTest::newRow("tasks over the limit") << run({"--tasks", "1000001"}) << "1000000";
    QTest::newRow("tasks beyond 64 bits")
        << run({"--tasks", "9223372036854775808"}) << "9223372036854775808 is out of range";
    QTest::newRow("tasks below 64 bits")
        << run({"--tasks", "-9223372036854775809"}) << "-9223372036854775809 is out of range";
    QTest::newRow("workers beyond 64 bits")
        << run({"--workers", "99999999999999999999"}) << "--workers: 99999999999999999999 is out";
    QTest::newRow("missing value") << run({"--tasks"}) << "--tasks: needs a value";
    QTest::newRow("zero fraction") << run({"--fraction", "0"}) << "--fraction";
    QTest::newRow("fraction not a number") << run({"--fraction", "most"}) << "--fraction";
    QTest::newRow("negative workers") << run({"--workers", "-2"}) << "--workers";
    QTest::newRow("bad worker death") << run({"--on-worker-death", "retry"}) << "--on-worker-death";
    QTest::newRow("two exports to stdout") << run({"--json", "-", "--csv", "-"}) << "--csv";
    QTest::newRow("one file twice") << run({"--json", "a.out", "--trace", "a.out"}) << "--trace";
    QTest::newRow("one file, spelled twice")
        << run({"--json", "w/s.out", "--csv", "w/./s.out"}) << "--csv";
    QTest::newRow("an empty file name") << run({"--json", ""}) << "--json";
    QTest::newRow("an empty picture name") << run({"--png", ""}) << "--png";
    QTest::newRow("one file for --png and --pdf")
        << run({"--png", "a.out", "--pdf", "a.out"}) << "--pdf";
    QTest::newRow("one file for --svg and --pdf")
        << run({"--pdf", "a.out", "--svg", "a.out"}) << "--pdf";
    QTest::newRow("pdf and svg to stdout") << run({"--svg", "-", "--pdf", "-"}) << "--pdf";
    QTest::newRow("pdf without a file") << run({"--pdf"}) << "--pdf: needs a value";
    QTest::newRow("tiny picture") << run({"--picture-width", "10"}) << "--picture-width";
    QTest::newRow("picture scale zero") << run({"--picture-scale", "0"}) << "--picture-scale";
    QTest::newRow("picture too large")
        << run({"--picture-width", "8000", "--picture-scale", "4"}) << "--picture-scale";
    QTest::newRow("too many threads")
        << run({"--strategy", "thread-per-task", "--tasks", "50000"}) << "--tasks";

    auto command = [](const char *name, std::initializer_list<const char *> extra) {
        QStringList arguments{QString::fromLatin1(name)};
        for (const char *argument : extra)
            arguments << QString::fromLatin1(argument);
        return arguments;
    };
    QTest::newRow("sweep: unknown flag") << command("sweep", {"--workers", "2"}) << "--workers";
    QTest::newRow("sweep: zero max workers")
        << command("sweep", {"--max-workers", "0"}) << "--max-workers";
    QTest::newRow("sweep: max workers over the limit")
        << command("sweep", {"-W", "2000"}) << "--max-workers";
    QTest::newRow("sweep: zero repeats") << command("sweep", {"--repeat", "0"}) << "--repeat";
    QTest::newRow("sweep: negative repeats") << command("sweep", {"--repeat", "-1"}) << "--repeat";
    QTest::newRow("sweep: bad duration") << command("sweep", {"-d", "abc"}) << "--duration";
    QTest::newRow("sweep: zero tasks") << command("sweep", {"-n", "0"}) << "--tasks";
    QTest::newRow("sweep: nothing to sweep")
        << command("sweep", {"-s", "sequential"}) << "--strategy";
    QTest::newRow("sweep: unknown strategy") << command("sweep", {"-s", "nope"}) << "--strategy";
    QTest::newRow("sweep: no trace") << command("sweep", {"--trace", "t.json"}) << "--trace";
    QTest::newRow("sweep: one file for --json and --pdf")
        << command("sweep", {"--json", "s.out", "--pdf", "s.out"}) << "--pdf";
    QTest::newRow("compare: one file for --png and --pdf")
        << command("compare", {"-S", "thread-pool", "--pdf", "c.out", "--png", "c.out"}) << "--pdf";
    QTest::newRow("compare: no strategies") << command("compare", {}) << "--strategies";
    QTest::newRow("sweep: a scheduler without a scheme")
        << command("sweep", {"-s", "dask", "--dask-scheduler", "8786"}) << "--dask-scheduler";
    QTest::newRow("compare: zero threads per worker") << command("compare",
        {"-S", "dask", "--threads-per-worker", "0"}) << "--threads-per-worker";
    QTest::newRow("compare: unknown strategy")
        << command("compare", {"-S", "thread-pool,nope"}) << "nope";
    QTest::newRow("compare: empty list") << command("compare", {"-S", ","}) << "--strategies";
    QTest::newRow("compare: zero workers")
        << command("compare", {"-S", "thread-pool", "-w", "0"}) << "--workers";
    QTest::newRow("compare: fraction of 0")
        << command("compare", {"-S", "thread-pool", "-f", "0"}) << "--fraction";
    QTest::newRow("compare: task count over the limit")
        << command("compare", {"-S", "thread-pool", "-n", "2000000"}) << "--tasks";
    QTest::newRow("compare: missing value") << command("compare", {"-S"}) << "--strategies";
    QTest::newRow("truth: unknown strategy") << command("truth", {"-s", "nope"}) << "--strategy";
    QTest::newRow("truth: zero tasks") << command("truth", {"-n", "0"}) << "--tasks";
    QTest::newRow("truth: python without a value")
        << command("truth", {"--python"}) << "--python: needs a value";
    QTest::newRow("truth: two exports to stdout")
        << command("truth", {"--json", "-", "--trace", "-"}) << "--trace";
}

void tst_Cli::badUsageIsOneLineAndExitTwo()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, names);
    const Outcome outcome = cli(arguments);
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.out.isEmpty(), outcome.out.constData()); // nothing ran
    QVERIFY(outcome.err.startsWith("parviz-cli: "));
    QCOMPARE(outcome.err.count('\n'), 1);
    QVERIFY2(outcome.err.contains(names.toUtf8()), outcome.err.constData());
}

void tst_Cli::runPrintsASummary()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("--strategy"),
        QStringLiteral("thread-pool"),
        QStringLiteral("--tasks"),
        QStringLiteral("20"),
        QStringLiteral("--duration"),
        QStringLiteral("5ms"),
        QStringLiteral("--workers"),
        QStringLiteral("4")});
    QCOMPARE(outcome.exitCode, 0);
    for (const char *word : {"Thread pool", "makespan", "lower bound", "speedup", "20 completed"})
        QVERIFY2(outcome.out.contains(word), outcome.out.constData());
}

void tst_Cli::jsonToStdoutKeepsTheSummaryOnStderr()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-s"),
        QStringLiteral("pool-map"),
        QStringLiteral("-n"),
        QStringLiteral("10"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("--json"),
        QStringLiteral("-")});
    QCOMPARE(outcome.exitCode, 0);
    QJsonParseError error{};
    const QJsonObject json = QJsonDocument::fromJson(outcome.out, &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError);
    QCOMPARE(json[QStringLiteral("strategy")].toString(), QStringLiteral("pool-map"));
    QVERIFY(outcome.err.contains("makespan"));
}

void tst_Cli::jsonFileHoldsEveryEvent()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("run.json"));
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("--strategy"),
        QStringLiteral("gil-threads"),
        QStringLiteral("--tasks"),
        QStringLiteral("6"),
        QStringLiteral("--duration"),
        QStringLiteral("8ms"),
        QStringLiteral("--kind"),
        QStringLiteral("cpu"),
        QStringLiteral("--workers"),
        QStringLiteral("3"),
        QStringLiteral("--json"),
        path});
    QCOMPARE(outcome.exitCode, 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    for (const char *key : {"format",
             "strategy",
             "workers",
             "cpus",
             "tasks",
             "makespan_ns",
             "lower_bound_ns",
             "total_work_ns",
             "speedup",
             "efficiency",
             "events"})
        QVERIFY2(json.contains(QLatin1String(key)), key);
    QCOMPARE(json[QStringLiteral("workers")].toInt(), 3);
    // gil-threads is what it always was: a thread pool whose tasks hold the GIL.
    QCOMPARE(json[QStringLiteral("strategy")].toString(), QStringLiteral("thread-pool"));
    QCOMPARE(json[QStringLiteral("workload")].toObject()[QStringLiteral("gil")].toString(),
        QStringLiteral("held"));
    QSet<int> tasks;
    int holds = 0;
    int mainEvents = 0;
    for (const auto &value : json[QStringLiteral("events")].toArray()) {
        const QJsonObject event = value.toObject();
        const QString kind = event[QStringLiteral("kind")].toString();
        if (kind == QLatin1String("run"))
            tasks.insert(event[QStringLiteral("task")].toInt());
        holds += kind == QLatin1String("gil-hold");
        mainEvents += event[QStringLiteral("worker")].toInt() == -1;
    }
    QCOMPARE(tasks.size(), 6);
    QVERIFY(holds >= 6);
    QCOMPARE(mainEvents, 2);
    QVERIFY2(outcome.out.contains("wrote"), outcome.out.constData());
}

void tst_Cli::gilReachesTheRunsWorkload()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("released.json"));
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-s"),
        QStringLiteral("thread-pool"),
        QStringLiteral("--gil"),
        QStringLiteral("released"),
        QStringLiteral("-k"),
        QStringLiteral("cpu"),
        QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("2ms"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("--json"),
        path});
    QCOMPARE(outcome.exitCode, 0);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(json[QStringLiteral("strategy")].toString(), QStringLiteral("thread-pool"));
    const QJsonObject workload = json[QStringLiteral("workload")].toObject();
    QCOMPARE(workload[QStringLiteral("kind")].toString(), QStringLiteral("cpu"));
    QCOMPARE(workload[QStringLiteral("gil")].toString(), QStringLiteral("released"));
}

QByteArray readFile(const QString &path);

void tst_Cli::backendDecidesWhereBatchesRun_data()
{
    QTest::addColumn<QStringList>("flags");
    QTest::addColumn<QString>("backend");
    QTest::newRow("loky by default") << QStringList() << QStringLiteral("loky");
    QTest::newRow("loky") << QStringList{QStringLiteral("--backend"), QStringLiteral("loky")}
                          << QStringLiteral("loky");
    QTest::newRow("threading") << QStringList{QStringLiteral("--backend"),
        QStringLiteral("threading")}
                               << QStringLiteral("threading");
}

// joblib's loky backend runs the batches in worker processes, its threading backend on threads
// of parviz-cli itself.
void tst_Cli::backendDecidesWhereBatchesRun()
{
    QFETCH(QStringList, flags);
    QFETCH(QString, backend);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("batched.json"));
    const Outcome outcome = cli(QStringList{QStringLiteral("run"),
                                    QStringLiteral("-s"),
                                    QStringLiteral("batched"),
                                    QStringLiteral("-n"),
                                    QStringLiteral("6"),
                                    QStringLiteral("-d"),
                                    QStringLiteral("1ms"),
                                    QStringLiteral("-w"),
                                    QStringLiteral("2"),
                                    QStringLiteral("-q"),
                                    QStringLiteral("--json"),
                                    path}
        + flags);
    QCOMPARE(outcome.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(readFile(path)).object();
    QCOMPARE(
        json[QStringLiteral("options")].toObject()[QStringLiteral("backend")].toString(), backend);
    QSet<int> workerPids;
    int mainPid = 0;
    for (const auto &value : json[QStringLiteral("events")].toArray()) {
        const QJsonObject event = value.toObject();
        if (event[QStringLiteral("worker")].toInt() < 0)
            mainPid = event[QStringLiteral("pid")].toInt();
        else
            workerPids.insert(event[QStringLiteral("pid")].toInt());
    }
    QVERIFY(mainPid > 0);
    if (backend == QLatin1String("loky")) {
        QCOMPARE(workerPids.size(), 2);
        QVERIFY(!workerPids.contains(mainPid));
    } else {
        QCOMPARE(workerPids, QSet<int>{mainPid});
    }
}

void tst_Cli::listDurationSetsTheTaskCount()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-s"),
        QStringLiteral("sequential"),
        QStringLiteral("-d"),
        QStringLiteral("list:10ms,100ms,30ms"),
        QStringLiteral("--json"),
        QStringLiteral("-")});
    QCOMPARE(outcome.exitCode, 0);
    const QJsonObject json = QJsonDocument::fromJson(outcome.out).object();
    QCOMPARE(json[QStringLiteral("tasks")].toInt(), 3);
    // One after another: at least the sum, as the seed's 0.1 + 1 + 0.3 = 1.40 s.
    QVERIFY(json[QStringLiteral("makespan_ns")].toInteger() >= 140'000'000);
}

void tst_Cli::quietPrintsNothing()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("1"),
        QStringLiteral("-d"),
        QStringLiteral("0ms"),
        QStringLiteral("-q")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY(outcome.out.isEmpty());
    QVERIFY(outcome.err.isEmpty());
}

void tst_Cli::processPoolEventsCarryPids()
{
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("--strategy"),
            QStringLiteral("process-pool"),
            QStringLiteral("--tasks"),
            QStringLiteral("30"),
            QStringLiteral("--duration"),
            QStringLiteral("1ms"),
            QStringLiteral("--workers"),
            QStringLiteral("3"),
            QStringLiteral("--json"),
            QStringLiteral("-")});
    QVERIFY(process.waitForStarted());
    const qint64 cliPid = process.processId(); // 0 once it has finished
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 0);
    const QJsonObject json = QJsonDocument::fromJson(process.readAllStandardOutput()).object();
    QSet<qint64> workerPids;
    int spawns = 0;
    for (const auto &value : json[QStringLiteral("events")].toArray()) {
        const QJsonObject event = value.toObject();
        QVERIFY(event.contains(QStringLiteral("pid")));
        const qint64 pid = event[QStringLiteral("pid")].toInteger();
        if (event[QStringLiteral("worker")].toInt() < 0) {
            QCOMPARE(pid, cliPid); // the caller's row is parviz-cli itself
            continue;
        }
        workerPids.insert(pid);
        spawns += event[QStringLiteral("kind")].toString() == QLatin1String("spawn");
    }
    QCOMPARE(workerPids.size(), 3);
    QVERIFY(!workerPids.contains(cliPid));
    QCOMPARE(spawns, 3);
    QCOMPARE(json[QStringLiteral("tasks_completed")].toInt(), 30);
}

void tst_Cli::ctrlCStopsAndReports()
{
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("-s"),
            QStringLiteral("thread-pool"),
            QStringLiteral("-n"),
            QStringLiteral("100"),
            QStringLiteral("-d"),
            QStringLiteral("100ms"),
            QStringLiteral("-w"),
            QStringLiteral("2")});
    QVERIFY(process.waitForStarted());
    // The run under way (the main thread, the signal thread, two workers), then some tasks
    // done, most still queued.
    QVERIFY(waitUntilStoppable(process.processId(), 4));
    QTest::qWait(250);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 130);
    const QByteArray out = process.readAllStandardOutput();
    QVERIFY2(out.contains("stopped"), out.constData());
    QVERIFY2(out.contains("completed"), out.constData());
    QVERIFY2(out.contains("not started"), out.constData());
}

void tst_Cli::sigtermStopsWithItsOwnStatus()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("stopped.json"));
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("-n"),
            QStringLiteral("100"),
            QStringLiteral("-d"),
            QStringLiteral("100ms"),
            QStringLiteral("-w"),
            QStringLiteral("2"),
            QStringLiteral("--json"),
            path});
    QVERIFY(process.waitForStarted());
    QVERIFY(waitUntilStoppable(process.processId(), 4)); // the run under way
    QTest::qWait(100);
    ::kill(pid_t(process.processId()), SIGTERM);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 128 + SIGTERM);
    // The partial run is still exported, whole.
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject json = QJsonDocument::fromJson(file.readAll()).object();
    QCOMPARE(json[QStringLiteral("stopped")].toBool(), true);
    QVERIFY(json[QStringLiteral("tasks_not_started")].toInt() > 0);
}

void tst_Cli::seedIsKeptExactly()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("1"),
        QStringLiteral("-d"),
        QStringLiteral("0ms"),
        QStringLiteral("--seed"),
        QStringLiteral("18446744073709551615"),
        QStringLiteral("--json"),
        QStringLiteral("-")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.out.contains("\"seed\":18446744073709551615"), outcome.out.constData());
}

void tst_Cli::unwritablePathIsExitOneAndWritesNothing_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("flag");
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("reason");
    const QString bad = QStringLiteral("/nonexistent-folder/out");
    const QString noFolder = QStringLiteral("No such file or directory");
    auto with = [](QStringList head, const QString &flag, const QString &path) {
        return head << QStringLiteral("-n") << QStringLiteral("2") << QStringLiteral("-d")
                    << QStringLiteral("1ms") << QStringLiteral("--json")
                    << QStringLiteral("good.json") << flag << path;
    };
    for (const char *flag : {"--json", "--csv", "--trace", "--png", "--svg", "--pdf"}) {
        if (QLatin1String(flag) == QLatin1String("--json"))
            continue; // the good file is the JSON
        QTest::newRow(qPrintable(QStringLiteral("run %1").arg(QLatin1String(flag))))
            << with({QStringLiteral("run")}, QLatin1String(flag), bad) << flag << bad << noFolder;
    }
    QTest::newRow("sweep --png") << with(
        {QStringLiteral("sweep"), QStringLiteral("-W"), QStringLiteral("2")},
        QStringLiteral("--png"),
        bad) << "--png" << bad << noFolder;
    QTest::newRow("sweep --pdf") << with(
        {QStringLiteral("sweep"), QStringLiteral("-W"), QStringLiteral("2")},
        QStringLiteral("--pdf"),
        bad) << "--pdf" << bad << noFolder;
    QTest::newRow("compare --pdf") << with(
        {QStringLiteral("compare"), QStringLiteral("-S"), QStringLiteral("sequential,thread-pool")},
        QStringLiteral("--pdf"),
        bad) << "--pdf" << bad << noFolder;
    QTest::newRow("compare --csv") << with(
        {QStringLiteral("compare"), QStringLiteral("-S"), QStringLiteral("sequential,thread-pool")},
        QStringLiteral("--csv"),
        bad) << "--csv" << bad << noFolder;
    // Tests run as root, whom permissions do not stop: a folder that is a regular file does.
    const QString underAFile = QStringLiteral(PARVIZ_CLI_PATH "/out");
    const QString notAFolder = QStringLiteral("Not a directory");
    for (const char *flag : {"--csv", "--trace", "--png", "--svg", "--pdf"}) {
        QTest::newRow(qPrintable(QStringLiteral("run %1 under a file").arg(QLatin1String(flag))))
            << with({QStringLiteral("run")}, QLatin1String(flag), underAFile) << flag << underAFile
            << notAFolder;
    }
    QTest::newRow("sweep --csv under a file") << with(
        {QStringLiteral("sweep"), QStringLiteral("-W"), QStringLiteral("2")},
        QStringLiteral("--csv"),
        underAFile) << "--csv" << underAFile << notAFolder;
}

void tst_Cli::unwritablePathIsExitOneAndWritesNothing()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 1);
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: ") && err.contains(path.toUtf8())
            && err.contains(reason.toUtf8()),
        err.constData());
    // Found before anything ran: no summary, and not even the exports that could be written.
    QVERIFY(process.readAllStandardOutput().isEmpty());
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
}

// A PNG's size, from its header.
QSize pngSize(const QByteArray &png)
{
    if (!png.startsWith("\x89PNG\r\n\x1a\n") || png.size() < 24)
        return {};
    auto be32 = [&](int at) {
        return (quint8(png[at]) << 24) | (quint8(png[at + 1]) << 16) | (quint8(png[at + 2]) << 8)
            | quint8(png[at + 3]);
    };
    return {int(be32(16)), int(be32(20))};
}

QByteArray readFile(const QString &path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

// The tasks that have a run row in an events CSV. A task that holds the GIL can run in several
// pieces around its waits for it, so rows are not tasks.
int tasksThatRan(const QByteArray &csv)
{
    QSet<QByteArray> tasks;
    for (const QByteArray &line : csv.split('\n')) {
        if (line.contains(",run,"))
            tasks.insert(line.left(line.indexOf(',')));
    }
    return int(tasks.size());
}

void tst_Cli::fullDiskIsExitOneAndLeavesNoFile_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("file");
    const QStringList thousand{QStringLiteral("-n"),
        QStringLiteral("1000"),
        QStringLiteral("-d"),
        QStringLiteral("0ms"),
        QStringLiteral("-q")};
    const QStringList run =
        QStringList{QStringLiteral("run"), QStringLiteral("-w"), QStringLiteral("2")} + thousand;
    const struct
    {
        const char *flag;
        const char *file;
    } exports[] = {{"--json", "out.json"},
        {"--csv", "out.csv"},
        {"--trace", "out.trace.json"},
        {"--png", "out.png"},
        {"--svg", "out.svg"},
        {"--pdf", "out.pdf"}};
    for (const auto &e : exports) {
        QTest::newRow(qPrintable(QStringLiteral("run %1").arg(QLatin1String(e.flag))))
            << run + QStringList{QLatin1String(e.flag), QLatin1String(e.file)} << e.file;
    }
    // The sweep's JSON streams each point in as it finishes.
    QTest::newRow("sweep --json") << QStringList{QStringLiteral("sweep"),
                                         QStringLiteral("-W"),
                                         QStringLiteral("2")}
            + thousand + QStringList{QStringLiteral("--json"), QStringLiteral("sweep.json")}
                                  << "sweep.json";
    QTest::newRow("compare --trace") << QStringList{QStringLiteral("compare"),
                                            QStringLiteral("-S"),
                                            QStringLiteral("sequential,thread-pool"),
                                            QStringLiteral("-w"),
                                            QStringLiteral("2")}
            + thousand + QStringList{QStringLiteral("--trace"), QStringLiteral("c.trace.json")}
                                     << "c.trace.json";
}

void tst_Cli::fullDiskIsExitOneAndLeavesNoFile()
{
    // A disk that fills part-way through an export, as a file size limit of 8 KiB makes it (the
    // writes beyond it fail with EFBIG, as on a full disk with ENOSPC): the export fails with
    // the file and the reason, and neither the file nor a temporary file is left behind.
    QFETCH(QStringList, arguments);
    QFETCH(QString, file);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.setChildProcessModifier([] {
        const rlimit limit{8192, 8192};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::signal(SIGXFSZ, SIG_IGN); // else the first write beyond the limit kills
    });
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    QVERIFY(process.waitForFinished(60000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 1, err.constData());
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: writing '" + file.toUtf8() + "' failed: File too large"),
        err.constData());
    const QStringList left = QDir(dir.path()).entryList(QDir::Files | QDir::Hidden);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
}

void tst_Cli::fullDeviceIsExitOneAndSaysSo_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("stdoutFull"); // standard output is /dev/full
    QTest::addColumn<QString>("what");
    const QStringList run{QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-q")};
    for (const char *flag : {"--json", "--csv", "--trace", "--png", "--svg", "--pdf"}) {
        QTest::newRow(qPrintable(QStringLiteral("run %1 /dev/full").arg(QLatin1String(flag))))
            << run + QStringList{QLatin1String(flag), QStringLiteral("/dev/full")} << false
            << "'/dev/full'";
    }
    QTest::newRow("sweep --json /dev/full") << QStringList{QStringLiteral("sweep"),
        QStringLiteral("-W"),
        QStringLiteral("2"),
        QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-q"),
        QStringLiteral("--json"),
        QStringLiteral("/dev/full")} << false
                                            << "'/dev/full'";
    QTest::newRow("run --json - > /dev/full")
        << run + QStringList{QStringLiteral("--json"), QStringLiteral("-")} << true
        << "standard output";
    QTest::newRow("run --pdf - > /dev/full")
        << run + QStringList{QStringLiteral("--pdf"), QStringLiteral("-")} << true
        << "standard output";
    QTest::newRow("run's summary > /dev/full") << QStringList{QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("1ms")} << true << "standard output";
    QTest::newRow("list > /dev/full")
        << QStringList{QStringLiteral("list")} << true << "standard output";
}

void tst_Cli::fullDeviceIsExitOneAndSaysSo()
{
    // A device that is always full: written in place (not through a temporary file), it refuses
    // the first write, and the command fails with its name and the reason.
    QFETCH(QStringList, arguments);
    QFETCH(bool, stdoutFull);
    QFETCH(QString, what);
    if (!QFileInfo::exists(QStringLiteral("/dev/full")))
        QSKIP("no /dev/full here");
    QProcess process;
    if (stdoutFull)
        process.setStandardOutputFile(QStringLiteral("/dev/full"));
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    QVERIFY(process.waitForFinished(60000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 1, err.constData());
    // The last line is the error (a summary may precede it on stderr).
    const QByteArray last = err.trimmed().split('\n').last();
    QVERIFY2(last == "parviz-cli: writing " + what.toUtf8() + " failed: No space left on device",
        err.constData());
    QCOMPARE(err.count("parviz-cli:"), 1);
}

void tst_Cli::runWritesEveryFormat()
{
    QTemporaryDir dir;
    auto path = [&](const char *name) { return dir.filePath(QLatin1String(name)); };
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-s"),
        QStringLiteral("gil-threads"),
        QStringLiteral("-n"),
        QStringLiteral("6"),
        QStringLiteral("-d"),
        QStringLiteral("5ms"),
        QStringLiteral("-k"),
        QStringLiteral("cpu"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("--json"),
        path("run.json"),
        QStringLiteral("--csv"),
        path("run.csv"),
        QStringLiteral("--trace"),
        path("run.trace.json"),
        QStringLiteral("--png"),
        path("run.png"),
        QStringLiteral("--svg"),
        path("run.svg"),
        QStringLiteral("--pdf"),
        path("run.pdf"),
        QStringLiteral("--picture-width"),
        QStringLiteral("800"),
        QStringLiteral("--picture-scale"),
        QStringLiteral("2")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.err.isEmpty(), outcome.err.constData()); // no warnings from drawing
    for (const char *format : {"json", "csv", "trace", "png", "svg", "pdf"})
        QVERIFY2(outcome.out.contains(QByteArray("  ") + format), outcome.out.constData());

    const QJsonObject json = QJsonDocument::fromJson(readFile(path("run.json"))).object();
    const qsizetype events = json[QStringLiteral("events")].toArray().size();
    QVERIFY(events > 6);
    // The CSV and the trace hold the same events as the JSON.
    QCOMPARE(readFile(path("run.csv")).count('\n'), events + 1);
    const QJsonObject trace = QJsonDocument::fromJson(readFile(path("run.trace.json"))).object();
    qsizetype complete = 0;
    QSet<qint64> named;
    QSet<qint64> used;
    for (const QJsonValue &value : trace[QStringLiteral("traceEvents")].toArray()) {
        const QJsonObject event = value.toObject();
        const QString ph = event[QStringLiteral("ph")].toString();
        if (ph == QLatin1String("X")) {
            ++complete;
            used.insert(event[QStringLiteral("tid")].toInteger());
        } else if (event[QStringLiteral("name")].toString() == QLatin1String("thread_name")) {
            named.insert(event[QStringLiteral("tid")].toInteger());
        }
    }
    QCOMPARE(complete, events);
    QVERIFY(named.contains(used));
    // Twice the pixels at --picture-scale 2.
    QCOMPARE(pngSize(readFile(path("run.png"))).width(), 1600);
    const QByteArray svg = readFile(path("run.svg"));
    QVERIFY(svg.contains("<svg"));
    QVERIFY(svg.contains("thread-pool")); // what gil-threads now names
    // The PDF is as wide in points as the picture in pixels, whatever the PNG's scale.
    const test::PdfReader pdf(readFile(path("run.pdf")));
    QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
    QCOMPARE(pdf.mediaBox().width(), 800.0);
}

void tst_Cli::csvToStdoutKeepsTheSummaryOnStderr()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("5"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("--csv"),
        QStringLiteral("-")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY(outcome.out.startsWith("task,worker,kind,start_ns,end_ns,pid,status\n"));
    QCOMPARE(tasksThatRan(outcome.out), 5);
    QVERIFY(outcome.err.contains("makespan"));
}

void tst_Cli::sweepPrintsATableAndExports()
{
    QTemporaryDir dir;
    auto path = [&](const char *name) { return dir.filePath(QLatin1String(name)); };
    const Outcome outcome = cli({QStringLiteral("sweep"),
        QStringLiteral("--strategy"),
        QStringLiteral("thread-pool"),
        QStringLiteral("--tasks"),
        QStringLiteral("6"),
        QStringLiteral("--duration"),
        QStringLiteral("10ms"),
        QStringLiteral("--max-workers"),
        QStringLiteral("3"),
        QStringLiteral("--repeat"),
        QStringLiteral("2"),
        QStringLiteral("--json"),
        path("sweep.json"),
        QStringLiteral("--csv"),
        path("sweep.csv"),
        QStringLiteral("--png"),
        path("sweep.png")});
    QCOMPARE(outcome.exitCode, 0);
    // The table: a header, the sequential baseline, a row per worker count, the fit.
    for (const char *word :
        {"workers", "makespan", "speedup", "efficiency", "karp-flatt", "sequential", "Amdahl"})
        QVERIFY2(outcome.out.contains(word), outcome.out.constData());
    QVERIFY2(outcome.out.contains("\n3 "), outcome.out.constData());
    // Progress: a line per point on stderr.
    QVERIFY2(outcome.err.contains("3 workers"), outcome.err.constData());

    const QJsonObject json = QJsonDocument::fromJson(readFile(path("sweep.json"))).object();
    QCOMPARE(json[QStringLiteral("format")].toInt(), 1);
    const QJsonArray points = json[QStringLiteral("points")].toArray();
    QCOMPARE(points.size(), 3);
    for (int i = 0; i < 3; ++i) {
        const QJsonObject point = points[i].toObject();
        QCOMPARE(point[QStringLiteral("workers")].toInt(), i + 1);
        QCOMPARE(point[QStringLiteral("runs")].toArray().size(), 2);
        QVERIFY(point[QStringLiteral("speedup")].toDouble() > 0.0);
    }
    // Sleep tasks on 3 workers: clearly faster than on one, whatever the machine.
    QVERIFY(points[2].toObject()[QStringLiteral("speedup")].toDouble()
        > 1.5 * points[0].toObject()[QStringLiteral("speedup")].toDouble());
    QVERIFY(json[QStringLiteral("amdahl")].toObject().contains(QStringLiteral("serial_fraction")));

    const QList<QByteArray> csv = readFile(path("sweep.csv")).trimmed().split('\n');
    QCOMPARE(csv.size(), 5); // header, sequential, 1..3 workers
    QVERIFY(csv[1].startsWith("sequential,1,2,"));
    QVERIFY(csv[4].startsWith("thread-pool,3,2,"));
    QCOMPARE(pngSize(readFile(path("sweep.png"))).width(), 1600); // a slide's, by default
}

void tst_Cli::sweepIsQuietWhenAsked()
{
    const Outcome outcome = cli({QStringLiteral("sweep"),
        QStringLiteral("-n"),
        QStringLiteral("2"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-W"),
        QStringLiteral("2"),
        QStringLiteral("-q")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.out.isEmpty(), outcome.out.constData());
    QVERIFY2(outcome.err.isEmpty(), outcome.err.constData());
}

void tst_Cli::compareRanksByMakespanAndExports()
{
    QTemporaryDir dir;
    auto path = [&](const char *name) { return dir.filePath(QLatin1String(name)); };
    // One worker against four, on sleep tasks: 400 ms against 100 ms and the pool's start, which
    // under ThreadSanitizer is tens of milliseconds a thread. The order is certain on any machine.
    const Outcome outcome = cli({QStringLiteral("compare"),
        QStringLiteral("--strategies"),
        QStringLiteral("sequential,thread-pool"),
        QStringLiteral("-n"),
        QStringLiteral("8"),
        QStringLiteral("-d"),
        QStringLiteral("50ms"),
        QStringLiteral("-w"),
        QStringLiteral("4"),
        QStringLiteral("--json"),
        path("compare.json"),
        QStringLiteral("--trace"),
        path("compare.trace.json"),
        QStringLiteral("--csv"),
        path("compare.csv"),
        QStringLiteral("--svg"),
        path("compare.svg")});
    QCOMPARE(outcome.exitCode, 0);
    const qsizetype pool = outcome.out.indexOf("\nthread-pool ");
    const qsizetype sequential = outcome.out.indexOf("\nsequential ");
    QVERIFY2(pool > 0 && sequential > pool, outcome.out.constData()); // fastest first
    QVERIFY2(outcome.out.contains("against the sequential run"), outcome.out.constData());

    // The JSON lists the runs in the order they ran.
    const QJsonArray runs = QJsonDocument::fromJson(readFile(path("compare.json"))).array();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(
        runs[0].toObject()[QStringLiteral("strategy")].toString(), QStringLiteral("sequential"));
    QCOMPARE(
        runs[1].toObject()[QStringLiteral("strategy")].toString(), QStringLiteral("thread-pool"));
    QCOMPARE(runs[1].toObject()[QStringLiteral("baseline")].toString(),
        QStringLiteral("measured-sequential"));
    QSet<QString> processes;
    for (const QJsonValue &value : QJsonDocument::fromJson(readFile(path("compare.trace.json")))
                                       .object()[QStringLiteral("traceEvents")]
                                       .toArray()) {
        const QJsonObject event = value.toObject();
        if (event[QStringLiteral("name")].toString() == QLatin1String("process_name"))
            processes.insert(
                event[QStringLiteral("args")].toObject()[QStringLiteral("name")].toString());
    }
    QCOMPARE(
        processes, (QSet<QString>{QStringLiteral("sequential"), QStringLiteral("thread-pool")}));
    QVERIFY(readFile(path("compare.csv")).startsWith("strategy,task,"));
    const QByteArray svg = readFile(path("compare.svg"));
    QVERIFY(svg.contains("sequential") && svg.contains("thread-pool"));
}

void tst_Cli::ctrlCStopsASweepAndKeepsItsPoints()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("sweep.json"));
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("sweep"),
            QStringLiteral("-n"),
            QStringLiteral("4"),
            QStringLiteral("-d"),
            QStringLiteral("500ms"),
            QStringLiteral("-W"),
            QStringLiteral("8"),
            QStringLiteral("--json"),
            path});
    QVERIFY(process.waitForStarted());
    // The baseline takes 2 s; the whole sweep nearly 9 s. Stopping is prompt, so the margin is
    // free.
    QByteArray err; // QTRY evaluates its expression more than once: keep what was read
    QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError()).contains("sequential"), 20000);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(process.readAllStandardOutput().contains("interrupted"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error{};
    const QJsonObject json = QJsonDocument::fromJson(file.readAll(), &error).object();
    QCOMPARE(error.error, QJsonParseError::NoError); // whole, not cut off
    QCOMPARE(json[QStringLiteral("stopped")].toBool(), true);
    QVERIFY(json[QStringLiteral("sequential")].isObject());
    QVERIFY(json[QStringLiteral("points")].toArray().size() < 8);
}

void tst_Cli::ctrlCStopsAComparisonAndKeepsItsRuns()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("compare.json"));
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("compare"),
            QStringLiteral("-S"),
            QStringLiteral("thread-pool,sequential,pool-map"),
            QStringLiteral("-n"),
            QStringLiteral("20"),
            QStringLiteral("-d"),
            QStringLiteral("400ms"),
            QStringLiteral("-w"),
            QStringLiteral("4"),
            QStringLiteral("--json"),
            path});
    QVERIFY(process.waitForStarted());
    // thread-pool takes 2 s, then sequential 8 s: stop during the second.
    QByteArray err; // QTRY evaluates its expression more than once: keep what was read
    QTRY_VERIFY_WITH_TIMEOUT((err += process.readAllStandardError()).contains("sequential"), 20000);
    QTest::qWait(200);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 130);
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonArray runs = QJsonDocument::fromJson(file.readAll()).array();
    QCOMPARE(runs.size(), 2); // pool-map never started
    QCOMPARE(runs[0].toObject()[QStringLiteral("stopped")].toBool(), false);
    QCOMPARE(runs[1].toObject()[QStringLiteral("stopped")].toBool(), true);
}

void tst_Cli::failedRunIsExitOneAndSaysWhy()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("failed.json"));
    QProcess process;
    // A worker program that exits at once: the pool breaks, as BrokenProcessPool.
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PARVIZ_WORKER"), QStringLiteral("/bin/false"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("-s"),
            QStringLiteral("process-pool"),
            QStringLiteral("-n"),
            QStringLiteral("4"),
            QStringLiteral("-d"),
            QStringLiteral("1ms"),
            QStringLiteral("-w"),
            QStringLiteral("2"),
            QStringLiteral("--json"),
            path});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 1);
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: ") && err.contains("worker"), err.constData());
    // What happened is still exported, with the error.
    const QJsonObject json = QJsonDocument::fromJson(readFile(path)).object();
    QVERIFY(json[QStringLiteral("error")].isObject());
}

void tst_Cli::exportsIntoAPipe()
{
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("events"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QByteArray received;
    std::thread reader([&] {
        QFile pipe(fifo);
        if (pipe.open(QIODevice::ReadOnly))
            received = pipe.readAll();
    });
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("3"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-q"),
        QStringLiteral("--csv"),
        fifo});
    reader.join();
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(received.startsWith("task,worker,kind,"), received.constData());
    QCOMPARE(tasksThatRan(received), 3);
    // Still a pipe: written in place, not replaced by a file.
    QVERIFY(!QFileInfo(fifo).isFile());
}

// "on 2 logical CPUs": the machine, as a picture's caption names it.
QString thisMachine()
{
    const int cpus = logicalCpus();
    return cpus == 1 ? QStringLiteral("on 1 logical CPU")
                     : QStringLiteral("on %1 logical CPUs").arg(cpus);
}

void tst_Cli::pdfForEveryCommand_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("caption");
    const QStringList workload{QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("2ms"),
        QStringLiteral("-q")};
    QTest::newRow("run") << (QStringList{QStringLiteral("run"),
                                 QStringLiteral("-s"),
                                 QStringLiteral("thread-pool"),
                                 QStringLiteral("-w"),
                                 QStringLiteral("2")}
        + workload) << QStringLiteral("4 sleep x 2ms · thread-pool · 2 workers · ") + thisMachine();
    QTest::newRow("sweep") << (QStringList{QStringLiteral("sweep"),
                                   QStringLiteral("-s"),
                                   QStringLiteral("pool-map"),
                                   QStringLiteral("-W"),
                                   QStringLiteral("2")}
        + workload)
                           << QStringLiteral("4 sleep x 2ms · pool-map · 1 to 2 workers · ")
            + thisMachine();
    // A comparison names the workload and the machine once: each run has its own heading.
    QTest::newRow("compare") << (QStringList{QStringLiteral("compare"),
                                     QStringLiteral("-S"),
                                     QStringLiteral("sequential,thread-pool"),
                                     QStringLiteral("-w"),
                                     QStringLiteral("2")}
        + workload) << QStringLiteral("4 sleep x 2ms · ") + thisMachine();
}

void tst_Cli::pdfForEveryCommand()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, caption);
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("picture.pdf"));
    const Outcome outcome = cli(arguments << QStringLiteral("--pdf") << path);
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.err.isEmpty(), outcome.err.constData()); // no warnings from drawing
    const QByteArray file = readFile(path);
    QVERIFY(file.startsWith("%PDF-"));
    const test::PdfReader pdf(file);
    QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
    QCOMPARE(pdf.pageCount(), 1);
    QCOMPARE(pdf.mediaBox().width(), 1600.0); // --picture-width's default, one point a pixel
    // Vector: paths and text, no picture of the chart.
    QVERIFY(!pdf.hasImages());
    QVERIFY(pdf.contents().contains(" re\n"));
    QVERIFY2(pdf.text().contains(caption), qPrintable(pdf.text()));
}

void tst_Cli::pdfToStdoutKeepsTheSummaryOnStderr()
{
    const Outcome outcome = cli({QStringLiteral("run"),
        QStringLiteral("-n"),
        QStringLiteral("3"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("--pdf"),
        QStringLiteral("-")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY(outcome.out.startsWith("%PDF-"));
    const test::PdfReader pdf(outcome.out);
    QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
    QCOMPARE(pdf.pageCount(), 1);
    QVERIFY(outcome.err.contains("makespan"));
}

// The interpreter the truth command would use; the tests that run CPython skip without one.
std::optional<PythonInterpreter> python3()
{
    auto python = findPython();
    return python ? std::optional(*python) : std::nullopt;
}

// A figure's row of the truth table: "makespan  385 ms  387 ms  1.004" gives {"385 ms", ...}.
QByteArray rowOf(const QByteArray &table, const QByteArray &name)
{
    for (const QByteArray &line : table.split('\n'))
        if (line.startsWith(name + "  "))
            return line.mid(name.size()).trimmed();
    return {};
}

void tst_Cli::truthPrintsBothRunsAndTheirRatio()
{
    const auto python = python3();
    if (!python)
        QSKIP("no python3");
    const Outcome outcome = cli({QStringLiteral("truth"),
        QStringLiteral("--strategy"),
        QStringLiteral("thread-pool"),
        QStringLiteral("--tasks"),
        QStringLiteral("8"),
        QStringLiteral("--duration"),
        QStringLiteral("20ms"),
        QStringLiteral("--workers"),
        QStringLiteral("4")});
    QCOMPARE(outcome.exitCode, 0);
    const QByteArray &out = outcome.out;
    // The interpreter that ran it, by path and version, and a column per engine.
    QVERIFY2(out.contains(python->path.toUtf8() + " (Python " + python->version.toUtf8() + ")"),
        out.constData());
    QVERIFY2(out.contains("ParViz") && out.contains("CPython " + python->version.toUtf8())
            && out.contains("CPython/ParViz"),
        out.constData());
    // makespan: two durations and their ratio. Sleeps of 20 ms on 4 workers, twice over: the
    // same schedule in both, so the ratio is near 1 on any machine.
    const QList<QByteArray> makespan = rowOf(out, "makespan").simplified().split(' ');
    QCOMPARE(makespan.size(), 5);
    bool ok = false;
    const double ratio = makespan.last().toDouble(&ok);
    QVERIFY2(ok && ratio > 0.5 && ratio < 2.0, out.constData());
    for (const char *figure : {"speedup", "efficiency", "lost", "  spawn", "  gil-wait"})
        QVERIFY2(!rowOf(out, figure).isEmpty(), figure);
    QCOMPARE(rowOf(out, "tasks completed").simplified(), QByteArray("8 8"));
    // Progress on stderr: ParViz first, then CPython.
    const qsizetype own = outcome.err.indexOf("[1/2] thread-pool in ParViz");
    const qsizetype cpython = outcome.err.indexOf("[2/2] thread-pool in CPython");
    QVERIFY2(own >= 0 && cpython > own, outcome.err.constData());
}

void tst_Cli::truthExportsBothRuns()
{
    const auto python = python3();
    if (!python)
        QSKIP("no python3");
    QTemporaryDir dir;
    auto path = [&](const char *name) { return dir.filePath(QLatin1String(name)); };
    const Outcome outcome = cli({QStringLiteral("truth"),
        QStringLiteral("-s"),
        QStringLiteral("process-pool"),
        QStringLiteral("-n"),
        QStringLiteral("6"),
        QStringLiteral("-d"),
        QStringLiteral("2ms"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("-q"),
        QStringLiteral("--json"),
        path("truth.json"),
        QStringLiteral("--csv"),
        path("truth.csv"),
        QStringLiteral("--trace"),
        path("truth.trace.json"),
        QStringLiteral("--svg"),
        path("truth.svg")});
    QCOMPARE(outcome.exitCode, 0);
    QVERIFY2(outcome.out.isEmpty() && outcome.err.isEmpty(), outcome.err.constData());

    // Two runs of the comparison format, ParViz's first; each says what ran it.
    const QJsonArray runs = QJsonDocument::fromJson(readFile(path("truth.json"))).array();
    QCOMPARE(runs.size(), 2);
    const QString cpython = QStringLiteral("CPython ") + python->version;
    QCOMPARE(runs[0].toObject()[QStringLiteral("engine")].toString(), QStringLiteral("ParViz"));
    QCOMPARE(runs[1].toObject()[QStringLiteral("engine")].toString(), cpython);
    QSet<qint64> pids[2];
    for (int i = 0; i < 2; ++i) {
        const QJsonObject run = runs[i].toObject();
        QCOMPARE(run[QStringLiteral("strategy")].toString(), QStringLiteral("process-pool"));
        QCOMPARE(run[QStringLiteral("tasks_completed")].toInt(), 6);
        for (const QJsonValue &value : run[QStringLiteral("events")].toArray()) {
            const QJsonObject event = value.toObject();
            if (event[QStringLiteral("kind")].toString() == QLatin1String("run"))
                pids[i].insert(event[QStringLiteral("pid")].toInteger());
        }
    }
    // Each ran its tasks in worker processes of its own.
    QVERIFY(!pids[0].isEmpty() && !pids[1].isEmpty());
    QVERIFY(!pids[0].intersects(pids[1]));

    // The trace has a process per run; the CSV's and the picture's runs are told apart.
    QSet<QString> processes;
    for (const QJsonValue &value : QJsonDocument::fromJson(readFile(path("truth.trace.json")))
                                       .object()[QStringLiteral("traceEvents")]
                                       .toArray()) {
        const QJsonObject event = value.toObject();
        if (event[QStringLiteral("name")].toString() == QLatin1String("process_name"))
            processes.insert(
                event[QStringLiteral("args")].toObject()[QStringLiteral("name")].toString());
    }
    const QString label = QStringLiteral("process-pool (%1)").arg(cpython);
    QCOMPARE(processes, (QSet<QString>{QStringLiteral("process-pool"), label}));
    const QByteArray csv = readFile(path("truth.csv"));
    QVERIFY(csv.startsWith("strategy,task,"));
    QVERIFY(csv.contains("\nprocess-pool,"));
    QVERIFY(csv.contains("\n" + label.toUtf8() + ","));
    QVERIFY(readFile(path("truth.svg")).contains(label.toUtf8()));
}

void tst_Cli::truthWithoutAnInterpreterIsUsage()
{
    const QStringList workload{QStringLiteral("truth"),
        QStringLiteral("-n"),
        QStringLiteral("2"),
        QStringLiteral("-d"),
        QStringLiteral("1ms")};
    // A chosen interpreter that is not there: the flag, the path, and what to install.
    Outcome outcome = cli(
        workload + QStringList{QStringLiteral("--python"), QStringLiteral("/nonexistent/python3")});
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY(outcome.out.isEmpty()); // nothing ran, not even ParViz's run
    QCOMPARE(outcome.err.count('\n'), 1);
    QVERIFY2(outcome.err.startsWith("parviz-cli: --python: /nonexistent/python3 ")
            && outcome.err.contains("python3)"),
        outcome.err.constData());

    // The same through $PARVIZ_PYTHON.
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PARVIZ_PYTHON"), QStringLiteral("/nonexistent/python3"));
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH), workload);
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 2);
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(err.startsWith("parviz-cli: /nonexistent/python3 "), err.constData());

    // An interpreter without joblib runs every strategy but batched, which names the package.
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("python3"));
    QVERIFY(test::writeScript(fake,
        "#!/bin/sh\n"
        "echo 3.11.2\n")); // the version, and no \"joblib\" line
    outcome = cli(workload
        + QStringList{
            QStringLiteral("-s"), QStringLiteral("batched"), QStringLiteral("--python"), fake});
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY(outcome.out.isEmpty());
    QCOMPARE(outcome.err.count('\n'), 1);
    QVERIFY2(outcome.err.contains("joblib") && outcome.err.contains("python3-joblib"),
        outcome.err.constData());

    // Computing threads without a GIL, and no free-threaded CPython on PATH: refused before
    // ParViz's run, which would be measured for nothing.
    QProcess noGil;
    environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PATH"), dir.path());
    noGil.setProcessEnvironment(environment);
    noGil.start(QStringLiteral(PARVIZ_CLI_PATH),
        workload
            + QStringList{QStringLiteral("-k"),
                QStringLiteral("cpu"),
                QStringLiteral("--gil"),
                QStringLiteral("none"),
                QStringLiteral("--python"),
                fake});
    QVERIFY(noGil.waitForFinished(60000));
    QCOMPARE(noGil.exitCode(), 2);
    QVERIFY(noGil.readAllStandardOutput().isEmpty());
    const QByteArray noGilErr = noGil.readAllStandardError();
    QVERIFY2(
        noGilErr.contains("free-threaded") && !noGilErr.contains("[1/2]"), noGilErr.constData());
}

void tst_Cli::daskWithoutDistributedIsUsage_data()
{
    QTest::addColumn<QStringList>("arguments");
    const QStringList workload{QStringLiteral("-n"),
        QStringLiteral("2"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-w"),
        QStringLiteral("2")};
    QTest::newRow("run dask") << QStringList{QStringLiteral("run"),
                                     QStringLiteral("-s"),
                                     QStringLiteral("dask")}
            + workload;
    QTest::newRow("run batched on dask") << QStringList{QStringLiteral("run"),
                                                QStringLiteral("-s"),
                                                QStringLiteral("batched"),
                                                QStringLiteral("--backend"),
                                                QStringLiteral("dask")}
            + workload;
    QTest::newRow("sweep dask") << QStringList{QStringLiteral("sweep"),
        QStringLiteral("-s"),
        QStringLiteral("dask"),
        QStringLiteral("-W"),
        QStringLiteral("2"),
        QStringLiteral("-n"),
        QStringLiteral("2"),
        QStringLiteral("-d"),
        QStringLiteral("1ms")};
    QTest::newRow("compare with dask among them") << QStringList{QStringLiteral("compare"),
                                                         QStringLiteral("-S"),
                                                         QStringLiteral("sequential,dask")}
            + workload;
    QTest::newRow("truth dask") << QStringList{QStringLiteral("truth"),
                                       QStringLiteral("-s"),
                                       QStringLiteral("dask")}
            + workload;
}

// The interpreter that would run a Dask run cannot import distributed: nothing runs, not even
// the runs before it, and the one line names Debian's package.
void tst_Cli::daskWithoutDistributedIsUsage()
{
    QFETCH(QStringList, arguments);
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("python3"));
    QVERIFY(test::writeScript(fake,
        "#!/bin/sh\n"
        "echo 3.11.2\n"
        "echo joblib\n")); // joblib, and no \"distributed\" line
    const QString json = dir.filePath(QStringLiteral("run.json"));
    if (arguments.first() == QLatin1String("truth"))
        arguments << QStringLiteral("--python") << fake;
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PARVIZ_PYTHON"), fake);
    process.setProcessEnvironment(environment);
    process.start(
        QStringLiteral(PARVIZ_CLI_PATH), arguments + QStringList{QStringLiteral("--json"), json});
    QVERIFY(process.waitForFinished(60000));
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty());
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: " + fake.toUtf8() + " cannot import Dask's distributed")
            && err.contains("apt-get install python3-distributed"),
        err.constData());
    QVERIFY(!QFile::exists(json));
}

void tst_Cli::daskCommandsLookForTheirPythonOnce_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<bool>("truth"); // whether --python chooses, else $PARVIZ_PYTHON
    QTest::addColumn<int>("programs"); // the Python programs the command runs
    QTest::addColumn<int>("clusters"); // the clusters a sweep keeps for its runs
    const QStringList workload{QStringLiteral("-n"),
        QStringLiteral("4"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-q")};
    QTest::newRow("run") << QStringList{QStringLiteral("run"),
                                QStringLiteral("-s"),
                                QStringLiteral("dask")}
            + workload + QStringList{QStringLiteral("-w"), QStringLiteral("2")}
                         << false << 1 << 0;
    // A run for 1 and 2 workers, on the one cluster kept for them, beside the sequential
    // baseline that ParViz runs itself.
    QTest::newRow("sweep") << QStringList{QStringLiteral("sweep"),
                                  QStringLiteral("-s"),
                                  QStringLiteral("dask"),
                                  QStringLiteral("-W"),
                                  QStringLiteral("2")}
            + workload << false
                           << 2 << 1;
    QTest::newRow("compare") << QStringList{QStringLiteral("compare"),
                                    QStringLiteral("-S"),
                                    QStringLiteral("dask,sequential,batched"),
                                    QStringLiteral("--backend"),
                                    QStringLiteral("dask"),
                                    QStringLiteral("-w"),
                                    QStringLiteral("2")}
            + workload << false
                             << 2 << 0;
    // ParViz's run of the plan is Dask's in CPython too, with the interpreter --python names;
    // $PARVIZ_PYTHON names one that cannot run it.
    QTest::newRow("truth") << QStringList{QStringLiteral("truth"),
                                  QStringLiteral("-s"),
                                  QStringLiteral("dask")}
            + workload + QStringList{QStringLiteral("-w"), QStringLiteral("2")}
                           << true << 2 << 0;
}

// The interpreter that runs a command's Dask runs is looked for once, before they start, and
// is the one chosen: a script in front of Debian's python3 writes down each start, as a look
// (python3 -c with ParViz's question), a kept cluster (python3 -c) or a program.
void tst_Cli::daskCommandsLookForTheirPythonOnce()
{
    QFETCH(QStringList, arguments);
    QFETCH(bool, truth);
    QFETCH(int, programs);
    QFETCH(int, clusters);
    const auto debian = findPython(QStringLiteral("/usr/bin/python3"));
    if (!debian || !debian->hasDistributed || !debian->hasJoblib)
        QSKIP(
            "/usr/bin/python3 with joblib and Dask's distributed (python3-distributed) is needed");
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("starts.log"));
    const QString wrapper = dir.filePath(QStringLiteral("python3"));
    QVERIFY(test::writeLoggingPython(wrapper, log));
    // Not Python at all: a command that looked here would fail.
    const QString notPython = dir.filePath(QStringLiteral("not-python"));
    QVERIFY(test::writeScript(notPython, "#!/bin/sh\nexit 1\n"));
    if (truth)
        arguments << QStringLiteral("--python") << wrapper;

    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PARVIZ_PYTHON"), truth ? notPython : wrapper);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    QVERIFY(process.waitForFinished(120000));
    QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
    // What each start was for, by its arguments: the look at the interpreter asks it a
    // question (-c) about its GIL, a kept cluster is started from -c too, and the rest run a
    // program.
    int looks = 0;
    int clusterStarts = 0;
    int programStarts = 0;
    for (const QByteArray &start : test::loggedStarts(log)) {
        if (start.contains("_is_gil_enabled"))
            ++looks;
        else if (start.startsWith("-c"))
            ++clusterStarts;
        else
            ++programStarts;
    }
    QCOMPARE(looks, 1);
    QCOMPARE(clusterStarts, clusters);
    QCOMPARE(programStarts, programs);
}

void tst_Cli::truthShowsAFailingProgramsTraceback()
{
    // An interpreter that answers ParViz's question about its version, then fails the program.
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("python3"));
    QVERIFY(test::writeScript(fake,
        "#!/bin/sh\n"
        "if [ \"$1\" = -c ]; then echo 3.11.2; exit 0; fi\n"
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo '  File \"thread_pool.py\", line 3, in <module>' >&2\n"
        "echo '    1 / 0' >&2\n"
        "echo 'ZeroDivisionError: division by zero' >&2\n"
        "exit 1\n"));
    const QString json = dir.filePath(QStringLiteral("failed.json"));
    const Outcome outcome = cli({QStringLiteral("truth"),
        QStringLiteral("-n"),
        QStringLiteral("3"),
        QStringLiteral("-d"),
        QStringLiteral("1ms"),
        QStringLiteral("-w"),
        QStringLiteral("2"),
        QStringLiteral("--python"),
        fake,
        QStringLiteral("--json"),
        json,
        QStringLiteral("-q")});
    QCOMPARE(outcome.exitCode, 1);
    QVERIFY(outcome.out.isEmpty());
    // The message, then the traceback whole, line by line as the program wrote it.
    QCOMPARE(outcome.err,
        QByteArray("parviz-cli: the CPython 3.11.2 run failed: the Python program exited with "
                   "code 1:\n"
                   "Traceback (most recent call last):\n"
                   "  File \"thread_pool.py\", line 3, in <module>\n"
                   "    1 / 0\n"
                   "ZeroDivisionError: division by zero\n"));
    // Both runs are still exported: ParViz's whole, CPython's with its error.
    const QJsonArray runs = QJsonDocument::fromJson(readFile(json)).array();
    QCOMPARE(runs.size(), 2);
    QVERIFY(runs[0].toObject()[QStringLiteral("error")].isNull());
    QVERIFY(runs[1].toObject()[QStringLiteral("error")].isObject());
}

// The processes, zombies left out, whose command line contains `text`.
QList<qint64> processesRunning(const QString &text)
{
    QList<qint64> found;
    const QByteArray needle = text.toLocal8Bit();
    for (const QString &entry :
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool isPid = false;
        const qint64 pid = entry.toLongLong(&isPid);
        if (!isPid || pid == ::getpid())
            continue;
        QByteArray command = readFile(QStringLiteral("/proc/%1/cmdline").arg(pid));
        command.replace('\0', ' ');
        const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
        const qsizetype close = stat.lastIndexOf(')');
        if (command.contains(needle) && close > 0 && stat.mid(close + 2, 1) != "Z")
            found << pid;
    }
    return found;
}

// The Python interpreter the tests that need real CPython and joblib choose: Debian's.
const QString DebianPython = QStringLiteral("/usr/bin/python3");

// A process that has become a program of its own (not a child between fork and exec, which
// still runs parviz-cli's code): its executable's file name.
QString programOf(pid_t pid)
{
    return QFileInfo(QFileInfo(QStringLiteral("/proc/%1/exe").arg(pid)).symLinkTarget()).fileName();
}

void tst_Cli::ctrlCDuringCPythonLeavesNoPython()
{
#if defined(__SANITIZE_THREAD__)
    // Once parviz-cli has started a process through QProcess (the interpreter's probe, then
    // Python itself), GCC 12's ThreadSanitizer no longer orders the signal thread, started
    // before, after the main thread: it reports the stop reaching the run through a
    // std::stop_callback. The same stop, without QProcess (`run`, `compare` and `sweep`
    // stopped by Ctrl+C, and worker processes made with posix_spawn), is clean under TSan, and a
    // QProcess that runs /bin/true before `run` is enough to bring the reports. The dev and asan
    // workflows run this test.
    QSKIP("ThreadSanitizer loses the order of threads started before a QProcess (see above)");
#endif
    if (!python3())
        QSKIP("no python3");
    // The Python program is written into the temporary folder: a name of this test's own, for
    // finding its processes by their command lines.
    QTemporaryDir temporary;
    const QString json = temporary.filePath(QStringLiteral("stopped.json"));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), temporary.path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("truth"),
            QStringLiteral("-s"),
            QStringLiteral("process-pool"),
            QStringLiteral("-n"),
            QStringLiteral("3"),
            QStringLiteral("-d"),
            QStringLiteral("1500ms"),
            QStringLiteral("-w"),
            QStringLiteral("3"),
            QStringLiteral("--json"),
            json});
    QVERIFY(process.waitForStarted());
    // ParViz's run takes 1.5 s; then CPython's program and its worker processes start.
    // Every interpreter seen so far: a monotone condition, as QTRY evaluates it more than once
    // and a process may come and go between two looks. Only interpreters count, once the
    // second run is announced: a launcher script (pyenv's shims) or a child between fork and
    // exec has the program's path in its command line too, before CPython's run is under way.
    QSet<qint64> python;
    QByteArray announced;
    const auto seenTwo = [&] {
        announced += process.readAllStandardError();
        if (!announced.contains("[2/2]"))
            return false;
        for (const qint64 pid : processesRunning(temporary.path())) {
            if (programOf(pid_t(pid)).startsWith(QLatin1String("python")))
                python.insert(pid);
        }
        return python.size() >= 2;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seenTwo(), 30000);
    // Stopped, not finished: the tasks of 1.5 s are cut (the second run is "stopped" below).
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 130);
    QVERIFY(process.readAllStandardOutput().contains("interrupted"));
    // Neither the interpreter nor any of its workers is left.
    QTRY_VERIFY_WITH_TIMEOUT(processesRunning(temporary.path()).isEmpty(), 2000);
    const QJsonArray runs = QJsonDocument::fromJson(readFile(json)).array();
    QCOMPARE(runs.size(), 2);
    QCOMPARE(runs[0].toObject()[QStringLiteral("stopped")].toBool(), false);
    QCOMPARE(runs[1].toObject()[QStringLiteral("stopped")].toBool(), true);
    // The very processes that ran before Ctrl+C are gone (dead, or waiting to be reaped).
    for (const qint64 pid : std::as_const(python)) {
        const QByteArray stat = readFile(QStringLiteral("/proc/%1/stat").arg(pid));
        QVERIFY2(stat.isEmpty() || stat.mid(stat.lastIndexOf(')') + 2, 1) == "Z", stat.constData());
    }
}

// parviz-cli truth on a process pool, slow enough to be looked at: ParViz's run with its
// parviz-worker processes, then CPython's program and its pool's worker processes.
void startSlowProcessPoolTruth(QProcess &process, const QString &temporaryFolder)
{
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), temporaryFolder);
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("truth"),
            QStringLiteral("-s"),
            QStringLiteral("process-pool"),
            QStringLiteral("-n"),
            QStringLiteral("2"),
            QStringLiteral("-d"),
            QStringLiteral("1500ms"),
            QStringLiteral("-w"),
            QStringLiteral("2"),
            QStringLiteral("-q"),
            QStringLiteral("--python"),
            DebianPython});
}

void tst_Cli::oneFileUnderTwoSpellingsIsUsage_data()
{
    // In a folder holding w/s.out, w/hard.out (a hard link to it), w/link.out (a symbolic link
    // to it) and v (a symbolic link to w).
    QTest::addColumn<QStringList>("exports");
    QTest::addColumn<QString>("flag");
    const auto row = [](const char *name, const char *first, const char *second) {
        QTest::newRow(name) << QStringList{QStringLiteral("--json"),
            QLatin1String(first),
            QStringLiteral("--csv"),
            QLatin1String(second)}
                            << "--csv";
    };
    row("a dot", "w/s.out", "w/./s.out");
    row("up and back", "w/s.out", "w/../w/s.out");
    row("a doubled slash", "w//s.out", "w/s.out");
    row("absolute and relative", "@/w/s.out", "w/s.out");
    row("a symbolic link to the file", "w/s.out", "w/link.out");
    row("a hard link", "w/hard.out", "w/s.out");
    row("a linked folder", "v/s.out", "w/s.out");
    row("a new file in a linked folder", "v/new.out", "w/new.out");
    row("a new file, spelled twice", "w/new.out", "w/./new.out");
    QTest::newRow("three exports, the last two the same") << QStringList{QStringLiteral("--json"),
        QStringLiteral("w/a.out"),
        QStringLiteral("--csv"),
        QStringLiteral("w/b.out"),
        QStringLiteral("--trace"),
        QStringLiteral("v/b.out")} << "--trace";
}

void tst_Cli::oneFileUnderTwoSpellingsIsUsage()
{
    // Two exports into one file would leave only the last one written, and say nothing: the
    // same file is the same however its path is spelled.
    QFETCH(QStringList, exports);
    QFETCH(QString, flag);
    QTemporaryDir dir;
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("w")));
    const QString file = dir.filePath(QStringLiteral("w/s.out"));
    QFile original(file);
    QVERIFY(original.open(QIODevice::WriteOnly) && original.write("before\n") == 7);
    original.close();
    QVERIFY(::link(QFile::encodeName(file).constData(),
                QFile::encodeName(dir.filePath(QStringLiteral("w/hard.out"))).constData())
        == 0);
    QVERIFY(QFile::link(QStringLiteral("s.out"), dir.filePath(QStringLiteral("w/link.out"))));
    QVERIFY(QFile::link(QStringLiteral("w"), dir.filePath(QStringLiteral("v"))));
    for (QString &argument : exports)
        argument.replace(QLatin1Char('@'), dir.path());
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        QStringList{QStringLiteral("run"),
            QStringLiteral("-n"),
            QStringLiteral("2"),
            QStringLiteral("-d"),
            QStringLiteral("1ms")}
            + exports);
    QVERIFY(process.waitForFinished(60000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitCode(), 2);
    QVERIFY(process.readAllStandardOutput().isEmpty()); // nothing ran
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: " + flag.toUtf8() + ": ") && err.contains("already"),
        err.constData());
    QCOMPARE(readFile(file), QByteArray("before\n"));
    QVERIFY(!QFileInfo::exists(dir.filePath(QStringLiteral("w/new.out"))));
}

void tst_Cli::longBadValuesAreQuotedShort_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("flag");
    // 130 KB of a value that no flag accepts.
    const QString junk = QStringLiteral("9x").repeated(65'000);
    const auto run = [&](const char *flag) {
        QTest::newRow(flag) << QStringList{QStringLiteral("run"), QLatin1String(flag), junk}
                            << QString::fromLatin1(flag);
    };
    for (const char *flag : {"--duration",
             "--tasks",
             "--kind",
             "--gil",
             "--io-share",
             "--workers",
             "--fraction",
             "--seed",
             "--chunksize",
             "--switch-interval",
             "--on-worker-death",
             "--start-timeout",
             "--strategy",
             "--picture-width",
             "--picture-scale"})
        run(flag);
    QTest::newRow("a list of durations") << QStringList{QStringLiteral("run"),
        QStringLiteral("--duration"),
        QStringLiteral("list:") + junk} << "--duration";
    QTest::newRow("a uniform duration") << QStringList{QStringLiteral("run"),
        QStringLiteral("--duration"),
        QStringLiteral("uniform:1ms..") + junk}
                                        << "--duration";
    QTest::newRow("compare's strategies")
        << QStringList{QStringLiteral("compare"), QStringLiteral("-S"), junk} << "--strategies";
    QTest::newRow("sweep's max workers")
        << QStringList{QStringLiteral("sweep"), QStringLiteral("-W"), junk} << "--max-workers";
    QTest::newRow("an unknown argument")
        << QStringList{QStringLiteral("run"), junk} << junk.left(8);
    QTest::newRow("an unknown command") << QStringList{junk} << junk.left(8);
}

void tst_Cli::longBadValuesAreQuotedShort()
{
    // A message quotes enough of a bad value to find it, not all of it: one short line.
    QFETCH(QStringList, arguments);
    QFETCH(QString, flag);
    const Outcome outcome = cli(arguments);
    QCOMPARE(outcome.exitCode, 2);
    QCOMPARE(outcome.err.count('\n'), 1);
    QVERIFY2(outcome.err.contains(flag.toUtf8()), outcome.err.left(300).constData());
    QVERIFY2(outcome.err.size() < 400, outcome.err.left(600).constData());
}

void tst_Cli::ctrlCStopsWaitingForAPipesReader()
{
    // An export to a pipe that nobody reads waits for a reader; Ctrl+C ends the wait, and the
    // export fails, saying so.
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("unread"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("-n"),
            QStringLiteral("2"),
            QStringLiteral("-d"),
            QStringLiteral("1ms"),
            QStringLiteral("-q"),
            QStringLiteral("--json"),
            QStringLiteral("-"),
            QStringLiteral("--trace"),
            fifo});
    QVERIFY(process.waitForStarted());
    // The JSON on standard output is written first, then the trace: once the JSON is whole,
    // the pipe is next.
    QByteArray out;
    QTRY_VERIFY_WITH_TIMEOUT((out += process.readAllStandardOutput(), out.endsWith("}\n")), 30000);
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY2(process.waitForFinished(10000), "still waiting for a reader after Ctrl+C");
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QCOMPARE(process.exitCode(), 1);
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: ") && err.contains(fifo.toUtf8()), err.constData());
    QVERIFY(!QFileInfo(fifo).isFile());
}

void tst_Cli::unwritableProgramSaysWhy()
{
    // truth writes CPython's program into a temporary folder; a disk that fills as it writes
    // (a file size limit below the program's size: EFBIG, as ENOSPC on a full disk) fails the
    // run with that reason, not with what Python made of half a program.
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("python3"));
    QVERIFY(test::writeScript(fake,
        "#!/bin/sh\n"
        "if [ \"$1\" = -c ]; then echo 3.11.2; exit 0; fi\n"
        "exit 0\n")); // as a half-written program that does nothing would
    const QString temporary = dir.filePath(QStringLiteral("tmp"));
    QVERIFY(QDir(dir.path()).mkdir(QStringLiteral("tmp")));
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), temporary);
    process.setProcessEnvironment(environment);
    process.setChildProcessModifier([] {
        const rlimit limit{512, 512};
        ::setrlimit(RLIMIT_FSIZE, &limit);
        std::signal(SIGXFSZ, SIG_IGN); // else the first write beyond the limit kills
    });
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("truth"),
            QStringLiteral("-n"),
            QStringLiteral("2"),
            QStringLiteral("-d"),
            QStringLiteral("1ms"),
            QStringLiteral("-w"),
            QStringLiteral("2"),
            QStringLiteral("-q"),
            QStringLiteral("--python"),
            fake});
    QVERIFY(process.waitForFinished(60000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    QVERIFY2(process.exitCode() == 1, err.constData());
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-cli: the CPython 3.11.2 run failed: cannot write the Python "
                            "program: writing '"
                 + temporary.toUtf8())
            && err.endsWith("' failed: File too large\n"),
        err.constData());
    // Nothing of it is left.
    const QStringList left = QDir(temporary).entryList(QDir::AllEntries | QDir::NoDotAndDotDot);
    QVERIFY2(left.isEmpty(), qPrintable(left.join(QLatin1Char(' '))));
}

void tst_Cli::outOfMemoryIsAFailedRun_data()
{
    // Address space limits in KiB (ulimit -v) at which a million recorded tasks run out of
    // memory at different points of the run.
    QTest::addColumn<int>("limitKiB");
    for (const int limit : {140'000, 160'000, 180'000, 200'000, 240'000})
        QTest::newRow(qPrintable(QString::number(limit))) << limit;
}

void tst_Cli::outOfMemoryIsAFailedRun()
{
    // Memory that runs out under a run is a run that failed, said in one line: never an
    // exception that ends the program (std::terminate, SIGABRT, exit status 134).
#if defined(__SANITIZE_ADDRESS__) || defined(__SANITIZE_THREAD__)
    // parviz-cli is built with the same sanitizer, whose shadow memory alone is far larger
    // than these limits: it would not start.
    QSKIP("a sanitizer's shadow memory does not fit under an address space limit");
#endif
    QFETCH(int, limitKiB);
    QTemporaryDir dir;
    QProcess process;
    process.setWorkingDirectory(dir.path());
    process.setChildProcessModifier([limitKiB] {
        const rlim_t bytes = rlim_t(limitKiB) * 1024;
        const rlimit limit{bytes, bytes};
        ::setrlimit(RLIMIT_AS, &limit);
    });
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("run"),
            QStringLiteral("-n"),
            QStringLiteral("1000000"),
            QStringLiteral("-d"),
            QStringLiteral("0ms"),
            QStringLiteral("-w"),
            QStringLiteral("2"),
            QStringLiteral("-q"),
            QStringLiteral("--json"),
            QStringLiteral("x.json")});
    QVERIFY(process.waitForFinished(120000));
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(process.exitStatus() == QProcess::NormalExit, err.constData());
    if (process.exitCode() == 0)
        return; // enough memory at this limit: nothing to see
    QVERIFY2(process.exitCode() == 1, err.constData());
    QCOMPARE(err.count('\n'), 1);
    // Out of memory, or a thread the system would not start for want of it.
    QVERIFY2(err.startsWith("parviz-cli: "), err.constData());
}

void tst_Cli::childrenStartWithNoSignalBlocked()
{
    // parviz-cli blocks SIGINT and SIGTERM in its threads, for the thread that waits for them.
    // A program it starts must not inherit that mask: a parviz-worker, the Python interpreter
    // and the pool workers Python forks would then ignore `kill -TERM` and Ctrl+C for good.
    if (!QFileInfo(DebianPython).isExecutable())
        QSKIP("no /usr/bin/python3");
    QTemporaryDir temporary;
    QProcess process;
    startSlowProcessPoolTruth(process, temporary.path());
    QVERIFY(process.waitForStarted());
    const pid_t cli = pid_t(process.processId());
    // Each process, once it runs its own program, with the signals it blocks then (a child
    // between fork and exec still runs parviz-cli's code). Monotone, as QTRY evaluates it more
    // than once and a process may come and go between two looks.
    std::map<pid_t, std::pair<QString, QByteArray>> seen; // pid: what it is, its SigBlk
    QSet<QString> roles;
    const auto record = [&](pid_t pid, const QString &role) {
        if (seen.contains(pid))
            return;
        QByteArray blocked = test::statusField(pid, "SigBlk");
        // A sanitizer's runtime blocks every signal for a moment while it starts a thread of
        // its own: a mask that is not clear is looked at again, until it clears, the process
        // goes, or it stays as it is for half a second.
        for (int look = 0; look < 10 && !blocked.isEmpty() && blocked != "0000000000000000";
             ++look) {
            QTest::qSleep(50);
            const QByteArray again = test::statusField(pid, "SigBlk");
            if (again.isEmpty())
                break;
            blocked = again;
        }
        if (blocked.isEmpty())
            return;
        seen[pid] = {role, blocked};
        roles.insert(role);
    };
    const auto seenAll = [&] {
        for (const pid_t child : test::childProcessesOf(cli)) {
            const QString program = programOf(child);
            if (program == QLatin1String("parviz-worker")) {
                record(child, program);
            } else if (program.startsWith(QLatin1String("python"))) {
                record(child, QStringLiteral("python"));
                for (const pid_t worker : test::childProcessesOf(child))
                    record(worker, QStringLiteral("a worker of python's pool"));
            }
        }
        return roles.size() == 3;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seenAll(), 30000);
    // Done: the whole tree goes, whether or not it would go with parviz-cli.
    const std::vector<pid_t> tree = test::descendantsOf(cli);
    ::kill(cli, SIGKILL);
    for (const pid_t pid : tree)
        ::kill(pid, SIGKILL);
    process.waitForFinished();
    for (const auto &[pid, entry] : seen) {
        QVERIFY2(entry.second == "0000000000000000",
            qPrintable(QStringLiteral("%1 (pid %2) blocks signals %3")
                           .arg(entry.first)
                           .arg(pid)
                           .arg(QString::fromLatin1(entry.second))));
    }
}

// Whether `cli` has started a Python interpreter that has started two processes of its own
// (its pool's workers).
bool runsPythonWithWorkers(pid_t cli)
{
    for (const pid_t pid : test::childProcessesOf(cli)) {
        if (programOf(pid).startsWith(QLatin1String("python"))
            && test::childProcessesOf(pid).size() >= 2)
            return true;
    }
    return false;
}

// Those of `pids` still running, as "pid (program), ...": empty once all have gone.
QString stillRunning(const std::vector<pid_t> &pids)
{
    QStringList alive;
    for (const pid_t pid : pids) {
        if (!test::processIsGone(pid))
            alive << QStringLiteral("%1 (%2)").arg(pid).arg(programOf(pid));
    }
    return alive.join(QLatin1String(", "));
}

// What `folder` holds, hidden entries too, as "a, b": empty when nothing.
QString entriesOf(const QString &folder)
{
    return QDir(folder)
        .entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden)
        .join(QLatin1String(", "));
}

void tst_Cli::killedTruthLeavesNoProcessNorFile()
{
    // parviz-cli killed with SIGKILL while CPython runs the program on a process pool: no code
    // of parviz-cli runs after that, so the interpreter, its pool's workers and the folder of
    // the program must see it go by themselves.
    if (!QFileInfo(DebianPython).isExecutable())
        QSKIP("no /usr/bin/python3");
    QTemporaryDir temporary;
    QProcess process;
    startSlowProcessPoolTruth(process, temporary.path());
    QVERIFY(process.waitForStarted());
    const pid_t cli = pid_t(process.processId());
    // The interpreter, once it has started both its pool's workers.
    QTRY_VERIFY_WITH_TIMEOUT(runsPythonWithWorkers(cli), 30000);
    const std::vector<pid_t> tree = test::descendantsOf(cli);
    QCOMPARE(::kill(cli, SIGKILL), 0);
    QVERIFY(process.waitForFinished());
    QTRY_VERIFY2_WITH_TIMEOUT(stillRunning(tree).isEmpty(), qPrintable(stillRunning(tree)), 2000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        entriesOf(temporary.path()).isEmpty(), qPrintable(entriesOf(temporary.path())), 2000);
}

namespace {

// A process pool of 2 forked workers whose tasks sleep for a minute: a program to stop.
const QByteArray SleepingProcessPool =
    "import concurrent.futures as cf, multiprocessing as mp, time\n"
    "def nap(i):\n"
    "    time.sleep(60)\n"
    "if __name__ == '__main__':\n"
    "    mp.set_start_method('fork')\n"
    "    with cf.ProcessPoolExecutor(2) as pool:\n"
    "        list(pool.map(nap, range(4)))\n";

QString writeTraceProgram(const QTemporaryDir &folder, const QByteArray &text)
{
    const QString path = folder.filePath(QStringLiteral("traced_program.py"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return path;
}

} // namespace

void tst_Cli::tracePassesTheProgramsStreamsThroughAndWritesItsRun()
{
    if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
        QSKIP("no /usr/bin/python3");
    QTemporaryDir folder;
    const QString program = writeTraceProgram(folder,
        "import concurrent.futures as cf, sys\n"
        "def square(i):\n"
        "    return i * i\n"
        "if __name__ == '__main__':\n"
        "    line = sys.stdin.readline().strip()\n"
        "    with cf.ThreadPoolExecutor(2) as pool:\n"
        "        total = sum(pool.map(square, range(5)))\n"
        "    print('read', line, 'args', sys.argv[1:], 'total', total)\n"
        "    print('to stderr', file=sys.stderr)\n");
    const QString json = folder.filePath(QStringLiteral("traced.json"));
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("trace"),
            QStringLiteral("--python"),
            QStringLiteral("/usr/bin/python3"),
            QStringLiteral("--json"),
            json,
            QStringLiteral("--"),
            program,
            QStringLiteral("--its-own"),
            QStringLiteral("x")});
    QVERIFY(process.waitForStarted());
    process.write("from stdin\n");
    process.closeWriteChannel();
    QVERIFY(process.waitForFinished(60000));
    const QByteArray out = process.readAllStandardOutput();
    const QByteArray err = process.readAllStandardError();
    QVERIFY2(
        process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0, err.constData());
    // Standard output is the program's alone; the summary and "wrote" go to stderr.
    QCOMPARE(out, QByteArray("read from stdin args ['--its-own', 'x'] total 30\n"));
    QVERIFY2(err.startsWith("to stderr\n"), err.constData());
    QVERIFY2(err.contains("5 units of work"), err.constData());
    QVERIFY2(err.contains("wrote " + json.toLocal8Bit()), err.constData());
    const QByteArray written = readFile(json);
    QVERIFY2(written.contains("\"python-program\""), written.left(400).constData());
}

void tst_Cli::traceOfAFailingProgramIsExitOne()
{
    if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
        QSKIP("no /usr/bin/python3");
    QTemporaryDir folder;
    const QString program = writeTraceProgram(folder, "import sys\nprint('going')\nsys.exit(3)\n");
    const Outcome outcome = cli({QStringLiteral("trace"),
        QStringLiteral("--python"),
        QStringLiteral("/usr/bin/python3"),
        QStringLiteral("--"),
        program});
    QCOMPARE(outcome.exitCode, 1);
    QCOMPARE(outcome.out, QByteArray("going\n"));
    QVERIFY2(outcome.err.contains("parviz-cli: the Python program exited with code 3\n"),
        outcome.err.constData());
    // No program is bad usage.
    const Outcome none = cli({QStringLiteral("trace"),
        QStringLiteral("--"),
        folder.filePath(QStringLiteral("missing.py"))});
    QCOMPARE(none.exitCode, 2);
    QVERIFY2(none.err.contains("is not a file"), none.err.constData());
}

void tst_Cli::runWithTheTracedProgramsStrategyIsUsage()
{
    const Outcome outcome =
        cli({QStringLiteral("run"), QStringLiteral("-s"), QStringLiteral("python-program")});
    QCOMPARE(outcome.exitCode, 2);
    QVERIFY2(outcome.err.contains("parviz-cli trace -- PROGRAM.py"), outcome.err.constData());
    QCOMPARE(outcome.err.count('\n'), 1);
}

void tst_Cli::ctrlCStopsATracedProgramAndAllItStarted()
{
#if defined(__SANITIZE_THREAD__)
    QSKIP("ThreadSanitizer loses the order of threads started before a QProcess (see above)");
#endif
    if (!QFile::exists(QStringLiteral("/usr/bin/python3")))
        QSKIP("no /usr/bin/python3");
    // Forked workers keep the program's command line: its path finds them all.
    QTemporaryDir folder;
    const QString program = writeTraceProgram(folder, SleepingProcessPool);
    const QString json = folder.filePath(QStringLiteral("stopped.json"));
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("trace"),
            QStringLiteral("--python"),
            QStringLiteral("/usr/bin/python3"),
            QStringLiteral("--json"),
            json,
            QStringLiteral("--"),
            program});
    QVERIFY(process.waitForStarted());
    QSet<qint64> python;
    const auto seenThree = [&] {
        for (const qint64 pid : processesRunning(program))
            python.insert(pid);
        return python.size() >= 3;
    };
    QTRY_VERIFY_WITH_TIMEOUT(seenThree(), 30000);
    QVERIFY(waitUntilStoppable(process.processId(), 2));
    ::kill(pid_t(process.processId()), SIGINT);
    QVERIFY(process.waitForFinished(10000));
    QCOMPARE(process.exitCode(), 130);
    QTRY_VERIFY_WITH_TIMEOUT(processesRunning(program).isEmpty(), 2000);
    for (const qint64 pid : std::as_const(python))
        QVERIFY2(test::processIsGone(pid_t(pid)), qPrintable(QString::number(pid)));
    QVERIFY(readFile(json).contains("\"python-program\""));
}

void tst_Cli::killedTraceLeavesNoProcessNorFolder_data()
{
    QTest::addColumn<bool>("hurried");
    // No code of parviz-cli runs after SIGKILL.
    QTest::newRow("SIGKILL") << false;
    // A second Ctrl+C quits at once: parviz-cli kills its children's groups and exits, with
    // no destructor run, so the tracer's folder is the watchdog's to remove.
    QTest::newRow("Ctrl+C twice") << true;
}

void tst_Cli::killedTraceLeavesNoProcessNorFolder()
{
    // parviz-cli gone while a traced program runs a process pool, with nothing of its own left
    // to end it: the program's standard input is the terminal's, so its watchdog ends the
    // program's group and removes the tracer's folder.
    QFETCH(bool, hurried);
#if defined(__SANITIZE_THREAD__)
    if (hurried)
        QSKIP("ThreadSanitizer loses the order of threads started before a QProcess (see above)");
#endif
    if (!QFileInfo(DebianPython).isExecutable())
        QSKIP("no /usr/bin/python3");
    QTemporaryDir folder;
    QTemporaryDir temporary; // the tracer's folder is made in it
    // SIGTERM, the stop's first step, is noted and not obeyed: the program runs on for the
    // stop's 300 ms before SIGKILL.
    const QString noted = folder.filePath(QStringLiteral("terminated"));
    const QString program = writeTraceProgram(folder,
        "import signal, sys\n"
        "signal.signal(signal.SIGTERM, lambda *_: open(sys.argv[1], 'w').close())\n"
            + SleepingProcessPool);
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("TMPDIR"), temporary.path());
    process.setProcessEnvironment(environment);
    process.start(QStringLiteral(PARVIZ_CLI_PATH),
        {QStringLiteral("trace"),
            QStringLiteral("--python"),
            DebianPython,
            QStringLiteral("--"),
            program,
            noted});
    QVERIFY(process.waitForStarted());
    const pid_t cli = pid_t(process.processId());
    // The interpreter, once it has started both its pool's workers, and the watchdog (started
    // once the program has).
    const auto watched = [cli] {
        for (const pid_t pid : test::childProcessesOf(cli)) {
            if (readFile(QStringLiteral("/proc/%1/cmdline").arg(pid)).contains("parviz-watchdog"))
                return true;
        }
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(runsPythonWithWorkers(cli) && watched(), 30000);
    const std::vector<pid_t> tree = test::descendantsOf(cli);
    QVERIFY(QDir(temporary.path()).entryList(QDir::Dirs | QDir::NoDotAndDotDot).size() == 1);
    if (hurried) {
        // The second Ctrl+C once the first has reached the program (two at once would be one).
        QVERIFY(waitUntilStoppable(cli, 2));
        ::kill(cli, SIGINT);
        QTRY_VERIFY_WITH_TIMEOUT(QFileInfo::exists(noted), 10000);
        ::kill(cli, SIGINT);
    } else {
        QCOMPARE(::kill(cli, SIGKILL), 0);
    }
    QVERIFY(process.waitForFinished());
    if (hurried && process.readAllStandardError().contains("the run was stopped before it ended"))
        QSKIP("the second Ctrl+C came after the run had ended its stop (a busy machine)");
    // The watchdog (in the tree) goes too, once it has done its work.
    QTRY_VERIFY2_WITH_TIMEOUT(stillRunning(tree).isEmpty(), qPrintable(stillRunning(tree)), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(processesRunning(program).isEmpty(), 2000);
    QTRY_VERIFY2_WITH_TIMEOUT(
        entriesOf(temporary.path()).isEmpty(), qPrintable(entriesOf(temporary.path())), 5000);
}

void tst_Cli::tracedProgramReadsTheTerminalAsAShellsJob_data()
{
    QTest::addColumn<QByteArray>("keys");
    QTest::addColumn<QByteArray>("expected");
    // Ctrl+Z while the program waits for input stops the whole job; the shell's `fg` continues
    // it, and the program reads its line.
    QTest::newRow("Ctrl+Z, fg") << QByteArray("suspend")
                                << QByteArray("status 148|hello Ada|status 0");
    // Ctrl+C while it waits reaches the program, which ends on its KeyboardInterrupt.
    QTest::newRow("Ctrl+C") << QByteArray("interrupt")
                            << QByteArray("KeyboardInterrupt|status 130");
}

void tst_Cli::tracedProgramReadsTheTerminalAsAShellsJob()
{
    // parviz-cli trace run by a shell with job control, on a terminal (a pseudo-terminal that a
    // small Python driver holds, as a terminal emulator would): the traced program asks for a
    // line, ParViz hands it the terminal, and the keys typed then are the program's.
#if defined(__SANITIZE_THREAD__)
    QSKIP("ThreadSanitizer loses the order of threads started before a QProcess (see above)");
#endif
    QFETCH(QByteArray, keys);
    QFETCH(QByteArray, expected);
    if (!QFileInfo(DebianPython).isExecutable() || !QFileInfo::exists(QStringLiteral("/bin/bash")))
        QSKIP("no /usr/bin/python3 or /bin/bash");
    QTemporaryDir folder;
    const QString program = writeTraceProgram(folder,
        "print('name?', flush=True)\n"
        "print('hello', input())\n");
    const QString driver = folder.filePath(QStringLiteral("terminal.py"));
    {
        QFile file(driver);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(R"(import os, pty, select, sys, time
cli, program, keys = sys.argv[1:4]
script = 'set -m; "$0" trace --python /usr/bin/python3 -- "$1"; echo "status $?"; fg; echo "status $?"'
try:
    pid, fd = pty.fork()
except OSError as e:
    print('no pseudo-terminal:', e)
    sys.exit(77)
if pid == 0:
    os.execv('/bin/bash', ['bash', '-c', script, cli, program])
seen = b''
def read_until(test, seconds=30):
    global seen
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if test():
            return True
        if select.select([fd], [], [], 0.05)[0]:
            try:
                seen += os.read(fd, 4096)
            except OSError:
                break
    return test()
def program_has_terminal():
    # The terminal's foreground group is the program's: its leader is the interpreter that
    # runs the program (not the shell, nor parviz-cli, whose command lines name it too).
    try:
        group = os.tcgetpgrp(fd)
        with open('/proc/%d/cmdline' % group, 'rb') as f:
            command = f.read().split(b'\0')
        return command[0].endswith(b'python3') and program.encode() in command
    except OSError:
        return False
def keeps_terminal(seconds=30):
    # Held at 3 looks in a row over 200 ms: not a moment between ParViz giving it and taking
    # it back.
    end = time.monotonic() + seconds
    held = 0
    while time.monotonic() < end:
        held = held + 1 if program_has_terminal() else 0
        if held >= 3:
            return True
        read_until(lambda: False, 0.1)
    return False
def step(name, ok):
    print(name, 'ok' if ok else 'FAILED')
    if not ok:
        print(seen.decode(errors='replace'))
        os.kill(pid, 9)
        sys.exit(1)
step('asked', read_until(lambda: b'name?' in seen))
step('holds the terminal', keeps_terminal())
if keys == 'suspend':
    os.write(fd, b'\x1a')
    step('stopped', read_until(lambda: b'status 148' in seen))
    step('holds the terminal again', keeps_terminal())
    os.write(fd, b'Ada\n')
    read_until(lambda: seen.count(b'status ') >= 2)
else:
    os.write(fd, b'\x03')
    read_until(lambda: b'status ' in seen)
print(seen.decode(errors='replace'))
)");
    }
    // Whatever happens, nothing of the run outlives the test (parviz-cli names the program too).
    const auto leaveNothing = qScopeGuard([&program] {
        for (const qint64 pid : processesRunning(program))
            ::kill(pid_t(pid), SIGKILL);
    });
    QProcess terminal;
    terminal.start(DebianPython,
        {driver, QStringLiteral(PARVIZ_CLI_PATH), program, QString::fromLatin1(keys)});
    QVERIFY(terminal.waitForFinished(90000));
    const QByteArray out = terminal.readAllStandardOutput() + terminal.readAllStandardError();
    if (terminal.exitCode() == 77)
        QSKIP(out.constData());
    QVERIFY2(terminal.exitCode() == 0, out.constData());
    for (const QByteArray &each : expected.split('|'))
        QVERIFY2(out.contains(each), out.constData());
    QTRY_VERIFY_WITH_TIMEOUT(processesRunning(program).isEmpty(), 5000);
}

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
