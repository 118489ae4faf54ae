#include "metrics/liverunmetrics.h"
#include "trace/tracerecorder.h"

#include <QTest>

#include <cmath>
#include <random>

using namespace parviz;

// LiveRunMetrics against the batch computation: on random traces, snapshot after snapshot as
// they grow, live() must equal computeLiveRunMetrics() and finished() computeRunMetrics(),
// every field, exactly.
class tst_LiveRunMetrics : public QObject
{
    Q_OBJECT

private slots:
    void equalsBatchOnRandomTraces_data();
    void equalsBatchOnRandomTraces();
    void firstStartMovingBackIsExact();
    void anotherRecordingStartsAgain();
    void readsOnlyNewEvents();
    void lanesAddedBetweenUpdates();
    void tracedTasksWithoutAPlan();
};

namespace {

// Field by field, so that a failure names the field. NaN equals NaN (Karp-Flatt of one worker).
bool same(double a, double b)
{
    return a == b || (std::isnan(a) && std::isnan(b));
}

QString differences(const RunMetrics &a, const RunMetrics &b)
{
    QStringList out;
    auto check = [&](const char *name, auto x, auto y) {
        if (!same(double(x), double(y)))
            out << QStringLiteral("%1: %2 != %3").arg(QLatin1String(name)).arg(x).arg(y);
    };
    check("workers", a.workers, b.workers);
    check("makespanNs", a.makespanNs, b.makespanNs);
    check("callerDoneNs", a.callerDoneNs, b.callerDoneNs);
    check("totalWorkNs", a.totalWorkNs, b.totalWorkNs);
    check("plannedWorkNs", a.plannedWorkNs, b.plannedWorkNs);
    check("effectiveWorkNs", a.effectiveWorkNs, b.effectiveWorkNs);
    check("longestTaskNs", a.longestTaskNs, b.longestTaskNs);
    check("lowerBoundNs", a.lowerBoundNs, b.lowerBoundNs);
    check("boundRatio", a.boundRatio, b.boundRatio);
    check("baselineNs", a.baselineNs, b.baselineNs);
    check("baselineMeasured", a.baselineMeasured, b.baselineMeasured);
    check("speedup", a.speedup, b.speedup);
    check("efficiency", a.efficiency, b.efficiency);
    check("karpFlatt", a.karpFlatt, b.karpFlatt);
    check("spawnNs", a.loss.spawnNs, b.loss.spawnNs);
    check("dispatchNs", a.loss.dispatchNs, b.loss.dispatchNs);
    check("gilWaitNs", a.loss.gilWaitNs, b.loss.gilWaitNs);
    check("idleQueuedNs", a.loss.idleQueuedNs, b.loss.idleQueuedNs);
    check("tailIdleNs", a.loss.tailIdleNs, b.loss.tailIdleNs);
    check("contentionNs", a.loss.contentionNs, b.loss.contentionNs);
    check("tasksCompleted", a.tasksCompleted, b.tasksCompleted);
    check("tasksRunning", a.tasksRunning, b.tasksRunning);
    check("tasksInterrupted", a.tasksInterrupted, b.tasksInterrupted);
    check("tasksFailed", a.tasksFailed, b.tasksFailed);
    check("tasksNotStarted", a.tasksNotStarted, b.tasksNotStarted);
    check("utilisation.size", a.utilisation.size(), b.utilisation.size());
    for (std::size_t i = 0; i < std::min(a.utilisation.size(), b.utilisation.size()); ++i)
        check("utilisation", a.utilisation[i], b.utilisation[i]);
    return out.join(QLatin1String("; "));
}

// A run written by hand, a few events at a time, as workers would: each worker takes tasks
// from a shared queue and records spawn, dispatch, GIL waits and runs, some interrupted,
// failed or abandoned (and then queued again, to run on another worker). Between the writes,
// some workers leave an event open: in flight in the next snapshot.
class RandomRun
{
public:
    RandomRun(std::uint32_t seed, int workers, int tasks)
        : m_random(seed)
        , m_recorder(workers, false)
        , m_cursor(std::size_t(workers), 0)
    {
        auto specs = std::make_shared<std::vector<TaskSpec>>();
        for (int i = 0; i < tasks; ++i) {
            const auto kind = static_cast<TaskKind>(pick(0, 2));
            specs->push_back(TaskSpec{i, pick(5, 200), kind, 0.5, false});
            m_queue.push_back(i);
        }
        m_tasks = specs;
        m_recorder.main().append(-1, EventKind::Submit, 0, pick(1, 20));
    }

    const std::shared_ptr<const std::vector<TaskSpec>> &tasks() const { return m_tasks; }
    bool done() const { return m_queue.empty(); }

