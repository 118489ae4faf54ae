#include "process/reusableworkers.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "run/sweep.h"
#include "strategies/strategyregistry.h"
#include "traceinvariants.h"
#include "util/clock.h"

#include <QTest>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <limits>
#include <numeric>
#include <set>
#include <sys/wait.h>

using namespace parviz;

Q_DECLARE_METATYPE(parviz::WorkloadSpec)
Q_DECLARE_METATYPE(parviz::TaskGil)
Q_DECLARE_METATYPE(parviz::JoblibBackend)

// Every strategy in the registry, on every kind of workload. Structure and loose ratios only:
// the machines are small, shared and noisy.
class tst_Strategies : public QObject
{
    Q_OBJECT

private slots:
    void completeRun_data();
    void completeRun();
    void sleepTasksRunInParallel_data();
    void sleepTasksRunInParallel();
    void cpuTasksGainNoMoreThanTheCores_data();
    void cpuTasksGainNoMoreThanTheCores();
    void sequentialIsItsOwnBaseline();
    void gilDecidesWhetherThreadsCompute_data();
    void gilDecidesWhetherThreadsCompute();
    void gilThreadsOverlapSleeps();
    void stopReturnsQuickly_data();
    void stopReturnsQuickly();
    void snapshotsOnlyGrow_data();
    void snapshotsOnlyGrow();
    void throwingTaskFailsTheRun_data();
    void throwingTaskFailsTheRun();
    void poolMapKeepsResultOrder_data();
    void poolMapKeepsResultOrder();
    void batchedDispatchesOneTaskPerCompletion();
    void chunksAreMarkedAsGroups_data();
    void chunksAreMarkedAsGroups();
    void batchesAreMarkedAsGroups();
    void lokyBatchesGrowInWorkerProcesses();
    void lokyWorkersAreKeptForTheNextRun();
    void stoppedLokyRunKeepsNoWorkers();
    void withoutJoinTheCallerGoesOnFirst_data();
    void withoutJoinTheCallerGoesOnFirst();
    void sequentialHasNothingToJoin();

private:
    static void addStrategyRows(bool parallelOnly);
};

namespace {

constexpr std::int64_t Ms = 1'000'000;

WorkloadSpec workload(int tasks, TaskKind kind, DurationSpec duration, double ioShare = 0.5)
{
    WorkloadSpec spec;
    spec.taskCount = tasks;
    spec.kind = kind;
    spec.duration = std::move(duration);
    spec.ioShare = ioShare;
    spec.seed = 7;
    return spec;
}

RunPlan plan(
    const QString &strategy, const WorkloadSpec &spec, int workers, StrategyOptions options = {})
{
    auto made = makeRunPlan(strategy, spec, WorkerCount::exactly(workers), options);
    if (!made)
        qFatal("bad test plan: %s", qPrintable(made.error().message));
    return std::move(made).value();
}

int expectedLanes(const QString &strategy, int workers, int tasks)
{
    const StrategyInfo &info = findStrategy(strategy)->info;
    if (info.workers == WorkerKind::Caller)
        return 1;
    if (info.rowPerTask())
        return tasks;
    return workers;
}

// Threads under a GIL split a task's run around their waits for it.
bool splitsRuns(const RunPlan &plan)
{
    return tasksShareOneGil(plan);
}

} // namespace

void tst_Strategies::addStrategyRows(bool parallelOnly)
{
    QTest::addColumn<QString>("strategy");
    for (const auto &entry : strategyRegistry()) {
        if (parallelOnly && entry.info.workers == WorkerKind::Caller)
            continue;
        if (entry.info.workers == WorkerKind::Cluster)
            continue; // Dask's own scheduler, in CPython: tst_dask
        QTest::newRow(qPrintable(entry.info.id)) << entry.info.id;
    }
}

void tst_Strategies::completeRun_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<WorkloadSpec>("spec");
    QTest::addColumn<int>("workers");
    struct Case
    {
        const char *name;
        WorkloadSpec spec;
        int workers;
    };
    const Case cases[] = {
        {"sleep", workload(40, TaskKind::Sleep, DurationSpec::fixed(3 * Ms)), 4},
        {"cpu", workload(12, TaskKind::Cpu, DurationSpec::fixed(3 * Ms)), 3},
        {"mixed", workload(20, TaskKind::Mixed, DurationSpec::fixed(4 * Ms), 0.5), 4},
        {"uniform", workload(30, TaskKind::Sleep, DurationSpec::uniform(1 * Ms, 6 * Ms)), 5},
        {"exponential", workload(30, TaskKind::Sleep, DurationSpec::exponential(2 * Ms)), 3},
        {"seed list",
            workload(3, TaskKind::Sleep, DurationSpec::list({10 * Ms, 100 * Ms, 30 * Ms})),
            3},
        {"empty tasks", workload(500, TaskKind::Sleep, DurationSpec::fixed(0)), 4},
        {"one task, many workers", workload(1, TaskKind::Cpu, DurationSpec::fixed(2 * Ms)), 8},
        {"more workers than tasks", workload(3, TaskKind::Sleep, DurationSpec::fixed(2 * Ms)), 6},
    };
    for (const auto &entry : strategyRegistry()) {
        if (entry.info.workers == WorkerKind::Cluster)
            continue; // tst_dask
        for (const Case &c : cases) {
            QTest::addRow("%s, %s", qPrintable(entry.info.id), c.name)
                << entry.info.id << c.spec << c.workers;
        }
    }
}

