#include "strategies/batchsizer.h"

#include <QTest>

using namespace parviz;

class tst_BatchSizer : public QObject
{
    Q_OBJECT

private slots:
    void startsAtOne();
    void doublesWhileBatchesAreFast();
    void noChangeWithinTheTarget();
    void shrinksWhenBatchesAreSlow();
    void singleTaskBatchesNeverShrink();
    void staleMeasurementsAreIgnored();
    void durationIsSmoothed();
    void staysWithinTheTarget();
};

namespace {
constexpr std::int64_t Ms = 1'000'000;
BatchSizer joblibSizer()
{
    return BatchSizer(200 * Ms, 2000 * Ms);
}
} // namespace

void tst_BatchSizer::startsAtOne()
{
    auto sizer = joblibSizer();
    QCOMPARE(sizer.computeBatchSize(), 1);
    QCOMPARE(sizer.computeBatchSize(), 1); // no measurement yet: no change
}

void tst_BatchSizer::doublesWhileBatchesAreFast()
{
    auto sizer = joblibSizer();
    // A batch of 1 took 10 ms: ideal is 1 * 200/10 * 2 = 40, capped at double: 2.
    sizer.batchCompleted(1, 10 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    QCOMPARE(sizer.smoothedDurationNs(), 0.0); // reset with the change
    sizer.batchCompleted(2, 20 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 4);
    sizer.batchCompleted(4, 40 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 8);
}

void tst_BatchSizer::noChangeWithinTheTarget()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 150 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    // 500 ms for a batch of 2 lies between 0.2 s and 2 s: the size holds.
    sizer.batchCompleted(2, 500 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    QCOMPARE(sizer.smoothedDurationNs(), 500.0 * Ms);
}

void tst_BatchSizer::shrinksWhenBatchesAreSlow()
{
    auto sizer = joblibSizer();
    for (int size : {2, 4, 8, 16}) {
        sizer.batchCompleted(sizer.effectiveBatchSize(), 10 * Ms);
        QCOMPARE(sizer.computeBatchSize(), size);
    }
    // A batch of 16 took 4 s: ideal int(16 * 200/4000) = 0, times two, at least 1.
    sizer.batchCompleted(16, 4000 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 1);
}

void tst_BatchSizer::singleTaskBatchesNeverShrink()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 10'000 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 1);
}

void tst_BatchSizer::staleMeasurementsAreIgnored()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 10 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    sizer.batchCompleted(1, 10 * Ms); // a batch dispatched at the old size
    QCOMPARE(sizer.smoothedDurationNs(), 0.0);
    QCOMPARE(sizer.computeBatchSize(), 2);
}

void tst_BatchSizer::durationIsSmoothed()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 300 * Ms);
    QCOMPARE(sizer.smoothedDurationNs(), 300.0 * Ms);
    sizer.batchCompleted(1, 800 * Ms);
    QCOMPARE(sizer.smoothedDurationNs(), (0.8 * 300 + 0.2 * 800) * Ms);
}

void tst_BatchSizer::staysWithinTheTarget()
{
    // Tasks of 1 ms each: the size settles where a batch takes between 0.2 s and 2 s.
    auto sizer = joblibSizer();
    for (int round = 0; round < 50; ++round) {
        const int size = sizer.computeBatchSize();
        sizer.batchCompleted(size, std::int64_t(size) * Ms);
    }
    const int size = sizer.effectiveBatchSize();
    QVERIFY2(size >= 200 && size <= 2000, qPrintable(QString::number(size)));
}

QTEST_GUILESS_MAIN(tst_BatchSizer)
#include "tst_batchsizer.moc"
