#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "process/workerlocator.h"
#include "processes.h"
#include "python/programoutput.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "strategies/threadpertask.h"
#include "strategies/tracedprogram.h"
#include "trace/tracerecorder.h"

#include <QBuffer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

using namespace parviz;

// Reading runs back from their JSON: every strategy's run survives the trip exactly, any valid
// layout of the same run reads the same, and every broken file is an error that says why.
class tst_RunJsonReader : public QObject
{
    Q_OBJECT

private slots:
    void roundTripsEveryStrategy_data();
    void roundTripsEveryStrategy();
    void roundTripsAStoppedRun();
    void roundTripsAFailedRun_data();
    void roundTripsAFailedRun();
    void roundTripsManyEvents();
    void acceptsAnyLayout_data();
    void acceptsAnyLayout();
    void decodesEscapesAndNumbers();
    void keepsGilEventsOfAnyStrategy();
    void readsJoblibsBackend();
    void roundTripsADaskRun_data();
    void roundTripsADaskRun();
    void readsFilesWithoutDaskMembers();
    void roundTripsTracedTaskNames();
    void roundTripsATracedProgramsRun();
    void rejectsMalformedFiles_data();
    void rejectsMalformedFiles();
    void everyTruncationIsAnError_data();
    void everyTruncationIsAnError();
    void loadsSavedFiles();
    void unreadableFileNamesThePathAndWhy_data();
    void unreadableFileNamesThePathAndWhy();
    void refusesWhatIsNotARegularFile_data();
    void refusesWhatIsNotARegularFile();
    void refusesFilesLargerThanAnyRunFile_data();
    void refusesFilesLargerThanAnyRunFile();
    void widestEventFitsTheBound();
    void readsComparisons_data();
    void readsComparisons();
    void rejectsMalformedComparisons_data();
    void rejectsMalformedComparisons();
};

namespace {

constexpr std::int64_t Ms = 1'000'000;

// The example of README.md, as parviz-cli writes it: metrics and all.
const char ReadmeRun[] = R"({
"format":1,
"strategy":"thread-pool",
"strategy_name":"Thread pool",
"mirrors":"with ThreadPoolExecutor(max_workers=W) as ex: [ex.submit(f, t) for t in tasks]",
"workers":2,
"worker_count":{"explicit":2},
"cpus":2,
"tasks":2,
"workload":{"kind":"sleep","duration":"10ms","io_share":1,"seed":1},
"options":{"chunksize":1,"switch_interval_ns":5000000,"on_worker_death":"fail","worker_start_timeout_ns":10000000000},
"stopped":false,
"error":null,
"makespan_ns":10283129,
"lower_bound_ns":10119058,
"bound_ratio":1.016214058660401,
"total_work_ns":20210400,
"planned_work_ns":20000000,
"effective_work_ns":20000000,
"longest_task_ns":10119058,
"baseline":"effective-work",
"baseline_ns":20000000,
"speedup":1.9449332980263108,
"efficiency":0.9724666490131554,
"karp_flatt":0.028312899999999974,
"loss_budget":{"spawn_ns":97014,"dispatch_ns":0,"gil_wait_ns":0,"idle_queued_ns":40351,"tail_idle_ns":218493,"contention_ns":210400},
"tasks_completed":2,
"tasks_interrupted":0,
"tasks_failed":0,
"tasks_not_started":0,
"utilisation":[0.9840446424429763,0.9813493538785714],
"events":[
{"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":9552},
{"task":-1,"worker":-1,"kind":"wait","start_ns":57176,"end_ns":10283129,"pid":9552},
{"task":-1,"worker":0,"kind":"spawn","start_ns":7181,"end_ns":52613,"pid":9552},
{"task":0,"worker":0,"kind":"run","start_ns":53014,"end_ns":10172072,"pid":9552},
{"task":-1,"worker":1,"kind":"spawn","start_ns":32639,"end_ns":84221,"pid":9552},
{"task":1,"worker":1,"kind":"run","start_ns":84351,"end_ns":10175693,"pid":9552}
]
}
)";

// The same run, its keys in another order (events first, so they are read after the rest),
// unknown keys of every JSON type everywhere, and only the members a reader needs.
const char ShuffledRun[] = R"({"events":[
{"pid":9552,"end_ns":57136,"start_ns":6450,"kind":"submit","worker":-1,"task":-1,"note":{"a":[1,-2.5e-3,true,false,null,"x\"y"]}},
{"kind":"wait","task":-1,"worker":-1,"start_ns":57176,"end_ns":10283129,"pid":9552,"interrupted":false},
{"worker":0,"task":-1,"kind":"spawn","start_ns":7181,"end_ns":52613,"pid":9552},
{"worker":0,"task":0,"kind":"run","end_ns":10172072,"start_ns":53014,"pid":9552,"failed":false,"abandoned":false},
{"worker":1,"task":-1,"kind":"spawn","start_ns":32639,"end_ns":84221,"pid":9552},
{"worker":1,"task":1,"kind":"run","start_ns":84351,"end_ns":10175693,"pid":9552}
],
"from_the_future":{"nested":[[[{"deep":[]}]]],"number":-0.5E+2},
"cpus":2,
"workload":{"seed":1,"extra":[],"duration":"10ms","kind":"sleep"},
"tasks":2,
"worker_count":{"explicit":2,"why":"chosen"},
"workers":2,
"strategy":"thread-pool",
"error":null,
"stopped":false,
"format":1}
)";

// The same run again, with its events in the middle: they stream in while later members are
// still to come, and the options empty (they keep their defaults).
const char EventsInTheMiddle[] = R"({"format":1,"strategy":"thread-pool","workers":2,
"worker_count":{"explicit":2},"cpus":2,"tasks":2,
"workload":{"kind":"sleep","duration":"10ms","io_share":1,"seed":1},
"options":{},
"events":[
{"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":9552},
{"task":-1,"worker":0,"kind":"spawn","start_ns":7181,"end_ns":52613,"pid":9552},
{"task":-1,"worker":1,"kind":"spawn","start_ns":32639,"end_ns":84221,"pid":9552},
{"task":-1,"worker":-1,"kind":"wait","start_ns":57176,"end_ns":10283129,"pid":9552},
{"task":1,"worker":1,"kind":"run","start_ns":84351,"end_ns":10175693,"pid":9552},
{"task":0,"worker":0,"kind":"run","start_ns":53014,"end_ns":10172072,"pid":9552}
],
"stopped":false,"error":null,"later":{"keys":["are","ignored"]}}
)";

// Whitespace (space, tab, CR, LF) around every structural character outside strings.
QByteArray spacedOut(const QByteArray &json)
{
    QByteArray spaced;
    bool inString = false;
    bool escaped = false;
    for (const char c : json) {
        if (inString) {
            spaced.append(c);
            if (escaped)
                escaped = false;
            else if (c == '\\')
                escaped = true;
            else if (c == '"')
                inString = false;
            continue;
        }
        if (c == '"') {
            inString = true;
            spaced.append(" \t\"");
            continue;
        }
        if (QByteArrayView("{}[],:").contains(c)) {
            spaced.append("\r\n ");
            spaced.append(c);
            spaced.append("\t \n");
            continue;
        }
        spaced.append(c);
    }
    return spaced;
}

QByteArray toJson(const RunResult &run)
{
    QBuffer buffer;
    buffer.open(QIODevice::WriteOnly);
    if (!writeRunJson(run, buffer))
        qFatal("writing the run JSON failed");
    return buffer.data();
}

RunPlan makePlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workers,
    const StrategyOptions &options = {})
{
    auto plan = makeRunPlan(strategy, workload, workers, options);
    if (!plan)
        qFatal("bad test plan: %s", qPrintable(plan.error().message));
    return std::move(plan).value();
}

WorkloadSpec sleeps(int tasks, std::int64_t durationNs)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.kind = TaskKind::Sleep;
    workload.duration = DurationSpec::fixed(durationNs);
    return workload;
}

QString describe(const TaskEvent &event)
{
    return QStringLiteral("{task %1, worker %2, %3, [%4, %5], pid %6, flags %7}")
        .arg(event.task)
        .arg(event.worker)
        .arg(eventKindName(event.kind))
        .arg(event.startNs)
        .arg(event.endNs)
        .arg(event.pid)
        .arg(event.flags);
}

bool sameDouble(double a, double b)
{
    return (std::isnan(a) && std::isnan(b)) || a == b;
}

// Reads `json`, failing the test with the reader's message if it cannot.
RunResult readOrFail(const QByteArray &json, bool *ok)
{
    auto run = readRunJson(json);
    *ok = run.ok();
    if (!run) {
        qWarning("%s", qPrintable(run.error().message));
        return {};
    }
    return std::move(run).value();
}

} // namespace