void tst_Strategies::completeRun()
{
    QFETCH(QString, strategy);
    QFETCH(WorkloadSpec, spec);
    QFETCH(int, workers);
    const RunPlan runPlan = plan(strategy, spec, workers);
    const RunResult result = executeRun(runPlan);
    const auto &tasks = *runPlan.tasks;

    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    const int lanes = expectedLanes(strategy, workers, spec.taskCount);
    QCOMPARE(result.workers, lanes);
    const QString problem =
        test::checkCompleteRun(*result.trace, tasks, lanes, splitsRuns(runPlan));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    // Chunks of the default size, 1, are single tasks: of these runs only joblib's batches
    // hand out groups, and mark them.
    const QString groups = test::checkGroups(*result.trace);
    QVERIFY2(groups.isEmpty(), qPrintable(groups));
    QCOMPARE(!test::taskGroups(*result.trace).empty(),
        findStrategy(strategy)->info.handOut == HandOut::AutoBatches);

    const RunMetrics &m = result.metrics;
    QCOMPARE(m.tasksCompleted, spec.taskCount);
    QCOMPARE(m.tasksNotStarted + m.tasksInterrupted + m.tasksFailed, 0);
    QVERIFY(m.makespanNs >= m.lowerBoundNs);
    QVERIFY(m.efficiency <= 1.0 + 1e-9 || m.totalWorkNs == 0);
    QCOMPARE(m.loss.overheadNs(), std::int64_t(lanes) * m.makespanNs - m.totalWorkNs);
    QCOMPARE(result.trace->completedTasks(), std::int64_t(spec.taskCount));

    // Every thread or process a strategy starts shows its spawn first (one that a previous run
    // left running, as joblib's loky backend keeps them, its wait for its first tasks); the
    // caller's row shows it handing the tasks over and then waiting, and it continues only
    // after the last task ended.
    const auto &trace = *result.trace;
    const bool kept = findStrategy(strategy)->info.handOut == HandOut::AutoBatches && workers > 1;
    if (strategy == QLatin1String("sequential")) {
        QCOMPARE(trace.eventCount(MainLane), std::size_t(0));
        return;
    }
    // Pools that start threads as tasks are submitted (as ThreadPoolExecutor does) start no
    // more threads than tasks; the others start all of them.
    int started = 0;
    for (int worker = 0; worker < lanes; ++worker) {
        if (trace.eventCount(worker) == 0)
            continue;
        ++started;
        const EventKind first = trace.event(worker, 0).kind;
        QVERIFY2(first == EventKind::Spawn || (kept && first == EventKind::Dispatch),
            qPrintable(
                QStringLiteral("worker %1 begins with %2").arg(worker).arg(eventKindName(first))));
    }
    QVERIFY(started >= std::min(lanes, spec.taskCount));
    const auto main = trace.events(MainLane);
    QCOMPARE(main.size(), std::size_t(2));
    QCOMPARE(main[0].kind, EventKind::Submit);
    QCOMPARE(main[1].kind, EventKind::Wait);
    std::int64_t lastRunEnd = 0;
    for (int worker = 0; worker < lanes; ++worker)
        trace.forEachEvent(
            worker, [&](const TaskEvent &e) { lastRunEnd = std::max(lastRunEnd, e.endNs); });
    QVERIFY(main[1].endNs >= lastRunEnd);
    QCOMPARE(m.makespanNs, main[1].endNs);
}

void tst_Strategies::sleepTasksRunInParallel_data()
{
    addStrategyRows(true);
}

