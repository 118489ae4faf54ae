#include "plan/runcontext.h"
#include "run/planning.h"
#include "strategies/taskqueue.h"
#include "strategies/workerthreads.h"

#include <QTest>

#include <atomic>
#include <stdexcept>

using namespace parviz;

class tst_WorkerThreads : public QObject
{
    Q_OBJECT

private slots:
    void eachThreadBeginsWithItsSpawn();
    void unwindingStopsWaitingWorkers();
};

namespace {

RunPlan smallPlan(int workers)
{
    WorkloadSpec workload;
    workload.taskCount = 4;
    return makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(workers))
        .value();
}

} // namespace

void tst_WorkerThreads::eachThreadBeginsWithItsSpawn()
{
    const RunPlan plan = smallPlan(3);
    TraceRecorder recorder(3, false);
    recorder.startClock();
    RunContext context(plan, recorder, {});
    std::atomic<int> ran{0};
    {
        WorkerThreads threads(context, [&ran](int) { ++ran; });
        threads.startAll(3);
        QCOMPARE(threads.startedCount(), 3);
    }
    QCOMPARE(ran.load(), 3);
    const auto snapshot = recorder.snapshot();
    for (int worker = 0; worker < 3; ++worker) {
        QCOMPARE(snapshot->eventCount(worker), std::size_t(1));
        const TaskEvent &spawn = snapshot->event(worker, 0);
        QCOMPARE(spawn.kind, EventKind::Spawn);
        QVERIFY(spawn.startNs <= spawn.endNs);
    }
    QVERIFY(!context.failure());
}

void tst_WorkerThreads::unwindingStopsWaitingWorkers()
{
    // The caller throws after starting workers that wait for tasks it will never submit: the
    // threads must be stopped and joined, not waited for forever.
    const RunPlan plan = smallPlan(2);
    TraceRecorder recorder(2, false);
    RunContext context(plan, recorder, {});
    TaskQueue queue(4);
    bool thrown = false;
    try {
        WorkerThreads threads(context, [&](int) {
            while (queue.pop(context.stopToken())) { }
        });
        threads.startAll(2);
        throw std::runtime_error("out of something");
    } catch (const std::runtime_error &) {
        thrown = true;
    }
    QVERIFY(thrown);
    QVERIFY(context.stopRequested());
    QCOMPARE(context.failure().value_or(Error{}).code, QStringLiteral("internal-error"));
}

QTEST_GUILESS_MAIN(tst_WorkerThreads)
#include "tst_workerthreads.moc"