// Everything a run holds that its JSON keeps. The workload's test-only fields (a throwing or
// crashing task) are not in the file, so the tasks are compared by what they do.
static void compareRuns(const RunResult &read, const RunResult &written)
{
    // The plan, made again.
    QCOMPARE(read.plan.strategy, written.plan.strategy);
    QCOMPARE(read.plan.workload.taskCount, written.plan.workload.taskCount);
    QCOMPARE(read.plan.workload.kind, written.plan.workload.kind);
    QVERIFY(read.plan.workload.duration == written.plan.workload.duration);
    QCOMPARE(read.plan.workload.seed, written.plan.workload.seed);
    if (written.plan.workload.kind == TaskKind::Mixed)
        QCOMPARE(read.plan.workload.ioShare, written.plan.workload.ioShare);
    QVERIFY(read.plan.workerCount == written.plan.workerCount);
    QCOMPARE(read.plan.workers, written.plan.workers);
    QCOMPARE(read.plan.cpus, written.plan.cpus);
    QVERIFY(read.plan.options == written.plan.options);
    QVERIFY(read.plan.tasks);
    QCOMPARE(read.plan.tasks->size(), written.plan.tasks->size());
    for (std::size_t i = 0; i < read.plan.tasks->size(); ++i) {
        const TaskSpec &a = (*read.plan.tasks)[i];
        const TaskSpec &b = (*written.plan.tasks)[i];
        QCOMPARE(a.id, b.id);
        QCOMPARE(a.durationNs, b.durationNs);
        QCOMPARE(a.kind, b.kind);
        QCOMPARE(a.ioShare, b.ioShare);
    }

    QCOMPARE(read.strategy.id, written.strategy.id);
    QCOMPARE(read.strategy.name, written.strategy.name);
    QCOMPARE(read.strategy.mirrors, written.strategy.mirrors);
    QCOMPARE(read.workers, written.workers);

    // Every event of every lane, as recorded.
    QVERIFY(read.trace);
    const TraceSnapshot &a = *read.trace;
    const TraceSnapshot &b = *written.trace;
    QCOMPARE(a.workerCount(), b.workerCount());
    QCOMPARE(a.hasGilLane(), b.hasGilLane());
    QCOMPARE(a.totalEventCount(), b.totalEventCount());
    for (const int lane : b.lanes()) {
        const auto readEvents = a.events(lane);
        const auto writtenEvents = b.events(lane);
        QCOMPARE(readEvents.size(), writtenEvents.size());
        for (std::size_t i = 0; i < readEvents.size(); ++i)
            QVERIFY2(readEvents[i] == writtenEvents[i],
                qPrintable(QStringLiteral("lane %1, event %2: read %3, written %4")
                               .arg(lane)
                               .arg(i)
                               .arg(describe(readEvents[i]), describe(writtenEvents[i]))));
    }
    QVERIFY(a.inFlight().empty());
    QCOMPARE(a.completedTasks(), b.completedTasks());
    // Taken at the run's end, as the run's last snapshot was: a moment of it (what a replay
    // shows) holds the same events running and done as the same moment of the run.
    std::int64_t endNs = 0;
    b.forEachEvent([&endNs](const TaskEvent &event) { endNs = std::max(endNs, event.endNs); });
    QVERIFY2(a.takenAtNs() >= endNs,
        qPrintable(QStringLiteral("%1 < %2").arg(a.takenAtNs()).arg(endNs)));
    // (A run made up by a test, its events appended at once, has no such last snapshot.)
    for (const std::int64_t momentNs : {endNs / 3, endNs / 2, endNs - 1}) {
        if (b.takenAtNs() < endNs)
            break;
        const auto readMoment = a.until(momentNs);
        const auto writtenMoment = b.until(momentNs);
        QCOMPARE(readMoment->inFlight().size(), writtenMoment->inFlight().size());
        QCOMPARE(readMoment->completedTasks(), writtenMoment->completedTasks());
    }

    // The metrics, computed again from the same events: equal to the last bit.
    const RunMetrics &m = read.metrics;
    const RunMetrics &w = written.metrics;
    QCOMPARE(m.workers, w.workers);
    QCOMPARE(m.makespanNs, w.makespanNs);
    QCOMPARE(m.totalWorkNs, w.totalWorkNs);
    QCOMPARE(m.plannedWorkNs, w.plannedWorkNs);
    QCOMPARE(m.effectiveWorkNs, w.effectiveWorkNs);
    QCOMPARE(m.longestTaskNs, w.longestTaskNs);
    QCOMPARE(m.lowerBoundNs, w.lowerBoundNs);
    QCOMPARE(m.baselineNs, w.baselineNs);
    QCOMPARE(m.baselineMeasured, w.baselineMeasured);
    QVERIFY(sameDouble(m.boundRatio, w.boundRatio));
    QVERIFY(sameDouble(m.speedup, w.speedup));
    QVERIFY(sameDouble(m.efficiency, w.efficiency));
    QVERIFY(sameDouble(m.karpFlatt, w.karpFlatt));
    QCOMPARE(m.utilisation.size(), w.utilisation.size());
    for (std::size_t i = 0; i < m.utilisation.size(); ++i)
        QVERIFY(sameDouble(m.utilisation[i], w.utilisation[i]));
    QCOMPARE(m.loss.spawnNs, w.loss.spawnNs);
    QCOMPARE(m.loss.dispatchNs, w.loss.dispatchNs);
    QCOMPARE(m.loss.gilWaitNs, w.loss.gilWaitNs);
    QCOMPARE(m.loss.idleQueuedNs, w.loss.idleQueuedNs);
    QCOMPARE(m.loss.tailIdleNs, w.loss.tailIdleNs);
    QCOMPARE(m.loss.contentionNs, w.loss.contentionNs);
    QCOMPARE(m.tasksCompleted, w.tasksCompleted);
    QCOMPARE(m.tasksInterrupted, w.tasksInterrupted);
    QCOMPARE(m.tasksFailed, w.tasksFailed);
    QCOMPARE(m.tasksNotStarted, w.tasksNotStarted);

    QCOMPARE(read.error.has_value(), written.error.has_value());
    if (written.error) {
        QCOMPARE(read.error->code, written.error->code);
        QCOMPARE(read.error->message, written.error->message);
    }
    QCOMPARE(read.stopped, written.stopped);
    QCOMPARE(read.resultOrder, written.resultOrder);
}

// Writes `written`, reads it back and compares the two.
static void roundTrip(const RunResult &written)
{
    const auto read = readRunJson(toJson(written));
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    compareRuns(read.value(), written);
}