void tst_Strategies::sleepTasksRunInParallel()
{
    QFETCH(QString, strategy);
    const auto spec = workload(16, TaskKind::Sleep, DurationSpec::fixed(20 * Ms));
    const RunResult sequential = executeRun(plan(QStringLiteral("sequential"), spec, 1));
    const RunResult parallel = executeRun(plan(strategy, spec, 4));
    QVERIFY(parallel.ok());
    // Ideal is 4x; "clearly faster" is at least 2x, from the first task's start to the last
    // one's end: starting and ending worker processes is not sleeping, and under a sanitizer
    // each takes longer than the sleeps themselves (ASan's exit of a worker, tens of ms).
    std::int64_t firstRunNs = std::numeric_limits<std::int64_t>::max();
    std::int64_t lastRunNs = 0;
    parallel.trace->forEachEvent([&](const TaskEvent &event) {
        if (event.kind != EventKind::Run)
            return;
        firstRunNs = std::min(firstRunNs, event.startNs);
        lastRunNs = std::max(lastRunNs, event.endNs);
    });
    const std::int64_t sleepingNs = lastRunNs - firstRunNs;
    QVERIFY2(2 * sleepingNs < sequential.metrics.makespanNs,
        qPrintable(QStringLiteral("%1 ran its tasks in %2 ms, sequential %3 ms")
                       .arg(strategy)
                       .arg(sleepingNs / 1e6)
                       .arg(sequential.metrics.makespanNs / 1e6)));
    // The reported speedup too, where no process has to start and end around the sleeps.
    if (findStrategy(strategy)->info.workers != WorkerKind::Processes)
        QVERIFY(parallel.metrics.speedup > 2.0);
}

void tst_Strategies::cpuTasksGainNoMoreThanTheCores_data()
{
    addStrategyRows(true);
}

void tst_Strategies::cpuTasksGainNoMoreThanTheCores()
{
    // Eight CPU tasks on eight workers: with C cores the work needs at least 8 d / C, however
    // many threads there are. Real arithmetic obeys that; waiting for the clock would not.
    QFETCH(QString, strategy);
    const int cores = logicalCpus();
    if (cores >= 8)
        QSKIP("needs fewer than 8 cores to oversubscribe them");
    const std::int64_t duration = 25 * Ms;
    const RunResult result =
        executeRun(plan(strategy, workload(8, TaskKind::Cpu, DurationSpec::fixed(duration)), 8));
    QVERIFY(result.ok());
    const std::int64_t floorNs = 8 * duration / cores;
    QVERIFY2(result.metrics.makespanNs >= floorNs * 8 / 10,
        qPrintable(QStringLiteral("8 CPU tasks of 25 ms took %1 ms on %2 cores")
                       .arg(result.metrics.makespanNs / 1e6)
                       .arg(cores)));
    // And the reported speedup says so: at most the cores, with room for noise.
    QVERIFY2(result.metrics.speedup <= cores * 1.25,
        qPrintable(QString::number(result.metrics.speedup)));
}

void tst_Strategies::sequentialIsItsOwnBaseline()
{
    // One task after another: no speedup, and no loss but the moments between tasks.
    const RunResult result = executeRun(plan(QStringLiteral("sequential"),
        workload(20, TaskKind::Sleep, DurationSpec::fixed(2 * Ms)),
        1));
    QVERIFY(result.ok());
    QVERIFY2(result.metrics.speedup > 0.97 && result.metrics.speedup <= 1.0,
        qPrintable(QString::number(result.metrics.speedup)));
    QCOMPARE(result.metrics.loss.contentionNs, std::int64_t(0));
}

void tst_Strategies::gilDecidesWhetherThreadsCompute_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<TaskGil>("gil");
    QTest::addColumn<JoblibBackend>("backend");
    for (const auto &entry : strategyRegistry()) {
        if (entry.info.workers == WorkerKind::Caller || entry.info.workers == WorkerKind::Cluster)
            continue;
        for (const TaskGil gil : {TaskGil::Held, TaskGil::Released, TaskGil::None}) {
            QTest::addRow("%s, %s", qPrintable(entry.info.id), taskGilId(gil).data())
                << entry.info.id << gil << JoblibBackend::Loky;
            if (entry.info.handOut == HandOut::AutoBatches)
                QTest::addRow("%s on threads, %s", qPrintable(entry.info.id), taskGilId(gil).data())
                    << entry.info.id << gil << JoblibBackend::Threading;
        }
    }
}

