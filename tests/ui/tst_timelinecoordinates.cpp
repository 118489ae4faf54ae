#include "timeline/timelinecoordinates.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <cstdint>

using namespace parviz;

// Time to pixels and back: the one mapping every painter and mouse handler of the timeline
// shares.
class tst_TimelineCoordinates : public QObject
{
    Q_OBJECT

private slots:
    void defaultIsOneNanosecondPerPixel();
    void fit_data();
    void fit();
    void x_data();
    void x();
    void time_data();
    void time();
    void roundTrip_data();
    void roundTrip();
    void fittedWindowSpansTheWidth_data();
    void fittedWindowSpansTheWidth();
};

void tst_TimelineCoordinates::defaultIsOneNanosecondPerPixel()
{
    const TimelineCoordinates coordinates;
    QCOMPARE(coordinates.x(0), 0.0);
    QCOMPARE(coordinates.x(250), 250.0);
    QCOMPARE(coordinates.time(250.0), std::int64_t(250));
    QCOMPARE(coordinates.time(-3.0), std::int64_t(-3));
}

void tst_TimelineCoordinates::fit_data()
{
    QTest::addColumn<qint64>("t0Ns");
    QTest::addColumn<qint64>("t1Ns");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");
    QTest::addColumn<double>("nsPerPixel");

    QTest::newRow("one ns per pixel") << qint64(0) << qint64(1000) << 0.0 << 1000.0 << 1.0;
    QTest::newRow("a second over 1000 px")
        << qint64(0) << qint64(1'000'000'000) << 170.0 << 1000.0 << 1e6;
    QTest::newRow("scrolled") << qint64(5000) << qint64(6000) << 170.0 << 500.0 << 2.0;
    QTest::newRow("uneven") << qint64(0) << qint64(1000) << 0.0 << 300.0 << 1000.0 / 300.0;
    QTest::newRow("zoomed in below a ns per pixel")
        << qint64(100) << qint64(110) << 0.0 << 1000.0 << 0.01;
    // A thousandth of a nanosecond per pixel at most: the division never yields infinity.
    QTest::newRow("zoomed in past the limit") << qint64(0) << qint64(1) << 0.0 << 1e6 << 1e-3;
    QTest::newRow("zero span") << qint64(700) << qint64(700) << 0.0 << 1000.0 << 1e-3;
    QTest::newRow("reversed span") << qint64(1000) << qint64(0) << 0.0 << 1000.0 << 1e-3;
    // No width to fit into: one nanosecond per pixel, never a division by zero.
    QTest::newRow("zero width") << qint64(0) << qint64(1000) << 170.0 << 0.0 << 1.0;
    QTest::newRow("negative width") << qint64(0) << qint64(1000) << 170.0 << -20.0 << 1.0;
    QTest::newRow("an hour over one pixel")
        << qint64(0) << qint64(3'600'000'000'000) << 0.0 << 1.0 << 3.6e12;
}

void tst_TimelineCoordinates::fit()
{
    QFETCH(qint64, t0Ns);
    QFETCH(qint64, t1Ns);
    QFETCH(double, left);
    QFETCH(double, width);
    QFETCH(double, nsPerPixel);

    const auto coordinates = TimelineCoordinates::fit(t0Ns, t1Ns, left, width);
    QCOMPARE(coordinates.t0Ns, t0Ns);
    QCOMPARE(coordinates.left, left);
    QCOMPARE(coordinates.nsPerPixel, nsPerPixel);
    QCOMPARE(coordinates.x(t0Ns), left); // the window starts where its area does
}

void tst_TimelineCoordinates::x_data()
{
    QTest::addColumn<qint64>("t0Ns");
    QTest::addColumn<double>("nsPerPixel");
    QTest::addColumn<double>("left");
    QTest::addColumn<qint64>("timeNs");
    QTest::addColumn<double>("x");

    QTest::newRow("start") << qint64(0) << 1.0 << 0.0 << qint64(0) << 0.0;
    QTest::newRow("offset by the labels") << qint64(0) << 1.0 << 170.0 << qint64(30) << 200.0;
    QTest::newRow("between pixels") << qint64(0) << 4.0 << 0.0 << qint64(10) << 2.5;
    QTest::newRow("scrolled") << qint64(5000) << 2.0 << 170.0 << qint64(6000) << 670.0;
    QTest::newRow("before the window") << qint64(5000) << 2.0 << 170.0 << qint64(4000) << -330.0;
    QTest::newRow("zoomed in") << qint64(100) << 0.01 << 0.0 << qint64(101) << 100.0;
    QTest::newRow("far past the window")
        << qint64(0) << 1e6 << 0.0 << qint64(3'600'000'000'000) << 3.6e6;
}

void tst_TimelineCoordinates::x()
{
    QFETCH(qint64, t0Ns);
    QFETCH(double, nsPerPixel);
    QFETCH(double, left);
    QFETCH(qint64, timeNs);
    QFETCH(double, x);

    const TimelineCoordinates coordinates{t0Ns, nsPerPixel, left};
    QCOMPARE(coordinates.x(timeNs), x);
}

void tst_TimelineCoordinates::time_data()
{
    QTest::addColumn<qint64>("t0Ns");
    QTest::addColumn<double>("nsPerPixel");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("x");
    QTest::addColumn<qint64>("timeNs");

    QTest::newRow("start") << qint64(0) << 1.0 << 0.0 << 0.0 << qint64(0);
    QTest::newRow("offset by the labels") << qint64(0) << 1.0 << 170.0 << 200.0 << qint64(30);
    QTest::newRow("scrolled") << qint64(5000) << 2.0 << 170.0 << 670.0 << qint64(6000);
    QTest::newRow("left of the window") << qint64(5000) << 2.0 << 170.0 << 0.0 << qint64(4660);
    // To the nearest nanosecond, halves away from zero (std::llround).
    QTest::newRow("rounds down") << qint64(0) << 1.0 << 0.0 << 10.4 << qint64(10);
    QTest::newRow("rounds up") << qint64(0) << 1.0 << 0.0 << 10.6 << qint64(11);
    QTest::newRow("half rounds up") << qint64(0) << 1.0 << 0.0 << 10.5 << qint64(11);
    QTest::newRow("negative half rounds down") << qint64(0) << 1.0 << 0.0 << -10.5 << qint64(-11);
    QTest::newRow("a pixel is many ns") << qint64(0) << 1e6 << 0.0 << 2.5 << qint64(2'500'000);
    QTest::newRow("zoomed in, below a ns")
        << qint64(100) << 0.01 << 0.0 << 149.0 << qint64(101); // 1.49 ns
    QTest::newRow("zoomed in, past half a ns")
        << qint64(100) << 0.01 << 0.0 << 151.0 << qint64(102); // 1.51 ns
}

void tst_TimelineCoordinates::time()
{
    QFETCH(qint64, t0Ns);
    QFETCH(double, nsPerPixel);
    QFETCH(double, left);
    QFETCH(double, x);
    QFETCH(qint64, timeNs);

    const TimelineCoordinates coordinates{t0Ns, nsPerPixel, left};
    QCOMPARE(coordinates.time(x), timeNs);
}

void tst_TimelineCoordinates::roundTrip_data()
{
    QTest::addColumn<qint64>("t0Ns");
    QTest::addColumn<qint64>("t1Ns");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");

    QTest::newRow("whole run") << qint64(0) << qint64(1'000'000'000) << 170.0 << 1430.0;
    QTest::newRow("scrolled") << qint64(123'456'789) << qint64(223'456'789) << 170.0 << 1430.0;
    QTest::newRow("zoomed in") << qint64(5'000'000) << qint64(5'000'100) << 170.0 << 1430.0;
    QTest::newRow("uneven") << qint64(7) << qint64(1000) << 0.0 << 333.0;
    QTest::newRow("zero width") << qint64(1000) << qint64(2000) << 170.0 << 0.0;
    QTest::newRow("zero span") << qint64(1000) << qint64(1000) << 170.0 << 1430.0;
}

void tst_TimelineCoordinates::roundTrip()
{
    QFETCH(qint64, t0Ns);
    QFETCH(qint64, t1Ns);
    QFETCH(double, left);
    QFETCH(double, width);

    const auto coordinates = TimelineCoordinates::fit(t0Ns, t1Ns, left, width);
    // Time to x and back lands on the same nanosecond, inside the window and around it.
    const std::int64_t span = std::max<std::int64_t>(t1Ns - t0Ns, 1);
    for (std::int64_t time = t0Ns - span; time <= t1Ns + span;
         time += std::max<std::int64_t>(1, span / 97))
        QCOMPARE(coordinates.time(coordinates.x(time)), time);
    // x to time and back lands within half a nanosecond's width of the same x: on the same
    // pixel when a pixel is at least a nanosecond.
    const double tolerance = 0.5 / coordinates.nsPerPixel + 1e-9;
    for (double x = left - 50.0; x <= left + width + 50.0; x += 7.25) {
        const double back = coordinates.x(coordinates.time(x));
        QVERIFY2(std::abs(back - x) <= tolerance,
            qPrintable(QStringLiteral("x %1 came back as %2").arg(x).arg(back)));
    }
}

void tst_TimelineCoordinates::fittedWindowSpansTheWidth_data()
{
    QTest::addColumn<qint64>("t0Ns");
    QTest::addColumn<qint64>("t1Ns");
    QTest::addColumn<double>("left");
    QTest::addColumn<double>("width");

    QTest::newRow("whole run") << qint64(0) << qint64(1'000'000'000) << 170.0 << 1430.0;
    QTest::newRow("scrolled") << qint64(123'456'789) << qint64(223'456'789) << 170.0 << 1430.0;
    QTest::newRow("zoomed in") << qint64(5'000'000) << qint64(5'000'100) << 0.0 << 800.0;
    QTest::newRow("one pixel") << qint64(0) << qint64(1'000) << 10.0 << 1.0;
}

void tst_TimelineCoordinates::fittedWindowSpansTheWidth()
{
    QFETCH(qint64, t0Ns);
    QFETCH(qint64, t1Ns);
    QFETCH(double, left);
    QFETCH(double, width);

    const auto coordinates = TimelineCoordinates::fit(t0Ns, t1Ns, left, width);
    QCOMPARE(coordinates.x(t0Ns), left);
    QCOMPARE(coordinates.x(t1Ns), left + width);
    QCOMPARE(coordinates.x((t0Ns + t1Ns) / 2), left + width / 2);
    QCOMPARE(coordinates.time(left), t0Ns);
    QCOMPARE(coordinates.time(left + width), t1Ns);
    // Later is further right.
    QVERIFY(coordinates.x(t1Ns + 1) > coordinates.x(t1Ns));
    QVERIFY(coordinates.x(t0Ns - 1) < left);
}

QTEST_GUILESS_MAIN(tst_TimelineCoordinates)
#include "tst_timelinecoordinates.moc"
