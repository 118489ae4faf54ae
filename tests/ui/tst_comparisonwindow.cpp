#include "charts/makespanbars.h"
#include "comparison/comparisonchooser.h"
#include "comparison/comparisonwindow.h"
#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "pictures/figures.h"
#include "run/planning.h"
#include "timeline/ganttpainter.h"
#include "timeline/ganttview.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinezoomcontrol.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>
#include <QTimer>

#include <algorithm>

using namespace parviz;

// A comparison as a person sees it, offscreen: the runs one after another, their Gantts on one
// shared time axis, the makespan bars, Stop, runs shown from elsewhere, and Compare (Ctrl+K)
// from the main window.
class tst_ComparisonWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void runsEachStrategyInTurn();
    void ganttsShareOneTimeAxis();
    void manyRowsKeepTheScale();
    void barsFollowTheMakespans();
    void barsFollowTheGanttsClosely();
    void stopKeepsWhatFinishedAndMarksTheCutRun();
    void showsRunsFinishedElsewhere();
    void savesPictureAndJson();
    void compareFromTheMainWindow();

private:
    static std::vector<RunPlan> plans(
        const QStringList &strategies, int tasks, std::int64_t ns, int workers = 2);
    // Runs the three strategies of most tests once, for the tests that only look.
    ComparisonWindow &finishedComparison();

    std::unique_ptr<ComparisonWindow> m_finished;
    QTemporaryDir m_files;
};

void tst_ComparisonWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_comparisonwindow"));
}

void tst_ComparisonWindow::cleanupTestCase()
{
    m_finished.reset();
}

std::vector<RunPlan> tst_ComparisonWindow::plans(
    const QStringList &strategies, int tasks, std::int64_t ns, int workers)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.kind = TaskKind::Sleep;
    workload.duration = DurationSpec::fixed(ns);
    std::vector<RunPlan> made;
    std::shared_ptr<const std::vector<TaskSpec>> tasksMade;
    for (const QString &id : strategies) {
        auto plan = makeRunPlan(id, workload, WorkerCount::exactly(workers));
        if (!plan)
            qFatal("%s", qPrintable(plan.error().message));
        if (!tasksMade)
            tasksMade = plan->tasks;
        plan->tasks = tasksMade;
        made.push_back(*plan);
    }
    return made;
}

ComparisonWindow &tst_ComparisonWindow::finishedComparison()
{
    if (!m_finished) {
        m_finished = std::make_unique<ComparisonWindow>();
        m_finished->resize(1200, 900);
        m_finished->show();
        QSignalSpy finished(m_finished.get(), &ComparisonWindow::finished);
        m_finished->compare(plans({QStringLiteral("sequential"),
                                      QStringLiteral("thread-pool"),
                                      QStringLiteral("pool-map")},
            6,
            5'000'000));
        if (!finished.wait(30000))
            qFatal("the comparison did not finish");
    }
    return *m_finished;
}

void tst_ComparisonWindow::runsEachStrategyInTurn()
{
    ComparisonWindow window;
    window.resize(1200, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.stopAction()->isEnabled());

    QSignalSpy running(&window, &ComparisonWindow::runningChanged);
    QSignalSpy finished(&window, &ComparisonWindow::finished);
    const QStringList ids = {
        QStringLiteral("sequential"), QStringLiteral("thread-pool"), QStringLiteral("pool-map")};
    window.compare(plans(ids, 6, 5'000'000));
    QVERIFY(window.isRunning());
    QVERIFY(window.stopAction()->isEnabled());
    QVERIFY(!window.saveJsonAction()->isEnabled());
    QCOMPARE(window.stopAction()->shortcut(), QKeySequence(Qt::Key_Escape));

    QVERIFY(finished.wait(30000));

    QCOMPARE(window.runs().size(), std::size_t{3});
    QCOMPARE(window.runsPlanned(), 3);
    QCOMPARE(window.ganttCount(), 3);
    for (int i = 0; i < 3; ++i) {
        const RunResult &run = window.runs()[std::size_t(i)];
        QCOMPARE(run.plan.strategy, ids[i]); // in the order chosen
        QVERIFY2(run.ok(), qPrintable(run.error ? run.error->message : QStringLiteral("stopped")));
        QCOMPARE(run.metrics.tasksCompleted, 6);
        QVERIFY(!window.timeline(i).isLive());
        QCOMPARE(window.timeline(i).trace(), run.trace.get());
        QVERIFY(window.heading(i).startsWith(ids[i]));
    }
    // With a sequential run among them, every speedup is against it.
    const std::int64_t sequentialNs = window.runs()[0].metrics.makespanNs;
    for (const RunResult &run : window.runs()) {
        QVERIFY(run.metrics.baselineMeasured);
        QCOMPARE(run.metrics.baselineNs, sequentialNs);
    }
    QVERIFY(window.heading(1).contains(QStringLiteral("vs sequential")));

    QVERIFY(!window.isRunning());
    QCOMPARE(running.count(), 2); // on, then off: not once per run
    QVERIFY(!window.stopAction()->isEnabled());
    QVERIFY(window.saveJsonAction()->isEnabled());
    QVERIFY(window.savePictureAction()->isEnabled());
}

