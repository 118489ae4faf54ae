#include "charts/speedupchart.h"
#include "export/runjson.h"
#include "mainwindow.h"
#include "panels/metricspanel.h"
#include "panels/workloadpanel.h"
#include "replaycontroller.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "timeline/ganttview.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace parviz;

// Predict, then run, and replay: the window offscreen. The replay clock is driven directly
// (ReplayController::advance() with its timer off) wherever progress is compared, so nothing
// depends on how busy the machine is.
class tst_Replay : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void predictionIsMarkedWhenARunStartsAndKept();
    void sweepDrawsItsPredictedCurve();
    void replayShowsTheRunAsItWent();
    void replayNumbersFollowTheMoment();
    void slowerReplayGetsLessFar();
    void timedReplayEndsWithTheWholeRun();
    void stopEndsAReplay();
    void runEndsAReplay();
    void openedRunReplays();
    void replayKeyIsTakenOnce();

private:
    void chooseWorkload(const QString &strategy, int tasks, std::int64_t ns, int workers);
    void runOnce();
    void chooseSpeed(double speed);
    int runBars() const;
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

void tst_Replay::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_replay"));
}

void tst_Replay::init()
{
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_Replay::cleanup()
{
    m_window.reset();
}

void tst_Replay::chooseWorkload(const QString &strategy, int tasks, std::int64_t ns, int workers)
{
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setStrategy(strategy);
    panel->setTaskCount(tasks);
    panel->setKind(TaskKind::Sleep);
    // No GIL: a sleep that has to wait for the GIL to return splits its bar in two, and these
    // tests count one bar per task to follow the replay.
    panel->setGil(TaskGil::None);
    panel->setDuration(DurationSpec::fixed(ns));
    panel->setWorkers(WorkerCount::exactly(workers));
}

// 12 sleeps of 20 ms on 4 workers: three rounds, about 60 ms.
void tst_Replay::runOnce()
{
    chooseWorkload(QStringLiteral("thread-pool"), 12, 20'000'000, 4);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(10000));
    QVERIFY(m_window->lastRun() && m_window->lastRun()->ok());
    QCOMPARE(runBars(), 12);
}

void tst_Replay::chooseSpeed(double speed)
{
    auto *box = m_window->findChild<QComboBox *>(QStringLiteral("replaySpeed"));
    QVERIFY(box);
    const int index = box->findData(speed);
    QVERIFY(index >= 0);
    box->setCurrentIndex(index);
    QCOMPARE(m_window->replayController()->speed(), speed);
}

int tst_Replay::runBars() const
{
    const TimelineModel &timeline = m_window->timeline();
    int count = 0;
    std::vector<TimelineModel::Bar> bars;
    for (int row = 1; row < timeline.rowCount(); ++row) {
        timeline.bars(row, 0, timeline.endNs() + 1, 1.0, bars); // 1 ns per pixel: nothing merges
        for (const auto &bar : bars)
            count += bar.kind == EventKind::Run;
    }
    return count;
}

void tst_Replay::predictionIsMarkedWhenARunStartsAndKept()
{
    QCOMPARE(m_window->gantt()->prediction(), std::int64_t(-1));
    chooseWorkload(QStringLiteral("thread-pool"), 12, 20'000'000, 4);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    // Before the first frame: three rounds of 20 ms, and a little.
    const std::int64_t predicted = m_window->gantt()->prediction();
    QVERIFY2(
        predicted >= 60'000'000 && predicted < 70'000'000, qPrintable(QString::number(predicted)));
    QVERIFY(finished.wait(10000));
    QCOMPARE(m_window->gantt()->prediction(), predicted);
    const double ratio = static_cast<double>(predicted)
        / static_cast<double>(m_window->lastRun()->metrics.makespanNs);
    QVERIFY2(ratio > 0.2 && ratio < 1.5, qPrintable(QString::number(ratio)));

    // The saved Gantt has it too, named.
    const QString path = m_files.filePath(QStringLiteral("gantt.svg"));
    QVERIFY(m_window->saveGanttPicture(path).ok());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("predicted"));
}

void tst_Replay::sweepDrawsItsPredictedCurve()
{
    chooseWorkload(QStringLiteral("thread-pool"), 6, 5'000'000, 3);
    QSignalSpy done(m_window->controller(), &RunController::sweepFinished);
    m_window->sweepAction()->trigger();
    // Drawn before the first point is measured: one prediction per worker count.
    QCOMPARE(m_window->speedupChart()->predictedPointCount(), 3);
    QCOMPARE(m_window->speedupChart()->pointCount(), 0);
    QVERIFY(done.wait(20000));
    QCOMPARE(m_window->speedupChart()->pointCount(), 3);
    QCOMPARE(m_window->speedupChart()->predictedPointCount(), 3);

    const QString path = m_files.filePath(QStringLiteral("speedup.svg"));
    QVERIFY(m_window->saveSpeedupPicture(path).ok());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QVERIFY(file.readAll().contains("predicted")); // the legend says which line it is
}

