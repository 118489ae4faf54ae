#include "charts/lossbudgetbar.h"
#include "charts/speedupchart.h"
#include "export/runjson.h"
#include "mainwindow.h"
#include "panels/metricspanel.h"
#include "panels/workloadpanel.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "timeline/ganttpainter.h"
#include "timeline/ganttview.h"
#include "timeline/timelinelegend.h"

#include <QAction>
#include <QApplication>
#include <QChart>
#include <QDockWidget>
#include <QFile>
#include <QGraphicsTextItem>
#include <QLabel>
#include <QLegend>
#include <QLegendMarker>
#include <QScreen>
#include <QScrollArea>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTextDocumentFragment>

#include <cmath>

using namespace parviz;

// The picture first: at the sizes of a laptop, a lecture-hall projector and a full-HD screen,
// the timeline gets at least half the window's width, no legend entry is cut short, and every
// figure of the numbers panel shows whole, the loss budget too, without scrolling.
class tst_Layout : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void pictureGetsTheRoom_data();
    void pictureGetsTheRoom();
    void controlsCollapseAndTheChoiceIsKept();
    void presentationPutsTheControlsAway();

private:
    // A finished run on screen, its numbers long (stopped, without join), and a sweep on the
    // speedup chart.
    void showRunAndSweep();
    void checkLayout(const QString &where);

    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

namespace {

// A legend label as the eye reads it: its markup gone, its lines joined.
QString plain(const QString &label)
{
    return QTextDocumentFragment::fromHtml(label)
        .toPlainText()
        .replace(QChar::LineSeparator, QLatin1Char(' '))
        .replace(QLatin1Char('\n'), QLatin1Char(' '));
}

// The first legend entry of the speedup chart that is not shown whole, or empty.
QString elidedSpeedupEntry(SpeedupChart *chart)
{
    QStringList shown;
    QList<QGraphicsItem *> items = chart->chart()->legend()->childItems();
    while (!items.isEmpty()) {
        QGraphicsItem *item = items.takeFirst();
        items += item->childItems();
        if (auto *text = dynamic_cast<QGraphicsTextItem *>(item))
            shown << plain(text->toHtml());
    }
    for (QLegendMarker *marker : chart->chart()->legend()->markers()) {
        if (marker->isVisible() && !shown.contains(plain(marker->label())))
            return QStringLiteral("%1 (shown: %2)").arg(plain(marker->label()), shown.join(" | "));
    }
    return {};
}

// The first entry of the timeline's legend that does not fit in it, or empty.
QString cutTimelineEntry(TimelineLegend *legend)
{
    const int line = legend->fontMetrics().height() + 8;
    for (const auto &entry : timelineLegendLayout(legend->width(), line, legend->font(), true)) {
        if (!legend->rect().contains(entry.rect))
            return QStringLiteral("%1 at %2,%3 in %4x%5")
                .arg(entry.label)
                .arg(entry.rect.right())
                .arg(entry.rect.bottom())
                .arg(legend->width())
                .arg(legend->height());
    }
    return {};
}

// The first label of the numbers panel that is cut (too narrow, too low, or out of the
// visible part of its scroll area), or empty.
QString cutNumber(QScrollArea *area, MetricsPanel *panel)
{
    const QRect visible = area->viewport()->rect();
    for (QLabel *label : panel->findChildren<QLabel *>()) {
        if (!label->isVisibleTo(panel) || label->text().isEmpty())
            continue;
        const QRect contents = label->contentsRect();
        const bool fits = label->wordWrap()
            ? label->heightForWidth(label->width()) <= label->height()
            : label->fontMetrics().horizontalAdvance(label->text()) <= contents.width();
        const QRect inArea(label->mapTo(area->viewport(), QPoint(0, 0)), label->size());
        if (!fits || !visible.contains(inArea))
            return QStringLiteral("\"%1\": %2x%3 at %4,%5 in %6x%7")
                .arg(label->text())
                .arg(label->width())
                .arg(label->height())
                .arg(inArea.x())
                .arg(inArea.y())
                .arg(visible.width())
                .arg(visible.height());
    }
    auto *loss = panel->findChild<LossBudgetBar *>();
    const QRect lossInArea(loss->mapTo(area->viewport(), QPoint(0, 0)), loss->size());
    if (!visible.contains(lossInArea) || loss->height() < loss->heightForWidth(loss->width()))
        return QStringLiteral("the loss budget, at %1 to %2 of %3")
            .arg(lossInArea.top())
            .arg(lossInArea.bottom())
            .arg(visible.height());
    return {};
}

} // namespace