void tst_ComparisonWindow::ganttsShareOneTimeAxis()
{
    ComparisonWindow &window = finishedComparison();
    std::int64_t longestNs = 0;
    for (const RunResult &run : window.runs())
        longestNs = std::max(longestNs, run.metrics.makespanNs);

    const auto sameRange = [&] {
        const GanttFrame first = window.gantt(0)->currentFrame(window.gantt(0)->viewport()->rect());
        for (int i = 1; i < window.ganttCount(); ++i) {
            GanttView *view = window.gantt(i);
            const GanttFrame frame = view->currentFrame(view->viewport()->rect());
            if (frame.t0Ns != first.t0Ns || frame.t1Ns != first.t1Ns)
                return false;
            // Same width too, so a nanosecond is as wide in every run.
            if (view->viewport()->width() != window.gantt(0)->viewport()->width())
                return false;
        }
        return true;
    };

    // Fitted: the axis spans the longest run, not each its own.
    window.zoom()->fit();
    QVERIFY(sameRange());
    QCOMPARE(window.zoom()->t0Ns(), std::int64_t{0});
    QVERIFY(window.zoom()->t1Ns() >= longestNs);
    std::int64_t longestEnd = 0;
    for (int i = 0; i < window.ganttCount(); ++i)
        longestEnd = std::max(longestEnd, window.timeline(i).endNs());
    QCOMPARE(window.zoom()->endNs(), longestEnd);

    // Zooming one Gantt zooms them all; panning one pans them all.
    const std::int64_t fittedSpan = window.zoom()->spanNs();
    QTest::keyClick(window.gantt(1), Qt::Key_Plus);
    QVERIFY(window.zoom()->spanNs() < fittedSpan);
    QVERIFY(sameRange());
    QTest::keyClick(window.gantt(2), Qt::Key_Right);
    QVERIFY(window.zoom()->t0Ns() > 0);
    QVERIFY(sameRange());
    QTest::keyClick(window.gantt(0), Qt::Key_0);
    QCOMPARE(window.zoom()->spanNs(), fittedSpan);
    QVERIFY(sameRange());
}

void tst_ComparisonWindow::manyRowsKeepTheScale()
{
    // A thread per task has more rows than a Gantt shows: it scrolls them, and the others keep
    // the same width for time all the same.
    ComparisonWindow window;
    window.resize(1200, 900);
    window.show();
    QSignalSpy finished(&window, &ComparisonWindow::finished);
    window.compare(
        plans({QStringLiteral("thread-per-task"), QStringLiteral("thread-pool")}, 24, 1'000'000));
    QVERIFY(finished.wait(30000));
    QCOMPARE(window.ganttCount(), 2);
    QCOMPARE(window.timeline(0).rowCount(), 1 + 24 + 1); // main, a thread per task, the GIL
    GanttView *threads = window.gantt(0);
    GanttView *pool = window.gantt(1);
    QVERIFY(threads->verticalScrollBar()->maximum() > 0); // its rows scroll
    QVERIFY(threads->height() < 24 * GanttStyle::RowHeight);
    QCOMPARE(threads->viewport()->width(), pool->viewport()->width());
    QVERIFY(pool->height() < threads->height()); // each is as tall as its rows, up to a limit
}

void tst_ComparisonWindow::barsFollowTheMakespans()
{
    ComparisonWindow &window = finishedComparison();
    const MakespanBars *bars = window.makespanBars();
    QCOMPARE(bars->entries().size(), window.runs().size());

    // Structurally: the longest run has the longest bar, the shortest the shortest, and the
    // fastest is the one highlighted.
    const auto byMakespan = [&](auto pick) {
        const auto found = pick(
            window.runs().begin(), window.runs().end(), [](const RunResult &a, const RunResult &b) {
                return a.metrics.makespanNs < b.metrics.makespanNs;
            });
        return static_cast<int>(found - window.runs().begin());
    };
    const int longest =
        byMakespan([](auto a, auto b, auto c) { return std::max_element(a, b, c); });
    const int shortest =
        byMakespan([](auto a, auto b, auto c) { return std::min_element(a, b, c); });
    for (int i = 0; i < static_cast<int>(window.runs().size()); ++i) {
        QCOMPARE(
            bars->entries()[std::size_t(i)].label, window.runs()[std::size_t(i)].plan.strategy);
        QVERIFY(bars->barRect(longest).width() >= bars->barRect(i).width());
        QVERIFY(bars->barRect(shortest).width() <= bars->barRect(i).width());
    }
    QCOMPARE(bars->fastest(), shortest);
    QVERIFY(bars->valueText(shortest).contains(QStringLiteral("fastest")));
    QVERIFY(bars->valueText(1).contains(QStringLiteral("vs sequential")));
}