void tst_Replay::replayShowsTheRunAsItWent()
{
    runOnce();
    const std::int64_t end = m_window->timeline().endNs();
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);
    chooseSpeed(1.0);
    QVERIFY(m_window->replayAction()->isEnabled());
    m_window->replayAction()->trigger();
    QVERIFY(replay->isActive());
    QVERIFY(m_window->stopAction()->isEnabled());
    QCOMPARE(m_window->timeline().visibleUntil(), std::optional<std::int64_t>(0));
    QCOMPARE(runBars(), 0);
    // The time axis is the whole run's from the start.
    QCOMPARE(m_window->timeline().endNs(), end);

    // Just after the first task started: some bars, not all, and the "now" line there. Then
    // just after the last one started: all of them, some still in flight. (Moments taken from
    // the run itself, so that a slow machine's longer tasks change nothing.)
    std::int64_t firstStart = end;
    std::int64_t lastStart = 0;
    for (const TaskEvent &event : m_window->lastRun()->trace->allEvents()) {
        if (event.kind == EventKind::Run) {
            firstStart = std::min(firstStart, event.startNs);
            lastStart = std::max(lastStart, event.startNs);
        }
    }
    QVERIFY(firstStart < lastStart);
    replay->advance(firstStart + 1);
    QCOMPARE(replay->positionNs(), firstStart + 1);
    QCOMPARE(m_window->timeline().nowNs(), firstStart + 1);
    const int partial = runBars();
    QVERIFY2(partial > 0 && partial < 12, qPrintable(QString::number(partial)));
    replay->advance(lastStart - firstStart);
    QCOMPARE(runBars(), 12);
    QVERIFY(replay->isActive());
    // To the end: the whole run, and the replay is over.
    replay->advance(end);
    QVERIFY(!replay->isActive());
    QCOMPARE(m_window->timeline().visibleUntil(), std::nullopt);
    QCOMPARE(m_window->timeline().nowNs(), std::int64_t(-1));
    QCOMPARE(runBars(), 12);
    QVERIFY(!m_window->stopAction()->isEnabled());
}

void tst_Replay::replayNumbersFollowTheMoment()
{
    runOnce();
    QVERIFY(m_window->metricsPanel()->text().contains(QStringLiteral("12 of 12 completed")));
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);
    chooseSpeed(1.0);
    std::int64_t firstEnd = m_window->timeline().endNs();
    std::int64_t lastStart = 0;
    for (const TaskEvent &event : m_window->lastRun()->trace->allEvents()) {
        if (event.kind == EventKind::Run) {
            firstEnd = std::min(firstEnd, event.endNs);
            lastStart = std::max(lastStart, event.startNs);
        }
    }
    m_window->replayAction()->trigger();
    // The tasks' line: "3 done, 4 running, of 12".
    const QRegularExpression tasksLine(QStringLiteral("(^|\\n)(\\d+) done, (\\d+) running, of 12"));
    auto doneAndRunning = [&] {
        const QRegularExpressionMatch match = tasksLine.match(m_window->metricsPanel()->text());
        return match.hasMatch() ? std::pair{match.captured(2).toInt(), match.captured(3).toInt()}
                                : std::pair{-1, -1};
    };
    // At the start, nothing is done: the panel says the replay's moment, not the run's end.
    QCOMPARE(doneAndRunning(), std::pair(0, 0));
    QVERIFY2(m_window->metricsPanel()->text().contains(QStringLiteral("replay")),
        qPrintable(m_window->metricsPanel()->text()));
    // Just before the first task ends: none done, some running.
    replay->advance(firstEnd - 1);
    QCOMPARE(doneAndRunning().first, 0);
    QVERIFY(doneAndRunning().second > 0);
    // Just after the last task started: some done, the last still running.
    replay->advance(lastStart + 1 - (firstEnd - 1));
    const auto [done, running] = doneAndRunning();
    QVERIFY2(done > 0 && done < 12 && running > 0, qPrintable(m_window->metricsPanel()->text()));
    QVERIFY(!m_window->metricsPanel()->text().contains(QStringLiteral("completed")));
    // At the end, the whole run again.
    replay->advance(m_window->timeline().endNs());
    QVERIFY(!replay->isActive());
    QVERIFY2(m_window->metricsPanel()->text().contains(QStringLiteral("12 of 12 completed")),
        qPrintable(m_window->metricsPanel()->text()));
}

