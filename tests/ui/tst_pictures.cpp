#include "pdfreader.h"
#include "pictures/figures.h"
#include "pictures/picturecaption.h"
#include "pictures/picturefile.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "run/sweep.h"
#include "timeline/ganttpainter.h"

#include <QApplication>
#include <QDir>
#include <QDomDocument>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QPainter>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace parviz;
using parviz::test::PdfReader;

// Saved pictures: the format the name or the dialog asks for, the size of the chart plus its
// caption, the caption drawn in PNG, SVG and PDF alike, and a PDF that is one vector page.
class tst_Pictures : public QObject
{
    Q_OBJECT

private slots:
    void targetFollowsNameThenFilter_data();
    void targetFollowsNameThenFilter();
    void pngGrowsByTheCaption_data();
    void pngGrowsByTheCaption();
    void svgDrawsTheCaptionAsText();
    void pdfIsOneVectorPageWithTheCaption();
    void unwritablePdfIsAnErrorAndLeavesNothing();
    void captionsSayWhatRan();
    void ganttFigureCaptionsARunAndAComparison();
    void speedupFigureCaptionsTheSweep();
    void figureSaysWhatItShows();
    void figureHasItsWidthAndTheme();
    void baseNameSaysWhatRan_data();
    void baseNameSaysWhatRan();
    void proposedPathIsInTheLastFolder();

private:
    static constexpr QSize ChartSize{400, 250};
    static const QColor Background;
    static const QColor ChartColor;
    // A chart that fills its whole area and writes a word in it.
    static void paintChart(QPainter &painter, const QRect &area);
    QByteArray readFile(const QString &path) const;
    RunResult runOf(const QString &strategy, int tasks) const;
    static FigureStyle widthOf(int width)
    {
        FigureStyle style;
        style.width = width;
        return style;
    }

    QTemporaryDir m_files;
};

const QColor tst_Pictures::Background(Qt::white);
const QColor tst_Pictures::ChartColor(0xD5, 0x5E, 0x00);

void tst_Pictures::paintChart(QPainter &painter, const QRect &area)
{
    painter.fillRect(area, ChartColor);
    painter.setPen(Qt::black);
    painter.drawLine(area.topLeft(), area.bottomRight());
    painter.drawText(area, Qt::AlignCenter, QStringLiteral("speedup"));
}

QByteArray tst_Pictures::readFile(const QString &path) const
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? file.readAll() : QByteArray();
}

RunResult tst_Pictures::runOf(const QString &strategy, int tasks) const
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(1'000'000);
    return executeRun(makeRunPlan(strategy, workload, WorkerCount::exactly(2)).value());
}

void tst_Pictures::targetFollowsNameThenFilter_data()
{
    QTest::addColumn<QString>("path");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("written");
    QTest::addColumn<int>("format");
    QTest::addColumn<qreal>("scale");
    const int png = int(PictureFormat::Png);
    const int svg = int(PictureFormat::Svg);
    const int pdf = int(PictureFormat::Pdf);
    const QString pngFilter = QStringLiteral("PNG image (*.png)");
    const QString png2x = QStringLiteral("PNG image at 2x, for slides and print (*.png)");
    const QString svgFilter = QStringLiteral("SVG drawing (*.svg)");
    const QString pdfFilter = QStringLiteral("PDF document (*.pdf)");
    QTest::newRow("pdf by name") << "a.pdf" << pngFilter << "a.pdf" << pdf << 1.0;
    QTest::newRow("pdf by name, upper case") << "a.PDF" << QString() << "a.PDF" << pdf << 1.0;
    QTest::newRow("pdf by filter") << "a" << pdfFilter << "a.pdf" << pdf << 1.0;
    QTest::newRow("name beats filter") << "a.png" << pdfFilter << "a.png" << png << 1.0;
    QTest::newRow("svg by name") << "a.svg" << pdfFilter << "a.svg" << svg << 1.0;
    QTest::newRow("svg by filter") << "a" << svgFilter << "a.svg" << svg << 1.0;
    QTest::newRow("png at 2x") << "a" << png2x << "a.png" << png << 2.0;
    QTest::newRow("nothing said") << "a" << QString() << "a.png" << png << 1.0;
    QTest::newRow("other suffix") << "a.jpg" << pdfFilter << "a.jpg.pdf" << pdf << 1.0;
}

