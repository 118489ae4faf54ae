#include "export/chrometrace.h"
#include "export/csvexport.h"
#include "export/runjson.h"
#include "export/runsummary.h"
#include "export/sweepjson.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "strategies/tracedprogram.h"
#include "trace/tracerecorder.h"
#include "util/output.h"

#include <QBuffer>
#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <set>

using namespace parviz;

// The exports other tools open: CSV, the Chrome trace, sweeps and comparisons as JSON, and the
// outputs they are written through.
class tst_Exports : public QObject
{
    Q_OBJECT

private slots:
    void csvHasARowPerEvent();
    void csvQuotesWhatNeedsIt();
    void chromeTraceHoldsEveryEvent_data();
    void chromeTraceHoldsEveryEvent();
    void chromeTraceCountsBusyWorkers();
    void chromeTraceEscapesNames();
    void chromeTraceNamesLabelledRows();
    void chromeTraceNamesTracedFunctions();
    void summaryCountsAClustersThreads();
    void tracedProgramsCsvAndSummaryNameItsWork();
    void chromeTraceGivesEachRunAProcess();
    void comparisonIsAListOfRuns();
    void sweepJsonHasPointsAndFit();
    void sweepJsonOfAStoppedSweep();
    void sweepCsvHasARowPerPoint();
    void outputIsWholeOrNothing();
    void checkWritableLeavesNothingBehind();

private:
    static RunResult smallRun(const QString &strategy, int tasks, int workers);
    static QByteArray written(const std::function<bool(QIODevice &)> &write);
};

RunResult tst_Exports::smallRun(const QString &strategy, int tasks, int workers)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(1'000'000);
    auto plan = makeRunPlan(strategy, workload, WorkerCount::exactly(workers));
    return executeRun(plan.value());
}

QByteArray tst_Exports::written(const std::function<bool(QIODevice &)> &write)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!write(buffer))
        return {};
    return buffer.data();
}

QJsonDocument parseJson(const QByteArray &bytes)
{
    QJsonParseError error{};
    const auto document = QJsonDocument::fromJson(bytes, &error);
    if (error.error != QJsonParseError::NoError)
        qWarning("invalid JSON at %d: %s", error.offset, qPrintable(error.errorString()));
    return document;
}

void tst_Exports::csvHasARowPerEvent()
{
    const RunResult run = smallRun(QStringLiteral("gil-threads"), 6, 3);
    const QByteArray csv = written([&](QIODevice &d) { return writeRunCsv(run, d); });
    QList<QByteArray> lines = csv.split('\n');
    QCOMPARE(lines.takeLast(), QByteArray()); // ends with a newline
    QCOMPARE(lines.takeFirst(), QByteArray("task,worker,kind,start_ns,end_ns,pid,status"));
    QCOMPARE(std::size_t(lines.size()), run.trace->totalEventCount());

    const std::vector<TaskEvent> events = run.trace->allEvents();
    for (int i = 0; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].split(',');
        QCOMPARE(fields.size(), 7);
        const TaskEvent &event = events[std::size_t(i)];
        QCOMPARE(fields[0].toInt(), event.task);
        QCOMPARE(fields[1].toInt(), event.worker);
        QCOMPARE(fields[2], QByteArray(eventKindId(event.kind).data()));
        QCOMPARE(fields[3].toLongLong(), event.startNs);
        QCOMPARE(fields[4].toLongLong(), event.endNs);
        QCOMPARE(fields[5].toInt(), event.pid);
        QCOMPARE(fields[6], QByteArray("ok"));
    }
}

void tst_Exports::csvQuotesWhatNeedsIt()
{
    std::vector<RunResult> runs{smallRun(QStringLiteral("sequential"), 1, 1)};
    runs[0].strategy.id = QStringLiteral("a,\"b\"");
    const QByteArray csv = written([&](QIODevice &d) { return writeComparisonCsv(runs, d); });
    QVERIFY2(
        csv.startsWith("strategy,task,worker,kind,start_ns,end_ns,pid,status\n"), csv.constData());
    QVERIFY2(csv.contains("\n\"a,\"\"b\"\"\",0,0,run,"), csv.constData());
}

