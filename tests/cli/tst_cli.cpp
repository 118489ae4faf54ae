#include "strategies/strategyregistry.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>

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
    void listDurationSetsTheTaskCount();
    void quietPrintsNothing();
    void processPoolEventsCarryPids();
    void ctrlCStopsAndReports();
    void sigtermStopsWithItsOwnStatus();
    void seedIsKeptExactly();

private:
    struct Outcome
    {
        int exitCode = -1;
        QByteArray out;
        QByteArray err;
    };
    static Outcome cli(const QStringList &arguments, int timeoutMs = 60000);
};

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
    // An export that cannot be written is found before the run, not after it.
    QTest::newRow("unwritable json")
        << run({"--json", "/nonexistent-folder/run.json"}) << "/nonexistent-folder/run.json";
    QTest::newRow("too many threads")
        << run({"--strategy", "thread-per-task", "--tasks", "50000"}) << "--tasks";
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
    QTest::qWait(400); // let the run get under way: some tasks done, most still queued
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
    QTest::qWait(300); // let the run get under way
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

QTEST_GUILESS_MAIN(tst_Cli)
#include "tst_cli.moc"
