#include "charts/makespanbars.h"

#include <QApplication>
#include <QImage>
#include <QTest>

#include <cmath>

using namespace parviz;

// The makespan bars of a comparison: one scale for all, the fastest finished run highlighted,
// unfinished runs marked and not ranked, speedups only against a sequential run.
class tst_MakespanBars : public QObject
{
    Q_OBJECT

private slots:
    void barsAreInProportionToTheMakespans();
    void fastestFinishedRunIsHighlighted();
    void unfinishedRunsAreMarkedAndNotRanked();
    void speedupsOnlyAgainstAFinishedSequentialRun();
    void emptyChartHasNoBars();

private:
    using Entry = MakespanBars::Entry;
    using State = MakespanBars::State;
    static Entry entry(const char *label, std::int64_t ms, State state = State::Finished)
    {
        Entry made;
        made.label = QString::fromLatin1(label);
        made.makespanNs = ms * 1'000'000;
        made.state = state;
        made.sequential = made.label == QLatin1String("sequential");
        return made;
    }
};

void tst_MakespanBars::barsAreInProportionToTheMakespans()
{
    MakespanBars bars;
    bars.setEntries({entry("thread-pool", 100), entry("sequential", 400), entry("pool-map", 200)});
    bars.resize(800, bars.sizeHint().height());
    const QRectF pool = bars.barRect(0);
    const QRectF sequential = bars.barRect(1);
    const QRectF map = bars.barRect(2);
    // One scale from one left edge: the longest run's bar is the longest, and twice as long
    // is twice as long.
    QCOMPARE(pool.left(), sequential.left());
    QCOMPARE(map.left(), sequential.left());
    QVERIFY(sequential.width() > map.width());
    QVERIFY(map.width() > pool.width());
    QVERIFY(std::abs(sequential.width() / pool.width() - 4.0) < 0.01);
    QVERIFY(std::abs(map.width() / pool.width() - 2.0) < 0.01);
    // The bars are one above the other, in the order given, within the widget.
    QVERIFY(pool.bottom() <= sequential.top());
    QVERIFY(sequential.bottom() <= map.top());
    QVERIFY(QRectF(bars.rect()).contains(sequential));
    // The longest bar leaves room for its label on the right.
    QVERIFY(sequential.right() < bars.width() - 100);
}

void tst_MakespanBars::fastestFinishedRunIsHighlighted()
{
    MakespanBars bars;
    bars.setEntries({entry("sequential", 400), entry("thread-pool", 100), entry("pool-map", 200)});
    bars.resize(800, bars.sizeHint().height());
    QCOMPARE(bars.fastest(), 1);
    QVERIFY(bars.valueText(1).contains(QStringLiteral("fastest")));
    QVERIFY(!bars.valueText(0).contains(QStringLiteral("fastest")));
    QVERIFY(!bars.valueText(2).contains(QStringLiteral("fastest")));

    // Painted: the fastest bar in its own colour, the others not.
    const QImage image = bars.grab().toImage();
    const auto colourAt = [&](int index) {
        const QPointF centre = bars.barRect(index).center();
        return image.pixelColor(centre.toPoint()).rgb();
    };
    QVERIFY(colourAt(1) != colourAt(0));
    QCOMPARE(colourAt(0), colourAt(2));
}

void tst_MakespanBars::unfinishedRunsAreMarkedAndNotRanked()
{
    MakespanBars bars;
    // The interrupted and the failed runs are shorter, and still not the fastest.
    bars.setEntries({entry("sequential", 10, State::Interrupted),
        entry("thread-pool", 300),
        entry("process-pool", 20, State::Failed),
        entry("pool-map", 200),
        entry("batched", 5, State::Running)});
    bars.resize(800, bars.sizeHint().height());
    QCOMPARE(bars.fastest(), 3);
    QVERIFY(bars.valueText(0).contains(QStringLiteral("interrupted")));
    QVERIFY(bars.valueText(0).contains(QStringLiteral("not ranked")));
    QVERIFY(bars.valueText(2).contains(QStringLiteral("failed")));
    QVERIFY(bars.valueText(2).contains(QStringLiteral("not ranked")));
    QVERIFY(bars.valueText(4).contains(QStringLiteral("running")));
    // An interrupted sequential run is no baseline.
    QCOMPARE(bars.baselineNs(), std::int64_t{-1});
    QVERIFY(!bars.valueText(1).contains(QStringLiteral("vs sequential")));
    // Drawn to scale all the same: the longest is the longest.
    for (int i : {0, 2, 3, 4})
        QVERIFY(bars.barRect(1).width() > bars.barRect(i).width());

    bars.setEntries({entry("sequential", 100, State::Interrupted)});
    QCOMPARE(bars.fastest(), -1);
}

void tst_MakespanBars::speedupsOnlyAgainstAFinishedSequentialRun()
{
    MakespanBars bars;
    bars.setEntries({entry("thread-pool", 100), entry("pool-map", 200)});
    QVERIFY(!bars.valueText(0).contains(QStringLiteral("x vs sequential")));

    bars.setEntries({entry("sequential", 400), entry("thread-pool", 100), entry("pool-map", 200)});
    QCOMPARE(bars.baselineNs(), std::int64_t{400'000'000});
    QVERIFY(bars.valueText(0).contains(QStringLiteral("baseline")));
    QVERIFY(bars.valueText(1).contains(QStringLiteral("4.00x vs sequential")));
    QVERIFY(bars.valueText(2).contains(QStringLiteral("2.00x vs sequential")));
}

void tst_MakespanBars::emptyChartHasNoBars()
{
    MakespanBars bars;
    bars.resize(600, 100);
    QCOMPARE(bars.fastest(), -1);
    QVERIFY(bars.barRect(0).isNull());
    QVERIFY(!bars.grab().isNull()); // paints its placeholder without bars
}

QTEST_MAIN(tst_MakespanBars)
#include "tst_makespanbars.moc"