    // Writes up to `events` events, spread over the workers, and opens some; then a snapshot.
    std::shared_ptr<const TraceSnapshot> step(int events)
    {
        for (int i = 0; i < events && !m_queue.empty(); ++i) {
            const int worker = int(pick(0, m_recorder.workerCount() - 1));
            TraceLane &lane = m_recorder.worker(worker);
            if (lane.isOpen())
                close(worker);
            else
                write(worker);
        }
        for (int worker = 0; worker < m_recorder.workerCount(); ++worker) {
            if (!m_queue.empty() && !m_recorder.worker(worker).isOpen() && pick(0, 3) == 0)
                open(worker);
        }
        if (m_queue.empty()) {
            for (int worker = 0; worker < m_recorder.workerCount(); ++worker) {
                if (m_recorder.worker(worker).isOpen())
                    close(worker);
            }
            std::int64_t end = 0;
            for (std::int64_t cursor : m_cursor)
                end = std::max(end, cursor);
            m_recorder.main().append(-1, EventKind::Wait, 20, end + pick(0, 5));
        }
        return m_recorder.snapshot();
    }

private:
    std::int64_t pick(std::int64_t low, std::int64_t high)
    {
        return std::uniform_int_distribution<std::int64_t>(low, high)(m_random);
    }
    std::int64_t &cursor(int worker) { return m_cursor[std::size_t(worker)]; }

    // A finished event on `worker`, after a gap.
    void write(int worker)
    {
        TraceLane &lane = m_recorder.worker(worker);
        const std::int64_t start = cursor(worker) + pick(0, 30);
        const std::int64_t end = start + pick(0, 150);
        cursor(worker) = end;
        const std::int64_t what = pick(0, 9);
        if (what == 0) {
            lane.append(-1, EventKind::Spawn, start, end);
        } else if (what == 1) {
            lane.append(-1, EventKind::Dispatch, start, end);
        } else {
            const int task = takeTask();
            const auto kind = what == 2 ? EventKind::GilWait : EventKind::Run;
            lane.append(task, kind, start, end, flags());
        }
    }
    void open(int worker)
    {
        const std::int64_t start = cursor(worker) + pick(0, 30);
        const std::int64_t what = pick(0, 6);
        const auto kind = what == 0 ? EventKind::Spawn
            : what == 1             ? EventKind::GilWait
                                    : EventKind::Run;
        m_recorder.worker(worker).begin(kind == EventKind::Spawn ? -1 : takeTask(), kind, start);
        cursor(worker) = start;
    }
    void close(int worker)
    {
        const std::int64_t end = cursor(worker) + pick(0, 150);
        cursor(worker) = end;
        const std::uint8_t f = pick(0, 9) == 0 ? EventFlag::Interrupted : 0;
        m_recorder.worker(worker).end(end, f);
    }
    // Usually the next task of the queue; sometimes one already run (a GIL thread's next slice,
    // or a task queued again after its worker died).
    int takeTask()
    {
        if (!m_taken.empty() && pick(0, 5) == 0)
            return m_taken[std::size_t(pick(0, std::int64_t(m_taken.size()) - 1))];
        const int task = m_queue.front();
        m_queue.erase(m_queue.begin());
        m_taken.push_back(task);
        return task;
    }
    std::uint8_t flags()
    {
        switch (pick(0, 19)) {
        case 0:
            return EventFlag::Interrupted;
        case 1:
            return EventFlag::Failed;
        case 2:
            return EventFlag::Failed | EventFlag::Abandoned;
        default:
            return 0;
        }
    }

    std::mt19937 m_random;
    TraceRecorder m_recorder;
    std::vector<std::int64_t> m_cursor;
    std::shared_ptr<const std::vector<TaskSpec>> m_tasks;
    std::vector<int> m_queue;
    std::vector<int> m_taken;
};

} // namespace

void tst_LiveRunMetrics::equalsBatchOnRandomTraces_data()
{
    QTest::addColumn<std::uint32_t>("seed");
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<int>("eventsPerStep");
    QTest::newRow("1 worker") << 1u << 1 << 60 << 3;
    QTest::newRow("3 workers") << 2u << 3 << 200 << 7;
    QTest::newRow("8 workers, small steps") << 3u << 8 << 400 << 2;
    QTest::newRow("8 workers, large steps") << 4u << 8 << 1000 << 50;
    QTest::newRow("16 workers") << 5u << 16 << 500 << 11;
    QTest::newRow("one step") << 6u << 4 << 100 << 100'000;
    for (std::uint32_t seed = 7; seed < 12; ++seed)
        QTest::addRow("seed %u", seed) << seed << int(2 + seed % 5) << 300 << int(seed % 4 + 1);
}