// Threads of one process share one GIL: tasks that hold it compute one at a time, whatever the
// pool; tasks that release it, or a free-threaded Python, compute side by side. Worker
// processes have a GIL each. Structural only: which segments overlap, not how long they took.
void tst_Strategies::gilDecidesWhetherThreadsCompute()
{
    QFETCH(QString, strategy);
    QFETCH(TaskGil, gil);
    QFETCH(JoblibBackend, backend);
    auto spec = workload(8, TaskKind::Cpu, DurationSpec::fixed(20 * Ms));
    spec.gil = gil;
    StrategyOptions options;
    options.backend = backend;
    const RunPlan runPlan = plan(strategy, spec, 4, options);
    const RunResult result = executeRun(runPlan);
    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    const auto &trace = *result.trace;
    const bool threads = findStrategy(strategy)->info.workersWith(options) == WorkerKind::Threads;
    QCOMPARE(trace.hasGilLane(), threads && gil != TaskGil::None);

    // Every task once, its run split only around its waits for the GIL; no two events of a
    // lane overlap, the GIL row included: one holder at a time.
    const QString problem = test::checkCompleteRun(
        trace, *runPlan.tasks, expectedLanes(strategy, 4, 8), splitsRuns(runPlan));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    if (threads && gil == TaskGil::Held) {
        // Only the holder computes: run segments never overlap across workers, and the others
        // waited for the lock.
        const QString peak = test::checkPeakConcurrency(trace, 1);
        QVERIFY2(peak.isEmpty(), qPrintable(peak));
        QVERIFY(result.metrics.loss.gilWaitNs > 0);
        // A switch every interval (5 ms) of 160 ms of work: many holds, not one per task.
        QVERIFY2(
            trace.eventCount(GilLane) > 8, qPrintable(QString::number(trace.eventCount(GilLane))));
    } else {
        // At least two tasks computed at the same moment: more than one worker ran Python
        // code, or C code without the lock.
        const QString onlyOne = test::checkPeakConcurrency(trace, 1);
        QVERIFY2(!onlyOne.isEmpty(), "no two tasks ever computed at the same time");
    }
}

void tst_Strategies::gilThreadsOverlapSleeps()
{
    const auto spec = workload(16, TaskKind::Sleep, DurationSpec::fixed(20 * Ms));
    const RunResult result = executeRun(plan(QStringLiteral("gil-threads"), spec, 4));
    QVERIFY(result.ok());
    QVERIFY2(result.metrics.makespanNs < 16 * 20 * Ms / 2,
        qPrintable(QStringLiteral("%1 ms").arg(result.metrics.makespanNs / 1e6)));
}

void tst_Strategies::stopReturnsQuickly_data()
{
    addStrategyRows(false);
}

void tst_Strategies::stopReturnsQuickly()
{
    QFETCH(QString, strategy);
    // Spread-out durations, so that Stop lands while most tasks are still running or queued
    // even when all of them start at once (thread-per-task).
    const auto spec = workload(40, TaskKind::Sleep, DurationSpec::uniform(20 * Ms, 600 * Ms));
    RunSession session(plan(strategy, spec, 4));
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->completedTasks() >= 1, 10000);
    const std::int64_t stopAt = monotonicNowNs();
    session.requestStop();
    QVERIFY(session.wait(std::chrono::seconds(5)));
    const std::int64_t stoppedIn = monotonicNowNs() - stopAt;
    QVERIFY2(stoppedIn < 1000 * Ms, qPrintable(QStringLiteral("%1 ms").arg(stoppedIn / 1e6)));

    const RunResult &result = session.result();
    QVERIFY(result.stopped);
    QVERIFY(!result.error);
    const RunMetrics &m = result.metrics;
    QVERIFY(m.tasksCompleted >= 1);
    QVERIFY(m.tasksCompleted < spec.taskCount);
    QCOMPARE(m.tasksCompleted + m.tasksInterrupted + m.tasksNotStarted, spec.taskCount);
    for (const QString &problem : {test::checkEventKinds(*result.trace),
             test::checkNoOverlap(*result.trace),
             test::checkAtMostOnce(*result.trace, splitsRuns(result.plan))})
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_Strategies::snapshotsOnlyGrow_data()
{
    addStrategyRows(false);
}

void tst_Strategies::snapshotsOnlyGrow()
{
    QFETCH(QString, strategy);
    const auto spec = workload(60, TaskKind::Mixed, DurationSpec::fixed(3 * Ms), 0.5);
    RunSession session(plan(strategy, spec, 4));
    std::vector<std::shared_ptr<const TraceSnapshot>> snapshots;
    session.start();
    // Snapshots while it runs, and one after: on a loaded machine the loop may not get a turn
    // before the run ends, and then the prefixes are checked against the end alone.
    do
        snapshots.push_back(session.snapshot());
    while (!session.isFinished());
    session.wait();
    snapshots.push_back(session.snapshot());
    const auto &final = *session.result().trace;
    for (std::size_t i = 0; i < snapshots.size(); ++i) {
        QString problem = test::checkPrefix(*snapshots[i], final);
        if (problem.isEmpty() && i > 0)
            problem = test::checkPrefix(*snapshots[i - 1], *snapshots[i]);
        if (problem.isEmpty())
            problem = test::checkEventKinds(*snapshots[i]);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
        for (const TaskEvent &open : snapshots[i]->inFlight())
            QVERIFY(open.startNs <= open.endNs
                && open.endNs == std::max(snapshots[i]->takenAtNs(), open.startNs));
    }
}