void tst_Replay::slowerReplayGetsLessFar()
{
    runOnce();
    const std::int64_t end = m_window->timeline().endNs();
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);

    const std::int64_t wall = end / 20 * 10; // half the run, in tenths that add up exactly
    chooseSpeed(1.0);
    m_window->replayAction()->trigger();
    replay->advance(wall);
    const std::int64_t fast = replay->positionNs();
    const int fastBars = runBars();
    m_window->stopAction()->trigger();

    chooseSpeed(0.1);
    m_window->replayAction()->trigger();
    replay->advance(wall);
    const std::int64_t slow = replay->positionNs();
    QCOMPARE(slow * 10, fast);
    QVERIFY(runBars() < fastBars);
    // The same wall time nine times more brings it where 1x was.
    replay->advance(wall * 9);
    QCOMPARE(replay->positionNs(), fast);
    QCOMPARE(runBars(), fastBars);
}

void tst_Replay::timedReplayEndsWithTheWholeRun()
{
    runOnce();
    const std::int64_t end = m_window->timeline().endNs();
    ReplayController *replay = m_window->replayController();
    QSignalSpy frames(replay, &ReplayController::frame);

    // At 0.1x the clock never runs ahead of a tenth of the wall time.
    chooseSpeed(0.1);
    QElapsedTimer wall;
    wall.start();
    m_window->replayAction()->trigger();
    QTRY_VERIFY(replay->positionNs() > 0);
    const std::int64_t position = replay->positionNs();
    const std::int64_t elapsed = wall.nsecsElapsed();
    QVERIFY2(position <= elapsed / 10 + 1,
        qPrintable(QStringLiteral("%1 ns after %2 ns").arg(position).arg(elapsed)));
    if (elapsed < 5 * end)
        QVERIFY(replay->isActive()); // a tenth of the way at most
    m_window->stopAction()->trigger();

    // At 1x it plays to the end by itself, a frame at a time.
    chooseSpeed(1.0);
    frames.clear();
    m_window->replayAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(!replay->isActive(), 10000);
    QVERIFY(frames.count() >= 2);
    QCOMPARE(frames.last().at(0).value<std::int64_t>(), end);
    QCOMPARE(runBars(), 12);
}

void tst_Replay::stopEndsAReplay()
{
    runOnce();
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);
    m_window->replayAction()->trigger();
    replay->advance(1'000'000);
    QVERIFY(runBars() < 12);
    QTest::keyClick(m_window.get(), Qt::Key_Escape);
    QVERIFY(!replay->isActive());
    QCOMPARE(m_window->timeline().visibleUntil(), std::nullopt);
    QCOMPARE(runBars(), 12);
    QVERIFY(!m_window->stopAction()->isEnabled());
    QVERIFY(m_window->replayAction()->isEnabled());
}

void tst_Replay::runEndsAReplay()
{
    runOnce();
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);
    m_window->replayAction()->trigger();
    replay->advance(1'000'000);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(!replay->isActive());
    QVERIFY(!m_window->replayAction()->isEnabled()); // not while a run goes on
    QVERIFY(finished.wait(10000));
    QCOMPARE(m_window->timeline().visibleUntil(), std::nullopt);
    QCOMPARE(runBars(), 12);
    QVERIFY(m_window->replayAction()->isEnabled());
}

void tst_Replay::openedRunReplays()
{
    QVERIFY(!m_window->replayAction()->isEnabled()); // nothing to replay yet
    WorkloadSpec workload;
    workload.taskCount = 8;
    workload.duration = DurationSpec::fixed(5'000'000);
    workload.gil = TaskGil::None; // a bar per task: no sleep waits for the GIL to return
    auto plan = makeRunPlan(QStringLiteral("pool-map"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);
    const QString path = m_files.filePath(QStringLiteral("run.json"));
    QVERIFY(saveRunJson(executeRun(*plan), path).ok());
    QVERIFY(m_window->openRun(path).ok());
    QCOMPARE(m_window->gantt()->prediction(), std::int64_t(-1)); // nothing here predicted it
    QVERIFY(m_window->replayAction()->isEnabled());
    ReplayController *replay = m_window->replayController();
    replay->setTimerEnabled(false);
    m_window->replayAction()->trigger();
    QCOMPARE(runBars(), 0);
    replay->advance(m_window->timeline().endNs() * 10);
    QVERIFY(!replay->isActive());
    QCOMPARE(runBars(), 8);
}

void tst_Replay::replayKeyIsTakenOnce()
{
    const QKeySequence key = m_window->replayAction()->shortcut();
    QVERIFY(!key.isEmpty());
    int owners = 0;
    for (const QAction *action : m_window->findChildren<QAction *>())
        owners += action->shortcuts().contains(key);
    QCOMPARE(owners, 1);
}

QTEST_MAIN(tst_Replay)
#include "tst_replay.moc"