void tst_Exports::chromeTraceHoldsEveryEvent_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("workers");
    QTest::newRow("thread-pool") << "thread-pool" << 3;
    QTest::newRow("gil-threads") << "gil-threads" << 2; // a GIL row too
    QTest::newRow("batched") << "batched" << 2;
}

void tst_Exports::chromeTraceHoldsEveryEvent()
{
    QFETCH(QString, strategy);
    QFETCH(int, workers);
    const RunResult run = smallRun(strategy, 12, workers);
    const QByteArray bytes =
        written([&](QIODevice &d) { return writeChromeTrace(std::span(&run, 1), d); });
    const QJsonObject root = parseJson(bytes).object();
    QVERIFY(!root.isEmpty());
    QVERIFY(!root.contains(QStringLiteral("displayTimeUnit")));

    std::map<qint64, QString> threadNames;
    QString processName;
    // Every X event, as (tid, start ns, duration ns, task, kind): microseconds with three places
    // are exact nanoseconds.
    std::multiset<std::tuple<qint64, qint64, qint64, int, QString>> seen;
    for (const QJsonValue &value : root[QStringLiteral("traceEvents")].toArray()) {
        const QJsonObject event = value.toObject();
        const QString ph = event[QStringLiteral("ph")].toString();
        QVERIFY(event[QStringLiteral("pid")].isDouble());
        QCOMPARE(event[QStringLiteral("pid")].toDouble(), 1.0);
        if (ph == QLatin1String("M")) {
            const QString name = event[QStringLiteral("name")].toString();
            const QJsonObject args = event[QStringLiteral("args")].toObject();
            if (name == QLatin1String("thread_name"))
                threadNames[event[QStringLiteral("tid")].toInteger()] =
                    args[QStringLiteral("name")].toString();
            if (name == QLatin1String("process_name"))
                processName = args[QStringLiteral("name")].toString();
            continue;
        }
        if (ph != QLatin1String("X"))
            continue;
        const QJsonValue tid = event[QStringLiteral("tid")];
        QVERIFY(tid.isDouble() && tid.toDouble() == double(tid.toInteger()));
        QVERIFY2(event.contains(QStringLiteral("dur")), "every X event has a dur");
        const qint64 startNs = qRound64(event[QStringLiteral("ts")].toDouble() * 1000.0);
        const qint64 durationNs = qRound64(event[QStringLiteral("dur")].toDouble() * 1000.0);
        seen.emplace(tid.toInteger(),
            startNs,
            durationNs,
            event[QStringLiteral("args")].toObject()[QStringLiteral("task")].toInt(),
            event[QStringLiteral("cat")].toString());
    }
    QCOMPARE(processName, findStrategy(strategy)->info.id);

    std::multiset<std::tuple<qint64, qint64, qint64, int, QString>> expected;
    std::set<qint64> tids;
    run.trace->forEachEvent([&](const TaskEvent &event) {
        const qint64 tid = event.worker >= 0 ? event.worker + 1
            : event.worker == MainLane       ? run.trace->workerCount() + 1
                                             : run.trace->workerCount() + 2;
        tids.insert(tid);
        expected.emplace(
            tid, event.startNs, event.durationNs(), event.task, eventKindName(event.kind));
    });
    QCOMPARE(seen.size(), expected.size());
    QVERIFY(seen == expected);
    for (qint64 tid : tids)
        QVERIFY2(threadNames.count(tid) == 1, qPrintable(QString::number(tid)));
    QCOMPARE(threadNames[1], QStringLiteral("worker 0"));
}