namespace {

// A run on a Dask cluster as its engine records one: a row per worker thread, each labelled
// with its worker's address, the workers' own pids, and their clocks against ParViz's. Made by
// hand, since the run itself is CPython's, on a cluster.
RunResult daskRun(const QString &strategy, const StrategyOptions &options)
{
    RunResult run;
    run.plan = makePlan(strategy, sleeps(6, 1 * Ms), WorkerCount::exactly(2), options);
    run.strategy = findStrategy(strategy)->info;
    const std::unique_ptr<Strategy> engine = makeEngine(run.plan);
    run.workers = engine->laneCount(run.plan);
    run.engine = QStringLiteral("CPython 3.11.2");
    TraceRecorder recorder(run.workers, false);
    recorder.main().setPid(100);
    recorder.main().append(-1, EventKind::Submit, 0, 5'000, 0);
    recorder.main().append(-1, EventKind::Wait, 5'000, 4 * Ms, 0);
    const int threads = options.threadsPerWorker;
    for (int lane = 0; lane < run.workers; ++lane) {
        const int worker = lane / threads;
        TraceLane &row = recorder.worker(lane);
        row.setPid(200 + worker);
        // A non-ASCII separator, as the engine writes it, and a quote that needs an escape.
        row.setLabel(QStringLiteral("127.0.0.1:%1 · thread %2 \"w\"")
                         .arg(39041 + worker)
                         .arg(lane % threads));
        row.append(-1, EventKind::Spawn, 1'000, 300'000, 0);
    }
    for (int task = 0; task < 6; ++task) {
        const int lane = task % run.workers;
        const std::int64_t start = 400'000 + (task / run.workers) * 1'100'000;
        TraceLane &row = recorder.worker(lane);
        row.append(-1, EventKind::Dispatch, start - 50'000, start, 0);
        row.append(task, EventKind::Run, start, start + 1 * Ms, 0);
        row.countCompletedTask();
    }
    run.trace = recorder.snapshot();
    run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks);
    run.workerClocks = {{QStringLiteral("tcp://127.0.0.1:39041"), 200, -1'234'567, 15'000},
        {QStringLiteral("tcp://127.0.0.1:39042"), 201, 987'654'321'000, 0}};
    return run;
}

} // namespace

void tst_RunJsonReader::roundTripsEveryStrategy_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("kind");
    QTest::addColumn<double>("fraction"); // 0: two workers, chosen
    // A Dask cluster's run is CPython's (roundTripsADaskRun has one, made by hand).
    for (const auto &entry : strategyRegistry()) {
        if (entry.info.workers != WorkerKind::Cluster)
            QTest::newRow(qPrintable(entry.info.id))
                << entry.info.id << static_cast<int>(TaskKind::Sleep) << 0.0;
    }
    // Mixed tasks keep their I/O share; a worker count as a share of the CPUs keeps its share.
    QTest::newRow("pool-map, mixed, 100% of the CPUs")
        << QStringLiteral("pool-map") << static_cast<int>(TaskKind::Mixed) << 1.0;
}

void tst_RunJsonReader::roundTripsEveryStrategy()
{
    QFETCH(QString, strategy);
    QFETCH(int, kind);
    QFETCH(double, fraction);
    if (findStrategy(strategy)->info.workersWith(StrategyOptions{}) == WorkerKind::Processes
        && !locateWorker())
        QSKIP("parviz-worker is not built");

    WorkloadSpec workload = sleeps(8, 2 * Ms);
    workload.kind = static_cast<TaskKind>(kind);
    if (workload.kind == TaskKind::Mixed) {
        workload.ioShare = 0.75;
        workload.duration = DurationSpec::uniform(1 * Ms, 3 * Ms);
        workload.seed = 18'446'744'073'709'551'557u; // beyond int64: seeds are read exactly
    }
    StrategyOptions options;
    options.chunkSize = 3;
    const WorkerCount workers =
        fraction > 0 ? WorkerCount::ofCpus(fraction) : WorkerCount::exactly(2);
    const RunResult written = executeRun(makePlan(strategy, workload, workers, options));
    QVERIFY2(written.ok(), written.error ? qPrintable(written.error->message) : "stopped");
    QVERIFY(written.trace->totalEventCount() >= 8);
    // Chunks of 3 and joblib's batches are marked, and the marks come back.
    const HandOut handOut = findStrategy(strategy)->info.handOut;
    if (handOut == HandOut::Chunks || handOut == HandOut::AutoBatches) {
        int groups = 0;
        written.trace->forEachEvent([&](const TaskEvent &event) { groups += event.groupStart(); });
        QVERIFY(groups > 0);
    }
    roundTrip(written);
}

void tst_RunJsonReader::roundTripsAStoppedRun()
{
    // Long enough that the run is still going when Stop comes after the first task.
    RunSession session(
        makePlan(QStringLiteral("thread-pool"), sleeps(200, 20 * Ms), WorkerCount::exactly(2)));
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->completedTasks() >= 1, 10000);
    session.requestStop();
    QVERIFY(session.wait(std::chrono::seconds(30)));
    const RunResult written = session.takeResult();
    QVERIFY(written.stopped);
    QVERIFY(written.metrics.tasksNotStarted > 0);
    roundTrip(written);
}

void tst_RunJsonReader::roundTripsAFailedRun_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::newRow("thread-pool") << QStringLiteral("thread-pool");
    QTest::newRow("gil-threads") << QStringLiteral("gil-threads");
    QTest::newRow("process-pool") << QStringLiteral("process-pool");
}

void tst_RunJsonReader::roundTripsAFailedRun()
{
    QFETCH(QString, strategy);
    if (strategy == QLatin1String("process-pool") && !locateWorker())
        QSKIP("parviz-worker is not built");
    WorkloadSpec workload = sleeps(6, 1 * Ms);
    workload.throwingTask = 2;
    const RunResult written = executeRun(makePlan(strategy, workload, WorkerCount::exactly(2)));
    QVERIFY(written.error.has_value());
    QCOMPARE(written.error->code, QStringLiteral("task-failed"));
    QVERIFY(written.metrics.tasksFailed >= 1);
    roundTrip(written);
}

void tst_RunJsonReader::roundTripsManyEvents()
{
    // Lanes that grow through many segments, and ordered results.
    const RunResult written = executeRun(
        makePlan(QStringLiteral("pool-map"), sleeps(20'000, 0), WorkerCount::exactly(3)));
    QVERIFY(written.ok());
    QVERIFY(!written.resultOrder.empty());
    roundTrip(written);
}

void tst_RunJsonReader::acceptsAnyLayout_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("as written") << QByteArray(ReadmeRun);
    QTest::newRow("shuffled, events first, unknown keys") << QByteArray(ShuffledRun);
    QTest::newRow("events in the middle") << QByteArray(EventsInTheMiddle);
    QTest::newRow("whitespace everywhere") << spacedOut(ReadmeRun);
    QTest::newRow("shuffled, whitespace everywhere") << spacedOut(ShuffledRun);
    QTest::newRow("no whitespace at all") << QByteArray(ReadmeRun).replace('\n', "");
    QTest::newRow("byte order mark") << QByteArray("\xEF\xBB\xBF") + ReadmeRun;
    // Tens of MB of members from the future: skipped as they stream past, never held.
    QTest::newRow("huge unknown members") << QByteArray(ReadmeRun).replace("\"cpus\":2",
        "\"cpus\":2,\"big_text\":\"" + QByteArray(16 * 1024 * 1024, 'x') + "\",\"big_array\":["
            + QByteArray("[1.5e3,{\"k\":null}],").repeated(500'000) + "0]");
}

void tst_RunJsonReader::acceptsAnyLayout()
{
    QFETCH(QByteArray, json);
    bool ok = false;
    const RunResult run = readOrFail(json, &ok);
    QVERIFY(ok);

    QCOMPARE(run.plan.strategy, QStringLiteral("thread-pool"));
    QCOMPARE(run.strategy.name, QStringLiteral("Thread pool"));
    QCOMPARE(run.plan.workload.taskCount, 2);
    QCOMPARE(run.plan.workload.kind, TaskKind::Sleep);
    QVERIFY(run.plan.workload.duration == DurationSpec::fixed(10 * Ms));
    QVERIFY(run.plan.workerCount == WorkerCount::exactly(2));
    QCOMPARE(run.plan.cpus, 2);
    // Written before joblib's backend was a choice: its batches ran on threads.
    StrategyOptions older;
    older.backend = JoblibBackend::Threading;
    QVERIFY(run.plan.options == older);
    QCOMPARE(run.workers, 2);
    QVERIFY(!run.error);
    QVERIFY(!run.stopped);
    QVERIFY(run.resultOrder.empty());

    const TraceSnapshot &trace = *run.trace;
    QCOMPARE(trace.workerCount(), 2);
    QVERIFY(!trace.hasGilLane());
    const std::vector<TaskEvent> main{{6450, 57136, -1, MainLane, 9552, EventKind::Submit, 0},
        {57176, 10283129, -1, MainLane, 9552, EventKind::Wait, 0}};
    const std::vector<TaskEvent> worker0{{7181, 52613, -1, 0, 9552, EventKind::Spawn, 0},
        {53014, 10172072, 0, 0, 9552, EventKind::Run, 0}};
    const std::vector<TaskEvent> worker1{{32639, 84221, -1, 1, 9552, EventKind::Spawn, 0},
        {84351, 10175693, 1, 1, 9552, EventKind::Run, 0}};
    QVERIFY(trace.events(MainLane) == main);
    QVERIFY(trace.events(0) == worker0);
    QVERIFY(trace.events(1) == worker1);
    QCOMPARE(trace.completedTasks(), std::int64_t(2));

    // The metrics come from the events, and agree with what the writer had computed.
    QCOMPARE(run.metrics.makespanNs, std::int64_t(10283129));
    QCOMPARE(run.metrics.totalWorkNs, std::int64_t(20210400));
    QCOMPARE(run.metrics.lowerBoundNs, std::int64_t(10119058));
    QCOMPARE(run.metrics.longestTaskNs, std::int64_t(10119058));
    QCOMPARE(run.metrics.loss.spawnNs, std::int64_t(97014));
    QCOMPARE(run.metrics.loss.tailIdleNs, std::int64_t(218493));
    QCOMPARE(run.metrics.tasksCompleted, 2);
}

void tst_RunJsonReader::decodesEscapesAndNumbers()
{
    // Escapes in keys and values, a character beyond U+FFFF as a surrogate pair, a lone
    // surrogate (replaced), exponents and signs, the largest seed, whole numbers written as
    // 1.5e3, flags, a measured baseline.
    const QByteArray json = R"({"format":1e0,
"strat\u0065gy":"thread\u002Dpool",
"workers":2,"worker_count":{"fraction":1E0},"cpus":2,"tasks":2,
"workload":{"kind":"mixed","duration":"uniform:1ms..3ms","io_share":2.5e-1,"seed":18446744073709551615},
"options":{"chunksize":4,"switch_interval_ns":1000000,"on_worker_death":"restart","worker_start_timeout_ns":2e9},
"stopped":true,"baseline":"measured-sequential","baseline_ns":5000,
"error":{"code":"task-failed","message":"a \"quoted\" \\path\/x\nline\ttab \u00b5 \ud83d\ude00 \ud800 \u0041\b\f\r"},
"events":[
{"t\u0061sk":0,"worker":0,"kind":"run","start_ns":1.5e3,"end_ns":2000,"pid":7,"interrupted":true,"group_start":true},
{"task":1,"worker":1,"kind":"run","start_ns":0,"end_ns":0,"pid":8,"failed":true,"abandoned":true,"group_start":false},
{"task":1,"worker":1,"kind":"gil-wait","start_ns":0,"end_ns":10,"pid":2147483647,"failed":true}
]})";
    bool ok = false;
    const RunResult run = readOrFail(json, &ok);
    QVERIFY(ok);
    QCOMPARE(run.plan.strategy, QStringLiteral("thread-pool"));
    QVERIFY(run.plan.workerCount == WorkerCount::ofCpus(1.0));
    QCOMPARE(run.plan.workload.kind, TaskKind::Mixed);
    QCOMPARE(run.plan.workload.ioShare, 0.25);
    QCOMPARE(run.plan.workload.seed, std::uint64_t(18'446'744'073'709'551'615u));
    QVERIFY(run.plan.workload.duration == DurationSpec::uniform(1 * Ms, 3 * Ms));
    QCOMPARE(run.plan.options.chunkSize, 4);
    QCOMPARE(run.plan.options.switchIntervalNs, std::int64_t(1'000'000));
    QCOMPARE(run.plan.options.onWorkerDeath, StrategyOptions::WorkerDeath::Restart);
    QCOMPARE(run.plan.options.workerStartTimeoutNs, std::int64_t(2'000'000'000));
    QVERIFY(run.stopped);
    QVERIFY(run.error.has_value());
    QCOMPARE(run.error->code, QStringLiteral("task-failed"));
    QCOMPARE(run.error->message,
        QStringLiteral("a \"quoted\" \\path/x\nline\ttab µ ") + QString::fromUcs4(U"\U0001F600")
            + QStringLiteral(" \uFFFD A\b\f\r"));

    const auto worker0 = run.trace->events(0);
    const auto worker1 = run.trace->events(1);
    QCOMPARE(worker0.size(), std::size_t(1));
    QCOMPARE(worker1.size(), std::size_t(2));
    QVERIFY(worker0[0]
        == (TaskEvent{1500,
            2000,
            0,
            0,
            7,
            EventKind::Run,
            static_cast<std::uint8_t>(EventFlag::Interrupted | EventFlag::GroupStart)}));
    QVERIFY(worker1[0]
        == (TaskEvent{0,
            0,
            1,
            1,
            8,
            EventKind::Run,
            static_cast<std::uint8_t>(EventFlag::Failed | EventFlag::Abandoned)}));
    QCOMPARE(worker1[1].pid, 2147483647);
    QCOMPARE(worker1[1].kind, EventKind::GilWait);
    // A measured sequential baseline stays the baseline of the metrics computed again.
    QVERIFY(run.metrics.baselineMeasured);
    QCOMPARE(run.metrics.baselineNs, std::int64_t(5000));
    // Task 0 was interrupted, task 1 failed (its abandoned attempt aside): none completed.
    QCOMPARE(run.metrics.tasksInterrupted, 1);
    QCOMPARE(run.metrics.tasksFailed, 1);
    QCOMPARE(run.trace->completedTasks(), std::int64_t(0));
}

void tst_RunJsonReader::keepsGilEventsOfAnyStrategy()
{
    // thread-pool has no GIL row, yet this file has events on one, some read before it and
    // some after: the run gets the row, and every event stays where it was.
    const QByteArray json = R"({"format":1,"strategy":"thread-pool","workers":2,
"worker_count":{"explicit":2},"cpus":2,"tasks":2,
"workload":{"kind":"sleep","duration":"1ms"},"options":{},
"events":[
{"task":0,"worker":0,"kind":"run","start_ns":10,"end_ns":20,"pid":5},
{"task":0,"worker":-2,"kind":"gil-hold","start_ns":10,"end_ns":20,"pid":5},
{"task":1,"worker":1,"kind":"run","start_ns":20,"end_ns":30,"pid":6},
{"task":1,"worker":-2,"kind":"gil-hold","start_ns":20,"end_ns":30,"pid":6}
]})";
    bool ok = false;
    const RunResult run = readOrFail(json, &ok);
    QVERIFY(ok);
    const TraceSnapshot &trace = *run.trace;
    QVERIFY(trace.hasGilLane());
    QCOMPARE(trace.lanes(), (std::vector<int>{MainLane, 0, 1, GilLane}));
    QVERIFY(trace.events(GilLane)
        == (std::vector<TaskEvent>{{10, 20, 0, GilLane, 5, EventKind::GilHold, 0},
            {20, 30, 1, GilLane, 6, EventKind::GilHold, 0}}));
    QVERIFY(trace.events(0) == (std::vector<TaskEvent>{{10, 20, 0, 0, 5, EventKind::Run, 0}}));
    QVERIFY(trace.events(1) == (std::vector<TaskEvent>{{20, 30, 1, 1, 6, EventKind::Run, 0}}));
    QCOMPARE(trace.completedTasks(), std::int64_t(2));
    QCOMPARE(run.metrics.makespanNs, std::int64_t(30));
}

void tst_RunJsonReader::readsJoblibsBackend()
{
    for (const char *name : {"loky", "threading"}) {
        bool ok = false;
        const RunResult run =
            readOrFail(QByteArray(ReadmeRun).replace("\"on_worker_death\"",
                           "\"backend\":\"" + QByteArray(name) + "\",\"on_worker_death\""),
                &ok);
        QVERIFY(ok);
        QCOMPARE(joblibBackendName(run.plan.options.backend), QString::fromLatin1(name));
    }
}

void tst_RunJsonReader::roundTripsADaskRun_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("threadsPerWorker");
    QTest::addColumn<QString>("scheduler");
    QTest::newRow("dask, a LocalCluster") << QStringLiteral("dask") << 2 << QString();
    QTest::newRow("dask, an existing cluster")
        << QStringLiteral("dask") << 1 << QStringLiteral("tcp://10.0.0.7:8786");
    QTest::newRow("batched on dask") << QStringLiteral("batched") << 3 << QString();
}

void tst_RunJsonReader::roundTripsADaskRun()
{
    QFETCH(QString, strategy);
    QFETCH(int, threadsPerWorker);
    QFETCH(QString, scheduler);
    StrategyOptions options;
    options.backend = JoblibBackend::Dask;
    options.threadsPerWorker = threadsPerWorker;
    options.daskScheduler = scheduler;
    const RunResult written = daskRun(strategy, options);
    QCOMPARE(written.workers, 2 * threadsPerWorker);

    const auto read = readRunJson(toJson(written));
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    compareRuns(read.value(), written); // the options too: threads per worker, the scheduler
    QCOMPARE(read->plan.options.threadsPerWorker, threadsPerWorker);
    QCOMPARE(read->plan.options.daskScheduler, scheduler);
    QCOMPARE(read->plan.options.backend, JoblibBackend::Dask);
    QCOMPARE(read->engine, written.engine);
    QVERIFY(read->workerClocks == written.workerClocks);
    for (int lane = 0; lane < written.workers; ++lane)
        QCOMPARE(read->trace->label(lane), written.trace->label(lane));
    QCOMPARE(read->trace->label(MainLane), QString());
}

void tst_RunJsonReader::readsFilesWithoutDaskMembers()
{
    // Written before Dask: one thread per worker, no scheduler, no clocks, no labels.
    bool ok = false;
    const RunResult run = readOrFail(ReadmeRun, &ok);
    QVERIFY(ok);
    QCOMPARE(run.plan.options.threadsPerWorker, 1);
    QVERIFY(run.plan.options.daskScheduler.isEmpty());
    QVERIFY(run.workerClocks.empty());
    for (const int lane : run.trace->lanes())
        QVERIFY(run.trace->label(lane).isEmpty());

    // Labels may come before the events, or after them.
    const QByteArray labels = "\"lane_labels\":[{\"label\":\"b\",\"worker\":1},"
                              "{\"worker\":0,\"label\":\"a\",\"note\":[1]}]";
    for (const QByteArray &json :
        {QByteArray(ReadmeRun).replace("\"events\":[", labels + ",\"events\":["),
            QByteArray(ReadmeRun).replace("\n]\n}", "\n]," + labels + "}")}) {
        const RunResult labelled = readOrFail(json, &ok);
        QVERIFY(ok);
        QCOMPARE(labelled.trace->label(0), QStringLiteral("a"));
        QCOMPARE(labelled.trace->label(1), QStringLiteral("b"));
    }
}

void tst_RunJsonReader::roundTripsTracedTaskNames()
{
    // A traced program's units of work keep their names and arguments; a name many tasks share
    // is written once. The run here is a thread pool's, recorded by hand as a tracer would.
    RunResult written;
    written.plan =
        makePlan(QStringLiteral("thread-pool"), sleeps(5, 1 * Ms), WorkerCount::exactly(2));
    written.strategy = findStrategy(QStringLiteral("thread-pool"))->info;
    const std::unique_ptr<Strategy> engine = makeEngine(written.plan);
    written.workers = engine->laneCount(written.plan);
    QCOMPARE(written.workers, 2);
    TraceRecorder recorder(2, engine->hasGilLane(written.plan));
    const QString names[] = {QStringLiteral("__main__.work"),
        QStringLiteral("mod.Class.méthode"),
        QStringLiteral("__main__.work")};
    for (int task = 0; task < 5; ++task) {
        QCOMPARE(recorder.addTask(names[task % 3], QStringLiteral("(%1, \"x\\y\", 'é')").arg(task)),
            task);
        recorder.worker(task % 2).append(task, EventKind::Run, task * Ms, (task + 1) * Ms);
        recorder.worker(task % 2).countCompletedTask();
    }
    written.trace = recorder.snapshot();
    written.metrics = computeRunMetrics(*written.trace, *written.plan.tasks);
    const QByteArray json = toJson(written);
    QCOMPARE(json.count("__main__.work"), 1);

    const auto read = readRunJson(json);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    compareRuns(read.value(), written);
    QCOMPARE(read->trace->taskCount(), 5);
    for (int task = 0; task < 5; ++task) {
        QCOMPARE(read->trace->taskName(task), written.trace->taskName(task));
        QCOMPARE(read->trace->taskArguments(task), written.trace->taskArguments(task));
    }

    // Events may name traced tasks beyond the plan's when the table comes before them.
    const QByteArray traced =
        R"j("traced_tasks":{"names":["f"],"tasks":[[0,"(0,)"],[0,"(1,)"],[0,"(2,)"]]})j";
    const QByteArray extra = "\n{\"task\":2,\"worker\":1,\"kind\":\"run\",\"start_ns\":10175693,"
                             "\"end_ns\":10200000,\"pid\":9552}\n]\n}";
    const QByteArray more = QByteArray(ReadmeRun).replace("\n]\n}", "," + extra);
    bool tracedOk = false;
    const RunResult tracedRun =
        readOrFail(QByteArray(more).replace("\"events\":[", traced + ",\"events\":["), &tracedOk);
    QVERIFY(tracedOk);
    QCOMPARE(tracedRun.trace->taskCount(), 3);
    QCOMPARE(tracedRun.trace->taskArguments(2), QStringLiteral("(2,)"));
    QCOMPARE(tracedRun.trace->eventCount(1), std::size_t(3));
    const auto late = readRunJson(QByteArray(more).replace("\n]\n}", "\n]," + traced + "}"));
    QVERIFY(!late.ok());
    QVERIFY2(late.error().message.contains(QStringLiteral("names task 2")),
        qPrintable(late.error().message));

    // ParViz's own runs, and files written before traced tasks, have none.
    bool ok = false;
    const RunResult older = readOrFail(ReadmeRun, &ok);
    QVERIFY(ok);
    QCOMPARE(older.trace->taskCount(), 0);
    QVERIFY(!toJson(older).contains("traced_tasks"));
}

void tst_RunJsonReader::roundTripsATracedProgramsRun()
{
    // A traced program's run: no planned tasks, rows added as the program ran work, its tasks
    // its own, and the program named in the file.
    TracedProgram program{QStringLiteral("/tmp/my prog/pool.py"),
        {QStringLiteral("--n"), QStringLiteral("3 4"), QStringLiteral("é\"q\"")},
        QStringLiteral("/tmp/my prog"),
        std::make_shared<ProgramOutput>()};
    for (const int rows : {2, 0}) {
        RunResult written;
        written.plan = makeTracedProgramPlan(program);
        written.strategy = findStrategy(QString(TracedProgramStrategyId))->info;
        written.engine = QStringLiteral("CPython 3.11.2");
        TraceRecorder recorder(0, false);
        recorder.main().append(-1, EventKind::Submit, 0, 1 * Ms);
        recorder.main().append(-1, EventKind::Wait, 1 * Ms, 9 * Ms);
        for (int row = 0; row < rows; ++row)
            QCOMPARE(recorder.addWorkerLane(
                         4000 + row, QStringLiteral("pid %1 · spawn").arg(4000 + row)),
                row);
        for (int task = 0; task < 2 * rows; ++task) {
            QCOMPARE(
                recorder.addTask(QStringLiteral("__main__.work"), QString::number(task)), task);
            TraceLane &lane = recorder.worker(task % rows);
            lane.append(task, EventKind::Run, (task + 1) * Ms, (task + 2) * Ms);
            lane.countCompletedTask();
        }
        written.workers = recorder.workerCount();
        written.trace = recorder.snapshot();
        written.metrics = computeRunMetrics(*written.trace, *written.plan.tasks);
        const QByteArray json = toJson(written);
        QVERIFY(json.contains("python-program"));

        const auto read = readRunJson(json);
        QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
        compareRuns(read.value(), written);
        QVERIFY(read->plan.program);
        QCOMPARE(read->plan.program->path, program.path);
        QCOMPARE(read->plan.program->arguments, program.arguments);
        QCOMPARE(read->plan.program->workingDirectory, program.workingDirectory);
        QVERIFY(!read->plan.program->output); // where the output went is not the program
        QCOMPARE(read->engine, written.engine);
        QCOMPARE(read->trace->workerCount(), rows);
        QCOMPARE(read->trace->taskCount(), 2 * rows);
        QCOMPARE(read->metrics.tasksCompleted, 2 * rows);
        for (int row = 0; row < rows; ++row)
            QCOMPARE(read->trace->label(row), written.trace->label(row));
        // Written again, the same.
        QCOMPARE(toJson(read.value()), json);
    }
}

void tst_RunJsonReader::rejectsMalformedFiles_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("reason");

    const QByteArray valid(ReadmeRun);
    // The README run with one piece of text replaced; the piece must be there.
    auto with = [&valid](const char *from, const QByteArray &to) {
        if (!valid.contains(from))
            qFatal("test data: '%s' is not in the run", from);
        return QByteArray(valid).replace(from, to);
    };
    const QByteArray firstEvent =
        R"({"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":9552})";
    auto withEvent = [&](const QByteArray &event) { return with(firstEvent.constData(), event); };

    QTest::newRow("empty") << QByteArray() << "the file is empty";
    QTest::newRow("only whitespace") << QByteArray(" \n\t ") << "the file is empty";
    QTest::newRow("garbage") << QByteArray("hello")
                             << "byte 0: expected '{' to open the run object";
    QTest::newRow("binary") << QByteArray("\x00\x01\x02", 3) << "found the byte 0x00";
    QTest::newRow("a JSON array") << QByteArray("[1,2]") << "expected '{'";
    QTest::newRow("an empty object") << QByteArray("{}") << "no \"format\"";
    QTest::newRow("truncated after the brace") << valid.left(1) << "ends early";
    QTest::newRow("truncated in a key")
        << valid.left(valid.indexOf("worker_count") + 4) << "ends early";
    QTest::newRow("truncated in the events")
        << valid.left(valid.indexOf("10172072") + 3) << "ends early";
    QTest::newRow("truncated after the last event")
        << valid.left(valid.lastIndexOf(']')) << "ends early";
    QTest::newRow("truncated before the last brace")
        << valid.left(valid.lastIndexOf('}')) << "ends early";
    QTest::newRow("format 2") << with("\"format\":1", "\"format\":2")
                              << "format 2 is newer than this ParViz reads";
    QTest::newRow("format 0") << with("\"format\":1", "\"format\":0") << "format 0 is not";
    QTest::newRow("no format") << with("\"format\":1,", "") << "no \"format\"";
    QTest::newRow("format as text") << with("\"format\":1", "\"format\":\"1\"")
                                    << "expected a whole number for \"format\", found a string";
    QTest::newRow("unknown strategy")
        << with("\"thread-pool\"", "\"warp-drive\"") << "strategy 'warp-drive'";
    QTest::newRow("unknown task kind")
        << with("\"kind\":\"sleep\"", "\"kind\":\"quantum\"") << "kind 'quantum'";
    QTest::newRow("bad duration") << with("\"10ms\"", "\"fast\"") << "duration is not valid";
    QTest::newRow("no tasks") << with("\"tasks\":2", "\"tasks\":0") << "task count";
    QTest::newRow("too many workers") << with("{\"explicit\":2}", "{\"explicit\":0}")
                                      << "the run's plan is not valid: the worker count";
    QTest::newRow("no worker count")
        << with("{\"explicit\":2}", "{}") << "neither \"explicit\" nor \"fraction\"";
    QTest::newRow("bad option") << with("\"fail\"", "\"explode\"") << "on_worker_death";
    QTest::newRow("bad backend") << with(
        "\"on_worker_death\"", "\"backend\":\"spark\",\"on_worker_death\"")
                                 << "\"backend\" is 'loky', 'threading' or 'dask', not 'spark'";
    const auto withOption = [&](const QByteArray &option) {
        return with("\"on_worker_death\"", option + ",\"on_worker_death\"");
    };
    QTest::newRow("no threads per worker")
        << withOption("\"threads_per_worker\":0")
        << "\"threads_per_worker\": the threads per Dask worker must lie between 1 and 256, not 0";
    QTest::newRow("too many threads per worker")
        << withOption("\"threads_per_worker\":257") << "between 1 and 256, not 257";
    QTest::newRow("threads per worker as text")
        << withOption("\"threads_per_worker\":\"2\"")
        << "a whole number for \"threads_per_worker\", found a string";
    QTest::newRow("a scheduler without a scheme")
        << withOption("\"dask_scheduler\":\"localhost:8786\"")
        << "\"dask_scheduler\": a Dask scheduler's address is tcp://HOST:PORT, not "
           "'localhost:8786'";
    QTest::newRow("a scheduler as a number")
        << withOption("\"dask_scheduler\":8786") << "a string for \"dask_scheduler\"";
    const auto withMember = [&](const QByteArray &member) {
        return with("\"events\":[", member + ",\"events\":[");
    };
    const QByteArray traced =
        QByteArray(ReadmeRun)
            .replace("\"strategy\":\"thread-pool\"", "\"strategy\":\"python-program\"")
            .replace("\"workers\":2", "\"workers\":2,\"program\":{\"path\":\"p.py\"}");
    QTest::newRow("a traced program's run without its program")
        << QByteArray(ReadmeRun).replace(
               "\"strategy\":\"thread-pool\"", "\"strategy\":\"python-program\"")
        << "the run traced a Python program, but the file has no \"program\" naming it";
    QTest::newRow("a traced program's run with planned tasks")
        << traced << "a traced program's run plans no tasks, but the file has";
    QTest::newRow("a traced program's run with an empty path") << QByteArray(traced).replace(
        "\"path\":\"p.py\"", "\"path\":\"\"") << "the traced program's \"path\" is empty";
    QTest::newRow("a traced program's arguments that are not strings")
        << QByteArray(traced).replace("\"path\":\"p.py\"", "\"path\":\"p.py\",\"arguments\":[1]")
        << "a string for \"an argument\"";
    QTest::newRow("a traced task with a name out of range")
        << withMember(R"j("traced_tasks":{"names":["f"],"tasks":[[0,"()"],[1,"()"]]})j")
        << "traced task 1 has name 1, but there are 1 names";
    QTest::newRow("a traced task with more than two fields")
        << withMember(R"j("traced_tasks":{"names":["f"],"tasks":[[0,"()",3]]})j")
        << "a traced task is [name, arguments], with nothing more";
    QTest::newRow("a traced task without arguments")
        << withMember(R"j("traced_tasks":{"names":["f"],"tasks":[[0]]})j")
        << "traced task 0 is not [name, arguments]";
    QTest::newRow("a traced task's name as a string")
        << withMember(R"j("traced_tasks":{"names":["f"],"tasks":[["f","()"]]})j")
        << "a traced task's name";
    QTest::newRow("worker clocks as an object")
        << withMember("\"worker_clocks\":{}") << "'[' to open \"worker_clocks\"";
    QTest::newRow("a worker clock without a pid") << withMember(
        R"("worker_clocks":[{"worker":"tcp://a:1","offset_ns":1,)"
        R"("uncertainty_ns":2}])") << "worker clock 0 has no \"pid\"";
    QTest::newRow("a worker clock without a worker")
        << withMember(R"("worker_clocks":[{"worker":"tcp://a:1","pid":1,"offset_ns":1,)"
                      R"("uncertainty_ns":2},{"pid":2,"offset_ns":1,"uncertainty_ns":2}])")
        << "worker clock 1 has no \"worker\"";
    QTest::newRow("a worker clock with a negative uncertainty") << withMember(
        R"("worker_clocks":[{"worker":"tcp://a:1","pid":1,"offset_ns":-5,)"
        R"("uncertainty_ns":-2}])") << "worker clock 0 has a negative uncertainty (-2 ns)";
    QTest::newRow("a worker clock with an impossible pid") << withMember(
        R"("worker_clocks":[{"worker":"tcp://a:1","pid":-7,"offset_ns":0,)"
        R"("uncertainty_ns":0}])") << "worker clock 0 has the impossible pid -7";
    QTest::newRow("a worker clock's offset as a fraction") << withMember(
        R"("worker_clocks":[{"worker":"tcp://a:1","pid":1,"offset_ns":0.5,)"
        R"("uncertainty_ns":0}])") << "\"offset_ns\" must be a whole number, not 0.5";
    QTest::newRow("a lane label beyond the workers")
        << withMember(R"("lane_labels":[{"worker":2,"label":"x"}])")
        << "a lane label is for worker 2, but the run has workers 0 to 1";
    QTest::newRow("a lane label for the main row")
        << withMember(R"("lane_labels":[{"worker":-1,"label":"x"}])") << "for worker -1";
    QTest::newRow("two labels for one lane")
        << withMember(R"("lane_labels":[{"worker":1,"label":"x"},{"worker":1,"label":"y"}])")
        << "worker 1 has a second lane label";
    QTest::newRow("a lane label without its text")
        << withMember(R"("lane_labels":[{"worker":1}])") << "lane label 0 has no \"label\"";
    QTest::newRow("a lane label as a number")
        << withMember(R"("lane_labels":[{"worker":1,"label":7}])") << "a string for \"label\"";
    QTest::newRow("bad chunk size") << with("\"chunksize\":1", "\"chunksize\":0") << "chunk size";
    QTest::newRow("worker rows do not match")
        << with("\"workers\":2", "\"workers\":3") << "3 worker rows";
    QTest::newRow("no events") << with(",\n\"events\":[", ",\n\"evts\":[") << "no \"events\"";
    QTest::newRow("events not an array")
        << with("\"events\":[", "\"events\":{\"a\":[") << "expected '[' to open \"events\"";
    QTest::newRow("an event that is no object")
        << withEvent("17") << "expected '{' to open an event, found a number";
    QTest::newRow("unknown event kind") << withEvent(
        R"({"task":-1,"worker":-1,"kind":"sprint","start_ns":6450,"end_ns":57136,"pid":1})")
                                        << "unknown kind 'sprint'";
    QTest::newRow("worker out of range") << withEvent(
        R"({"task":-1,"worker":7,"kind":"spawn","start_ns":6450,"end_ns":57136,"pid":1})")
                                         << "on worker 7, but the run has workers 0 to 1";
    QTest::newRow("worker below the GIL row") << withEvent(
        R"({"task":-1,"worker":-3,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":1})")
                                              << "on worker -3";
    QTest::newRow("task out of range") << withEvent(
        R"({"task":9,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":1})")
                                       << "names task 9";
    QTest::newRow("task below -1") << withEvent(
        R"({"task":-2,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":1})")
                                   << "names task -2";
    QTest::newRow("end before start") << withEvent(
        R"({"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":6449,"pid":1})")
                                      << "before it starts";
    QTest::newRow("negative time") << withEvent(
        R"({"task":-1,"worker":-1,"kind":"submit","start_ns":-5,"end_ns":57136,"pid":1})")
                                   << "negative time";
    QTest::newRow("negative pid") << withEvent(
        R"({"task":-1,"worker":-1,"kind":"submit","start_ns":0,"end_ns":57136,"pid":-1})")
                                  << "impossible pid";
    QTest::newRow("a run on the main row") << withEvent(
        R"({"task":0,"worker":-1,"kind":"run","start_ns":6450,"end_ns":57136,"pid":1})")
                                           << "does not belong on the main row";
    QTest::newRow("overlapping events") << with("\"start_ns\":53014", "\"start_ns\":52612")
                                        << "the events of one row never overlap";
    QTest::newRow("events out of order") << with("\"start_ns\":57176,\"end_ns\":10283129",
        "\"start_ns\":10,\"end_ns\":20") << "never overlap";
    QTest::newRow("missing event field")
        << withEvent(R"({"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136})")
        << "event 0 has no \"pid\"";
    QTest::newRow("event field twice") << withEvent(
        R"({"task":-1,"worker":-1,"worker":0,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":1})")
                                       << "event 0 has \"worker\" twice";
    QTest::newRow("group start as text") << withEvent(
        R"({"task":-1,"worker":-1,"kind":"submit","start_ns":6450,"end_ns":57136,"pid":1,"group_start":"yes"})")
                                         << "expected true or false for \"group_start\"";
    QTest::newRow("key twice") << with("\"cpus\":2", "\"cpus\":2,\"cpus\":3") << "\"cpus\" twice";
    QTest::newRow("trailing garbage") << valid + "x"
                                      << "expected the end of the file after the run object";
    QTest::newRow("a second object") << valid + "{}"
                                     << "after the run object, found an object";
    QTest::newRow("bad escape") << with("\"thread-pool\"", "\"thread\\xpool\"")
                                << "'\\x' is not an escape";
    QTest::newRow("bad unicode escape")
        << with("\"thread-pool\"", "\"thread\\u12G4pool\"") << "four hex digits";
    QTest::newRow("control character in a string")
        << with("\"thread-pool\"", "\"thread\tpool\"") << "control character 0x09";
    QTest::newRow("deeply nested junk")
        << with("\"cpus\":2", "\"cpus\":2,\"junk\":" + QByteArray(100'000, '['))
        << "nested more than 64 levels deep";
    QTest::newRow("deeply nested junk in an event")
        << withEvent("{\"junk\":" + QByteArray(200, '[') + QByteArray(200, ']') + "}")
        << "nested more than 64 levels deep";
    QTest::newRow("leading zero") << with("\"cpus\":2", "\"cpus\":02") << "does not start with 0";
    QTest::newRow("number too large")
        << with("\"start_ns\":6450", "\"start_ns\":99999999999999999999") << "out of range";
    QTest::newRow("not a whole number")
        << with("\"cpus\":2", "\"cpus\":1.5") << "\"cpus\" must be a whole number, not 1.5";
    QTest::newRow("no CPUs") << with("\"cpus\":2", "\"cpus\":0") << "\"cpus\" must lie between 1";
    QTest::newRow("bare minus") << with("\"cpus\":2", "\"cpus\":-") << "expected a digit";
    QTest::newRow("no digit after the point")
        << with("\"cpus\":2", "\"cpus\":2.") << "a digit after the decimal point";
    QTest::newRow("misspelt literal") << with("\"stopped\":false", "\"stopped\":fals")
                                      << "expected true or false for \"stopped\"";
    QTest::newRow("trailing comma") << with("\"seed\":1}", "\"seed\":1,}") << "a quoted key";
    QTest::newRow("missing colon")
        << with("\"cpus\":2", "\"cpus\" 2") << "':' after the key \"cpus\"";
    QTest::newRow("missing comma between events")
        << with("9552},\n{", "9552}\n{") << "',' or ']' after an element of \"events\"";
    QTest::newRow("single quotes") << with("\"cpus\":2", "'cpus':2") << "a quoted key";
    QTest::newRow("result order out of range")
        << with("\"events\":[", "\"result_order\":[1,5],\"events\":[") << "names task 5";
    // 4 x 2147483647 CPUs overflows an int: the plan has as many workers as a plan can have.
    QTest::newRow("a fraction of more CPUs than an int counts")
        << QByteArray(valid)
               .replace("\"workers\":2", "\"workers\":1")
               .replace("{\"explicit\":2}", "{\"fraction\":4}")
               .replace("\"cpus\":2", "\"cpus\":2147483647")
               .replace(",\n{\"task\":-1,\"worker\":1,\"kind\":\"spawn\",\"start_ns\":32639,"
                        "\"end_ns\":84221,\"pid\":9552}",
                   "")
               .replace(",\n{\"task\":1,\"worker\":1,\"kind\":\"run\",\"start_ns\":84351,"
                        "\"end_ns\":10175693,\"pid\":9552}",
                   "")
        << "the file has 1 worker rows, but a thread-pool run of this plan has 1024";
    QTest::newRow("error without message")
        << with("\"error\":null", "\"error\":{\"code\":\"x\"}") << "has no \"message\"";

    // Wrong types: each names the member and what it should be.
    QTest::newRow("a run that is a string")
        << QByteArray("\"run\"") << "expected '{' to open the run object, found a string";
    QTest::newRow("a run that is a number") << QByteArray("1") << "found a number";
    QTest::newRow("a run that is null") << QByteArray("null") << "found null";
    QTest::newRow("workers as text")
        << with("\"workers\":2", "\"workers\":\"2\"") << "a whole number for \"workers\"";
    QTest::newRow("strategy as a number")
        << with("\"strategy\":\"thread-pool\"", "\"strategy\":7") << "a string for \"strategy\"";
    QTest::newRow("strategy as null") << with("\"strategy\":\"thread-pool\"", "\"strategy\":null")
                                      << "a string for \"strategy\", found null";
    QTest::newRow("workload as an array")
        << with("\"workload\":{", "\"workload\":[") << "'{' to open \"workload\"";
    QTest::newRow("duration as a number")
        << with("\"duration\":\"10ms\"", "\"duration\":10") << "a string for \"duration\"";
    QTest::newRow("worker count as a number") << with("\"worker_count\":{\"explicit\":2}",
        "\"worker_count\":2") << "'{' to open \"worker_count\"";
    QTest::newRow("options as a string")
        << with("\"options\":{", "\"options\":\"{\",\"x\":{") << "'{' to open \"options\"";
    QTest::newRow("stopped as text")
        << with("\"stopped\":false", "\"stopped\":\"no\"") << "true or false for \"stopped\"";
    QTest::newRow("error as a string")
        << with("\"error\":null", "\"error\":\"boom\"") << "'{' to open \"error\"";
    QTest::newRow("events as an object")
        << with("\"events\":[", "\"events\":{\"a\":[") << "'[' to open \"events\"";
    QTest::newRow("events as null")
        << with("\"events\":[", "\"events\":null,\"x\":[") << "'[' to open \"events\"";
    QTest::newRow("an event as an array") << withEvent("[-1,-1,\"submit\",6450,57136,9552]")
                                          << "'{' to open an event, found an array";
    QTest::newRow("a time as text") << with("\"start_ns\":6450", "\"start_ns\":\"6450\"")
                                    << "a whole number for \"start_ns\", found a string";
    QTest::newRow("a time as a fraction")
        << with("\"start_ns\":6450", "\"start_ns\":6450.5") << "must be a whole number";
    QTest::newRow("a flag as a number")
        << with("\"pid\":9552}", "\"pid\":9552,\"failed\":1}") << "true or false for \"failed\"";
    QTest::newRow("result order of strings")
        << with("\"events\":[", "\"result_order\":[\"0\"],\"events\":[")
        << "a whole number for \"result_order\"";

    // Huge files (tens of MB): read to the problem and reported, quickly, without a stack or a
    // document the size of the file.
    constexpr qsizetype Huge = 24 * 1024 * 1024;
    // The README run up to "cpus", then `tail`: where the file ends.
    const QByteArray head = valid.left(valid.indexOf("\"cpus\":2"));
    QTest::newRow("huge: a string that never ends")
        << head + "\"junk\":\"" + QByteArray(Huge, 'x')
        << QStringLiteral("the file ends early, inside the string that starts at byte %1")
               .arg(head.size() + 7);
    QTest::newRow("huge: an array that never ends")
        << head + "\"junk\":[" + QByteArray(Huge, '0').replace('0', "0,")
        << "the file ends early: expected a value";
    QTest::newRow("huge: nested arrays")
        << with("\"cpus\":2", "\"cpus\":2,\"junk\":" + QByteArray(Huge, '['))
        << "nested more than 64 levels deep";
    QTest::newRow("huge: whitespace, then garbage")
        << QByteArray(Huge, ' ') + "x" << QStringLiteral("byte %1: expected '{'").arg(Huge);
    QTest::newRow("huge: a number of 24 million digits")
        << with("\"cpus\":2", "\"cpus\":" + QByteArray(Huge, '9')) << "out of range";
    QTest::newRow("huge: a million events beyond the tasks") << with("\"events\":[",
        "\"events\":["
            + QByteArray("{\"task\":-1,\"worker\":-1,\"kind\":\"submit\",\"start_ns\":0,"
                         "\"end_ns\":0,\"pid\":1},")
                  .repeated(400'000)
            + "{\"task\":9,\"worker\":0,\"kind\":\"run\",\"start_ns\":0,\"end_ns\":1,"
              "\"pid\":1},") << "event 400000 names task 9";
}

void tst_RunJsonReader::rejectsMalformedFiles()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, reason);
    const auto run = readRunJson(json);
    QVERIFY(!run.ok());
    QCOMPARE(run.error().code, QStringLiteral("bad-run-file"));
    QVERIFY2(run.error().message.contains(reason),
        qPrintable(QStringLiteral("'%1' does not say '%2'").arg(run.error().message, reason)));
}

void tst_RunJsonReader::everyTruncationIsAnError_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::newRow("as written") << QByteArray(ReadmeRun);
    QTest::newRow("shuffled") << QByteArray(ShuffledRun);
    QTest::newRow("events in the middle") << QByteArray(EventsInTheMiddle);
    QTest::newRow("whitespace everywhere") << spacedOut(ReadmeRun);
    // A real run: a GIL row, fractions with exponents, null for Karp-Flatt on one worker.
    const RunResult gil = executeRun(
        makePlan(QStringLiteral("gil-threads"), sleeps(3, 1 * Ms), WorkerCount::exactly(1)));
    QTest::newRow("a gil-threads run") << toJson(gil);
}