void tst_Strategies::throwingTaskFailsTheRun_data()
{
    addStrategyRows(false);
}

void tst_Strategies::throwingTaskFailsTheRun()
{
    QFETCH(QString, strategy);
    auto spec = workload(20, TaskKind::Sleep, DurationSpec::fixed(2 * Ms));
    spec.throwingTask = 5;
    const RunResult result = executeRun(plan(strategy, spec, 3));
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->code, QStringLiteral("task-failed"));
    QVERIFY2(result.error->message.contains(QStringLiteral("task 5")),
        qPrintable(result.error->message));
    QCOMPARE(result.metrics.tasksFailed, 1);
    bool failedEventKept = false;
    for (int worker = 0; worker < result.workers; ++worker) {
        result.trace->forEachEvent(worker, [&](const TaskEvent &event) {
            failedEventKept = failedEventKept || (event.task == 5 && event.failed());
        });
    }
    QVERIFY(failedEventKept);
    const QString problem = test::checkNoOverlap(*result.trace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_Strategies::poolMapKeepsResultOrder_data()
{
    QTest::addColumn<int>("chunkSize");
    QTest::addColumn<int>("workers");
    for (int chunk : {1, 3, 7, 50}) {
        for (int workers : {1, 4})
            QTest::addRow("chunksize %d, %d workers", chunk, workers) << chunk << workers;
    }
}

void tst_Strategies::poolMapKeepsResultOrder()
{
    QFETCH(int, chunkSize);
    QFETCH(int, workers);
    // Random durations: chunks finish out of order, results must not.
    const auto spec = workload(45, TaskKind::Sleep, DurationSpec::uniform(0, 3 * Ms));
    StrategyOptions options;
    options.chunkSize = chunkSize;
    const RunResult result = executeRun(plan(QStringLiteral("pool-map"), spec, workers, options));
    QVERIFY(result.ok());
    std::vector<std::int32_t> expected(45);
    std::iota(expected.begin(), expected.end(), 0);
    QCOMPARE(result.resultOrder, expected);
    // Within a chunk, tasks run one after another on one worker.
    const auto &trace = *result.trace;
    std::vector<int> workerOf(45, -1);
    for (int worker = 0; worker < workers; ++worker)
        trace.forEachEvent(worker, [&](const TaskEvent &e) {
            if (e.kind == EventKind::Run)
                workerOf[std::size_t(e.task)] = worker;
        });
    for (int task = 0; task < 45; ++task)
        QCOMPARE(workerOf[std::size_t(task)], workerOf[std::size_t(task - task % chunkSize)]);
}

void tst_Strategies::batchedDispatchesOneTaskPerCompletion()
{
    // joblib's threading backend: 2 x W tasks pre-dispatched by the caller, then every task
    // that completes dispatches one more from its worker's row (the threading backend has no
    // automatic batching), so 400 tasks on 2 workers make 396 dispatch segments.
    const auto spec = workload(400, TaskKind::Sleep, DurationSpec::fixed(Ms / 10));
    StrategyOptions threading;
    threading.backend = JoblibBackend::Threading;
    const RunResult result = executeRun(plan(QStringLiteral("batched"), spec, 2, threading));
    QVERIFY(result.ok());
    int dispatches = 0;
    for (int worker = 0; worker < 2; ++worker)
        result.trace->forEachEvent(
            worker, [&](const TaskEvent &e) { dispatches += e.kind == EventKind::Dispatch; });
    QCOMPARE(dispatches, 400 - 4);
    QVERIFY(result.metrics.loss.dispatchNs > 0);

    // One worker: SequentialBackend, the caller dispatches everything, and nothing else does.
    const RunResult alone = executeRun(plan(QStringLiteral("batched"), spec, 1, threading));
    QVERIFY(alone.ok());
    QCOMPARE(alone.metrics.tasksCompleted, 400);
    int aloneDispatches = 0;
    alone.trace->forEachEvent(
        0, [&](const TaskEvent &e) { aloneDispatches += e.kind == EventKind::Dispatch; });
    QCOMPARE(aloneDispatches, 0);
}

void tst_Strategies::chunksAreMarkedAsGroups_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<WorkloadSpec>("spec");
    QTest::addColumn<int>("chunkSize");
    const auto sleeps = workload(20, TaskKind::Sleep, DurationSpec::uniform(1 * Ms, 4 * Ms));
    // CPU tasks longer than the GIL's switch interval: their runs are split by waits for it.
    const auto computing = workload(20, TaskKind::Cpu, DurationSpec::fixed(12 * Ms));
    QTest::newRow("pool-map, chunks of 4") << QStringLiteral("pool-map") << sleeps << 4;
    QTest::newRow("pool-map, chunks of 4, under the GIL")
        << QStringLiteral("pool-map") << computing << 4;
    QTest::newRow("pool-map, chunks of 1") << QStringLiteral("pool-map") << sleeps << 1;
    QTest::newRow("process-pool, chunks of 3") << QStringLiteral("process-pool") << sleeps << 3;
    QTest::newRow("process-pool, chunks of 1") << QStringLiteral("process-pool") << sleeps << 1;
}