void tst_Pictures::targetFollowsNameThenFilter()
{
    QFETCH(QString, path);
    QFETCH(QString, filter);
    QFETCH(QString, written);
    QFETCH(int, format);
    QFETCH(qreal, scale);
    QVERIFY(pictureFilters().contains(QLatin1String("(*.pdf)")));
    const PictureTarget target = pictureTarget(path, filter);
    QCOMPARE(target.path, written);
    QCOMPARE(int(target.format), format);
    QCOMPARE(target.scale, scale);
}

void tst_Pictures::pngGrowsByTheCaption_data()
{
    QTest::addColumn<QString>("caption");
    QTest::addColumn<qreal>("scale");
    QTest::newRow("caption") << "8 cpu x 100ms · thread-pool · 4 workers · on 2 logical CPUs"
                             << 1.0;
    QTest::newRow("caption at 2x") << "8 cpu x 100ms · thread-pool · 4 workers" << 2.0;
    QTest::newRow("no caption") << QString() << 1.0;
}

void tst_Pictures::pngGrowsByTheCaption()
{
    QFETCH(QString, caption);
    QFETCH(qreal, scale);
    const PictureCaption under = PictureCaption::fromPalette(caption, QApplication::palette());
    QCOMPARE(under.height() > 0, !caption.isEmpty());
    const QString path = m_files.filePath(QStringLiteral("grows.png"));
    PictureTarget target{path, PictureFormat::Png, scale};
    QVERIFY(savePicture(target, ChartSize, Background, paintChart, under).ok());
    const QImage image(path);
    QVERIFY(!image.isNull());
    QCOMPARE(image.size(), (ChartSize + QSize(0, under.height())) * scale);
    QCOMPARE(pictureSize(ChartSize, under), ChartSize + QSize(0, under.height()));

    // The chart keeps its own size (its last row is still the chart's), and the caption band
    // under it holds text and nothing of the chart.
    const int chartBottom = int(ChartSize.height() * scale) - 1;
    QCOMPARE(image.pixelColor(image.width() / 3, chartBottom).rgb(), ChartColor.rgb());
    int inked = 0;
    for (int y = chartBottom + 1; y < image.height(); ++y)
        for (int x = 0; x < image.width(); ++x) {
            const QRgb pixel = image.pixel(x, y);
            QVERIFY(pixel != ChartColor.rgb());
            inked += pixel != Background.rgb();
        }
    QCOMPARE(inked > 0, !caption.isEmpty());
}

void tst_Pictures::svgDrawsTheCaptionAsText()
{
    const QString caption = QStringLiteral("8 cpu x 100ms · thread-pool · 4 workers");
    const PictureCaption under = PictureCaption::fromPalette(caption, QApplication::palette());
    const QString path = m_files.filePath(QStringLiteral("caption.svg"));
    QVERIFY(savePicture({path, PictureFormat::Svg}, ChartSize, Background, paintChart, under).ok());
    QDomDocument svg;
    QVERIFY(svg.setContent(readFile(path)));
    QCOMPARE(svg.documentElement().attribute(QStringLiteral("viewBox")),
        QStringLiteral("0 0 %1 %2")
            .arg(ChartSize.width())
            .arg(ChartSize.height() + under.height()));
    QStringList texts;
    const QDomNodeList elements = svg.elementsByTagName(QStringLiteral("text"));
    for (int i = 0; i < elements.count(); ++i)
        texts << elements.at(i).toElement().text().trimmed();
    QVERIFY2(texts.contains(caption), qPrintable(texts.join(QLatin1Char('|'))));
    QVERIFY(texts.contains(QStringLiteral("speedup")));
}

