#include "timeline/timelinezoomcontrol.h"

#include <QSignalSpy>
#include <QTest>

using namespace parviz;

class tst_TimelineZoomControl : public QObject
{
    Q_OBJECT

private slots:
    void followsTheRunUntilTouched();
    void zoomKeepsTheAnchorInPlace_data();
    void zoomKeepsTheAnchorInPlace();
    void staysWithinLimits();
    void emitsOnlyOnChange();

private:
    static void checkInvariants(const TimelineZoomControl &zoom)
    {
        QVERIFY(zoom.spanNs() >= TimelineZoomControl::MinSpanNs);
        QVERIFY(zoom.t0Ns() >= -zoom.spanNs() / 10);
    }
};

void tst_TimelineZoomControl::followsTheRunUntilTouched()
{
    TimelineZoomControl zoom;
    zoom.setEnd(1'000'000);
    QVERIFY(zoom.isFollowing());
    QCOMPARE(zoom.t0Ns(), std::int64_t(0));
    QCOMPARE(zoom.t1Ns(), std::int64_t(1'020'000)); // the run, and a little room
    zoom.setEnd(2'000'000);
    QCOMPARE(zoom.t1Ns(), std::int64_t(2'040'000));
    zoom.zoomAround(500'000, 2.0);
    QVERIFY(!zoom.isFollowing());
    const auto span = zoom.spanNs();
    zoom.setEnd(4'000'000);
    QCOMPARE(zoom.spanNs(), span); // left alone while not following
    zoom.fit();
    QVERIFY(zoom.isFollowing());
    QCOMPARE(zoom.t1Ns(), std::int64_t(4'080'000));
    checkInvariants(zoom);
}

void tst_TimelineZoomControl::zoomKeepsTheAnchorInPlace_data()
{
    QTest::addColumn<double>("factor");
    QTest::addColumn<qint64>("anchor");
    QTest::newRow("in at a quarter") << 4.0 << qint64(250'000'000);
    QTest::newRow("in at the middle") << 1.25 << qint64(500'000'000);
    QTest::newRow("out a little") << 0.8 << qint64(300'000'000);
}

void tst_TimelineZoomControl::zoomKeepsTheAnchorInPlace()
{
    QFETCH(double, factor);
    QFETCH(qint64, anchor);
    TimelineZoomControl zoom;
    zoom.setEnd(10'000'000'000);
    zoom.setRange(0, 1'000'000'000);
    const double shareBefore = double(anchor - zoom.t0Ns()) / double(zoom.spanNs());
    zoom.zoomAround(anchor, factor);
    const double shareAfter = double(anchor - zoom.t0Ns()) / double(zoom.spanNs());
    QVERIFY(std::abs(shareAfter - shareBefore) < 1e-6);
    QVERIFY(std::abs(double(zoom.spanNs()) - 1e9 / factor) < 2.0);
    checkInvariants(zoom);
}

void tst_TimelineZoomControl::staysWithinLimits()
{
    TimelineZoomControl zoom;
    zoom.setEnd(1'000'000);
    for (int i = 0; i < 50; ++i)
        zoom.zoomAround(500'000, 10.0);
    QCOMPARE(zoom.spanNs(), TimelineZoomControl::MinSpanNs);
    for (int i = 0; i < 50; ++i)
        zoom.zoomAround(500'000, 0.1);
    QCOMPARE(zoom.spanNs(), std::int64_t(1'020'000)); // never wider than the run
    zoom.pan(-100'000'000);
    checkInvariants(zoom);
    zoom.zoomAround(0, 4.0);
    zoom.pan(100'000'000);
    QVERIFY(zoom.t1Ns() <= 1'020'000);
    checkInvariants(zoom);
}

void tst_TimelineZoomControl::emitsOnlyOnChange()
{
    TimelineZoomControl zoom;
    QSignalSpy changed(&zoom, &TimelineZoomControl::rangeChanged);
    zoom.setEnd(1'000'000);
    QCOMPARE(changed.count(), 1);
    zoom.setEnd(1'000'000);
    QCOMPARE(changed.count(), 1);
    zoom.pan(1000);
    QCOMPARE(changed.count(), 2);
}

QTEST_GUILESS_MAIN(tst_TimelineZoomControl)
#include "tst_timelinezoomcontrol.moc"