void tst_Strategies::chunksAreMarkedAsGroups()
{
    QFETCH(QString, strategy);
    QFETCH(WorkloadSpec, spec);
    QFETCH(int, chunkSize);
    StrategyOptions options;
    options.chunkSize = chunkSize;
    const RunPlan runPlan = plan(strategy, spec, 3, options);
    const RunResult result = executeRun(runPlan);
    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    const QString problem =
        test::checkCompleteRun(*result.trace, *runPlan.tasks, 3, splitsRuns(runPlan));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString groupProblem = test::checkGroups(*result.trace);
    QVERIFY2(groupProblem.isEmpty(), qPrintable(groupProblem));

    // The groups are the chunks, whichever worker took each: tasks 0-3, 4-7, ... for chunks of
    // 4. Chunks of one task are no groups.
    auto groups = test::taskGroups(*result.trace);
    if (chunkSize == 1) {
        QVERIFY(groups.empty());
        return;
    }
    std::sort(groups.begin(), groups.end(), [](const auto &a, const auto &b) {
        return a.tasks.front() < b.tasks.front();
    });
    const int tasks = spec.taskCount;
    QCOMPARE(int(groups.size()), (tasks + chunkSize - 1) / chunkSize);
    for (std::size_t chunk = 0; chunk < groups.size(); ++chunk) {
        const int first = int(chunk) * chunkSize;
        std::vector<std::int32_t> expected(std::size_t(std::min(chunkSize, tasks - first)));
        std::iota(expected.begin(), expected.end(), first);
        QCOMPARE(groups[chunk].tasks, expected);
    }
}