void tst_RunJsonReader::everyTruncationIsAnError()
{
    // Cut anywhere before its last brace, a run file is a file that ends early, and says so.
    QFETCH(QByteArray, json);
    QVERIFY(readRunJson(json).ok());
    const qsizetype lastBrace = json.lastIndexOf('}');
    for (qsizetype length = json.indexOf('{') + 1; length <= lastBrace; ++length) {
        const auto run = readRunJson(json.left(length));
        QVERIFY2(!run.ok(), qPrintable(QStringLiteral("%1 bytes read as a run").arg(length)));
        QVERIFY2(run.error().message.contains(QLatin1String("the file ends early")),
            qPrintable(QStringLiteral("%1 bytes: %2").arg(length).arg(run.error().message)));
    }
}

void tst_RunJsonReader::loadsSavedFiles()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString path = dir.filePath(QStringLiteral("run.json"));
    const RunResult written = executeRun(
        makePlan(QStringLiteral("thread-pool"), sleeps(5, 1 * Ms), WorkerCount::exactly(2)));
    QVERIFY(saveRunJson(written, path).ok());
    const auto read = loadRunJson(path);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    compareRuns(read.value(), written);
    if (QTest::currentTestFailed())
        return;

    // A broken file's error names the file, then the byte.
    const QString broken = dir.filePath(QStringLiteral("broken.json"));
    QFile file(broken);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(QByteArray(ReadmeRun).left(100));
    file.close();
    const auto failed = loadRunJson(broken);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, QStringLiteral("bad-run-file"));
    QVERIFY2(failed.error().message.startsWith(
                 broken + QStringLiteral(": byte 100: the file ends early")),
        qPrintable(failed.error().message));
}

