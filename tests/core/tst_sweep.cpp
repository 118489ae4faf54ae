#include "run/runresult.h"
#include "run/sweep.h"

#include <QTest>

#include <thread>

using namespace parviz;

class tst_Sweep : public QObject
{
    Q_OBJECT

private slots:
    void sleepSweepSpeedsUp();
    void medianOfRepeats();
    void badPlansAreRejected();
    void stopEndsTheSweep();
    void scheduleOrdersItsRuns();
};

namespace {
WorkloadSpec sleeps(int tasks, std::int64_t ns)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(ns);
    return workload;
}
} // namespace

void tst_Sweep::sleepSweepSpeedsUp()
{
    // The median of three runs per point, so that one run slowed by a busy machine is outvoted.
    SweepPlan plan{QStringLiteral("thread-pool"), sleeps(12, 10'000'000), 4, 3, {}};
    std::vector<int> seen;
    const auto sweep =
        runSweep(plan, {}, [&](const SweepPoint &point) { seen.push_back(point.workers); });
    QVERIFY(sweep.ok());
    QCOMPARE(seen, (std::vector<int>{1, 2, 3, 4}));
    QCOMPARE(sweep->points.size(), std::size_t(4));
    QCOMPARE(sweep->sequentialNs.size(), std::size_t(3));
    QVERIFY(sweep->sequentialMedianNs >= 120'000'000);
    // Sleeps overlap: four workers are well over twice as fast as one.
    QVERIFY2(sweep->points[3].speedup > 2.0, qPrintable(QString::number(sweep->points[3].speedup)));
    // One worker does what a plain loop does.
    QVERIFY2(sweep->points[0].speedup > 0.6 && sweep->points[0].speedup < 1.6,
        qPrintable(QString::number(sweep->points[0].speedup)));
    QVERIFY(sweep->amdahl.serialFraction >= 0.0 && sweep->amdahl.serialFraction < 0.3);
    QVERIFY(!sweep->error);
    QVERIFY(!sweep->stopped);
}

void tst_Sweep::medianOfRepeats()
{
    QCOMPARE(medianOf({}), std::int64_t(0));
    QCOMPARE(medianOf({5}), std::int64_t(5));
    QCOMPARE(medianOf({9, 1, 5}), std::int64_t(5));
    QCOMPARE(medianOf({4, 1, 3, 2}), std::int64_t(2)); // halfway between 2 and 3, in integers
    SweepPlan plan{QStringLiteral("pool-map"), sleeps(4, 1'000'000), 2, 3, {}};
    const auto sweep = runSweep(plan);
    QVERIFY(sweep.ok());
    QCOMPARE(sweep->sequentialNs.size(), std::size_t(3));
    for (const auto &point : sweep->points)
        QCOMPARE(point.makespansNs.size(), std::size_t(3));
}

void tst_Sweep::badPlansAreRejected()
{
    QVERIFY(!runSweep({QStringLiteral("nope"), sleeps(2, 1), 2, 1, {}}).ok());
    QVERIFY(!runSweep({QStringLiteral("thread-pool"), sleeps(2, 1), 0, 1, {}}).ok());
    QVERIFY(!runSweep({QStringLiteral("thread-pool"), sleeps(2, 1), 2, 0, {}}).ok());
    QVERIFY(!runSweep({QStringLiteral("thread-pool"), sleeps(0, 1), 2, 1, {}}).ok());
}

void tst_Sweep::stopEndsTheSweep()
{
    std::stop_source stop;
    std::thread stopper([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        stop.request_stop();
    });
    SweepPlan plan{QStringLiteral("thread-pool"), sleeps(20, 200'000'000), 8, 1, {}};
    const auto sweep = runSweep(plan, stop.get_token());
    stopper.join();
    QVERIFY(sweep.ok());
    QVERIFY(sweep->stopped);
    QVERIFY(sweep->points.size() < 8);
}

void tst_Sweep::scheduleOrdersItsRuns()
{
    // Two repeats: sequential, sequential, 1 worker, 1 worker, 2 workers, 2 workers. A point is
    // complete after its second repeat, its speedup against the sequential median.
    auto made =
        SweepSchedule::make({QStringLiteral("thread-pool"), sleeps(4, 1'000'000), 2, 2, {}});
    QVERIFY(made.ok());
    SweepSchedule &schedule = made.value();
    QCOMPARE(schedule.runsTotal(), 6);
    const std::vector<std::pair<QString, int>> expected{{"sequential", 1},
        {"sequential", 1},
        {"thread-pool", 1},
        {"thread-pool", 1},
        {"thread-pool", 2},
        {"thread-pool", 2}};
    const std::int64_t makespans[] = {400, 420, 410, 400, 200, 220};
    std::vector<SweepPoint> points;
    for (int i = 0; i < 6; ++i) {
        const auto plan = schedule.next();
        QVERIFY(plan.has_value());
        QCOMPARE(plan->strategy, expected[std::size_t(i)].first);
        QCOMPARE(plan->workers, expected[std::size_t(i)].second);
        RunResult run;
        run.metrics.makespanNs = makespans[i];
        if (const auto point = schedule.record(run))
            points.push_back(*point);
    }
    QVERIFY(!schedule.next().has_value());
    QVERIFY(schedule.finished());
    QCOMPARE(points.size(), std::size_t(2));
    QCOMPARE(schedule.result().sequentialMedianNs, std::int64_t(410));
    QCOMPARE(points[0].medianNs, std::int64_t(405));
    QCOMPARE(points[1].workers, 2);
    QCOMPARE(points[1].speedup, 410.0 / 210.0);

    // A failed run ends the sweep there.
    auto failing =
        SweepSchedule::make({QStringLiteral("thread-pool"), sleeps(4, 1'000'000), 3, 1, {}})
            .value();
    RunResult failed;
    failed.error = Error{QStringLiteral("task-failed"), QStringLiteral("boom")};
    QVERIFY(!failing.record(failed).has_value());
    QVERIFY(failing.finished());
    QVERIFY(!failing.next().has_value());
    QCOMPARE(failing.result().error->message, QStringLiteral("boom"));
}

QTEST_GUILESS_MAIN(tst_Sweep)
#include "tst_sweep.moc"