void tst_Strategies::batchesAreMarkedAsGroups()
{
    // joblib's threading backend: every batch is one task, pre-dispatched by the caller or
    // dispatched by a completion.
    const int tasks = 200;
    const int workers = 2;
    const auto spec = workload(tasks, TaskKind::Sleep, DurationSpec::fixed(1 * Ms));
    StrategyOptions options;
    options.backend = JoblibBackend::Threading;
    options.minBatchDurationNs = 20 * Ms;
    options.maxBatchDurationNs = 200 * Ms;
    const RunPlan runPlan = plan(QStringLiteral("batched"), spec, workers, options);
    const RunResult result = executeRun(runPlan);
    QVERIFY(result.ok());
    const QString problem = test::checkGroups(*result.trace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // One group per batch: those the caller pre-dispatched, one task each, and one more for
    // every dispatch a completed batch made.
    const int preDispatched = std::min(options.preDispatchFactor * workers, tasks);
    int dispatches = 0;
    for (int worker = 0; worker < workers; ++worker)
        result.trace->forEachEvent(
            worker, [&](const TaskEvent &e) { dispatches += e.kind == EventKind::Dispatch; });
    auto groups = test::taskGroups(*result.trace);
    QCOMPARE(int(groups.size()), preDispatched + dispatches);
    // Together they are the tasks in order, each batch a range of them on one worker.
    std::sort(groups.begin(), groups.end(), [](const auto &a, const auto &b) {
        return a.tasks.front() < b.tasks.front();
    });
    std::int32_t next = 0;
    std::size_t biggest = 0;
    for (std::size_t i = 0; i < groups.size(); ++i) {
        QCOMPARE(groups[i].tasks.front(), next);
        next += std::int32_t(groups[i].tasks.size());
        biggest = std::max(biggest, groups[i].tasks.size());
        if (int(i) < preDispatched)
            QCOMPARE(groups[i].tasks.size(), std::size_t(1));
    }
    QCOMPARE(next, std::int32_t(tasks));
    QCOMPARE(biggest, std::size_t(1));
    QCOMPARE(int(groups.size()), tasks);
}

namespace {

// The process ids of a run's worker rows, by row (0 for a row with no event).
std::vector<std::int32_t> workerPids(const TraceSnapshot &trace)
{
    std::vector<std::int32_t> pids;
    for (int worker = 0; worker < trace.workerCount(); ++worker)
        pids.push_back(trace.eventCount(worker) > 0 ? trace.event(worker, 0).pid : 0);
    return pids;
}

int countEvents(const TraceSnapshot &trace, EventKind kind)
{
    int count = 0;
    trace.forEachEvent([&](const TaskEvent &e) { count += e.kind == kind; });
    return count;
}

bool processIsGone(std::int32_t pid)
{
    return ::kill(pid, 0) != 0 && errno == ESRCH;
}

// Exited, every thread of it, and not reaped yet: what a killed child of this process is until
// it is reaped. (Its /proc state shows "Z" sooner, while its other threads still exit.)
bool hasExited(std::int32_t pid)
{
    siginfo_t info{};
    return ::waitid(P_PID, id_t(pid), &info, WEXITED | WNOHANG | WNOWAIT) == 0
        && info.si_pid == pid;
}

} // namespace

void tst_Strategies::lokyBatchesGrowInWorkerProcesses()
{
    // joblib's default backend: batches in worker processes, starting at one task and growing
    // while they take far less than the ideal 20 ms here, in order, each marked as a group.
    ReusableWorkers::instance().clear();
    const int tasks = 200;
    const int workers = 2;
    const auto spec = workload(tasks, TaskKind::Sleep, DurationSpec::fixed(Ms / 2));
    StrategyOptions options;
    options.minBatchDurationNs = 20 * Ms;
    options.maxBatchDurationNs = 200 * Ms;
    const RunPlan runPlan = plan(QStringLiteral("batched"), spec, workers, options);
    const RunResult result = executeRun(runPlan);
    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    const auto &trace = *result.trace;
    QVERIFY(!trace.hasGilLane());
    const QString problem = test::checkCompleteRun(trace, *runPlan.tasks, workers, false);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QString groupProblem = test::checkGroups(trace);
    QVERIFY2(groupProblem.isEmpty(), qPrintable(groupProblem));

    // Rows of worker processes: each its own, none this one.
    const auto pids = workerPids(trace);
    QCOMPARE(int(std::set<std::int32_t>(pids.begin(), pids.end()).size()), workers);
    for (const std::int32_t pid : pids)
        QVERIFY(pid != ::getpid());

    auto groups = test::taskGroups(trace);
    std::sort(groups.begin(), groups.end(), [](const auto &a, const auto &b) {
        return a.tasks.front() < b.tasks.front();
    });
    std::int32_t next = 0;
    std::size_t biggest = 0;
    for (const auto &group : groups) {
        QCOMPARE(group.tasks.front(), next);
        next += std::int32_t(group.tasks.size());
        biggest = std::max(biggest, group.tasks.size());
    }
    QCOMPARE(next, std::int32_t(tasks));
    // The caller's first batches are single tasks; automatic batching made later ones bigger.
    QCOMPARE(groups.front().tasks.size(), std::size_t(1));
    QVERIFY2(biggest >= 4, qPrintable(QString::number(biggest)));
}

void tst_Strategies::lokyWorkersAreKeptForTheNextRun()
{
    // As loky's reusable executor: the workers of one run are the next run's, so only the
    // first shows them start; a run with more workers starts only the missing ones, one with
    // fewer ends the rest.
    ReusableWorkers::instance().clear();
    const auto spec = workload(12, TaskKind::Sleep, DurationSpec::fixed(1 * Ms));
    const RunResult first = executeRun(plan(QStringLiteral("batched"), spec, 2));
    QVERIFY(first.ok());
    QCOMPARE(countEvents(*first.trace, EventKind::Spawn), 2);
    QCOMPARE(ReusableWorkers::instance().idleCount(), std::size_t(2));
    const auto firstPids = workerPids(*first.trace);

    const RunResult second = executeRun(plan(QStringLiteral("batched"), spec, 2));
    QVERIFY(second.ok());
    QCOMPARE(countEvents(*second.trace, EventKind::Spawn), 0);
    QCOMPARE(workerPids(*second.trace), firstPids);
    QCOMPARE(second.metrics.tasksCompleted, 12);

    const RunResult wider = executeRun(plan(QStringLiteral("batched"), spec, 3));
    QVERIFY(wider.ok());
    QCOMPARE(countEvents(*wider.trace, EventKind::Spawn), 1);
    const auto widerPids = workerPids(*wider.trace);
    QCOMPARE(std::vector<std::int32_t>(widerPids.begin(), widerPids.begin() + 2), firstPids);

    const RunResult narrower = executeRun(plan(QStringLiteral("batched"), spec, 2));
    QVERIFY(narrower.ok());
    QCOMPARE(countEvents(*narrower.trace, EventKind::Spawn), 0);
    QCOMPARE(ReusableWorkers::instance().idleCount(), std::size_t(2));
    // The third worker was ended, and reaped: no zombie is left either.
    QVERIFY(processIsGone(widerPids[2]));

    // A worker that dies while idle is not taken again: the next run starts one in its place.
    QVERIFY(::kill(firstPids[0], SIGKILL) == 0);
    QTRY_VERIFY(hasExited(firstPids[0]));
    const RunResult after = executeRun(plan(QStringLiteral("batched"), spec, 2));
    QVERIFY2(after.ok(), after.error ? qPrintable(after.error->message) : "stopped");
    QCOMPARE(countEvents(*after.trace, EventKind::Spawn), 1);

    ReusableWorkers::instance().clear();
    QCOMPARE(ReusableWorkers::instance().idleCount(), std::size_t(0));
    for (const std::int32_t pid : workerPids(*after.trace))
        QVERIFY(processIsGone(pid));
}

void tst_Strategies::stoppedLokyRunKeepsNoWorkers()
{
    // A run that is stopped ends its workers: what they were doing is cut short, and the next
    // run starts afresh.
    ReusableWorkers::instance().clear();
    const auto spec = workload(40, TaskKind::Sleep, DurationSpec::uniform(20 * Ms, 600 * Ms));
    RunSession session(plan(QStringLiteral("batched"), spec, 2));
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->completedTasks() >= 1, 10000);
    session.requestStop();
    QVERIFY(session.wait(std::chrono::seconds(5)));
    const RunResult &result = session.result();
    QVERIFY(result.stopped);
    QVERIFY(result.metrics.tasksCompleted < spec.taskCount);
    QCOMPARE(ReusableWorkers::instance().idleCount(), std::size_t(0));
    for (const std::int32_t pid : workerPids(*result.trace))
        QVERIFY(processIsGone(pid));
}

