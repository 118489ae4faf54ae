#include "charts/speedupchart.h"
#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "pictures/figures.h"
#include "preferencesdialog.h"
#include "runcontroller.h"

#include <QAction>
#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace parviz;

// File > Save Gantt and Save Speedup Chart write parviz-cli's figures: for the same workload,
// strategy and workers, the same size, the same legend and the same caption, at the width and in
// the theme of Preferences.
class tst_SavedPictures : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void ganttEqualsTheCommandLines_data();
    void ganttEqualsTheCommandLines();
    void speedupChartEqualsTheCommandLines();
    void proposedNameSaysWhatRan();
    void preferencesChooseWidthAndTheme();

private:
    void chooseWorkload(int tasks, std::int64_t ns, int workers);
    // Runs parviz-cli with `arguments`; true if it succeeded.
    bool runCli(const QStringList &arguments);
    QString textsOf(const QString &svgPath) const;
    static QImage png(const QString &path) { return QImage(path, "PNG"); }

    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

void tst_SavedPictures::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_savedpictures"));
}

void tst_SavedPictures::init()
{
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1100, 800); // narrower than any figure: the window's size does not matter
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_SavedPictures::cleanup()
{
    m_window.reset();
    QSettings().clear();
}

void tst_SavedPictures::chooseWorkload(int tasks, std::int64_t ns, int workers)
{
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setStrategy(QStringLiteral("thread-pool"));
    panel->setTaskCount(tasks);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(ns));
    panel->setWorkers(WorkerCount::exactly(workers));
}

bool tst_SavedPictures::runCli(const QStringList &arguments)
{
    QProcess process;
    process.start(QStringLiteral(PARVIZ_CLI_PATH), arguments);
    if (!process.waitForFinished(60000)) {
        process.kill();
        process.waitForFinished();
        return false;
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning("%s", process.readAllStandardError().constData());
        return false;
    }
    return true;
}

// Every text an SVG draws, one a line.
QString tst_SavedPictures::textsOf(const QString &svgPath) const
{
    QFile file(svgPath);
    if (!file.open(QIODevice::ReadOnly))
        return {};
    const QString svg = QString::fromUtf8(file.readAll());
    static const QRegularExpression text(QStringLiteral(">([^<>]+)</text>"));
    QStringList texts;
    for (auto match = text.globalMatch(svg); match.hasNext();) {
        QString entry = match.next().captured(1);
        entry.replace(QLatin1String("&lt;"), QLatin1String("<"))
            .replace(QLatin1String("&gt;"), QLatin1String(">"))
            .replace(QLatin1String("&quot;"), QLatin1String("\""))
            .replace(QLatin1String("&apos;"), QLatin1String("'"))
            .replace(QLatin1String("&amp;"), QLatin1String("&"));
        texts << entry;
    }
    return texts.join(QLatin1Char('\n'));
}

void tst_SavedPictures::ganttEqualsTheCommandLines_data()
{
    QTest::addColumn<int>("width");
    QTest::addColumn<bool>("dark");
    QTest::newRow("default: a slide's width, light") << 0 << false;
    QTest::newRow("1920, dark") << 1920 << true;
}