void tst_ComparisonWindow::barsFollowTheGanttsClosely()
{
    // Three short Gantts in a tall window: the makespans come right under the last of them,
    // and the room left over stays below the makespans.
    ComparisonWindow &window = finishedComparison();
    QCoreApplication::processEvents();
    GanttView *last = window.gantt(window.ganttCount() - 1);
    const int ganttBottom = last->mapTo(&window, QPoint(0, last->height())).y();
    const int barsTop = window.makespanBars()->mapTo(&window, QPoint(0, 0)).y();
    QVERIFY2(
        barsTop > ganttBottom, qPrintable(QStringLiteral("%1 %2").arg(barsTop).arg(ganttBottom)));
    // With room for every Gantt, none is scrolled out of view.
    const auto *scroll = window.findChild<QScrollArea *>();
    QVERIFY(scroll);
    QCOMPARE(scroll->verticalScrollBar()->maximum(), 0);
    QVERIFY2(barsTop - ganttBottom < 60,
        qPrintable(QStringLiteral("%1 px between the Gantts and the makespans")
                       .arg(barsTop - ganttBottom)));
}

void tst_ComparisonWindow::stopKeepsWhatFinishedAndMarksTheCutRun()
{
    ComparisonWindow window;
    window.resize(1200, 900);
    window.show();
    QSignalSpy finished(&window, &ComparisonWindow::finished);
    // A quick run, then one long enough to be stopped, then one that never starts.
    std::vector<RunPlan> chosen = plans({QStringLiteral("thread-pool")}, 6, 5'000'000);
    for (RunPlan &plan :
        plans({QStringLiteral("sequential"), QStringLiteral("pool-map")}, 40, 250'000'000))
        chosen.push_back(plan);
    window.compare(chosen);
    QTRY_VERIFY_WITH_TIMEOUT(window.ganttCount() == 2 && window.timeline(1).isLive(), 20000);
    // The run under way fills in as it goes, as the main window's does, and so does its bar.
    QVERIFY(!window.timeline(0).isLive());
    const std::int64_t shownNs = window.timeline(1).endNs();
    QTRY_VERIFY_WITH_TIMEOUT(window.timeline(1).endNs() > shownNs, 5000);
    QCOMPARE(window.makespanBars()->entries().size(), std::size_t{2});
    QCOMPARE(window.makespanBars()->entries()[1].state, MakespanBars::State::Running);
    QVERIFY(window.heading(1).contains(QStringLiteral("running")));

    window.stopAction()->trigger(); // Esc
    QVERIFY(finished.wait(5000));
    QVERIFY(!window.isRunning());
    QCOMPARE(window.runsPlanned(), 3);
    QCOMPARE(window.runs().size(), std::size_t{2}); // the third never started
    QCOMPARE(window.ganttCount(), 2);
    QVERIFY(window.runs()[0].ok());
    QVERIFY(window.runs()[1].stopped);
    QVERIFY(window.heading(1).contains(QStringLiteral("interrupted")));
    QVERIFY(!window.heading(0).contains(QStringLiteral("interrupted")));

    const MakespanBars *bars = window.makespanBars();
    QCOMPARE(bars->entries().size(), std::size_t{2});
    QCOMPARE(bars->entries()[0].state, MakespanBars::State::Finished);
    QCOMPARE(bars->entries()[1].state, MakespanBars::State::Interrupted);
    QCOMPARE(bars->fastest(), 0); // the interrupted run is not ranked
    QVERIFY(bars->valueText(1).contains(QStringLiteral("not ranked")));
    // An interrupted sequential run is no baseline.
    QVERIFY(!window.runs()[0].metrics.baselineMeasured);
    QVERIFY(window.saveJsonAction()->isEnabled());
}