void tst_RunJsonReader::unreadableFileNamesThePathAndWhy_data()
{
    QTest::addColumn<QString>("path"); // "{dir}" is a temporary folder
    QTest::addColumn<QByteArray>("contents"); // written to the path first, unless null
    QTest::addColumn<QString>("reason");
    QTest::newRow("missing folder")
        << QStringLiteral("/nonexistent-folder/deeper/run.json") << QByteArray() << "cannot open";
    QTest::newRow("missing file") << QStringLiteral("{dir}/none.json") << QByteArray()
                                  << "No such file or directory";
    QTest::newRow("a folder") << QStringLiteral("{dir}") << QByteArray()
                              << "not a regular file (it is a folder)";
    QTest::newRow("under a regular file")
        << QStringLiteral("{dir}/file.json/run.json") << QByteArray() << "cannot open";
    QTest::newRow("empty") << QStringLiteral("{dir}/empty.json") << QByteArray("")
                           << "the file is empty";
    QTest::newRow("truncated") << QStringLiteral("{dir}/truncated.json")
                               << QByteArray(ReadmeRun).left(300) << "the file ends early";
    QTest::newRow("wrong type") << QStringLiteral("{dir}/array.json") << QByteArray("[]")
                                << "expected '{' to open the run object, found an array";
    QTest::newRow("huge") << QStringLiteral("{dir}/huge.json")
                          << "{\"format\":1,\"x\":\"" + QByteArray(32 * 1024 * 1024, 'x')
                          << "the file ends early, inside the string that starts at byte 16";
}