void tst_LiveRunMetrics::equalsBatchOnRandomTraces()
{
    QFETCH(std::uint32_t, seed);
    QFETCH(int, workers);
    QFETCH(int, tasks);
    QFETCH(int, eventsPerStep);
    RandomRun run(seed, workers, tasks);
    LiveRunMetrics live;
    int steps = 0;
    std::shared_ptr<const TraceSnapshot> snapshot;
    while (!run.done()) {
        snapshot = run.step(eventsPerStep);
        live.update(snapshot, run.tasks());
        const QString liveDiff =
            differences(live.live(), computeLiveRunMetrics(*snapshot, *run.tasks()));
        QVERIFY2(
            liveDiff.isEmpty(), qPrintable(QStringLiteral("step %1: %2").arg(steps).arg(liveDiff)));
        const QString doneDiff =
            differences(live.finished(), computeRunMetrics(*snapshot, *run.tasks()));
        QVERIFY2(
            doneDiff.isEmpty(), qPrintable(QStringLiteral("step %1: %2").arg(steps).arg(doneDiff)));
        ++steps;
    }
    // The run's end: nothing in flight, and the figures of the run's result.
    QVERIFY(snapshot->inFlight().empty());
    QVERIFY(steps >= 1);
    const RunMetrics final = computeRunMetrics(*snapshot, *run.tasks());
    QVERIFY(final.tasksCompleted + final.tasksFailed + final.tasksInterrupted > 0);
    QCOMPARE(differences(live.finished(), final), QString());
}

void tst_LiveRunMetrics::firstStartMovingBackIsExact()
{
    // Task 1 starts last (at 300) on worker 0; then worker 1 shows an earlier attempt of it
    // (at 100, abandoned): the latest first start moves back to 100, and the idle time of
    // worker 0 between 150 and 300 is no longer "queued".
    auto tasks = std::make_shared<const std::vector<TaskSpec>>(
        std::vector<TaskSpec>{{0, 100, TaskKind::Sleep}, {1, 100, TaskKind::Sleep}});
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(0, EventKind::Run, 50, 150);
    recorder.worker(0).append(1, EventKind::Run, 300, 400);
    LiveRunMetrics live;
    auto first = recorder.snapshot();
    live.update(first, tasks);
    QCOMPARE(differences(live.finished(), computeRunMetrics(*first, *tasks)), QString());
    QCOMPARE(live.finished().loss.idleQueuedNs, 50 + 150 + 300); // both workers idle before 300

    recorder.worker(1).append(1, EventKind::Run, 100, 120, EventFlag::Abandoned);
    auto second = recorder.snapshot();
    live.update(second, tasks);
    const RunMetrics batch = computeRunMetrics(*second, *tasks);
    QCOMPARE(batch.loss.idleQueuedNs, 50 + 100); // split at 100 now
    QCOMPARE(differences(live.finished(), batch), QString());

    // And in flight: an open attempt that started earlier than the finished one.
    recorder.worker(1).begin(1, EventKind::Run, 130);
    auto third = recorder.snapshot();
    live.update(third, tasks);
    QCOMPARE(differences(live.live(), computeLiveRunMetrics(*third, *tasks)), QString());
}

void tst_LiveRunMetrics::anotherRecordingStartsAgain()
{
    auto tasks = std::make_shared<const std::vector<TaskSpec>>(
        std::vector<TaskSpec>{{0, 100, TaskKind::Cpu}, {1, 100, TaskKind::Cpu}});
    TraceRecorder one(1, false);
    one.worker(0).append(0, EventKind::Run, 0, 100);
    one.worker(0).append(1, EventKind::Run, 100, 250);
    TraceRecorder other(2, false);
    other.worker(1).append(1, EventKind::Run, 10, 60);
    LiveRunMetrics live;
    live.update(one.snapshot(), tasks);
    QCOMPARE(live.finished().tasksCompleted, 2);
    auto snapshot = other.snapshot();
    live.update(snapshot, tasks);
    QCOMPARE(differences(live.finished(), computeRunMetrics(*snapshot, *tasks)), QString());
    QCOMPARE(live.finished().tasksCompleted, 1);
    live.update(nullptr, tasks);
    QVERIFY(live.isEmpty());
}

void tst_LiveRunMetrics::readsOnlyNewEvents()
{
    // An event changed in place after it was read is not read again: the sums come from what
    // each update() added, not from the whole trace. (Lanes never change a published event;
    // this only shows what the class reads.)
    auto tasks = std::make_shared<const std::vector<TaskSpec>>(
        std::vector<TaskSpec>{{0, 100, TaskKind::Sleep}, {1, 100, TaskKind::Sleep}});
    TraceRecorder recorder(1, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 100);
    LiveRunMetrics live;
    live.update(recorder.snapshot(), tasks);
    auto snapshot = recorder.snapshot();
    const_cast<TaskEvent &>(snapshot->event(0, 0)).endNs = 50;
    recorder.worker(0).append(1, EventKind::Run, 100, 200);
    snapshot = recorder.snapshot();
    live.update(snapshot, tasks);
    QCOMPARE(live.finished().totalWorkNs, 100 + 100); // the first event as it was read
    QCOMPARE(computeRunMetrics(*snapshot, *tasks).totalWorkNs, 50 + 100);
}

