#include "metrics/amdahl.h"
#include "metrics/runmetrics.h"
#include "trace/tracerecorder.h"

#include <QTest>

#include <cmath>

using namespace parviz;

class tst_RunMetrics : public QObject
{
    Q_OBJECT

private slots:
    void handBuiltTwoWorkerRun();
    void sleepOvershootIsWork();
    void measuredSequentialBaseline();
    void gilSplitRuns();
    void taskOutcomesAreCounted();
    void emptyTrace();
    void tracedTasksAreTheirOwnPlan();
    void liveMetricsCountTasksInFlight();
    void liveComputationSharesCoresLikeTheEndedOnes();
    void plannedLowerBound();
    void karpFlattValues_data();
    void karpFlattValues();
    void amdahlFitRecoversSerialFraction_data();
    void amdahlFitRecoversSerialFraction();
    void amdahlFitNeedsMoreThanOneWorker();
};

namespace {

std::vector<TaskSpec> plannedTasks(
    std::initializer_list<std::int64_t> durations, TaskKind kind = TaskKind::Cpu)
{
    std::vector<TaskSpec> tasks;
    for (auto ns : durations)
        tasks.push_back(TaskSpec{std::int32_t(tasks.size()), ns, kind, 0.5, false});
    return tasks;
}

} // namespace

void tst_RunMetrics::handBuiltTwoWorkerRun()
{
    TraceRecorder recorder(2, false);
    TraceLane &w0 = recorder.worker(0);
    TraceLane &w1 = recorder.worker(1);
    w0.append(-1, EventKind::Spawn, 0, 10);
    w0.append(0, EventKind::Run, 10, 110);
    w0.append(1, EventKind::Run, 120, 220);
    w1.append(-1, EventKind::Spawn, 0, 20);
    w1.append(2, EventKind::Run, 20, 70);
    w1.append(-1, EventKind::Dispatch, 70, 75);
    w1.append(3, EventKind::Run, 80, 180);
    recorder.main().append(-1, EventKind::Submit, 0, 5);
    recorder.main().append(-1, EventKind::Wait, 5, 230);

    const auto tasks = plannedTasks({100, 100, 40, 100});
    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), tasks);
    QCOMPARE(m.workers, 2);
    QCOMPARE(m.makespanNs, std::int64_t(230));
    QCOMPARE(m.totalWorkNs, std::int64_t(350));
    QCOMPARE(m.plannedWorkNs, std::int64_t(340));
    QCOMPARE(m.effectiveWorkNs, std::int64_t(340)); // task 2 ran 50 for a planned 40
    QCOMPARE(m.longestTaskNs, std::int64_t(100));
    QCOMPARE(m.lowerBoundNs, std::int64_t(175));
    QCOMPARE(m.boundRatio, 230.0 / 175.0);
    QVERIFY(!m.baselineMeasured);
    QCOMPARE(m.baselineNs, std::int64_t(340));
    QCOMPARE(m.speedup, 340.0 / 230.0);
    QCOMPARE(m.efficiency, 340.0 / 230.0 / 2.0);
    QCOMPARE(m.karpFlatt, karpFlatt(340.0 / 230.0, 2));
    QCOMPARE(m.utilisation, (std::vector<double>{200.0 / 230.0, 150.0 / 230.0}));

    // The last task started at 120: idle before it was avoidable, idle after it is the tail.
    QCOMPARE(m.loss.spawnNs, std::int64_t(30));
    QCOMPARE(m.loss.dispatchNs, std::int64_t(5));
    QCOMPARE(m.loss.gilWaitNs, std::int64_t(0));
    QCOMPARE(m.loss.idleQueuedNs, std::int64_t(15));
    QCOMPARE(m.loss.tailIdleNs, std::int64_t(60));
    QCOMPARE(m.loss.contentionNs, std::int64_t(10));
    // Exact by construction.
    QCOMPARE(m.loss.overheadNs(), 2 * m.makespanNs - m.totalWorkNs);
    QCOMPARE(m.loss.totalNs(), 2 * m.makespanNs - m.effectiveWorkNs);
    QCOMPARE(m.tasksCompleted, 4);
    QCOMPARE(m.tasksNotStarted, 0);
}

void tst_RunMetrics::sleepOvershootIsWork()
{
    // A sleep overshoots its deadline just as much when alone: all of its time is work. A CPU
    // task's extra time comes from sharing cores: it is contention, not work.
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 110);
    recorder.worker(1).append(1, EventKind::Run, 0, 130);
    std::vector<TaskSpec> tasks = plannedTasks({100, 100});
    tasks[0].kind = TaskKind::Sleep;
    tasks[1].kind = TaskKind::Mixed;
    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), tasks);
    QCOMPARE(m.totalWorkNs, std::int64_t(240));
    QCOMPARE(m.effectiveWorkNs, std::int64_t(110 + 100));
    QCOMPARE(m.loss.contentionNs, std::int64_t(30));
    QCOMPARE(effectiveWorkNs(tasks[0], 90), std::int64_t(90)); // interrupted: what it did
    QCOMPARE(effectiveWorkNs(tasks[1], 90), std::int64_t(90));
}