void tst_Pictures::pdfIsOneVectorPageWithTheCaption()
{
    const QString caption =
        QStringLiteral("8 cpu x 100ms · thread-pool · 4 workers · on 2 logical CPUs");
    const PictureCaption under = PictureCaption::fromPalette(caption, QApplication::palette());
    const QString path = m_files.filePath(QStringLiteral("caption.pdf"));
    QVERIFY(savePicture({path, PictureFormat::Pdf}, ChartSize, Background, paintChart, under).ok());
    const QByteArray file = readFile(path);
    QVERIFY(file.startsWith("%PDF-"));
    const PdfReader pdf(file);
    QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
    QCOMPARE(pdf.pageCount(), 1);
    // A page of the picture's size, one point a pixel.
    QCOMPARE(pdf.mediaBox(), QRectF(0, 0, ChartSize.width(), ChartSize.height() + under.height()));
    // Vector: paths and text, no picture of the chart.
    QVERIFY(!pdf.hasImages());
    const QByteArray contents = pdf.contents();
    QVERIFY(contents.contains(" re\n") || contents.contains(" re "));
    QVERIFY(contents.contains(" l\n") || contents.contains(" l "));
    const QString text = pdf.text();
    QVERIFY2(text.contains(QLatin1String("speedup")), qPrintable(text));
    QVERIFY2(text.contains(caption), qPrintable(text));
}

void tst_Pictures::unwritablePdfIsAnErrorAndLeavesNothing()
{
    const QString path = QStringLiteral("/nonexistent-folder/chart.pdf");
    const auto saved = savePicture({path, PictureFormat::Pdf}, ChartSize, Background, paintChart);
    QVERIFY(!saved.ok());
    QVERIFY(saved.error().message.contains(path));
    QVERIFY(!QFile::exists(path));
}

void tst_Pictures::captionsSayWhatRan()
{
    const RunResult pool = runOf(QStringLiteral("thread-pool"), 4);
    const QString cpus = pool.plan.cpus == 1
        ? QStringLiteral("on 1 logical CPU")
        : QStringLiteral("on %1 logical CPUs").arg(pool.plan.cpus);
    QCOMPARE(runCaption(pool), QStringLiteral("4 sleep x 1ms · thread-pool · 2 workers · ") + cpus);
    const RunResult threads = runOf(QStringLiteral("thread-per-task"), 3);
    QCOMPARE(runCaption(threads),
        QStringLiteral("3 sleep x 1ms · thread-per-task · 3 threads · ") + cpus);

    // A comparison names the workload and the machine once; each run has its own heading.
    const RunResult sequential = runOf(QStringLiteral("sequential"), 4);
    const RunResult runs[] = {pool, sequential};
    QCOMPARE(comparisonCaption(runs), QStringLiteral("4 sleep x 1ms · ") + cpus);
    const RunResult mixed[] = {pool, threads};
    QCOMPARE(comparisonCaption(mixed), cpus);
    QCOMPARE(comparisonCaption({}), QString());

    QCOMPARE(sweepCaption(QStringLiteral("8 cpu x 50ms"), {QStringLiteral("process-pool")}, 8, 2),
        QStringLiteral("8 cpu x 50ms · process-pool · 1 to 8 workers · on 2 logical CPUs"));
    QCOMPARE(
        sweepCaption(QString(), {QStringLiteral("thread-pool"), QStringLiteral("pool-map")}, 1, 1),
        QStringLiteral("thread-pool, pool-map · 1 worker · on 1 logical CPU"));
}

void tst_Pictures::ganttFigureCaptionsARunAndAComparison()
{
    const RunResult pool = runOf(QStringLiteral("thread-pool"), 4);
    const RunResult sequential = runOf(QStringLiteral("sequential"), 4);
    const QString one = m_files.filePath(QStringLiteral("run.pdf"));
    QVERIFY(saveGanttFigure({&pool, 1}, {one, PictureFormat::Pdf}, widthOf(800)).ok());
    const PdfReader run(readFile(one));
    QVERIFY2(run.isValid(), qPrintable(run.error()));
    QCOMPARE(run.pageCount(), 1);
    QCOMPARE(run.mediaBox().width(), 800.0);
    QVERIFY(!run.hasImages());
    QVERIFY2(run.text().contains(runCaption(pool)), qPrintable(run.text()));

    const RunResult runs[] = {pool, sequential};
    const QString both = m_files.filePath(QStringLiteral("compare.svg"));
    QVERIFY(saveGanttFigure(runs, {both, PictureFormat::Svg}, widthOf(800)).ok());
    const QString svg = QString::fromUtf8(readFile(both));
    QVERIFY(svg.contains(QLatin1Char('>') + comparisonCaption(runs) + QLatin1String("</text>")));
    // A comparison ends with its makespans as bars, labelled with the runs' strategies; a
    // single run has none.
    QVERIFY(svg.contains(QLatin1String(">Makespan (shorter is better)</text>")));
    QVERIFY(svg.contains(QLatin1String(">thread-pool</text>")));
    const QString single = m_files.filePath(QStringLiteral("run.svg"));
    QVERIFY(saveGanttFigure({&pool, 1}, {single, PictureFormat::Svg}, widthOf(800)).ok());
    QVERIFY(!QString::fromUtf8(readFile(single)).contains(QLatin1String("Makespan (shorter")));
    // The PNG is as tall as the SVG: the caption is in both.
    const QString png = m_files.filePath(QStringLiteral("compare.png"));
    QVERIFY(saveGanttFigure(runs, {png, PictureFormat::Png}, widthOf(800)).ok());
    QDomDocument document;
    QVERIFY(document.setContent(readFile(both)));
    QCOMPARE(QStringLiteral("0 0 800 %1").arg(QImage(png).height()),
        document.documentElement().attribute(QStringLiteral("viewBox")));
}

