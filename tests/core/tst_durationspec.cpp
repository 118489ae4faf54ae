#include "workload/durationspec.h"

#include <QTest>

using namespace parviz;

class tst_DurationSpec : public QObject
{
    Q_OBJECT

private slots:
    void parseDuration_data();
    void parseDuration();
    void rejectsBadDurations_data();
    void rejectsBadDurations();
    void parseSpec_data();
    void parseSpec();
    void rejectsBadSpecs_data();
    void rejectsBadSpecs();
    void roundTripsThroughText_data();
    void roundTripsThroughText();
    void meanOfEachDistribution();
};

void tst_DurationSpec::parseDuration_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<qint64>("ns");
    QTest::newRow("milliseconds") << "100ms" << qint64(100'000'000);
    QTest::newRow("fractional seconds") << "0.1s" << qint64(100'000'000);
    QTest::newRow("whole seconds") << "2s" << qint64(2'000'000'000);
    QTest::newRow("microseconds, ascii") << "250us" << qint64(250'000);
    QTest::newRow("microseconds, micro sign") << QStringLiteral("250µs") << qint64(250'000);
    QTest::newRow("nanoseconds") << "80ns" << qint64(80);
    QTest::newRow("zero") << "0ms" << qint64(0);
    QTest::newRow("leading dot") << ".5s" << qint64(500'000'000);
    QTest::newRow("surrounding spaces") << " 10ms " << qint64(10'000'000);
    QTest::newRow("one hour exactly") << "3600s" << qint64(3'600'000'000'000);
}

void tst_DurationSpec::parseDuration()
{
    QFETCH(QString, text);
    QFETCH(qint64, ns);
    const auto parsed = parseDurationNs(text);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : qPrintable(parsed.error().message));
    QCOMPARE(qint64(parsed.value()), ns);
}

void tst_DurationSpec::rejectsBadDurations_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("hint");
    QTest::newRow("empty") << ""
                           << "empty";
    QTest::newRow("no unit") << "0.1"
                             << "needs a unit";
    QTest::newRow("negative") << "-5ms"
                              << "negative";
    QTest::newRow("unknown unit") << "5 minutes"
                                  << "unit";
    QTest::newRow("words") << "fast"
                           << "unit";
    QTest::newRow("over an hour") << "3601s"
                                  << "longer than one hour";
    QTest::newRow("unit only") << "ms"
                               << "unit";
}

void tst_DurationSpec::rejectsBadDurations()
{
    QFETCH(QString, text);
    QFETCH(QString, hint);
    const auto parsed = parseDurationNs(text);
    QVERIFY(!parsed.ok());
    QCOMPARE(parsed.error().code, QStringLiteral("bad-duration"));
    QVERIFY2(parsed.error().message.contains(hint), qPrintable(parsed.error().message));
}

void tst_DurationSpec::parseSpec_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("distribution");
    QTest::addColumn<qint64>("value");
    QTest::addColumn<qint64>("upper");
    QTest::addColumn<int>("listSize");
    using D = DurationSpec::Distribution;
    QTest::newRow("fixed") << "100ms" << int(D::Fixed) << qint64(100'000'000) << qint64(0) << 0;
    QTest::newRow("fixed, named") << "fixed:1s" << int(D::Fixed) << qint64(1'000'000'000)
                                  << qint64(0) << 0;
    QTest::newRow("uniform") << "uniform:50ms..150ms" << int(D::Uniform) << qint64(50'000'000)
                             << qint64(150'000'000) << 0;
    QTest::newRow("uniform, equal bounds")
        << "uniform:1ms..1ms" << int(D::Uniform) << qint64(1'000'000) << qint64(1'000'000) << 0;
    QTest::newRow("exponential") << "exp:100ms" << int(D::Exponential) << qint64(100'000'000)
                                 << qint64(0) << 0;
    QTest::newRow("the seed's list")
        << "list:0.1s,1s,0.3s" << int(D::List) << qint64(0) << qint64(0) << 3;
    QTest::newRow("list of one") << "list:5ms" << int(D::List) << qint64(0) << qint64(0) << 1;
}

void tst_DurationSpec::parseSpec()
{
    QFETCH(QString, text);
    QFETCH(int, distribution);
    QFETCH(qint64, value);
    QFETCH(qint64, upper);
    QFETCH(int, listSize);
    const auto spec = DurationSpec::parse(text);
    QVERIFY2(spec.ok(), spec.ok() ? "" : qPrintable(spec.error().message));
    QCOMPARE(int(spec->distribution), distribution);
    QCOMPARE(int(spec->listNs.size()), listSize);
    if (spec->distribution != DurationSpec::Distribution::List)
        QCOMPARE(qint64(spec->valueNs), value);
    if (spec->distribution == DurationSpec::Distribution::Uniform)
        QCOMPARE(qint64(spec->upperNs), upper);
}

void tst_DurationSpec::rejectsBadSpecs_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<QString>("hint");
    QTest::newRow("unknown distribution") << "normal:5ms"
                                          << "unknown distribution";
    QTest::newRow("uniform without bounds") << "uniform:5ms"
                                            << "two bounds";
    QTest::newRow("uniform upside down") << "uniform:150ms..50ms"
                                         << "below the lower bound";
    QTest::newRow("empty list") << "list:"
                                << "empty";
    QTest::newRow("bad list item") << "list:1s,x,2s"
                                   << "'x'";
    QTest::newRow("exp without unit") << "exp:100"
                                      << "needs a unit";
    QTest::newRow("names an example") << "nonsense"
                                      << "uniform:50ms..150ms";
}

void tst_DurationSpec::rejectsBadSpecs()
{
    QFETCH(QString, text);
    QFETCH(QString, hint);
    const auto spec = DurationSpec::parse(text);
    QVERIFY(!spec.ok());
    QVERIFY2(spec.error().message.contains(hint), qPrintable(spec.error().message));
    QVERIFY2(spec.error().message.contains(text.trimmed()), qPrintable(spec.error().message));
}

void tst_DurationSpec::roundTripsThroughText_data()
{
    QTest::addColumn<QString>("text");
    QTest::newRow("fixed") << "100ms";
    QTest::newRow("seconds") << "2s";
    QTest::newRow("odd nanoseconds") << "1234567ns";
    QTest::newRow("uniform") << "uniform:50ms..150ms";
    QTest::newRow("exponential") << "exp:250us";
    QTest::newRow("list") << "list:100ms,1s,300ms";
}

void tst_DurationSpec::roundTripsThroughText()
{
    QFETCH(QString, text);
    const auto spec = DurationSpec::parse(text);
    QVERIFY(spec.ok());
    QCOMPARE(spec->toString(), text);
    const auto again = DurationSpec::parse(spec->toString());
    QVERIFY(again.ok());
    QVERIFY(*again == *spec);
}

void tst_DurationSpec::meanOfEachDistribution()
{
    QCOMPARE(DurationSpec::fixed(10).meanNs(), 10.0);
    QCOMPARE(DurationSpec::uniform(10, 30).meanNs(), 20.0);
    QCOMPARE(DurationSpec::exponential(40).meanNs(), 40.0);
    QCOMPARE(DurationSpec::list({100'000'000, 1'000'000'000, 300'000'000}).meanNs(), 1.4e9 / 3);
}

QTEST_GUILESS_MAIN(tst_DurationSpec)
#include "tst_durationspec.moc"