void tst_LiveRunMetrics::lanesAddedBetweenUpdates()
{
    // A traced program's rows appear as its threads start: the sums take the new lanes in, and
    // the GIL lane's events stay the GIL lane's.
    auto tasks = std::make_shared<const std::vector<TaskSpec>>(std::vector<TaskSpec>{
        {0, 100, TaskKind::Cpu}, {1, 100, TaskKind::Cpu}, {2, 100, TaskKind::Sleep}});
    TraceRecorder recorder(1, true);
    recorder.main().append(-1, EventKind::Submit, 0, 10);
    recorder.worker(0).append(0, EventKind::Run, 10, 120);
    recorder.gil().append(0, EventKind::GilHold, 10, 120);
    LiveRunMetrics live;
    live.update(recorder.snapshot(), tasks);
    QCOMPARE(recorder.addWorkerLane(4242), 1);
    QCOMPARE(recorder.addWorkerLane(4243, QStringLiteral("thread 2")), 2);
    recorder.worker(1).append(-1, EventKind::Spawn, 50, 80);
    recorder.worker(1).append(1, EventKind::Run, 80, 200);
    recorder.gil().append(1, EventKind::GilHold, 120, 200);
    recorder.worker(2).begin(2, EventKind::Run, 150);
    auto snapshot = recorder.snapshot();
    live.update(snapshot, tasks);
    QCOMPARE(live.finished().workers, 3);
    QCOMPARE(differences(live.finished(), computeRunMetrics(*snapshot, *tasks)), QString());
    QCOMPARE(differences(live.live(), computeLiveRunMetrics(*snapshot, *tasks)), QString());
    recorder.worker(2).end(260);
    recorder.worker(0).append(-1, EventKind::Dispatch, 260, 270);
    snapshot = recorder.snapshot();
    live.update(snapshot, tasks);
    QCOMPARE(differences(live.finished(), computeRunMetrics(*snapshot, *tasks)), QString());
    QCOMPARE(live.finished().tasksCompleted, 3);
}

void tst_LiveRunMetrics::tracedTasksWithoutAPlan()
{
    // A traced program has no planned tasks: its tasks are the trace's, added as they come, and
    // the sums follow them as computeRunMetrics() does, a task in flight included.
    const std::shared_ptr<const std::vector<TaskSpec>> noPlan;
    TraceRecorder recorder(0, false);
    LiveRunMetrics live;
    live.update(recorder.snapshot(), noPlan);
    QCOMPARE(live.live().tasksNotStarted, 0);
    const int a = recorder.addWorkerLane(11);
    recorder.main().append(-1, EventKind::Submit, 0, 5);
    recorder.worker(a).append(recorder.addTask(QStringLiteral("f"), {}), EventKind::Run, 5, 100);
    recorder.worker(a).begin(recorder.addTask(QStringLiteral("f"), {}), EventKind::Run, 100);
    auto snapshot = recorder.snapshot();
    live.update(snapshot, noPlan);
    QCOMPARE(differences(live.live(), computeLiveRunMetrics(*snapshot, {})), QString());
    QCOMPARE(differences(live.finished(), computeRunMetrics(*snapshot, {})), QString());
    QCOMPARE(live.finished().tasksCompleted, 1);
    const int b = recorder.addWorkerLane(12);
    recorder.addTask(QStringLiteral("g"), {}); // added, not yet started
    recorder.worker(a).end(180);
    recorder.worker(b).append(recorder.addTask(QStringLiteral("g"), {}), EventKind::Run, 120, 300);
    recorder.worker(b).begin(recorder.addTask(QStringLiteral("g"), {}), EventKind::Run, 300);
    snapshot = recorder.snapshot();
    live.update(snapshot, noPlan);
    QCOMPARE(differences(live.live(), computeLiveRunMetrics(*snapshot, {})), QString());
    QCOMPARE(differences(live.finished(), computeRunMetrics(*snapshot, {})), QString());
    QCOMPARE(live.finished().tasksCompleted, 3);
    QCOMPARE(live.live().tasksRunning, 1);
    QCOMPARE(live.live().tasksNotStarted, 1);
    QCOMPARE(live.live().totalWorkNs, live.live().plannedWorkNs);
}

QTEST_GUILESS_MAIN(tst_LiveRunMetrics)
#include "tst_liverunmetrics.moc"
