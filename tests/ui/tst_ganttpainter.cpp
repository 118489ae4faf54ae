#include "timeline/eventcolors.h"
#include "timeline/ganttpainter.h"
#include "timeline/timelinemodel.h"
#include "trace/tracerecorder.h"

#include <QApplication>
#include <QFontMetrics>
#include <QImage>
#include <QPainter>
#include <QTest>

using namespace parviz;

// The Gantt as pixels: each kind of event fills its share of its row, in its colour.
class tst_GanttPainter : public QObject
{
    Q_OBJECT

private slots:
    void barsFillTheirShareOfTheRow();
    void onlyVisibleRowsArePainted();
    void predictionIsALineOfItsOwn();
    void groupsAlternateShades();
    void keptBarsFollowTheModelAndFrame();
    void markNamesStayClear_data();
    void markNamesStayClear();
    void niceTicks_data();
    void niceTicks();
    void tickLabels_data();
    void tickLabels();
    void rowLabelsKeepPortAndThread();

private:
    static int countColor(const QImage &image, int row, QColor color);
};

int tst_GanttPainter::countColor(const QImage &image, int row, QColor color)
{
    const int y = GanttStyle::AxisHeight + row * GanttStyle::RowHeight + GanttStyle::RowHeight / 2;
    int count = 0;
    for (int x = GanttStyle::LabelWidth; x < image.width(); ++x)
        count += image.pixelColor(x, y).rgb() == color.rgb();
    return count;
}

void tst_GanttPainter::barsFillTheirShareOfTheRow()
{
    // Worker 0 runs for the first half; worker 1 spawns for a tenth, then runs to the end.
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 500);
    recorder.worker(1).append(-1, EventKind::Spawn, 0, 100);
    recorder.worker(1).append(1, EventKind::Run, 100, 1000);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);

    const int width = GanttStyle::LabelWidth + 1000; // one pixel per nanosecond
    QImage image(width, 200, QImage::Format_ARGB32);
    QPainter painter(&image);
    GanttFrame frame;
    frame.area = image.rect();
    frame.t0Ns = 0;
    frame.t1Ns = 1000;
    paintGantt(painter,
        model,
        frame,
        GanttStyle::fromPalette(QApplication::palette(), QApplication::font()));
    painter.end();

    const QColor run = eventColor(EventKind::Run);
    const QColor spawn = eventColor(EventKind::Spawn);
    auto near = [](int value, int expected) { return std::abs(value - expected) <= 3; };
    QVERIFY2(near(countColor(image, 1, run), 500),
        qPrintable(QString::number(countColor(image, 1, run))));
    QVERIFY2(near(countColor(image, 2, run), 900),
        qPrintable(QString::number(countColor(image, 2, run))));
    QVERIFY2(near(countColor(image, 2, spawn), 100),
        qPrintable(QString::number(countColor(image, 2, spawn))));
    QCOMPARE(countColor(image, 1, spawn), 0);
    QCOMPARE(countColor(image, 0, run), 0); // the main row did nothing
}