void tst_RunJsonReader::unreadableFileNamesThePathAndWhy()
{
    QFETCH(QString, path);
    QFETCH(QByteArray, contents);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile regular(dir.filePath(QStringLiteral("file.json")));
    QVERIFY(regular.open(QIODevice::WriteOnly));
    regular.close();
    path.replace(QLatin1String("{dir}"), dir.path());
    if (!contents.isNull()) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        QCOMPARE(file.write(contents), contents.size());
    }
    const auto run = loadRunJson(path);
    QVERIFY(!run.ok());
    QCOMPARE(run.error().code, QStringLiteral("bad-run-file"));
    QVERIFY2(run.error().message.contains(path), qPrintable(run.error().message));
    QVERIFY2(run.error().message.contains(reason), qPrintable(run.error().message));
}

// What loadRunJson() says of `path`, in a child that may take 64 MiB more memory: a read
// that never ends or takes all memory fails the test, and the machine keeps its memory.
static QByteArray loadInChild(const QString &path)
{
    const auto outcome = test::runInChild(
        [path] {
            const auto run = loadRunJson(path);
            return run ? QByteArray("read") : run.error().message.toUtf8();
        },
        64 << 20,
        60);
    if (!outcome.returned)
        return QByteArray("the child was ended by signal ") + QByteArray::number(outcome.signal);
    return outcome.output;
}