void tst_Pictures::speedupFigureCaptionsTheSweep()
{
    SweepPlan plan;
    plan.strategy = QStringLiteral("thread-pool");
    plan.workload.taskCount = 4;
    plan.workload.duration = DurationSpec::fixed(1'000'000);
    plan.maxWorkers = 2;
    const auto sweep = runSweep(plan);
    QVERIFY(sweep.ok());
    const QString expected =
        sweepCaption(plan.workload.label(), {QStringLiteral("thread-pool")}, 2, logicalCpus());
    QVERIFY(expected.contains(QLatin1String("1 to 2 workers")));

    const QString pdfPath = m_files.filePath(QStringLiteral("speedup.pdf"));
    QVERIFY(saveSpeedupFigure(*sweep, plan.workload, 2, {pdfPath, PictureFormat::Pdf}, widthOf(640))
                .ok());
    const PdfReader pdf(readFile(pdfPath));
    QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
    QCOMPARE(pdf.pageCount(), 1);
    QVERIFY(!pdf.hasImages());
    QVERIFY2(pdf.text().contains(expected), qPrintable(pdf.text()));
    // The chart keeps its 8:5 shape; the page grows by the caption.
    QVERIFY(pdf.mediaBox().height() > 640 * 5 / 8);

    const QString svgPath = m_files.filePath(QStringLiteral("speedup.svg"));
    QVERIFY(saveSpeedupFigure(*sweep, plan.workload, 2, {svgPath, PictureFormat::Svg}, widthOf(640))
                .ok());
    QVERIFY(QString::fromUtf8(readFile(svgPath))
                .contains(QLatin1Char('>') + expected + QLatin1String("</text>")));
}

// A figure's description: each run's heading, the legend's entries and the caption, all drawn as
// text; a run more adds its rows and heading, never empty space.
void tst_Pictures::figureSaysWhatItShows()
{
    const RunResult pool = runOf(QStringLiteral("thread-pool"), 4);
    const Figure one = ganttFigure({&pool, 1}, widthOf(900));
    QCOMPARE(one.headings.size(), 1);
    QVERIFY(one.headings.front().startsWith(QLatin1String("thread-pool")));
    QVERIFY(one.legend.contains(QStringLiteral("idle")));
    QVERIFY(one.legend.contains(QStringLiteral("chunk / batch")));
    QCOMPARE(one.caption.text, runCaption(pool));
    const QString path = m_files.filePath(QStringLiteral("described.svg"));
    QVERIFY(one.save({path, PictureFormat::Svg}).ok());
    const QString svg = QString::fromUtf8(readFile(path));
    for (const QString &entry : one.legend + QStringList{one.caption.text})
        QVERIFY2(
            svg.contains(QLatin1Char('>') + entry + QLatin1String("</text>")), qPrintable(entry));

    // Two runs of 2 workers: two headings, and taller by at least their rows.
    const RunResult sequential = runOf(QStringLiteral("sequential"), 4);
    const RunResult runs[] = {pool, sequential};
    const Figure both = ganttFigure(runs, widthOf(900));
    QCOMPARE(both.headings.size(), 2);
    QVERIFY(both.size.height() > one.size.height() + GanttStyle::RowHeight);
    // Nothing run: the legend alone, no caption.
    const Figure none = ganttFigure({}, widthOf(900));
    QVERIFY(none.headings.isEmpty());
    QVERIFY(none.caption.text.isEmpty());
    QVERIFY(none.size.height() < one.size.height());
}