void tst_Exports::chromeTraceCountsBusyWorkers()
{
    const RunResult run = smallRun(QStringLiteral("thread-pool"), 9, 3);
    const QByteArray bytes =
        written([&](QIODevice &d) { return writeChromeTrace(std::span(&run, 1), d); });
    const QJsonArray events = parseJson(bytes).object()[QStringLiteral("traceEvents")].toArray();
    int counters = 0;
    double lastTs = -1.0;
    int peak = 0;
    int last = -1;
    for (const QJsonValue &value : events) {
        const QJsonObject event = value.toObject();
        if (event[QStringLiteral("ph")].toString() != QLatin1String("C"))
            continue;
        ++counters;
        QCOMPARE(event[QStringLiteral("name")].toString(), QStringLiteral("busy workers"));
        const double ts = event[QStringLiteral("ts")].toDouble();
        QVERIFY(ts > lastTs); // one sample per moment, in time order
        lastTs = ts;
        last = event[QStringLiteral("args")].toObject()[QStringLiteral("busy")].toInt();
        QVERIFY(last >= 0 && last <= 3);
        peak = std::max(peak, last);
    }
    QVERIFY(counters >= 2);
    QCOMPARE(last, 0); // everything ended
    QVERIFY(peak >= 1);
}

void tst_Exports::chromeTraceEscapesNames()
{
    RunResult run = smallRun(QStringLiteral("sequential"), 1, 1);
    run.strategy.id = QStringLiteral("quote \" backslash \\ newline \n tab \t");
    const QByteArray bytes =
        written([&](QIODevice &d) { return writeChromeTrace(std::span(&run, 1), d); });
    const QJsonArray events = parseJson(bytes).object()[QStringLiteral("traceEvents")].toArray();
    QVERIFY(!events.isEmpty());
    QCOMPARE(
        events[0].toObject()[QStringLiteral("args")].toObject()[QStringLiteral("name")].toString(),
        run.strategy.id);
}

void tst_Exports::chromeTraceNamesLabelledRows()
{
    // A Dask worker's thread is named by its label; a row without one by its number.
    RunResult run = smallRun(QStringLiteral("thread-pool"), 2, 2);
    TraceRecorder recorder(2, false);
    recorder.worker(0).setLabel(QStringLiteral("127.0.0.1:39041 · thread 0"));
    recorder.worker(0).append(0, EventKind::Run, 0, 10);
    recorder.worker(1).append(1, EventKind::Run, 0, 10);
    run.trace = recorder.snapshot();
    const QByteArray bytes =
        written([&](QIODevice &d) { return writeChromeTrace(std::span(&run, 1), d); });
    std::map<qint64, QString> threadNames;
    for (const QJsonValue &value :
        parseJson(bytes).object()[QStringLiteral("traceEvents")].toArray()) {
        const QJsonObject event = value.toObject();
        if (event[QStringLiteral("name")].toString() == QLatin1String("thread_name"))
            threadNames[event[QStringLiteral("tid")].toInteger()] =
                event[QStringLiteral("args")].toObject()[QStringLiteral("name")].toString();
    }
    QCOMPARE(threadNames[1], QStringLiteral("127.0.0.1:39041 · thread 0"));
    QCOMPARE(threadNames[2], QStringLiteral("worker 1"));
    QCOMPARE(threadNames[3], QStringLiteral("main"));
}

