#include "metrics/amdahl.h"
#include "metrics/liverunmetrics.h"
#include "run/machineload.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "trace/tracerecorder.h"

#include <QTest>

#include <cmath>

using namespace parviz;

// The numbers a reader could misread: the machine's load during a run (from given /proc/stat
// samples), a run as it stood at a moment of its replay, a Karp-Flatt value out of 0..1, and
// parts of a loss budget too small for their ratio to mean anything.
class tst_MachineLoad : public QObject
{
    Q_OBJECT

private slots:
    void busyTimeFromProcStat_data();
    void busyTimeFromProcStat();
    void disturbedFromSamples_data();
    void disturbedFromSamples();
    void aRunMeasuresTheMachine();
    void momentOfATrace();
    void karpFlattOutOfRangeIsExplained_data();
    void karpFlattOutOfRangeIsExplained();
    void tinyPartsAreNoise();
};

constexpr std::int64_t Ms = 1'000'000;

void tst_MachineLoad::busyTimeFromProcStat_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<qint64>("busyNs"); // -1: refused
    // user nice system idle iowait irq softirq steal guest guest_nice: all but idle and iowait.
    QTest::newRow("linux 5") << QByteArray("cpu  100 2 30 5000 40 1 6 7 0 0\ncpu0 50 1 15\n")
                             << qint64((100 + 2 + 30 + 1 + 6 + 7) * 10 * Ms);
    QTest::newRow("four fields") << QByteArray("cpu 10 0 5 900\n") << qint64(15 * 10 * Ms);
    QTest::newRow("a cpu line first is required") << QByteArray("intr 1 2 3\n") << qint64(-1);
    QTest::newRow("too few fields") << QByteArray("cpu 10 0\n") << qint64(-1);
    QTest::newRow("not a number") << QByteArray("cpu 10 x 5 900\n") << qint64(-1);
    QTest::newRow("empty") << QByteArray() << qint64(-1);
}

void tst_MachineLoad::busyTimeFromProcStat()
{
    QFETCH(QByteArray, text);
    QFETCH(qint64, busyNs);
    const auto busy = machineBusyNsOf(std::string_view(text.constData(), text.size()));
    QCOMPARE(busy.value_or(-1), busyNs);
}

void tst_MachineLoad::disturbedFromSamples_data()
{
    // A run of one second on the wall clock; the machine's busy time and ParViz's own grow by
    // these, in milliseconds.
    QTest::addColumn<qint64>("wallMs");
    QTest::addColumn<qint64>("machineMs");
    QTest::addColumn<qint64>("ownMs");
    QTest::addColumn<double>("otherCores");
    QTest::addColumn<bool>("disturbed");
    QTest::newRow("quiet: only ParViz")
        << qint64(1000) << qint64(2000) << qint64(1990) << 0.01 << false;
    QTest::newRow("a process took most of a core")
        << qint64(1000) << qint64(1800) << qint64(1000) << 0.8 << true;
    QTest::newRow("a quarter of a core, within the ticks")
        << qint64(1000) << qint64(1260) << qint64(1000) << 0.26 << false;
    QTest::newRow("a third of a core")
        << qint64(1000) << qint64(1350) << qint64(1000) << 0.35 << true;
    // Two ticks in 50 ms are 0.4 cores: a short run cannot be called disturbed by them.
    QTest::newRow("short run, two ticks") << qint64(50) << qint64(30) << qint64(10) << 0.4 << false;
    QTest::newRow("own time read above the machine's")
        << qint64(1000) << qint64(990) << qint64(1000) << 0.0 << false;
}

void tst_MachineLoad::disturbedFromSamples()
{
    QFETCH(qint64, wallMs);
    QFETCH(qint64, machineMs);
    QFETCH(qint64, ownMs);
    QFETCH(double, otherCores);
    QFETCH(bool, disturbed);
    const CpuSample start{5'000 * Ms, 70'000 * Ms, 300 * Ms, 1};
    const CpuSample end{start.wallNs + wallMs * Ms,
        start.machineBusyNs + machineMs * Ms,
        start.ownNs + ownMs * Ms,
        1};
    const MachineLoad load = machineLoadBetween(start, end);
    QVERIFY(load.known());
    QVERIFY2(std::abs(load.otherCores - otherCores) < 1e-9,
        qPrintable(QString::number(load.otherCores)));
    QCOMPARE(load.disturbed, disturbed);

    // Without /proc/stat, nothing is known and nothing is flagged.
    CpuSample unreadable = end;
    unreadable.machineBusyNs = -1;
    QVERIFY(!machineLoadBetween(start, unreadable).known());
    QVERIFY(!machineLoadBetween(start, unreadable).disturbed);
}

void tst_MachineLoad::aRunMeasuresTheMachine()
{
    // Whatever else this machine does, a run has its load measured, and it is a number of
    // cores no larger than the machine has.
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.duration = DurationSpec::fixed(5 * Ms);
    workload.kind = TaskKind::Sleep;
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);
    const RunResult run = executeRun(*plan);
    QVERIFY(run.ok());
    QVERIFY(run.machineLoad.known());
    QVERIFY(run.machineLoad.otherCores >= 0.0);
    QVERIFY2(run.machineLoad.otherCores <= 1.5 * plan->cpus + 2.0,
        qPrintable(QString::number(run.machineLoad.otherCores)));
}

