#include "export/jsonstream.h"
#include "export/runjson.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "trace/tracerecorder.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <limits>

using namespace parviz;

class tst_RunJson : public QObject
{
    Q_OBJECT

private slots:
    void holdsTheRunAndEveryEvent_data();
    void holdsTheRunAndEveryEvent();
    void writesDaskMembersWhereTheyMatter();
    void stringsAreEscaped();
    void numbersAreExact();
    void savesWholeFiles();
    void unwritablePathIsAnError();

private:
    static RunResult smallRun(const QString &strategy, int tasks, int workers);
};

RunResult tst_RunJson::smallRun(const QString &strategy, int tasks, int workers)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(1'000'000);
    auto plan = makeRunPlan(strategy, workload, WorkerCount::exactly(workers));
    return executeRun(plan.value());
}

QJsonObject parse(const RunResult &run)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!writeRunJson(run, buffer))
        return {};
    QJsonParseError error{};
    const auto document = QJsonDocument::fromJson(buffer.data(), &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("invalid JSON: %s", qPrintable(error.errorString()));
    return document.object();
}

void tst_RunJson::holdsTheRunAndEveryEvent_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("workers");
    QTest::newRow("thread-pool") << "thread-pool" << 3;
    QTest::newRow("gil-threads") << "gil-threads" << 2;
    QTest::newRow("sequential") << "sequential" << 1;
    QTest::newRow("pool-map") << "pool-map" << 2;
    QTest::newRow("batched") << "batched" << 2; // every batch marked
}

void tst_RunJson::holdsTheRunAndEveryEvent()
{
    QFETCH(QString, strategy);
    QFETCH(int, workers);
    const RunResult run = smallRun(strategy, 12, workers);
    const QJsonObject json = parse(run);
    QVERIFY(!json.isEmpty());

    QCOMPARE(json[QStringLiteral("format")].toInt(), 1);
    // An older id is written as the strategy it stands for ("gil-threads": thread-pool).
    QCOMPARE(json[QStringLiteral("strategy")].toString(), findStrategy(strategy)->info.id);
    QCOMPARE(json[QStringLiteral("workers")].toInt(), run.workers);
    QCOMPARE(json[QStringLiteral("cpus")].toInt(), run.plan.cpus);
    QCOMPARE(json[QStringLiteral("tasks")].toInt(), 12);
    QCOMPARE(json[QStringLiteral("makespan_ns")].toInteger(), run.metrics.makespanNs);
    QCOMPARE(json[QStringLiteral("lower_bound_ns")].toInteger(), run.metrics.lowerBoundNs);
    QCOMPARE(json[QStringLiteral("total_work_ns")].toInteger(), run.metrics.totalWorkNs);
    QCOMPARE(json[QStringLiteral("speedup")].toDouble(), run.metrics.speedup);
    QCOMPARE(json[QStringLiteral("efficiency")].toDouble(), run.metrics.efficiency);
    QCOMPARE(json[QStringLiteral("error")].isNull(), true);
    QCOMPARE(json[QStringLiteral("stopped")].toBool(), false);
    QCOMPARE(json[QStringLiteral("workload")].toObject()[QStringLiteral("duration")].toString(),
        QStringLiteral("1ms"));
    if (workers == 1)
        QVERIFY(json[QStringLiteral("karp_flatt")].isNull()); // NaN is written as null

    // Every event, exactly as recorded, main row as worker -1.
    const QJsonArray events = json[QStringLiteral("events")].toArray();
    const auto recorded = run.trace->allEvents();
    QCOMPARE(std::size_t(events.size()), recorded.size());
    for (qsizetype i = 0; i < events.size(); ++i) {
        const QJsonObject event = events[i].toObject();
        const TaskEvent &expected = recorded[std::size_t(i)];
        QCOMPARE(event[QStringLiteral("task")].toInt(), expected.task);
        QCOMPARE(event[QStringLiteral("worker")].toInt(), expected.worker);
        QCOMPARE(event[QStringLiteral("kind")].toString(), eventKindName(expected.kind));
        QCOMPARE(event[QStringLiteral("start_ns")].toInteger(), expected.startNs);
        QCOMPARE(event[QStringLiteral("end_ns")].toInteger(), expected.endNs);
        QCOMPARE(event[QStringLiteral("pid")].toInt(), expected.pid);
        // Written only where set, as every flag.
        QCOMPARE(event.contains(QStringLiteral("group_start")), expected.groupStart());
        if (expected.groupStart())
            QCOMPARE(event[QStringLiteral("group_start")].toBool(), true);
    }
    int runs = 0;
    for (const auto &value : events)
        runs += value.toObject()[QStringLiteral("kind")].toString() == QLatin1String("run");
    QVERIFY(runs >= 12);
    if (strategy != QLatin1String("sequential")) {
        QCOMPARE(events.first().toObject()[QStringLiteral("worker")].toInt(), -1);
    }
}