void tst_Exports::chromeTraceNamesTracedFunctions()
{
    // A traced program's rows came as it ran, and its run events say what they called.
    RunResult run = smallRun(QStringLiteral("thread-pool"), 2, 2);
    TraceRecorder recorder(0, false);
    QCOMPARE(recorder.addWorkerLane(4242, QStringLiteral("ThreadPoolExecutor-0_0")), 0);
    QCOMPARE(recorder.addWorkerLane(4243), 1);
    recorder.worker(0).append(
        recorder.addTask(QStringLiteral("__main__.work"), QStringLiteral("(1,)")),
        EventKind::Run,
        0,
        10);
    recorder.worker(1).append(
        recorder.addTask(QStringLiteral("__main__.work"), QStringLiteral("(2,)")),
        EventKind::Run,
        0,
        10);
    run.trace = recorder.snapshot();
    const QByteArray bytes =
        written([&](QIODevice &d) { return writeChromeTrace(std::span(&run, 1), d); });
    std::map<qint64, QString> threadNames;
    std::map<qint64, QString> calls;
    for (const QJsonValue &value :
        parseJson(bytes).object()[QStringLiteral("traceEvents")].toArray()) {
        const QJsonObject event = value.toObject();
        const QJsonObject args = event[QStringLiteral("args")].toObject();
        const qint64 tid = event[QStringLiteral("tid")].toInteger();
        if (event[QStringLiteral("name")].toString() == QLatin1String("thread_name"))
            threadNames[tid] = args[QStringLiteral("name")].toString();
        if (event[QStringLiteral("cat")].toString() == QLatin1String("run"))
            calls[tid] = args[QStringLiteral("function")].toString()
                + args[QStringLiteral("arguments")].toString();
    }
    QCOMPARE(threadNames[1], QStringLiteral("ThreadPoolExecutor-0_0"));
    QCOMPARE(threadNames[2], QStringLiteral("worker 1"));
    QCOMPARE(threadNames[3], QStringLiteral("main"));
    QCOMPARE(calls[1], QStringLiteral("__main__.work(1,)"));
    QCOMPARE(calls[2], QStringLiteral("__main__.work(2,)"));
    // ParViz's own runs say nothing of functions.
    const RunResult own = smallRun(QStringLiteral("thread-pool"), 2, 2);
    QVERIFY(!written([&](QIODevice &d) {
        return writeChromeTrace(std::span(&own, 1), d);
    }).contains("\"function\""));
}

void tst_Exports::summaryCountsAClustersThreads()
{
    // Rows are workers x threads on a Dask cluster: the summary says how they came about.
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.duration = DurationSpec::fixed(1'000'000);
    StrategyOptions options;
    options.threadsPerWorker = 3;
    RunResult run;
    run.plan =
        makeRunPlan(QStringLiteral("dask"), workload, WorkerCount::exactly(2), options, 2).value();
    run.strategy = findStrategy(QStringLiteral("dask"))->info;
    run.workers = 6;
    run.trace = TraceRecorder(6, false).snapshot();
    run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks);
    QVERIFY2(runSummary(run).contains(
                 QStringLiteral("2 workers (chosen; 2 logical CPUs), 3 threads each: 6 rows")),
        qPrintable(runSummary(run)));
}