void tst_Strategies::withoutJoinTheCallerGoesOnFirst_data()
{
    addStrategyRows(true);
}

// The seed's p1.start(); p2.start(); p3.start() without join(): the caller's row ends once the
// workers are started, long before they finish; the tasks still all run.
void tst_Strategies::withoutJoinTheCallerGoesOnFirst()
{
    QFETCH(QString, strategy);
    StrategyOptions options;
    options.join = false;
    const auto spec = workload(3, TaskKind::Sleep, DurationSpec::fixed(100 * Ms));
    const RunResult result = executeRun(plan(strategy, spec, 3, options));
    QVERIFY(result.ok());
    QCOMPARE(result.metrics.tasksCompleted, 3);
    const auto main = result.trace->events(MainLane);
    QCOMPARE(main.size(), std::size_t(1));
    QCOMPARE(main[0].kind, EventKind::Submit);
    QCOMPARE(result.metrics.callerDoneNs, main[0].endNs);
    QVERIFY2(result.metrics.callerDoneNs < result.metrics.makespanNs / 2,
        qPrintable(QStringLiteral("caller done at %1 ms of %2 ms")
                       .arg(result.metrics.callerDoneNs / 1e6)
                       .arg(result.metrics.makespanNs / 1e6)));

    StrategyOptions joined;
    const RunResult withJoin = executeRun(plan(strategy, spec, 3, joined));
    QCOMPARE(withJoin.metrics.callerDoneNs, withJoin.metrics.makespanNs);
}

// A plain loop has nothing to join: without join it is the same plan, so that a sweep or a
// comparison without join still has its sequential baseline.
void tst_Strategies::sequentialHasNothingToJoin()
{
    StrategyOptions options;
    options.join = false;
    const auto made = makeRunPlan(QStringLiteral("sequential"),
        workload(3, TaskKind::Sleep, DurationSpec::fixed(Ms)),
        WorkerCount::exactly(1),
        options);
    QVERIFY(made.ok());
    QVERIFY(made->options.join);
    const RunResult run = executeRun(*made);
    QVERIFY(run.ok());
    QCOMPARE(run.metrics.callerDoneNs, std::int64_t{0}); // no main row at all

    SweepPlan sweep;
    sweep.strategy = QStringLiteral("thread-pool");
    sweep.workload = workload(4, TaskKind::Sleep, DurationSpec::fixed(Ms));
    sweep.maxWorkers = 2;
    sweep.options = options;
    QVERIFY(SweepSchedule::make(sweep).ok());
}

QTEST_GUILESS_MAIN(tst_Strategies)
#include "tst_strategies.moc"
