#include "charts/speedupchart.h"

#include <QApplication>
#include <QChart>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QTest>

#include <cmath>

using namespace parviz;

// What the speedup chart says about each point, and how its legend draws each kind of line: a
// disturbed measurement is ringed and its tooltip says so; a Karp-Flatt value above 1 comes with
// its explanation.
class tst_SpeedupChart : public QObject
{
    Q_OBJECT

private slots:
    void disturbedPointsAreMarked();
    void tooltipsExplainTheirNumbers();
    void legendMarksKeepTheirPatternWhenScaled_data();
    void legendMarksKeepTheirPatternWhenScaled();
};

namespace {
SweepPoint pointOf(int workers, double speedup, double otherCores, bool disturbed)
{
    SweepPoint point;
    point.workers = workers;
    point.speedup = speedup;
    point.efficiency = speedup / workers;
    point.karpFlatt = karpFlatt(speedup, workers);
    point.medianNs = 100'000'000;
    point.otherCores = otherCores;
    point.disturbed = disturbed;
    return point;
}
} // namespace

void tst_SpeedupChart::disturbedPointsAreMarked()
{
    SpeedupChart chart;
    chart.resize(600, 400);
    chart.beginSweep(QStringLiteral("process-pool"), QStringLiteral("8 cpu x 50ms"), 3, 8);
    std::vector<SpeedupPoint> speedups;
    for (const SweepPoint &point :
        {pointOf(1, 0.8, 0.9, true), pointOf(2, 1.9, 0.02, false), pointOf(3, 1.95, 0.01, false)}) {
        speedups.push_back({point.workers, point.speedup});
        chart.addPoint(point, fitAmdahl(speedups));
    }
    chart.endSweep(true);
    QCOMPARE(chart.pointCount(), 3);
    QCOMPARE(chart.disturbedPointCount(), 1);
    // The ring is no sweep of its own: the legend keeps one entry per sweep and key.
    QCOMPARE(chart.sweepCount(), 1);
    chart.clearSweeps();
    QCOMPARE(chart.disturbedPointCount(), 0);
}

void tst_SpeedupChart::tooltipsExplainTheirNumbers()
{
    const QString disturbed = SpeedupChart::pointToolTip(pointOf(1, 0.8, 0.9, true));
    QVERIFY2(disturbed.startsWith(QStringLiteral("1 worker:")), qPrintable(disturbed));
    QVERIFY2(disturbed.contains(QStringLiteral("Disturbed")), qPrintable(disturbed));
    QVERIFY2(disturbed.contains(QStringLiteral("0.90 cores")), qPrintable(disturbed));

    const QString quiet = SpeedupChart::pointToolTip(pointOf(2, 1.9, 0.02, false));
    QVERIFY2(quiet.startsWith(QStringLiteral("2 workers:")), qPrintable(quiet));
    QVERIFY(!quiet.contains(QStringLiteral("Disturbed")));

    // Slower on two workers than on one: Karp-Flatt above 1, explained.
    const QString slower = SpeedupChart::pointToolTip(pointOf(2, 0.9, 0.0, false));
    QVERIFY2(slower.contains(QStringLiteral("above 1")), qPrintable(slower));
}

void tst_SpeedupChart::legendMarksKeepTheirPatternWhenScaled_data()
{
    QTest::addColumn<qreal>("scale");
    QTest::newRow("on a desk") << 1.0;
    QTest::newRow("presentation mode") << 1.5;
    QTest::newRow("twice") << 2.0;
}

void tst_SpeedupChart::legendMarksKeepTheirPatternWhenScaled()
{
    QFETCH(qreal, scale);
    SpeedupChart chart;
    chart.setScale(scale);
    int patterned = 0;
    // With MarkerShapeFromSeries, a legend's mark is a piece of its series' line.
    for (QLegendMarker *marker : chart.chart()->legend()->markers()) {
        const auto *line = qobject_cast<QLineSeries *>(marker->series());
        if (!line)
            continue;
        const QPen pen = line->pen();
        if (pen.style() != Qt::CustomDashLine)
            continue;
        ++patterned;
        // The gaps in pixels once the caps have taken their share: a square or round cap
        // adds half the pen's width at each end of a dash.
        const qreal cap = pen.capStyle() == Qt::FlatCap ? 0.0 : pen.widthF();
        const QList<qreal> pattern = pen.dashPattern();
        for (qsizetype gap = 1; gap < pattern.size(); gap += 2)
            QVERIFY2(pattern[gap] * pen.widthF() - cap >= 2.0, qPrintable(marker->label()));
    }
    QCOMPARE(patterned, 4); // ideal, Amdahl fit, efficiency, predicted
}

QTEST_MAIN(tst_SpeedupChart)
#include "tst_speedupchart.moc"