void tst_GanttPainter::onlyVisibleRowsArePainted()
{
    TraceRecorder recorder(10'000, false);
    for (int worker = 0; worker < 10'000; ++worker)
        recorder.worker(worker).append(worker, EventKind::Run, 0, 100);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    GanttFrame frame;
    frame.area = QRect(0, 0, 800, GanttStyle::AxisHeight + 10 * GanttStyle::RowHeight);
    frame.t1Ns = 100;
    frame.firstRow = 5000;
    QCOMPARE(ganttVisibleRows(frame), 10);
    QImage image(frame.area.size(), QImage::Format_ARGB32);
    QPainter painter(&image);
    paintGantt(painter,
        model,
        frame,
        GanttStyle::fromPalette(QApplication::palette(), QApplication::font()));
    painter.end();
    // Rows 5000..5009 are there, and run from the start to the end of the time area.
    QVERIFY(countColor(image, 0, eventColor(EventKind::Run)) > 500);
    QVERIFY(countColor(image, 9, eventColor(EventKind::Run)) > 500);
}

void tst_GanttPainter::predictionIsALineOfItsOwn()
{
    // Two idle rows over 1,000 ns, one pixel per nanosecond; the prediction at 600 ns.
    TraceRecorder recorder(4, false);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    const GanttStyle style = GanttStyle::fromPalette(QApplication::palette(), QApplication::font());
    auto paint = [&](std::int64_t predictedNs) {
        QImage image(GanttStyle::LabelWidth + 1000, 200, QImage::Format_ARGB32);
        QPainter painter(&image);
        GanttFrame frame;
        frame.area = image.rect();
        frame.t1Ns = 1000;
        frame.predictedNs = predictedNs;
        paintGantt(painter, model, frame, style);
        return image;
    };
    // Pixels of the prediction's colour in the column at `ns`, below the label.
    auto lineAt = [&](const QImage &image, int ns) {
        int count = 0;
        for (int y = GanttStyle::AxisHeight + 2 * GanttStyle::RowHeight; y < image.height(); ++y) {
            for (int x = GanttStyle::LabelWidth + ns - 1; x <= GanttStyle::LabelWidth + ns + 1; ++x)
                count += image.pixelColor(x, y).rgb() == style.predicted.rgb();
        }
        return count;
    };
    const QImage without = paint(-1);
    const QImage with = paint(600);
    QCOMPARE(lineAt(without, 600), 0);
    QVERIFY2(lineAt(with, 600) > 40, qPrintable(QString::number(lineAt(with, 600))));
    QCOMPARE(lineAt(with, 300), 0); // one line, where it belongs
}

void tst_GanttPainter::groupsAlternateShades()
{
    // Worker 0 ran two chunks of three tasks, 100 ns each, back to back; worker 1 ran the same
    // tasks one at a time, unmarked, as a thread pool does.
    TraceRecorder recorder(2, false);
    for (int task = 0; task < 6; ++task) {
        const std::int64_t start = task * 100;
        const std::uint8_t flags = task % 3 == 0 ? EventFlag::GroupStart : 0;
        recorder.worker(0).append(task, EventKind::Run, start, start + 100, flags);
        recorder.worker(1).append(task, EventKind::Run, start, start + 100);
    }
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    const GanttStyle style = GanttStyle::fromPalette(QApplication::palette(), QApplication::font());
    auto paint = [&](std::int64_t spanNs) {
        QImage image(GanttStyle::LabelWidth + 600, 200, QImage::Format_ARGB32);
        QPainter painter(&image);
        GanttFrame frame;
        frame.area = image.rect();
        frame.t1Ns = spanNs;
        paintGantt(painter, model, frame, style);
        return image;
    };

    // One pixel per nanosecond: each group fills its half of the row in its own shade (each bar
    // less the pixel of gap at its end).
    const QColor run = eventColor(EventKind::Run);
    const QColor other = alternateGroupColor();
    const QImage image = paint(600);
    auto near = [](int value, int expected) { return std::abs(value - expected) <= 6; };
    QVERIFY2(near(countColor(image, 1, run), 300),
        qPrintable(QString::number(countColor(image, 1, run))));
    QVERIFY2(near(countColor(image, 1, other), 300),
        qPrintable(QString::number(countColor(image, 1, other))));
    // Left half one shade, right half the other: the groups, not every other task.
    const int y = GanttStyle::AxisHeight + GanttStyle::RowHeight + GanttStyle::RowHeight / 2;
    QCOMPARE(image.pixelColor(GanttStyle::LabelWidth + 150, y).rgb(), run.rgb());
    QCOMPARE(image.pixelColor(GanttStyle::LabelWidth + 450, y).rgb(), other.rgb());
    // Unmarked runs look as they always did.
    QVERIFY2(near(countColor(image, 2, run), 600),
        qPrintable(QString::number(countColor(image, 2, run))));
    QCOMPARE(countColor(image, 2, other), 0);

    // Zoomed out until the tasks merge: one bar, no groups.
    const QImage merged = paint(600'000);
    QVERIFY(countColor(merged, 1, run) >= 1);
    QCOMPARE(countColor(merged, 1, other), 0);
}

void tst_GanttPainter::keptBarsFollowTheModelAndFrame()
{
    // One painter, kept between paints as a view keeps it: each change of what is shown shows.
    auto trace = [](std::int64_t runEndNs) {
        TraceRecorder recorder(1, false);
        recorder.worker(0).append(0, EventKind::Run, 0, runEndNs);
        return recorder.snapshot();
    };
    TimelineModel model;
    model.setTrace(trace(500), nullptr, false);
    GanttStyle style = GanttStyle::fromPalette(QApplication::palette(), QApplication::font());
    GanttFrame frame;
    frame.t1Ns = 1000;
    GanttPainter gantt;
    auto paint = [&](int timeWidth) {
        QImage image(GanttStyle::LabelWidth + timeWidth, 200, QImage::Format_ARGB32);
        frame.area = image.rect();
        QPainter painter(&image);
        gantt.paint(painter, model, frame, style);
        return image;
    };
    const QColor run = eventColor(EventKind::Run);
    auto runPixels = [&](const QImage &image) { return countColor(image, 1, run); };
    auto near = [](int value, int expected) { return std::abs(value - expected) <= 3; };

    // One pixel per nanosecond: the run fills half the row.
    const QImage first = paint(1000);
    QVERIFY2(near(runPixels(first), 500), qPrintable(QString::number(runPixels(first))));
    // The same again: the same picture, as paintGantt() draws it afresh.
    QCOMPARE(paint(1000), first);
    {
        QImage fresh(first.size(), QImage::Format_ARGB32);
        QPainter painter(&fresh);
        paintGantt(painter, model, frame, style);
        painter.end();
        QCOMPARE(fresh, first);
    }

    // A new trace in the same model.
    model.setTrace(trace(900), nullptr, false);
    const QImage longer = paint(1000);
    QVERIFY2(near(runPixels(longer), 900), qPrintable(QString::number(runPixels(longer))));

    // A replay that has got to 300 ns.
    model.setVisibleUntil(300);
    const QImage replay = paint(1000);
    QVERIFY2(near(runPixels(replay), 300), qPrintable(QString::number(runPixels(replay))));
    model.setVisibleUntil(std::nullopt);

    // Zoomed out to twice the time: half the pixels.
    frame.t1Ns = 2000;
    const QImage zoomed = paint(1000);
    QVERIFY2(near(runPixels(zoomed), 450), qPrintable(QString::number(runPixels(zoomed))));
    // Scrolled to the run's second half.
    frame.t0Ns = 450;
    frame.t1Ns = 1450;
    const QImage scrolled = paint(1000);
    QVERIFY2(near(runPixels(scrolled), 450), qPrintable(QString::number(runPixels(scrolled))));
    frame.t0Ns = 0;
    frame.t1Ns = 1000;

    // Narrower: the same time over half the pixels.
    const QImage narrow = paint(500);
    QVERIFY2(near(runPixels(narrow), 450), qPrintable(QString::number(runPixels(narrow))));

    // Another theme: the bars stay, on the new background.
    const QImage light = paint(1000);
    style.background = QColor(0x10, 0x20, 0x30);
    style.alternateRow = style.background;
    const QImage dark = paint(1000);
    QCOMPARE(runPixels(dark), runPixels(light));
    const QPoint idle(GanttStyle::LabelWidth + 950, GanttStyle::AxisHeight + 20);
    QCOMPARE(dark.pixelColor(idle).rgb(), style.background.rgb());
    QVERIFY(light.pixelColor(idle).rgb() != style.background.rgb());
}

void tst_GanttPainter::niceTicks_data()
{
    QTest::addColumn<qint64>("span");
    QTest::addColumn<double>("pixels");
    QTest::addColumn<qint64>("step");
    QTest::newRow("1 s over 1100 px") << qint64(1'000'000'000) << 1100.0 << qint64(100'000'000);
    QTest::newRow("380 ms over 600 px") << qint64(380'000'000) << 600.0 << qint64(100'000'000);
    QTest::newRow("3 s over 600 px") << qint64(3'000'000'000) << 600.0 << qint64(1'000'000'000);
    QTest::newRow("1 µs over 1000 px") << qint64(1000) << 1000.0 << qint64(200);
    QTest::newRow("tiny") << qint64(1) << 1000.0 << qint64(1);
}

void tst_GanttPainter::niceTicks()
{
    QFETCH(qint64, span);
    QFETCH(double, pixels);
    QFETCH(qint64, step);
    QCOMPARE(qint64(niceTickNs(span, pixels)), step);
}

void tst_GanttPainter::tickLabels_data()
{
    QTest::addColumn<qint64>("time");
    QTest::addColumn<qint64>("step");
    QTest::addColumn<QString>("label");
    QTest::newRow("zero") << qint64(0) << qint64(100) << "0";
    QTest::newRow("whole seconds") << qint64(2'000'000'000) << qint64(1'000'000'000) << "2 s";
    QTest::newRow("tenths of a second") << qint64(1'500'000'000) << qint64(100'000'000) << "1.5 s";
    QTest::newRow("milliseconds") << qint64(250'000'000) << qint64(50'000'000) << "250 ms";
    QTest::newRow("microseconds") << qint64(20'000) << qint64(10'000) << QStringLiteral("20 µs");
    QTest::newRow("nanoseconds") << qint64(40) << qint64(20) << "40 ns";
}

void tst_GanttPainter::tickLabels()
{
    QFETCH(qint64, time);
    QFETCH(qint64, step);
    QFETCH(QString, label);
    QCOMPARE(tickLabel(time, step), label);
}

void tst_GanttPainter::markNamesStayClear_data()
{
    QTest::addColumn<int>("width"); // of the time axis, one pixel per nanosecond
    QTest::addColumn<qint64>("lowerBound");
    QTest::addColumn<qint64>("predicted");
    QTest::addColumn<bool>("bothNamed");
    QTest::newRow("apart") << 1000 << qint64(400) << qint64(800) << true;
    QTest::newRow("close, bound first") << 1000 << qint64(800) << qint64(803) << true;
    QTest::newRow("close, prediction first") << 1000 << qint64(803) << qint64(800) << true;
    QTest::newRow("same moment") << 1000 << qint64(800) << qint64(800) << true;
    QTest::newRow("both at the end") << 1000 << qint64(990) << qint64(996) << true;
    QTest::newRow("both at the start") << 1000 << qint64(2) << qint64(0) << true;
    QTest::newRow("run longer than predicted") << 1000 << qint64(900) << qint64(930) << true;
    QTest::newRow("bound only") << 1000 << qint64(990) << qint64(-1) << false;
    QTest::newRow("prediction only") << 1000 << qint64(-1) << qint64(5) << false;
    QTest::newRow("narrow") << 150 << qint64(70) << qint64(80) << false;
    QTest::newRow("out of view") << 1000 << qint64(5000) << qint64(6000) << false;
}

void tst_GanttPainter::markNamesStayClear()
{
    QFETCH(int, width);
    QFETCH(qint64, lowerBound);
    QFETCH(qint64, predicted);
    QFETCH(bool, bothNamed);
    // Every row full of bars: a name anywhere in the rows would cover one.
    TraceRecorder recorder(3, false);
    for (int worker = 0; worker < 3; ++worker)
        recorder.worker(worker).append(worker, EventKind::Run, 0, width);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    GanttFrame frame;
    frame.area = QRect(0, 0, GanttStyle::LabelWidth + width, 120);
    frame.t1Ns = width;
    frame.lowerBoundNs = lowerBound;
    frame.predictedNs = predicted;
    const QFontMetrics metrics(QApplication::font());
    const GanttAxisLabels labels = ganttAxisLabels(frame, metrics);

    const std::vector<GanttLabel> &names = labels.marks;
    if (bothNamed) {
        QStringList texts;
        for (const GanttLabel &name : names)
            texts << name.text;
        QVERIFY2(texts.join(' ').contains("lower bound") && texts.join(' ').contains("predicted"),
            qPrintable(texts.join(" | ")));
    }
    std::vector<TimelineModel::Bar> bars;
    for (const GanttLabel &name : names) {
        QVERIFY2(!name.box.intersects(labels.rows), qPrintable(name.text));
        QVERIFY(name.box.left() >= labels.axis.left());
        QVERIFY(name.box.right() <= labels.axis.right() + 1);
        for (int row = 0; row < model.rowCount(); ++row) {
            model.bars(row, 0, width, 1.0, bars);
            for (const TimelineModel::Bar &bar : bars) {
                const QRectF rect(GanttStyle::LabelWidth + bar.startNs,
                    labels.rows.top() + row * GanttStyle::RowHeight + 3,
                    bar.endNs - bar.startNs,
                    GanttStyle::RowHeight - 6);
                QVERIFY(!name.box.intersects(rect));
            }
        }
        for (const GanttLabel &tick : labels.ticks)
            QVERIFY2(!name.box.intersects(tick.box), qPrintable(name.text + " / " + tick.text));
    }
    if (names.size() == 2)
        QVERIFY(!names[0].box.intersects(names[1].box));
    // Neither name crosses the other mark's line, nor does a tick label cross either line.
    for (qint64 ns : {lowerBound, predicted}) {
        if (ns < 0 || ns > width)
            continue;
        const double x = GanttStyle::LabelWidth + ns;
        for (const GanttLabel &name : names)
            QVERIFY2(x < name.box.left() || x > name.box.right(), qPrintable(name.text));
        for (const GanttLabel &tick : labels.ticks)
            QVERIFY2(x < tick.box.left() || x > tick.box.right(), qPrintable(tick.text));
    }
    QVERIFY(!labels.ticks.empty() || width < 300);
}

// A worker's row label too long for the column gives up the middle of its host: its port and
// thread, which tell the rows apart, stay whole; a traced thread keeps its name's end and pid.
// Other labels are cut at the end.
void tst_GanttPainter::rowLabelsKeepPortAndThread()
{
    const QFontMetrics metrics(QApplication::font());
    const QString label = QStringLiteral("127.0.0.1:41285 · thread 12");
    const int full = metrics.horizontalAdvance(label);
    QCOMPARE(fittedRowLabel(label, metrics, full), label);

    const int narrower = full - metrics.horizontalAdvance(QStringLiteral("0.0"));
    const QString fitted = fittedRowLabel(label, metrics, narrower);
    QVERIFY2(fitted.endsWith(QStringLiteral(":41285 · thread 12")), qPrintable(fitted));
    QVERIFY2(fitted.startsWith(QLatin1Char('1')), qPrintable(fitted));
    QVERIFY2(fitted.contains(QChar(0x2026)), qPrintable(fitted));
    QVERIFY(metrics.horizontalAdvance(fitted) <= narrower);

    // A process id too: no room for any of the host, and the id is cut before the thread is.
    const QString withPid = label + QStringLiteral(" · pid 4242");
    const int noHost = metrics.horizontalAdvance(QStringLiteral("…:41285 · thread 12 · pi"));
    const QString cut = fittedRowLabel(withPid, metrics, noHost);
    QVERIFY2(cut.startsWith(QStringLiteral("…:41285 · thread 12")), qPrintable(cut));
    QVERIFY2(!cut.contains(QStringLiteral("4242")), qPrintable(cut));
    QVERIFY(metrics.horizontalAdvance(cut) <= noHost);

    // A traced program's thread: the end of its name and its pid stay.
    const QString thread = QStringLiteral("ThreadPoolExecutor-0_3 · pid 4242");
    const int half = metrics.horizontalAdvance(thread) * 3 / 4;
    const QString threadCut = fittedRowLabel(thread, metrics, half);
    QVERIFY2(threadCut.endsWith(QStringLiteral("_3 · pid 4242")), qPrintable(threadCut));
    QVERIFY2(threadCut.startsWith(QStringLiteral("Th")), qPrintable(threadCut));
    QVERIFY(metrics.horizontalAdvance(threadCut) <= half);

    const QString plain = QStringLiteral("a worker with a long name");
    const QString plainCut = fittedRowLabel(plain, metrics, metrics.horizontalAdvance(plain) / 2);
    QVERIFY2(plainCut.startsWith(QStringLiteral("a wor")), qPrintable(plainCut));
    QVERIFY(plainCut.endsWith(QChar(0x2026)));
}

QTEST_MAIN(tst_GanttPainter)
#include "tst_ganttpainter.moc"