void tst_SavedPictures::ganttEqualsTheCommandLines()
{
    QFETCH(int, width);
    QFETCH(bool, dark);
    QStringList style;
    if (width > 0) {
        FigureStyle chosen;
        chosen.width = width;
        chosen.dark = dark;
        chosen.toSettings(); // as Edit > Preferences > Pictures does
        style << QStringLiteral("--picture-width") << QString::number(width);
        if (dark)
            style << QStringLiteral("--dark-pictures");
    } else {
        width = FigureStyle::DefaultWidth;
    }

    chooseWorkload(8, 2'000'000, 2);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(20000));
    const QString windowPng = m_files.filePath(QStringLiteral("window-gantt.png"));
    const QString windowSvg = m_files.filePath(QStringLiteral("window-gantt.svg"));
    QVERIFY(m_window->saveGanttPicture(windowPng).ok());
    QVERIFY(m_window->saveGanttPicture(windowSvg).ok());

    const QString cliPng = m_files.filePath(QStringLiteral("cli-gantt.png"));
    const QString cliSvg = m_files.filePath(QStringLiteral("cli-gantt.svg"));
    QVERIFY(runCli(QStringList{QStringLiteral("run"),
                       QStringLiteral("--strategy"),
                       QStringLiteral("thread-pool"),
                       QStringLiteral("--tasks"),
                       QStringLiteral("8"),
                       QStringLiteral("--duration"),
                       QStringLiteral("2ms"),
                       QStringLiteral("--workers"),
                       QStringLiteral("2"),
                       QStringLiteral("--png"),
                       cliPng,
                       QStringLiteral("--svg"),
                       cliSvg,
                       QStringLiteral("--quiet")}
        + style));

    // The same size: the chosen width, and as tall as the rows and the text.
    const QImage fromWindow = png(windowPng);
    const QImage fromCli = png(cliPng);
    QVERIFY(!fromWindow.isNull());
    QCOMPARE(fromWindow.width(), width);
    QCOMPARE(fromWindow.size(), fromCli.size());
    // The same theme: light, or dark when asked.
    const int lightness = QColor(fromWindow.pixel(2, 2)).lightness();
    QCOMPARE(QColor(fromCli.pixel(2, 2)).lightness(), lightness);
    QVERIFY(dark ? lightness < 80 : lightness > 200);

    // The same heading, legend and caption, as the figure describes them.
    const Figure figure = m_window->ganttPicture();
    QCOMPARE(figure.pictureSize(), fromWindow.size());
    QVERIFY(!figure.caption.text.isEmpty());
    QVERIFY(figure.legend.size() >= 5);
    const QString windowTexts = textsOf(windowSvg);
    const QString cliTexts = textsOf(cliSvg);
    for (const QString &entry : figure.legend + QStringList{figure.caption.text}) {
        QVERIFY2(windowTexts.contains(entry), qPrintable(entry));
        QVERIFY2(cliTexts.contains(entry), qPrintable(entry));
    }
    QCOMPARE(figure.headings.size(), 1);
    QVERIFY(cliTexts.contains(figure.headings.front()));
}

void tst_SavedPictures::speedupChartEqualsTheCommandLines()
{
    chooseWorkload(4, 2'000'000, 2);
    QSignalSpy swept(m_window->controller(), &RunController::sweepFinished);
    m_window->sweepAction()->trigger();
    QVERIFY(swept.wait(20000));
    const QString windowPng = m_files.filePath(QStringLiteral("window-speedup.png"));
    const QString windowSvg = m_files.filePath(QStringLiteral("window-speedup.svg"));
    QVERIFY(m_window->saveSpeedupPicture(windowPng).ok());
    QVERIFY(m_window->saveSpeedupPicture(windowSvg).ok());

    const QString cliPng = m_files.filePath(QStringLiteral("cli-speedup.png"));
    const QString cliSvg = m_files.filePath(QStringLiteral("cli-speedup.svg"));
    QVERIFY(runCli({QStringLiteral("sweep"),
        QStringLiteral("--strategy"),
        QStringLiteral("thread-pool"),
        QStringLiteral("--tasks"),
        QStringLiteral("4"),
        QStringLiteral("--duration"),
        QStringLiteral("2ms"),
        QStringLiteral("--max-workers"),
        QStringLiteral("2"),
        QStringLiteral("--png"),
        cliPng,
        QStringLiteral("--svg"),
        cliSvg,
        QStringLiteral("--quiet")}));

    const QImage fromWindow = png(windowPng);
    QVERIFY(!fromWindow.isNull());
    QCOMPARE(fromWindow.width(), FigureStyle::DefaultWidth);
    QCOMPARE(fromWindow.size(), png(cliPng).size());

    const Figure figure = m_window->speedupPicture();
    QCOMPARE(figure.pictureSize(), fromWindow.size());
    QVERIFY(!figure.caption.text.isEmpty());
    QVERIFY(!figure.legend.isEmpty());
    const QString windowTexts = textsOf(windowSvg);
    const QString cliTexts = textsOf(cliSvg);
    QVERIFY2(cliTexts.contains(figure.caption.text), qPrintable(cliTexts));
    QVERIFY(windowTexts.contains(figure.caption.text));
    // The legend names the sweep with its fitted serial fraction, which each run measures anew,
    // on a line of its own: compare what comes before the number, a part at a time.
    for (const QString &entry : figure.legend) {
        for (const QString &part : entry.split(QStringLiteral(", "))) {
            const QString words = part.section(QStringLiteral(" = "), 0, 0);
            QVERIFY2(cliTexts.contains(words), qPrintable(words));
            QVERIFY2(windowTexts.contains(words), qPrintable(words));
        }
    }
    QCOMPARE(figure.headings.size(), 1);
    QVERIFY2(cliTexts.contains(figure.headings.front()), qPrintable(figure.headings.front()));
}