void tst_Exports::tracedProgramsCsvAndSummaryNameItsWork()
{
    // A traced program's CSV says what each unit of work ran; its summary names the program
    // and its work, not a workload ParViz never made.
    RunResult run;
    run.plan = makeTracedProgramPlan(
        {QStringLiteral("/home/me/pool.py"), {QStringLiteral("4"), QStringLiteral("a b")}, {}});
    run.strategy = findStrategy(QString(TracedProgramStrategyId))->info;
    TraceRecorder recorder(0, false);
    recorder.main().append(-1, EventKind::Wait, 0, 20);
    QCOMPARE(recorder.addWorkerLane(4242, QStringLiteral("pid 4242 · spawn")), 0);
    recorder.worker(0).append(
        recorder.addTask(QStringLiteral("__main__.work"), QStringLiteral("(1, \"x,y\")")),
        EventKind::Run,
        0,
        10);
    recorder.worker(0).countCompletedTask();
    run.workers = recorder.workerCount();
    run.trace = recorder.snapshot();
    run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks);
    const QByteArray csv = written([&](QIODevice &d) { return writeRunCsv(run, d); });
    const QList<QByteArray> rows = csv.split('\n');
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows[0], QByteArray("task,worker,kind,start_ns,end_ns,pid,status,function,arguments"));
    QVERIFY2(rows[1].startsWith("-1,-1,wait,0,20,") && rows[1].endsWith(",ok,,"), rows[1]);
    QCOMPARE(rows[2], QByteArray("0,0,run,0,10,4242,ok,__main__.work,\"(1, \"\"x,y\"\")\""));
    const QString summary = runSummary(run);
    QVERIFY2(summary.contains(QStringLiteral("program    /home/me/pool.py 4 'a b'")),
        qPrintable(summary));
    QVERIFY2(summary.contains(QStringLiteral("1 unit of work traced")), qPrintable(summary));
    QVERIFY2(
        summary.contains(QStringLiteral("1 row: the threads and processes")), qPrintable(summary));
    QVERIFY2(!summary.contains(QStringLiteral("sleep")), qPrintable(summary));
    // ParViz's own runs keep their columns, and a program that ran no parallel work says so.
    const RunResult own = smallRun(QStringLiteral("thread-pool"), 2, 2);
    QVERIFY(written([&](QIODevice &d) {
        return writeRunCsv(own, d);
    }).startsWith("task,worker,kind,start_ns,end_ns,pid,status\n"));
    // Only how long it ran: no makespan, speedup or loss of nothing.
    run.workers = 0;
    run.trace = TraceRecorder(0, false).snapshot();
    run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks);
    const QString nothing = runSummary(run);
    QVERIFY2(nothing.contains(QStringLiteral("no parallel work seen")), qPrintable(nothing));
    QVERIFY2(nothing.contains(QStringLiteral("\n  ran        ")), qPrintable(nothing));
    for (const char *empty : {"makespan", "speedup", "lost", "tasks", "rows"})
        QVERIFY2(!nothing.contains(QLatin1String(empty)), qPrintable(nothing));
}

void tst_Exports::chromeTraceGivesEachRunAProcess()
{
    const std::vector<RunResult> runs{smallRun(QStringLiteral("sequential"), 4, 1),
        smallRun(QStringLiteral("thread-pool"), 4, 2)};
    const QByteArray bytes = written([&](QIODevice &d) { return writeChromeTrace(runs, d); });
    std::map<qint64, QString> processes;
    std::map<qint64, int> events;
    for (const QJsonValue &value :
        parseJson(bytes).object()[QStringLiteral("traceEvents")].toArray()) {
        const QJsonObject event = value.toObject();
        const qint64 pid = event[QStringLiteral("pid")].toInteger();
        if (event[QStringLiteral("name")].toString() == QLatin1String("process_name"))
            processes[pid] =
                event[QStringLiteral("args")].toObject()[QStringLiteral("name")].toString();
        events[pid] += event[QStringLiteral("ph")].toString() == QLatin1String("X");
    }
    QCOMPARE(processes.size(), std::size_t(2));
    QCOMPARE(processes[1], QStringLiteral("sequential"));
    QCOMPARE(processes[2], QStringLiteral("thread-pool"));
    QCOMPARE(std::size_t(events[1]), runs[0].trace->totalEventCount());
    QCOMPARE(std::size_t(events[2]), runs[1].trace->totalEventCount());
}

void tst_Exports::comparisonIsAListOfRuns()
{
    const std::vector<RunResult> runs{
        smallRun(QStringLiteral("thread-pool"), 4, 2), smallRun(QStringLiteral("pool-map"), 4, 2)};
    const QJsonArray list =
        parseJson(written([&](QIODevice &d) { return writeComparisonJson(runs, d); })).array();
    QCOMPARE(list.size(), 2);
    QCOMPARE(
        list[0].toObject()[QStringLiteral("strategy")].toString(), QStringLiteral("thread-pool"));
    QCOMPARE(list[1].toObject()[QStringLiteral("strategy")].toString(), QStringLiteral("pool-map"));
    for (int i = 0; i < list.size(); ++i) {
        const QJsonObject run = list[i].toObject();
        QCOMPARE(run[QStringLiteral("format")].toInt(), RunJsonFormat);
        QCOMPARE(std::size_t(run[QStringLiteral("events")].toArray().size()),
            runs[std::size_t(i)].trace->totalEventCount());
    }
}