void tst_RunJsonReader::refusesWhatIsNotARegularFile_data()
{
    QTest::addColumn<QString>("path"); // "{dir}" is a temporary folder holding these files
    QTest::addColumn<QString>("reason");
    QTest::newRow("/dev/zero") << QStringLiteral("/dev/zero") << "a character device";
    QTest::newRow("/dev/urandom") << QStringLiteral("/dev/urandom") << "a character device";
    QTest::newRow("a link to /dev/zero")
        << QStringLiteral("{dir}/zero.json") << "a character device";
    QTest::newRow("a FIFO") << QStringLiteral("{dir}/fifo.json") << "a FIFO";
    QTest::newRow("a link to a FIFO") << QStringLiteral("{dir}/to-fifo.json") << "a FIFO";
}

void tst_RunJsonReader::refusesWhatIsNotARegularFile()
{
    QFETCH(QString, path);
    QFETCH(QString, reason);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QFile::link(QStringLiteral("/dev/zero"), dir.filePath(QStringLiteral("zero.json"))));
    const QString fifo = dir.filePath(QStringLiteral("fifo.json"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(QFile::link(fifo, dir.filePath(QStringLiteral("to-fifo.json"))));
    path.replace(QLatin1String("{dir}"), dir.path());

    // Nothing writes to the FIFO: a reader that opened it, or read it, would wait for ever.
    const QString message = QString::fromUtf8(loadInChild(path));
    QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("not a regular file")), qPrintable(message));
    QVERIFY2(message.contains(reason), qPrintable(message));
}