// The width asked for, whatever the screen; the height follows the rows. Light by default, dark
// when asked.
void tst_Pictures::figureHasItsWidthAndTheme()
{
    const RunResult pool = runOf(QStringLiteral("thread-pool"), 4);
    FigureStyle style;
    QCOMPARE(style.width, 1600);
    QVERIFY(!style.dark);
    const Figure light = ganttFigure({&pool, 1}, style);
    const QImage lightImage = light.render();
    QCOMPARE(lightImage.size(), light.pictureSize());
    QCOMPARE(lightImage.width(), 1600);
    QVERIFY(QColor(lightImage.pixel(2, 2)).lightness() > 200);

    style.width = 1920;
    style.dark = true;
    const Figure dark = ganttFigure({&pool, 1}, style);
    const QImage darkImage = dark.render(2.0);
    QCOMPARE(darkImage.size(), dark.pictureSize() * 2);
    QCOMPARE(dark.pictureSize().width(), 1920);
    // The same rows: as tall as the light one.
    QCOMPARE(dark.pictureSize().height(), light.pictureSize().height());
    QVERIFY(QColor(darkImage.pixel(2, 2)).lightness() < 80);
    QCOMPARE(dark.legend, light.legend);
    QCOMPARE(dark.caption.text, light.caption.text);
}

void tst_Pictures::baseNameSaysWhatRan_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<QString>("duration");
    QTest::addColumn<int>("kind");
    QTest::addColumn<QString>("workers");
    QTest::addColumn<QString>("expected");
    const int sleep = int(TaskKind::Sleep);
    QTest::newRow("the issue's") << "thread-pool"
                                 << "10ms" << sleep << "8"
                                 << "thread-pool-300x10ms-8w";
    QTest::newRow("sweep of cpu") << "process-pool"
                                  << "100ms" << int(TaskKind::Cpu) << "1-8"
                                  << "process-pool-300x100ms-cpu-1-8w";
    QTest::newRow("uniform") << "pool-map"
                             << "uniform:50ms..150ms" << sleep << "4"
                             << "pool-map-300xuniform-50ms-150ms-4w";
    QTest::newRow("list") << "batched"
                          << "list:0.1s,1s" << sleep << ""
                          << "batched-300xlist-100ms-1s";
    QTest::newRow("no strategy") << ""
                                 << "10ms" << sleep << "2"
                                 << "300x10ms-2w";
}

void tst_Pictures::baseNameSaysWhatRan()
{
    QFETCH(QString, strategy);
    QFETCH(QString, duration);
    QFETCH(int, kind);
    QFETCH(QString, workers);
    QFETCH(QString, expected);
    WorkloadSpec workload;
    workload.taskCount = 300;
    workload.kind = TaskKind(kind);
    workload.duration = DurationSpec::parse(duration).value();
    QCOMPARE(pictureBaseName(strategy, workload, workers), expected);
}

void tst_Pictures::proposedPathIsInTheLastFolder()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_pictures"));
    QSettings().remove(QStringLiteral("pictures/folder"));
    const QString first = proposedPicturePath(QStringLiteral("thread-pool-300x10ms-8w"));
    QCOMPARE(QFileInfo(first).fileName(), QStringLiteral("thread-pool-300x10ms-8w.png"));
    QVERIFY(QFileInfo(QFileInfo(first).absolutePath()).isDir());

    rememberPictureFolder(m_files.filePath(QStringLiteral("earlier.svg")));
    QCOMPARE(proposedPicturePath(QStringLiteral("next")),
        QDir(m_files.path()).filePath(QStringLiteral("next.png")));
    // A folder since removed: not proposed.
    QTemporaryDir gone;
    rememberPictureFolder(gone.filePath(QStringLiteral("a.png")));
    gone.remove();
    QVERIFY(!proposedPicturePath(QStringLiteral("next")).startsWith(gone.path()));
    QSettings().remove(QStringLiteral("pictures/folder"));
}

QTEST_MAIN(tst_Pictures)
#include "tst_pictures.moc"