void tst_Layout::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_layout"));
}

void tst_Layout::init()
{
    QSettings().clear(); // each test starts as on a first start
    m_window = std::make_unique<MainWindow>();
}

void tst_Layout::cleanup()
{
    m_window.reset();
}

void tst_Layout::showRunAndSweep()
{
    WorkloadSpec workload;
    workload.taskCount = 12;
    workload.duration = DurationSpec::fixed(1'000'000);
    RunResult run = executeRun(
        makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(4)).value());
    // The longest numbers the panel writes: a run stopped, whose caller did not wait, and
    // disturbed (whatever the machine's load was as the test ran).
    run.stopped = true;
    run.plan.options.join = false;
    run.machineLoad.otherCores = 1.6;
    run.machineLoad.disturbed = true;
    const QString path = m_files.filePath(QStringLiteral("run.json"));
    QVERIFY(saveRunJson(run, path).ok());
    QVERIFY(m_window->openRun(path).ok());

    SpeedupChart *chart = m_window->speedupChart();
    chart->beginSweep(QStringLiteral("thread-pool"), workload.label(), 4, 12);
    chart->setPrediction({1.0, 1.9, 2.8, 3.6});
    chart->addPoint(SweepPoint{1, {}, 0, 1.0, 1.0, 0.0}, AmdahlFit{std::nan("")});
    chart->addPoint(SweepPoint{2, {}, 0, 1.9, 0.95, 0.05}, AmdahlFit{0.05});
    chart->addPoint(SweepPoint{4, {}, 0, 3.5, 0.87, 0.05}, AmdahlFit{0.05});
    chart->endSweep(false);
}

void tst_Layout::checkLayout(const QString &where)
{
    MainWindow &window = *m_window;
    const QByteArray at = where.toUtf8();
    QTRY_VERIFY2(window.timelinePane()->width() >= window.width() / 2,
        at + ": the timeline is " + QByteArray::number(window.timelinePane()->width())
            + " px wide of " + QByteArray::number(window.width()));
    QTRY_COMPARE_WITH_TIMEOUT(elidedSpeedupEntry(window.speedupChart()), QString(), 2000);
    auto *legend = window.timelinePane()->findChild<TimelineLegend *>();
    QVERIFY(legend);
    QTRY_COMPARE_WITH_TIMEOUT(cutTimelineEntry(legend), QString(), 2000);
    QTRY_COMPARE_WITH_TIMEOUT(
        cutNumber(window.metricsArea(), window.metricsPanel()), QString(), 2000);
    // A few rows (main, four workers, the GIL) grow into the height there is.
    QVERIFY2(window.gantt()->rowHeight() > GanttStyle::RowHeight, at);
    QVERIFY(window.gantt()->rowHeight() <= GanttStyle::MaxRowHeight);
}

void tst_Layout::pictureGetsTheRoom_data()
{
    QTest::addColumn<QSize>("size");
    QTest::newRow("1152x648") << QSize(1152, 648);
    QTest::newRow("1280x720") << QSize(1280, 720);
    QTest::newRow("1600x1000") << QSize(1600, 1000);
    QTest::newRow("1920x1080") << QSize(1920, 1080);
}

void tst_Layout::pictureGetsTheRoom()
{
    QFETCH(QSize, size);
    m_window->resize(size);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    showRunAndSweep();
    QVERIFY(m_window->controlsShown());
    checkLayout(QStringLiteral("with the controls"));

    m_window->showControlsAction()->trigger();
    QVERIFY(!m_window->controlsShown());
    QVERIFY(m_window->workloadDock()->isHidden());
    checkLayout(QStringLiteral("without the controls"));
    QTRY_VERIFY2(m_window->timelinePane()->width() >= m_window->width() * 6 / 10,
        qPrintable(QStringLiteral("timeline %1, numbers %2, window %3")
                       .arg(m_window->timelinePane()->width())
                       .arg(m_window->metricsArea()->width())
                       .arg(m_window->width())));
}

