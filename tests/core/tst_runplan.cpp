#include "plan/runplan.h"
#include "run/planning.h"

#include <QTest>

using namespace parviz;

class tst_RunPlan : public QObject
{
    Q_OBJECT

private slots:
    void workersFromFraction_data();
    void workersFromFraction();
    void describesTheWorkerCount();
    void rejectsBadPlans_data();
    void rejectsBadPlans();
    void makesTheTasks();
    void threadPerTaskHasALimit();
    void clusterRowsHaveALimit();
};

void tst_RunPlan::workersFromFraction_data()
{
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("cpus");
    QTest::addColumn<int>("workers");
    QTest::newRow("the seed: int(0.8 * 12)") << 0.8 << 12 << 9;
    QTest::newRow("0.8 of 10 is exactly 8") << 0.8 << 10 << 8;
    QTest::newRow("0.8 of 2 rounds down to 1") << 0.8 << 2 << 1;
    QTest::newRow("never below one") << 0.05 << 2 << 1;
    QTest::newRow("all CPUs") << 1.0 << 12 << 12;
    QTest::newRow("oversubscribed for I/O") << 4.0 << 2 << 8;
    QTest::newRow("half") << 0.5 << 7 << 3;
}

void tst_RunPlan::workersFromFraction()
{
    QFETCH(double, fraction);
    QFETCH(int, cpus);
    QFETCH(int, workers);
    QCOMPARE(WorkerCount::ofCpus(fraction).resolve(cpus), workers);
}

void tst_RunPlan::describesTheWorkerCount()
{
    QCOMPARE(WorkerCount::ofCpus(0.8).describe(12),
        QStringLiteral("80% of 12 logical CPUs = 9 workers"));
    QCOMPARE(
        WorkerCount::ofCpus(0.5).describe(2), QStringLiteral("50% of 2 logical CPUs = 1 worker"));
    QCOMPARE(
        WorkerCount::exactly(8).describe(2), QStringLiteral("8 workers (chosen; 2 logical CPUs)"));
}

void tst_RunPlan::rejectsBadPlans_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("workers");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<int>("chunkSize");
    QTest::addColumn<QString>("code");
    QTest::newRow("unknown strategy") << "fork-bomb" << 2 << 0.0 << 1 << "unknown-strategy";
    QTest::newRow("zero workers") << "thread-pool" << 0 << 0.0 << 1 << "bad-workers";
    QTest::newRow("too many workers") << "thread-pool" << 1025 << 0.0 << 1 << "bad-workers";
    QTest::newRow("fraction too small") << "thread-pool" << -1 << 0.01 << 1 << "bad-fraction";
    QTest::newRow("fraction too big") << "thread-pool" << -1 << 4.5 << 1 << "bad-fraction";
    QTest::newRow("zero chunk size") << "pool-map" << 2 << 0.0 << 0 << "bad-chunksize";
}

void tst_RunPlan::rejectsBadPlans()
{
    QFETCH(QString, strategy);
    QFETCH(int, workers);
    QFETCH(double, fraction);
    QFETCH(int, chunkSize);
    QFETCH(QString, code);
    const WorkerCount count =
        workers >= 0 ? WorkerCount::exactly(workers) : WorkerCount::ofCpus(fraction);
    StrategyOptions options;
    options.chunkSize = chunkSize;
    const auto made = makeRunPlan(strategy, WorkloadSpec{}, count, options);
    QVERIFY(!made.ok());
    QCOMPARE(made.error().code, code);
    QVERIFY(!made.error().message.isEmpty());
    if (code == QLatin1String("unknown-strategy"))
        QVERIFY(made.error().message.contains(QStringLiteral("thread-pool")));
}

void tst_RunPlan::makesTheTasks()
{
    WorkloadSpec workload;
    workload.taskCount = 25;
    const auto made =
        makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::ofCpus(1.0), {}, 6);
    QVERIFY(made.ok());
    QCOMPARE(made->workers, 6);
    QCOMPARE(made->cpus, 6);
    QCOMPARE(int(made->tasks->size()), 25);
}

void tst_RunPlan::threadPerTaskHasALimit()
{
    WorkloadSpec workload;
    workload.taskCount = 20'000;
    QVERIFY(makeRunPlan(QStringLiteral("thread-per-task"), workload, WorkerCount::exactly(1)).ok());
    workload.taskCount = 20'001;
    const auto refused =
        makeRunPlan(QStringLiteral("thread-per-task"), workload, WorkerCount::exactly(1));
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("bad-tasks"));
    QVERIFY(refused.error().message.contains(QStringLiteral("thread-pool")));
    // Pools take any number of tasks.
    workload.taskCount = 1'000'000;
    QVERIFY(makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2)).ok());
}

void tst_RunPlan::clusterRowsHaveALimit()
{
    WorkloadSpec workload;
    workload.taskCount = 10;
    StrategyOptions options;
    options.threadsPerWorker = 20;
    // 1000 x 20 rows is the most; 1001 x 20 one worker too many.
    QVERIFY(
        checkRunPlan(QStringLiteral("dask"), workload, WorkerCount::exactly(1000), options).ok());
    const auto refused =
        checkRunPlan(QStringLiteral("dask"), workload, WorkerCount::exactly(1001), options);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code, QStringLiteral("bad-workers"));
    QVERIFY(refused.error().message.contains(QStringLiteral("20020 rows")));
    // joblib's dask backend has a row per worker thread too.
    options.backend = JoblibBackend::Dask;
    QVERIFY(!checkRunPlan(QStringLiteral("batched"), workload, WorkerCount::exactly(1001), options)
                 .ok());
    options.backend = JoblibBackend::Loky;
    QVERIFY(checkRunPlan(QStringLiteral("batched"), workload, WorkerCount::exactly(1001), options)
                .ok());
}

QTEST_GUILESS_MAIN(tst_RunPlan)
#include "tst_runplan.moc"