void tst_RunMetrics::measuredSequentialBaseline()
{
    TraceRecorder recorder(1, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 100);
    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), plannedTasks({100}), 150);
    QVERIFY(m.baselineMeasured);
    QCOMPARE(m.baselineNs, std::int64_t(150));
    QCOMPARE(m.speedup, 1.5);
    QVERIFY(std::isnan(m.karpFlatt)); // one worker
}

void tst_RunMetrics::gilSplitRuns()
{
    TraceRecorder recorder(2, true);
    TraceLane &w0 = recorder.worker(0);
    TraceLane &w1 = recorder.worker(1);
    w0.append(0, EventKind::Run, 0, 5);
    w0.append(0, EventKind::GilWait, 5, 10);
    w0.append(0, EventKind::Run, 10, 15);
    w1.append(1, EventKind::GilWait, 0, 5);
    w1.append(1, EventKind::Run, 5, 10);
    w1.append(1, EventKind::GilWait, 10, 15);
    w1.append(1, EventKind::Run, 15, 20);
    for (auto [task, start, end] : {std::tuple{0, 0, 5}, {1, 5, 10}, {0, 10, 15}, {1, 15, 20}})
        recorder.gil().append(task, EventKind::GilHold, start, end);

    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), plannedTasks({10, 10}));
    QCOMPARE(m.makespanNs, std::int64_t(20));
    QCOMPARE(m.totalWorkNs, std::int64_t(20));
    QCOMPARE(m.longestTaskNs, std::int64_t(10)); // a task's segments add up
    QCOMPARE(m.loss.gilWaitNs, std::int64_t(15));
    QCOMPARE(m.loss.tailIdleNs, std::int64_t(5)); // last task start: task 1's first run at 5
    QCOMPARE(m.loss.overheadNs(), 2 * 20 - 20);
    QCOMPARE(m.speedup, 1.0); // two workers, no gain: the GIL
    QCOMPARE(m.tasksCompleted, 2);
}

void tst_RunMetrics::taskOutcomesAreCounted()
{
    TraceRecorder recorder(1, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 10);
    recorder.worker(0).append(1, EventKind::Run, 10, 15, EventFlag::Interrupted);
    recorder.worker(0).append(2, EventKind::Run, 15, 16, EventFlag::Failed);
    const RunMetrics m = computeRunMetrics(
        *recorder.snapshot(), plannedTasks({10, 10, 10, 10, 10}, TaskKind::Sleep));
    QCOMPARE(m.tasksCompleted, 1);
    QCOMPARE(m.tasksInterrupted, 1);
    QCOMPARE(m.tasksFailed, 1);
    QCOMPARE(m.tasksNotStarted, 2);
    QCOMPARE(m.plannedWorkNs, std::int64_t(30)); // tasks that started
    QCOMPARE(m.effectiveWorkNs, std::int64_t(10 + 5 + 1));
}

void tst_RunMetrics::emptyTrace()
{
    TraceRecorder recorder(3, false);
    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), plannedTasks({10, 10}));
    QCOMPARE(m.makespanNs, std::int64_t(0));
    QCOMPARE(m.speedup, 0.0);
    QCOMPARE(m.tasksNotStarted, 2);
    QCOMPARE(m.loss.totalNs(), std::int64_t(0));
    QCOMPARE(m.utilisation.size(), std::size_t(3));
}

void tst_RunMetrics::tracedTasksAreTheirOwnPlan()
{
    // A traced program has no planned tasks: its work is what its tasks took, and they count
    // as planned at that, so nothing is contention.
    TraceRecorder recorder(0, false);
    const int a = recorder.addWorkerLane(11);
    const int b = recorder.addWorkerLane(12);
    for (int task = 0; task < 3; ++task)
        QCOMPARE(recorder.addTask(QStringLiteral("__main__.work"), QString::number(task)), task);
    recorder.worker(a).append(0, EventKind::Run, 0, 100);
    recorder.worker(a).append(1, EventKind::Run, 100, 150);
    recorder.worker(b).append(2, EventKind::Run, 10, 210);
    recorder.main().append(-1, EventKind::Wait, 0, 220);
    const RunMetrics m = computeRunMetrics(*recorder.snapshot(), {});
    QCOMPARE(m.workers, 2);
    QCOMPARE(m.tasksCompleted, 3);
    QCOMPARE(m.totalWorkNs, std::int64_t(350));
    QCOMPARE(m.plannedWorkNs, std::int64_t(350));
    QCOMPARE(m.effectiveWorkNs, std::int64_t(350));
    QCOMPARE(m.loss.contentionNs, std::int64_t(0));
    QCOMPARE(m.longestTaskNs, std::int64_t(200));
    QCOMPARE(m.speedup, 350.0 / 220.0);
    // ParViz's own runs without tasks stay without: no plan, no recorded tasks.
    TraceRecorder own(1, false);
    own.worker(0).append(0, EventKind::Run, 0, 100);
    QCOMPARE(computeRunMetrics(*own.snapshot(), {}).tasksCompleted, 0);
}