void tst_ComparisonWindow::showsRunsFinishedElsewhere()
{
    const ComparisonWindow &source = finishedComparison();
    ComparisonWindow window;
    window.resize(1000, 800);
    window.show();
    for (const RunResult &run : source.runs())
        window.addRun(run);

    QVERIFY(!window.isRunning());
    QCOMPARE(window.ganttCount(), 3);
    QCOMPARE(window.runs().size(), std::size_t{3});
    QCOMPARE(window.makespanBars()->entries().size(), std::size_t{3});
    std::int64_t longestEnd = 0;
    for (int i = 0; i < window.ganttCount(); ++i) {
        QVERIFY(!window.timeline(i).isLive());
        QCOMPARE(window.runs()[std::size_t(i)].metrics.makespanNs,
            source.runs()[std::size_t(i)].metrics.makespanNs);
        longestEnd = std::max(longestEnd, window.timeline(i).endNs());
    }
    QCOMPARE(window.zoom()->endNs(), longestEnd);
    QCOMPARE(window.makespanBars()->fastest(), source.makespanBars()->fastest());

    window.clear();
    QCOMPARE(window.ganttCount(), 0);
    QVERIFY(window.runs().empty());
    QVERIFY(!window.saveJsonAction()->isEnabled());
}

void tst_ComparisonWindow::savesPictureAndJson()
{
    ComparisonWindow &window = finishedComparison();
    const QString picture = m_files.filePath(QStringLiteral("comparison.png"));
    QVERIFY(window.savePicture(picture).ok());
    const QImage image(picture);
    QVERIFY(!image.isNull());
    // parviz-cli compare's figure, at the width of Preferences (a slide's by default).
    QCOMPARE(image.size(), ganttFigure(window.runs(), FigureStyle::fromSettings()).pictureSize());
    QCOMPARE(image.width(), FigureStyle::DefaultWidth);
    QVERIFY(window.pictureBaseName().startsWith(QStringLiteral("comparison-")));
    // Three Gantts stacked: taller than one run's rows.
    QVERIFY(image.height() > 3 * (GanttStyle::AxisHeight + 2 * GanttStyle::RowHeight));

    const QString json = m_files.filePath(QStringLiteral("comparison.json"));
    QVERIFY(window.saveJson(json).ok());
    // File > Open Recent lists it first.
    QCOMPARE(QSettings().value(QStringLiteral("recentFiles")).toStringList().value(0),
        QFileInfo(json).absoluteFilePath());
    QFile file(json);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonDocument document = QJsonDocument::fromJson(file.readAll());
    QVERIFY(document.isArray());
    QCOMPARE(document.array().size(), 3);

    ComparisonWindow empty;
    QVERIFY(!empty.savePicture(m_files.filePath(QStringLiteral("none.png"))).ok());
    QVERIFY(!QFile::exists(m_files.filePath(QStringLiteral("none.png"))));
}

void tst_ComparisonWindow::compareFromTheMainWindow()
{
    MainWindow main;
    main.resize(1400, 900);
    main.show();
    WorkloadPanel *panel = main.workloadPanel();
    panel->setStrategy(QStringLiteral("thread-pool"));
    panel->setTaskCount(6);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(5'000'000));
    panel->setWorkers(WorkerCount::exactly(2));

    QAction *compare = nullptr;
    for (QAction *action : main.findChildren<QAction *>())
        if (action->shortcut() == QKeySequence(Qt::CTRL | Qt::Key_K))
            compare = action;
    QVERIFY(compare);
    QVERIFY(compare->isEnabled());

    // The chooser is modal: choose in it once it is up, then accept.
    bool chose = false;
    QTimer::singleShot(0, &main, [&] {
        auto *chooser = main.findChild<ComparisonChooser *>();
        if (!chooser)
            return;
        chose = chooser->isChosen(QStringLiteral("thread-pool"));
        for (const QString &id : chooser->strategies())
            chooser->setChosen(id, false);
        chooser->setChosen(QStringLiteral("sequential"), true);
        chooser->setChosen(QStringLiteral("thread-pool"), true);
        chooser->accept();
    });
    compare->trigger();
    QVERIFY(chose); // the current strategy was preselected

    auto *window = main.findChild<ComparisonWindow *>();
    QVERIFY(window);
    QVERIFY(window->isVisible());
    // One thing runs at a time.
    QVERIFY(window->isRunning());
    QVERIFY(!main.runAction()->isEnabled());
    QVERIFY(!compare->isEnabled());
    QSignalSpy finished(window, &ComparisonWindow::finished);
    QVERIFY(finished.wait(30000));
    QCOMPARE(window->runs().size(), std::size_t{2});
    QCOMPARE(window->runs()[0].plan.strategy, QStringLiteral("sequential"));
    QCOMPARE(window->runs()[1].plan.strategy, QStringLiteral("thread-pool"));
    QVERIFY(window->runs()[1].plan.tasks == window->runs()[0].plan.tasks); // the same workload
    QVERIFY(main.runAction()->isEnabled());
    QVERIFY(compare->isEnabled());
}

QTEST_MAIN(tst_ComparisonWindow)
#include "tst_comparisonwindow.moc"