void tst_Layout::controlsCollapseAndTheChoiceIsKept()
{
    m_window->resize(1280, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QAction *controls = m_window->showControlsAction();
    QCOMPARE(controls->shortcut(), QKeySequence(Qt::Key_F9));
    QVERIFY(controls->isChecked());
    const int before = m_window->timelinePane()->width();
    controls->trigger();
    QVERIFY(m_window->workloadDock()->isHidden());
    // Run stays within reach without them.
    QVERIFY(m_window->runAction()->isEnabled());
    QTRY_VERIFY(m_window->timelinePane()->width() > before);

    m_window->close(); // keeps the settings
    m_window = std::make_unique<MainWindow>();
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    QVERIFY(!m_window->controlsShown());
    QVERIFY(m_window->workloadDock()->isHidden());
    m_window->showControlsAction()->trigger();
    QVERIFY(!m_window->workloadDock()->isHidden());
}

void tst_Layout::presentationPutsTheControlsAway()
{
    m_window->resize(1280, 720);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
    showRunAndSweep();
    const QFont controlsFont = m_window->workloadDock()->font();
    const qreal normal = QApplication::font().pointSizeF();

    m_window->setPresentationMode(true);
    QVERIFY(m_window->workloadDock()->isHidden());
    QVERIFY(!m_window->showControlsAction()->isChecked());
    // Everything grows but the controls, which keep the everyday size even when F9 brings
    // them back.
    QVERIFY(QApplication::font().pointSizeF() >= normal * 1.4);
    m_window->showControlsAction()->trigger();
    QVERIFY(!m_window->workloadDock()->isHidden());
    QCOMPARE(m_window->workloadDock()->font().pointSizeF(), normal);
    m_window->showControlsAction()->trigger();
    // The result line, otherwise in the controls, shows over the timeline.
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setStrategy(QStringLiteral("thread-pool"));
    panel->setTaskCount(12);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(2'000'000));
    panel->setWorkers(WorkerCount::exactly(4));
    m_window->runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(m_window->resultLine()->isVisibleTo(m_window.get()), 10000);
    QVERIFY(!m_window->resultLine()->text().isEmpty());
    // The full screen is a projector's (see main() below): the picture takes it, and the
    // grown text is neither cut nor elided.
    const QSize screen = m_window->screen()->size();
    if (screen.width() >= 1920) {
        QTRY_COMPARE(m_window->size(), screen);
        QTRY_VERIFY(m_window->timelinePane()->width() >= screen.width() * 6 / 10);
        checkLayout(QStringLiteral("in presentation mode"));
    } else {
        qInfo("A %dx%d screen: only the timeline's share is checked",
            screen.width(),
            screen.height());
        QTRY_VERIFY(m_window->timelinePane()->width() >= m_window->width() / 2);
    }

    // Back as it was: the controls too.
    m_window->setPresentationMode(false);
    QVERIFY(m_window->controlsShown());
    QVERIFY(!m_window->workloadDock()->isHidden());
    QTRY_COMPARE(m_window->workloadDock()->font(), controlsFont);
}

// Offscreen, the screen is a projector's 1920x1080 rather than the platform's 800x600, so
// that presentation mode's full screen is the size a lecture hall sees.
int main(int argc, char **argv)
{
    QTemporaryDir folder;
    const QByteArray platform = qgetenv("QT_QPA_PLATFORM");
    if (folder.isValid() && platform == "offscreen") {
        QFile config(folder.filePath(QStringLiteral("screens.json")));
        if (config.open(QIODevice::WriteOnly)) {
            config.write(R"({"screens": [{"name": "projector", "x": 0, "y": 0,
                "width": 1920, "height": 1080, "logicalDpi": 96, "dpr": 1}]})");
            config.close();
            qputenv("QT_QPA_PLATFORM", "offscreen:configfile=" + config.fileName().toUtf8());
        }
    }
    QApplication app(argc, argv);
    QTEST_DISABLE_KEYPAD_NAVIGATION
    tst_Layout test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "tst_layout.moc"