void tst_RunMetrics::liveMetricsCountTasksInFlight()
{
    // Live, a task still running is busy time, not idle, and the makespan so far is now.
    TraceRecorder recorder(2, false);
    recorder.startClock();
    recorder.worker(0).append(0, EventKind::Run, 0, 10);
    recorder.worker(1).begin(1, EventKind::Run, 0);
    const auto snapshot = recorder.snapshot();
    const auto tasks = plannedTasks({10, 1'000'000'000}, TaskKind::Sleep);
    const RunMetrics live = computeLiveRunMetrics(*snapshot, tasks);
    QCOMPARE(live.makespanNs, snapshot->takenAtNs());
    QCOMPARE(live.tasksCompleted, 1);
    QCOMPARE(live.tasksRunning, 1);
    QCOMPARE(live.tasksNotStarted, 0);
    QVERIFY(live.utilisation[1] > 0.99); // running all along
    QCOMPARE(live.loss.overheadNs(), 2 * live.makespanNs - live.totalWorkNs);
    // After the fact, only what finished counts.
    const RunMetrics finished = computeRunMetrics(*snapshot, tasks);
    QCOMPARE(finished.tasksRunning, 0);
    QCOMPARE(finished.tasksNotStarted, 1);
    QCOMPARE(finished.makespanNs, std::int64_t(10));
}

void tst_RunMetrics::liveComputationSharesCoresLikeTheEndedOnes()
{
    // Two computations took twice their planned time (cores shared by two): the one still
    // running counts half its time so far as work, not all of it.
    TraceRecorder recorder(3, false);
    recorder.startClock();
    recorder.worker(0).append(0, EventKind::Run, 0, 200);
    recorder.worker(1).append(1, EventKind::Run, 0, 200);
    recorder.worker(2).begin(2, EventKind::Run, 0);
    const auto snapshot = recorder.snapshot();
    const auto tasks = plannedTasks({100, 100, 1'000'000'000'000});
    const RunMetrics live = computeLiveRunMetrics(*snapshot, tasks);
    QCOMPARE(live.tasksRunning, 1);
    QCOMPARE(live.effectiveWorkNs, 200 + snapshot->takenAtNs() / 2);
    QCOMPARE(live.totalWorkNs, 400 + snapshot->takenAtNs());
}

void tst_RunMetrics::plannedLowerBound()
{
    const auto tasks = plannedTasks({10, 20, 30, 100});
    QCOMPARE(plannedLowerBoundNs(tasks, 1), std::int64_t(160));
    QCOMPARE(plannedLowerBoundNs(tasks, 2), std::int64_t(100)); // the longest task
    QCOMPARE(plannedLowerBoundNs(plannedTasks({10, 10, 10}), 2), std::int64_t(15));
    QCOMPARE(plannedLowerBoundNs(tasks, 0), std::int64_t(0));
}

void tst_RunMetrics::karpFlattValues_data()
{
    QTest::addColumn<double>("speedup");
    QTest::addColumn<int>("workers");
    QTest::addColumn<double>("expected");
    QTest::newRow("perfect speedup: no serial part") << 4.0 << 4 << 0.0;
    QTest::newRow("no speedup: all serial") << 1.0 << 4 << 1.0;
    QTest::newRow("half of ideal on 2") << 1.5 << 2 << (1.0 / 1.5 - 0.5) / 0.5;
}

void tst_RunMetrics::karpFlattValues()
{
    QFETCH(double, speedup);
    QFETCH(int, workers);
    QFETCH(double, expected);
    QCOMPARE(karpFlatt(speedup, workers), expected);
}

void tst_RunMetrics::amdahlFitRecoversSerialFraction_data()
{
    QTest::addColumn<double>("serial");
    QTest::newRow("none") << 0.0;
    QTest::newRow("ten percent") << 0.1;
    QTest::newRow("half") << 0.5;
    QTest::newRow("all") << 1.0;
}

void tst_RunMetrics::amdahlFitRecoversSerialFraction()
{
    QFETCH(double, serial);
    std::vector<SpeedupPoint> points;
    for (int p = 1; p <= 12; ++p)
        points.push_back({p, 1.0 / (serial + (1.0 - serial) / p)});
    const AmdahlFit fit = fitAmdahl(points);
    QVERIFY(std::abs(fit.serialFraction - serial) < 1e-12);
    QVERIFY(std::abs(fit.speedupAt(12) - points.back().speedup) < 1e-9);
    if (serial > 0)
        QVERIFY(std::abs(fit.maxSpeedup() - 1.0 / serial) < 1e-9);
    else
        QVERIFY(std::isinf(fit.maxSpeedup()));
}

void tst_RunMetrics::amdahlFitNeedsMoreThanOneWorker()
{
    QVERIFY(std::isnan(fitAmdahl({}).serialFraction));
    QVERIFY(std::isnan(fitAmdahl({{1, 1.0}}).serialFraction));
    // Superlinear noise is clamped to a serial fraction of 0.
    QCOMPARE(fitAmdahl({{2, 2.5}, {4, 5.0}}).serialFraction, 0.0);
}

QTEST_GUILESS_MAIN(tst_RunMetrics)
#include "tst_runmetrics.moc"