// Drives a sweep as parviz-cli does, writing the JSON as it goes.
QJsonObject sweepJson(const SweepPlan &plan, int stopAfterRuns, SweepResult *out = nullptr)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    auto schedule = SweepSchedule::make(plan);
    SweepJsonWriter writer(buffer, plan, logicalCpus());
    std::vector<RunResult> pending;
    int runs = 0;
    while (const auto runPlan = schedule->next()) {
        if (runs++ == stopAfterRuns)
            break;
        const bool baseline = schedule->result().sequentialNs.empty();
        RunResult run = executeRun(*runPlan);
        const auto point = schedule->record(run);
        pending.push_back(std::move(run));
        if (baseline && !schedule->result().sequentialNs.empty()) {
            writer.writeBaseline(schedule->result().sequentialMedianNs, pending);
            pending.clear();
        } else if (point) {
            writer.writePoint(*point, pending);
            pending.clear();
        }
    }
    SweepResult result = schedule->result();
    result.stopped = !schedule->finished();
    if (!writer.finish(result))
        return {};
    if (out)
        *out = result;
    return parseJson(buffer.data()).object();
}

void tst_Exports::sweepJsonHasPointsAndFit()
{
    SweepPlan plan;
    plan.strategy = QStringLiteral("thread-pool");
    plan.workload.taskCount = 4;
    plan.workload.duration = DurationSpec::fixed(2'000'000);
    plan.maxWorkers = 3;
    plan.repeat = 2;
    SweepResult sweep;
    const QJsonObject json = sweepJson(plan, -1, &sweep);
    QCOMPARE(json[QStringLiteral("format")].toInt(), 1);
    QCOMPARE(json[QStringLiteral("strategy")].toString(), plan.strategy);
    QCOMPARE(json[QStringLiteral("max_workers")].toInt(), 3);
    QCOMPARE(json[QStringLiteral("repeat")].toInt(), 2);
    QCOMPARE(json[QStringLiteral("stopped")].toBool(), false);
    QVERIFY(json[QStringLiteral("error")].isNull());
    const QJsonObject sequential = json[QStringLiteral("sequential")].toObject();
    QCOMPARE(sequential[QStringLiteral("runs")].toArray().size(), 2);
    QCOMPARE(sequential[QStringLiteral("makespan_ns")].toInteger(), sweep.sequentialMedianNs);
    const QJsonArray points = json[QStringLiteral("points")].toArray();
    QCOMPARE(points.size(), 3);
    for (int i = 0; i < points.size(); ++i) {
        const QJsonObject point = points[i].toObject();
        QCOMPARE(point[QStringLiteral("workers")].toInt(), i + 1);
        for (const char *key : {"makespan_ns", "speedup", "efficiency"})
            QVERIFY2(point[QLatin1String(key)].isDouble(), key);
        // One worker has no Karp-Flatt metric: null, never NaN in the text.
        QCOMPARE(point[QStringLiteral("karp_flatt")].isNull(), i == 0);
        const QJsonArray runs = point[QStringLiteral("runs")].toArray();
        QCOMPARE(runs.size(), 2);
        for (const QJsonValue &run : runs) {
            QCOMPARE(run.toObject()[QStringLiteral("workers")].toInt(), i + 1);
            QVERIFY(!run.toObject()[QStringLiteral("events")].toArray().isEmpty());
        }
        QCOMPARE(point[QStringLiteral("speedup")].toDouble(), sweep.points[std::size_t(i)].speedup);
    }
    QCOMPARE(
        json[QStringLiteral("amdahl")].toObject()[QStringLiteral("serial_fraction")].toDouble(),
        sweep.amdahl.serialFraction);
}

