#include "strategies/batchsizer.h"

#include <QTest>

#include <utility>
#include <vector>

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
    void tinyDurationsDoNotOverflow();
    void iteratorCutsTheEndFiner();
    void oneWorkerIsNotSliced();
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
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.0); // reset with the change
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
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.5);
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
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.0);
    QCOMPARE(sizer.computeBatchSize(), 2);
}

void tst_BatchSizer::durationIsSmoothed()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 300 * Ms);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.3);
    sizer.batchCompleted(1, 800 * Ms);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.8 * 0.3 + 0.2 * 0.8);
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

void tst_BatchSizer::tinyDurationsDoNotOverflow()
{
    // A batch of 1024 in 1 ns: joblib's ideal, int(1024 * 0.2 / 1e-9) * 2, is far beyond an
    // int; Python's int() has no bound, and min() with 2 x 1024 keeps the doubling.
    auto sizer = joblibSizer();
    for (int size = 1; size < 1024; size *= 2) {
        sizer.batchCompleted(size, 1 * Ms);
        QCOMPARE(sizer.computeBatchSize(), 2 * size);
    }
    sizer.batchCompleted(1024, 1);
    QCOMPARE(sizer.computeBatchSize(), 2048);
}

namespace {
using Slices = std::vector<std::pair<std::size_t, std::size_t>>;

Slices take(BatchTaskIterator &tasks, std::size_t batchSize, bool fromOriginal)
{
    Slices slices;
    tasks.take(batchSize, fromOriginal, [&](std::size_t first, std::size_t last) {
        slices.emplace_back(first, last);
    });
    return slices;
}
} // namespace

void tst_BatchSizer::iteratorCutsTheEndFiner()
{
    BatchTaskIterator tasks(10, 2);
    tasks.setPreDispatchLimit(4);
    QCOMPARE(take(tasks, 1, false), (Slices{{0, 1}, {1, 2}}));
    QCOMPARE(take(tasks, 1, false), (Slices{{2, 3}, {3, 4}}));
    QVERIFY(take(tasks, 1, false).empty()); // the pre-dispatch slice is used up
    QCOMPARE(take(tasks, 2, true), (Slices{{4, 6}, {6, 8}})); // a full 2 x 2
    // Two left of 2 x 2: the end of the original iterator, max(1, 2 // (10 * 2)) a batch.
    QCOMPARE(take(tasks, 2, true), (Slices{{8, 9}, {9, 10}}));
    QVERIFY(take(tasks, 2, true).empty());

    // A short pre-dispatch slice is not the end of the input: split by n_jobs only.
    BatchTaskIterator pre(100, 4);
    pre.setPreDispatchLimit(8);
    QCOMPARE(take(pre, 4, false), (Slices{{0, 2}, {2, 4}, {4, 6}, {6, 8}}));
}

void tst_BatchSizer::oneWorkerIsNotSliced()
{
    // Parallel.__call__ with n_jobs == 1: no pre-dispatch islice, the caller takes every task.
    BatchTaskIterator tasks(5, 1);
    tasks.setPreDispatchLimit(2);
    for (std::size_t i = 0; i < 5; ++i)
        QCOMPARE(take(tasks, 1, false), (Slices{{i, i + 1}}));
    QVERIFY(take(tasks, 1, false).empty());
}

QTEST_GUILESS_MAIN(tst_BatchSizer)
#include "tst_batchsizer.moc"