void tst_RunJsonReader::refusesFilesLargerThanAnyRunFile_data()
{
    QTest::addColumn<qint64>("size");
    QTest::newRow("3 GiB") << (qint64(3) << 30);
    QTest::newRow("one byte beyond the largest run file") << MaxRunFileBytes + 1;
}

void tst_RunJsonReader::refusesFilesLargerThanAnyRunFile()
{
    QFETCH(qint64, size);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // A sparse file: it takes no room on the disk, and the reader must not read it.
    const QString path = dir.filePath(QStringLiteral("large.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    QVERIFY(file.write(QByteArray(ReadmeRun)) > 0);
    QVERIFY(file.resize(size));
    file.close();

    const QString message = QString::fromUtf8(loadInChild(path));
    QVERIFY2(message.startsWith(path + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("larger than any run file ParViz writes")),
        qPrintable(message));
    QVERIFY2(message.contains(QString::number(MaxRunFileBytes)), qPrintable(message));
}

void tst_RunJsonReader::widestEventFitsTheBound()
{
    // The last row of a thread-per-task run of the most threads, the last of the most tasks,
    // the widest kind, times and pid, every flag.
    RunResult run;
    run.plan = makePlan(QStringLiteral("thread-pool"), sleeps(1, 1 * Ms), WorkerCount::exactly(1));
    const int rows = ThreadPerTaskStrategy::MaxThreads;
    TraceRecorder recorder(rows, true);
    TraceLane &lane = recorder.lane(rows - 1);
    lane.setPid(std::numeric_limits<std::int32_t>::max());
    const auto latest = std::numeric_limits<std::int64_t>::max();
    lane.append(WorkloadSpec::MaxTasks - 1,
        EventKind::Dispatch,
        latest,
        latest,
        EventFlag::Interrupted | EventFlag::Failed | EventFlag::Abandoned | EventFlag::GroupStart);
    run.trace = recorder.snapshot();
    QBuffer buffer;
    QVERIFY(buffer.open(QIODevice::WriteOnly));
    QVERIFY(writeRunJson(run, buffer));
    const QList<QByteArray> lines = buffer.data().split('\n');
    const auto event = std::find_if(lines.begin(), lines.end(), [](const QByteArray &line) {
        return line.startsWith("{\"task\":999999,");
    });
    QVERIFY(event != lines.end());
    // Each event but the last is followed by ",\n".
    QVERIFY2(event->size() + 2 <= MaxRunEventBytes, event->constData());
}

// A comparison file is an array of run objects; a run file read as runs is one run.
void tst_RunJsonReader::readsComparisons_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<int>("runs");
    QTest::newRow("a run file") << QByteArray(ReadmeRun) << 1;
    QTest::newRow("one run") << "[\n" + QByteArray(ReadmeRun) + "\n]\n" << 1;
    // The shuffled run's events come first and are read after its members, from where they
    // are: the next run must still be read from where the first one ends.
    QTest::newRow("two runs, events first in the first") << "[\n" + QByteArray(ShuffledRun) + ",\n"
            + QByteArray(ReadmeRun) + "\n]\n" << 2;
    QTest::newRow("three runs, no whitespace, byte order mark") << "\xEF\xBB\xBF["
            + QByteArray(ReadmeRun).replace('\n', "") + ","
            + QByteArray(ShuffledRun).replace('\n', "") + ","
            + QByteArray(ReadmeRun).replace('\n', "") + "]" << 3;
}

void tst_RunJsonReader::readsComparisons()
{
    QFETCH(QByteArray, json);
    QFETCH(int, runs);
    const auto read = readRunsJson(json);
    QVERIFY2(read.ok(), read.ok() ? "" : qPrintable(read.error().message));
    QCOMPARE(static_cast<int>(read->size()), runs);
    for (const RunResult &run : *read) {
        QCOMPARE(run.plan.strategy, QStringLiteral("thread-pool"));
        QCOMPARE(run.metrics.makespanNs, std::int64_t{10283129});
        QCOMPARE(run.trace->workerCount(), 2);
    }
}

void tst_RunJsonReader::rejectsMalformedComparisons_data()
{
    QTest::addColumn<QByteArray>("json");
    QTest::addColumn<QString>("message");
    const QByteArray run = QByteArray(ReadmeRun).replace('\n', "");
    QTest::newRow("no runs") << QByteArray("[]") << QStringLiteral("the comparison has no runs");
    QTest::newRow("a number among the runs")
        << "[" + run + ",1]" << QStringLiteral("run 2 of the comparison: byte ");
    QTest::newRow("a run without its members")
        << "[" + run + ",{}]" << QStringLiteral("run 2 of the comparison: ");
    QTest::newRow("a broken first run")
        << "[" + run.left(run.size() / 2) + "]" << QStringLiteral("run 1 of the comparison: byte ");
    QTest::newRow("cut short after a run")
        << "[" + run << QStringLiteral("the file ends early: expected ',' or ']'");
    QTest::newRow("something after the comparison")
        << "[" + run + "] []" << QStringLiteral("the end of the file after the comparison");
}

void tst_RunJsonReader::rejectsMalformedComparisons()
{
    QFETCH(QByteArray, json);
    QFETCH(QString, message);
    const auto read = readRunsJson(json);
    QVERIFY(!read.ok());
    QCOMPARE(read.error().code, QStringLiteral("bad-run-file"));
    QVERIFY2(read.error().message.contains(message), qPrintable(read.error().message));
}
QTEST_GUILESS_MAIN(tst_RunJsonReader)
#include "tst_runjsonreader.moc"