void tst_SavedPictures::proposedNameSaysWhatRan()
{
    QCOMPARE(m_window->pictureBaseName(&MainWindow::saveGanttPicture), QStringLiteral("parviz"));
    chooseWorkload(6, 1'000'000, 3);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(20000));
    QCOMPARE(m_window->pictureBaseName(&MainWindow::saveGanttPicture),
        QStringLiteral("thread-pool-6x1ms-3w"));
    QCOMPARE(m_window->pictureBaseName(&MainWindow::saveWindowPicture),
        QStringLiteral("thread-pool-6x1ms-3w-window"));
    QSignalSpy swept(m_window->controller(), &RunController::sweepFinished);
    m_window->sweepAction()->trigger();
    QVERIFY(swept.wait(20000));
    QCOMPARE(m_window->pictureBaseName(&MainWindow::saveSpeedupPicture),
        QStringLiteral("thread-pool-6x1ms-1-3w-speedup"));
    // View > Clear Speedup Chart: nothing left to name.
    m_window->speedupChart()->clearSweeps();
    QCOMPARE(m_window->pictureBaseName(&MainWindow::saveSpeedupPicture), QStringLiteral("speedup"));
    QVERIFY(!m_window->saveSpeedupPicture(m_files.filePath(QStringLiteral("none.png"))).ok());
}

// Edit > Preferences > Pictures: a slide's width unless another is chosen, light unless dark is.
void tst_SavedPictures::preferencesChooseWidthAndTheme()
{
    PreferencesDialog dialog(QString(), m_window.get());
    dialog.setPictureStyle(FigureStyle::fromSettings());
    QCOMPARE(dialog.pictureStyle().width, FigureStyle::DefaultWidth);
    QVERIFY(!dialog.pictureStyle().dark);
    QVERIFY(dialog.pictureWidthBox()->findData(1920) >= 0);
    dialog.pictureWidthBox()->setCurrentIndex(dialog.pictureWidthBox()->findData(1920));
    dialog.darkPicturesBox()->setChecked(true);
    dialog.pictureStyle().toSettings();
    const FigureStyle chosen = FigureStyle::fromSettings();
    QCOMPARE(chosen.width, 1920);
    QVERIFY(chosen.dark);
    // Remembered: the next dialog starts from it.
    PreferencesDialog again(QString(), m_window.get());
    again.setPictureStyle(FigureStyle::fromSettings());
    QCOMPARE(again.pictureWidthBox()->currentData().toInt(), 1920);
    QVERIFY(again.darkPicturesBox()->isChecked());
}

QTEST_MAIN(tst_SavedPictures)
#include "tst_savedpictures.moc"
