#include "strategies/gil.h"
#include "util/clock.h"
#include "workload/cpuwork.h"

#include <QTest>

#include <atomic>
#include <thread>
#include <vector>

using namespace parviz;

class tst_Gil : public QObject
{
    Q_OBJECT

private slots:
    void freeLockIsTakenAtOnce();
    void waiterAsksHolderToDrop();
    void forcedSwitchHandsTheLockOver();
    void twoBusyThreadsTakeTurns();
    void stopReleasesWaiters();
};

namespace {
constexpr std::int64_t Ms = 1'000'000;
}

void tst_Gil::freeLockIsTakenAtOnce()
{
    TraceRecorder recorder(2, true);
    Gil gil(recorder, 5 * Ms, {});
    QVERIFY(gil.tryTake(0, 1));
    QVERIFY(!gil.tryTake(1, 2));
    QVERIFY(!gil.dropRequested());
    gil.drop(0);
    QVERIFY(gil.tryTake(1, 2));
    gil.drop(1);
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->eventCount(GilLane), std::size_t(2));
    QCOMPARE(snapshot->event(GilLane, 0).task, 1);
    QCOMPARE(snapshot->event(GilLane, 1).task, 2);
    QCOMPARE(gil.switchCount(), std::uint64_t(2));
}

void tst_Gil::waiterAsksHolderToDrop()
{
    // A waiter that sees no switch for a whole interval sets the drop request.
    TraceRecorder recorder(2, true);
    Gil gil(recorder, 2 * Ms, {});
    QVERIFY(gil.tryTake(0, 0));
    std::atomic<bool> taken{false};
    std::thread waiter([&] { taken = gil.take(1, 1); });
    QTRY_VERIFY_WITH_TIMEOUT(gil.dropRequested(), 5000);
    QVERIFY(!taken.load());
    gil.drop(0); // forced switching: returns once the waiter has the lock
    waiter.join();
    QVERIFY(taken.load());
    QVERIFY(!gil.dropRequested());
    gil.drop(1);
}

void tst_Gil::forcedSwitchHandsTheLockOver()
{
    // After dropping on request, the old holder cannot win the lock straight back.
    TraceRecorder recorder(2, true);
    Gil gil(recorder, 1 * Ms, {});
    QVERIFY(gil.tryTake(0, 0));
    std::atomic<bool> waiterTook{false};
    std::thread waiter([&] {
        waiterTook = gil.take(1, 1);
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        gil.drop(1);
    });
    QTRY_VERIFY_WITH_TIMEOUT(gil.dropRequested(), 5000);
    gil.drop(0);
    QVERIFY(gil.take(0, 0));
    gil.drop(0);
    waiter.join();
    QVERIFY(waiterTook.load());
    const auto holds = recorder.snapshot()->events(GilLane);
    QCOMPARE(holds.size(), std::size_t(3));
    QCOMPARE(holds[0].task, 0);
    QCOMPARE(holds[1].task, 1); // the waiter got it in between
    QCOMPARE(holds[2].task, 0);
}

void tst_Gil::twoBusyThreadsTakeTurns()
{
    // Two threads computing 60 ms each under a 5 ms interval: they alternate, each hold lasting
    // about an interval, and the holds never overlap.
    TraceRecorder recorder(2, true);
    recorder.startClock();
    Gil gil(recorder, 5 * Ms, {});
    const CpuWork &work = CpuWork::calibrated();
    const std::uint64_t slice = std::max<std::uint64_t>(1, work.iterationsFor(50'000));
    const std::uint64_t total = work.iterationsFor(60 * Ms);
    std::atomic<bool> allTaken{true};
    auto busy = [&](int worker) {
        allTaken = gil.take(worker, worker) && allTaken;
        std::uint64_t state = 1;
        for (std::uint64_t done = 0; done < total; done += slice) {
            state = CpuWork::crunch(slice, state);
            if (gil.dropRequested()) {
                gil.drop(worker);
                allTaken = gil.take(worker, worker) && allTaken;
            }
        }
        gil.drop(worker);
    };
    std::thread first(busy, 0);
    std::thread second(busy, 1);
    first.join();
    second.join();
    QVERIFY(allTaken.load());

    const auto holds = recorder.snapshot()->events(GilLane);
    QVERIFY2(holds.size() >= 6, qPrintable(QString::number(holds.size())));
    int handovers = 0;
    for (std::size_t i = 1; i < holds.size(); ++i) {
        QVERIFY(holds[i].startNs >= holds[i - 1].endNs);
        handovers += holds[i].task != holds[i - 1].task;
    }
    QVERIFY2(handovers >= 4, qPrintable(QString::number(handovers)));
}

void tst_Gil::stopReleasesWaiters()
{
    TraceRecorder recorder(3, true);
    std::stop_source stop;
    Gil gil(recorder, 5 * Ms, stop.get_token());
    QVERIFY(gil.tryTake(0, 0));
    std::atomic<int> refused{0};
    std::vector<std::thread> waiters;
    for (int w = 1; w < 3; ++w)
        waiters.emplace_back([&, w] { refused += gil.take(w, w) ? 0 : 1; });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
    for (auto &waiter : waiters)
        waiter.join();
    QCOMPARE(refused.load(), 2);
    gil.drop(0); // returns even though a drop was requested and nobody will take the lock
}

QTEST_GUILESS_MAIN(tst_Gil)
#include "tst_gil.moc"