void tst_Exports::sweepJsonOfAStoppedSweep()
{
    SweepPlan plan;
    plan.strategy = QStringLiteral("thread-pool");
    plan.workload.taskCount = 2;
    plan.workload.duration = DurationSpec::fixed(1'000'000);
    plan.maxWorkers = 4;
    // Stopped after the baseline and one point: what finished is there, marked as stopped.
    const QJsonObject json = sweepJson(plan, 2);
    QCOMPARE(json[QStringLiteral("stopped")].toBool(), true);
    QCOMPARE(json[QStringLiteral("points")].toArray().size(), 1);
    QVERIFY(json[QStringLiteral("amdahl")].toObject()[QStringLiteral("serial_fraction")].isNull());
    // Stopped before anything finished: still a whole document.
    const QJsonObject empty = sweepJson(plan, 0);
    QCOMPARE(empty[QStringLiteral("stopped")].toBool(), true);
    QVERIFY(empty[QStringLiteral("sequential")].isNull());
    QVERIFY(empty[QStringLiteral("points")].toArray().isEmpty());
}

void tst_Exports::sweepCsvHasARowPerPoint()
{
    SweepResult sweep;
    sweep.strategy = QStringLiteral("thread-pool");
    sweep.sequentialNs = {300, 100, 200};
    sweep.sequentialMedianNs = 200;
    SweepPoint point;
    point.workers = 2;
    point.makespansNs = {120, 90, 100};
    point.medianNs = 100;
    point.speedup = 2.0;
    point.efficiency = 1.0;
    point.karpFlatt = 0.0;
    point.otherCores = 0.5;
    point.disturbed = true;
    sweep.points.push_back(point);
    point.workers = 3;
    point.otherCores = std::nan(""); // not measured
    point.disturbed = false;
    sweep.points.push_back(point);
    const QByteArray csv = written([&](QIODevice &d) { return writeSweepCsv(sweep, d); });
    QCOMPARE(csv,
        QByteArray("strategy,workers,runs,makespan_ns,min_makespan_ns,max_makespan_ns,speedup,"
                   "efficiency,karp_flatt,other_cores,disturbed\n"
                   "sequential,1,3,200,100,300,1,1,,,false\n"
                   "thread-pool,2,3,100,90,120,2,1,0,0.5,true\n"
                   "thread-pool,3,3,100,90,120,2,1,0,,false\n"));
}

void tst_Exports::outputIsWholeOrNothing()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("out.json"));
    {
        auto output = Output::open(path);
        QVERIFY(output.ok());
        output->device().write("half of it");
        // Abandoned: never committed.
    }
    QVERIFY(!QFile::exists(path));
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    {
        auto output = Output::open(path);
        output->device().write("all of it");
        QVERIFY(!output->commit(false).ok()); // the writer said it could not finish
    }
    QVERIFY(!QFile::exists(path));
    auto saved = writeOutput(path, [](QIODevice &device) { return device.write("{}") == 2; });
    QVERIFY(saved.ok());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QCOMPARE(file.readAll(), QByteArray("{}"));
}

void tst_Exports::checkWritableLeavesNothingBehind()
{
    QTemporaryDir dir;
    QVERIFY(checkWritable(dir.filePath(QStringLiteral("new.csv"))).ok());
    QVERIFY(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden).isEmpty());
    const auto refused = checkWritable(QStringLiteral("/nonexistent-folder/x.csv"));
    QVERIFY(!refused.ok());
    QVERIFY2(refused.error().message.contains(QLatin1String("/nonexistent-folder/x.csv")),
        qPrintable(refused.error().message));
    QVERIFY(checkWritable(QStringLiteral("-")).ok());
}

QTEST_GUILESS_MAIN(tst_Exports)
#include "tst_exports.moc"