void tst_RunJson::writesDaskMembersWhereTheyMatter()
{
    // Every run has the options; clocks and labels only a run whose rows have them.
    RunResult run = smallRun(QStringLiteral("thread-pool"), 4, 2);
    QJsonObject json = parse(run);
    QJsonObject options = json[QStringLiteral("options")].toObject();
    QCOMPARE(options[QStringLiteral("threads_per_worker")].toInt(), 1);
    QVERIFY(options.contains(QStringLiteral("dask_scheduler")));
    QVERIFY(options[QStringLiteral("dask_scheduler")].isNull()); // a LocalCluster of its own
    QVERIFY(!json.contains(QStringLiteral("worker_clocks")));
    QVERIFY(!json.contains(QStringLiteral("lane_labels")));

    // The same run, as if on a cluster: its second row labelled, the first not.
    run.plan.options.threadsPerWorker = 4;
    run.plan.options.daskScheduler = QStringLiteral("tcp://10.0.0.7:8786");
    run.workerClocks = {{QStringLiteral("tcp://10.0.0.7:39041"), 4321, -1'500'000, 20'000}};
    TraceRecorder recorder(2, false);
    recorder.worker(1).setLabel(QStringLiteral("10.0.0.7:39041 · thread 0"));
    run.trace = recorder.snapshot();
    json = parse(run);
    options = json[QStringLiteral("options")].toObject();
    QCOMPARE(options[QStringLiteral("threads_per_worker")].toInt(), 4);
    QCOMPARE(options[QStringLiteral("dask_scheduler")].toString(),
        QStringLiteral("tcp://10.0.0.7:8786"));
    const QJsonArray clocks = json[QStringLiteral("worker_clocks")].toArray();
    QCOMPARE(clocks.size(), 1);
    const QJsonObject clock = clocks.first().toObject();
    QCOMPARE(clock[QStringLiteral("worker")].toString(), QStringLiteral("tcp://10.0.0.7:39041"));
    QCOMPARE(clock[QStringLiteral("pid")].toInt(), 4321);
    QCOMPARE(clock[QStringLiteral("offset_ns")].toInteger(), -1'500'000);
    QCOMPARE(clock[QStringLiteral("uncertainty_ns")].toInteger(), 20'000);
    const QJsonArray labels = json[QStringLiteral("lane_labels")].toArray();
    QCOMPARE(labels.size(), 1);
    QCOMPARE(labels.first().toObject()[QStringLiteral("worker")].toInt(), 1);
    QCOMPARE(labels.first().toObject()[QStringLiteral("label")].toString(),
        QStringLiteral("10.0.0.7:39041 · thread 0"));
}

void tst_RunJson::stringsAreEscaped()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        JsonStream json(buffer);
        json.raw("[").string(QStringLiteral("a \"quoted\"\\path\nwith\ttabs\x01 and µ")).raw("]");
    }
    const auto document = QJsonDocument::fromJson(buffer.data());
    QCOMPARE(document.array().first().toString(),
        QStringLiteral("a \"quoted\"\\path\nwith\ttabs\x01 and µ"));
}

void tst_RunJson::numbersAreExact()
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    {
        JsonStream json(buffer);
        json.raw("[").number(std::int64_t(9'007'199'254'740'993)).raw(",").number(0.1).raw(",");
        json.number(std::numeric_limits<double>::infinity())
            .raw(",")
            .number(std::int64_t(-5))
            .raw("]");
    }
    QCOMPARE(buffer.data(), QByteArray("[9007199254740993,0.1,null,-5]"));
}

void tst_RunJson::savesWholeFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.json"));
    const RunResult run = smallRun(QStringLiteral("thread-pool"), 5, 2);
    const auto saved = saveRunJson(run, path);
    QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(QJsonDocument::fromJson(file.readAll()).object()[QStringLiteral("tasks")].toInt(), 5);
    // Nothing but the file itself is left in the folder.
    QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{QStringLiteral("run.json")});
}

void tst_RunJson::unwritablePathIsAnError()
{
    const QString path = QStringLiteral("/nonexistent-folder/deeper/run.json");
    const auto saved = saveRunJson(smallRun(QStringLiteral("sequential"), 1, 1), path);
    QVERIFY(!saved.ok());
    QCOMPARE(saved.error().code, QStringLiteral("write-failed"));
    QVERIFY2(saved.error().message.contains(path), qPrintable(saved.error().message));
}

QTEST_GUILESS_MAIN(tst_RunJson)
#include "tst_runjson.moc"