void tst_MachineLoad::momentOfATrace()
{
    // Worker 0 runs task 0 over [0, 100) and task 1 over [100, 300); worker 1 task 2 over
    // [50, 250) in two parts, a GIL wait between them.
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 100);
    recorder.worker(0).append(1, EventKind::Run, 100, 300);
    recorder.worker(1).append(2, EventKind::Run, 50, 120);
    recorder.worker(1).append(2, EventKind::GilWait, 120, 150);
    recorder.worker(1).append(2, EventKind::Run, 150, 250);
    const auto whole = recorder.snapshot();
    std::vector<TaskSpec> tasks;
    for (std::int64_t ns : {100, 200, 170})
        tasks.push_back(TaskSpec{std::int32_t(tasks.size()), ns, TaskKind::Sleep, 1.0, false});

    struct Moment
    {
        std::int64_t ns;
        int completed;
        int running;
    };
    for (const Moment &moment : {Moment{0, 0, 0},
             Moment{60, 0, 2},
             Moment{100, 1, 1}, // task 0 ended at 100 exactly; task 1 starts then
             Moment{130, 1, 2}, // task 2 waits for the GIL: still running, not done
             Moment{260, 2, 1},
             Moment{400, 3, 0}}) {
        const auto at = whole->until(moment.ns);
        QCOMPARE(at->takenAtNs(), std::min<std::int64_t>(moment.ns, whole->takenAtNs()));
        QCOMPARE(at->completedTasks(), std::int64_t(moment.completed));
        const RunMetrics metrics = computeLiveRunMetrics(*at, tasks);
        QCOMPARE(metrics.tasksCompleted, moment.completed);
        QCOMPARE(metrics.tasksRunning, moment.running);
        QCOMPARE(metrics.tasksNotStarted, 3 - moment.completed - moment.running);
    }
    // Moving forward, the incremental metrics agree with the batch ones at every moment.
    LiveRunMetrics live;
    const auto shared = std::make_shared<const std::vector<TaskSpec>>(tasks);
    for (std::int64_t ns = 0; ns <= 320; ns += 10) {
        const auto at = whole->until(ns);
        live.update(at, shared);
        QCOMPARE(live.live().tasksCompleted, computeLiveRunMetrics(*at, tasks).tasksCompleted);
        QCOMPARE(live.live().makespanNs, computeLiveRunMetrics(*at, tasks).makespanNs);
    }
    QCOMPARE(live.live().tasksCompleted, 3);
}

void tst_MachineLoad::karpFlattOutOfRangeIsExplained_data()
{
    QTest::addColumn<double>("speedup");
    QTest::addColumn<int>("workers");
    QTest::addColumn<QString>("says");
    // A GIL run on two workers, a little slower than one: 1.19.
    QTest::newRow("slower than one worker") << 1.0 / 1.095 << 2 << "above 1";
    QTest::newRow("superlinear") << 2.5 << 2 << "below 0";
    QTest::newRow("a fraction") << 1.6 << 2 << "";
    QTest::newRow("one worker") << 1.0 << 1 << "";
}

void tst_MachineLoad::karpFlattOutOfRangeIsExplained()
{
    QFETCH(double, speedup);
    QFETCH(int, workers);
    QFETCH(QString, says);
    const double e = karpFlatt(speedup, workers);
    const QString note = karpFlattNote(e);
    const QString described = describeKarpFlatt(e);
    if (says.isEmpty()) {
        QVERIFY(note.isEmpty());
        QVERIFY(!described.contains(QLatin1Char('(')));
    } else {
        QVERIFY2(note.startsWith(says), qPrintable(note));
        QVERIFY2(described.startsWith(QString::number(e, 'f', 3)), qPrintable(described));
        QVERIFY2(described.contains(note), qPrintable(described));
    }
    if (workers == 2 && speedup < 1.0)
        QCOMPARE(QString::number(e, 'f', 2), QStringLiteral("1.19"));
}

void tst_MachineLoad::tinyPartsAreNoise()
{
    RunMetrics metrics;
    metrics.workers = 4;
    metrics.makespanNs = 100 * Ms; // 400 ms of worker time
    QVERIFY(isNoise(4'000, metrics)); // 4 µs
    QVERIFY(isNoise(3 * Ms, metrics)); // under 1%
    QVERIFY(!isNoise(5 * Ms, metrics));
    // A lower bound of microseconds: the makespan's ratio to it is start-up, not scheduling.
    metrics.lowerBoundNs = 12'000;
    QVERIFY(boundRatioIsNoise(metrics));
    metrics.lowerBoundNs = 90 * Ms;
    QVERIFY(!boundRatioIsNoise(metrics));
}

QTEST_GUILESS_MAIN(tst_MachineLoad)
#include "tst_machineload.moc"
