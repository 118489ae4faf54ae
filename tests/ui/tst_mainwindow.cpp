#include "charts/speedupchart.h"
#include "export/runjson.h"
#include "mainwindow.h"
#include "panels/metricspanel.h"
#include "panels/workloadpanel.h"
#include "pdfreader.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "timeline/ganttview.h"

#include <QAbstractButton>
#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDomDocument>
#include <QFile>
#include <QImage>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <set>

using namespace parviz;

// The window as a person uses it, offscreen: choose, Run, Stop, Sweep, save pictures, open runs.
class tst_MainWindow : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void constructsIdle();
    void runDrawsOneRowPerWorkerAndOneBarPerTask();
    void stopReturnsToIdle();
    void fractionLabelCountsWorkers_data();
    void fractionLabelCountsWorkers();
    void exactCountAgreesWithItsNoun();
    void invalidInputsAreExplainedAndCannotRun();
    void gilChoiceReachesThePlan();
    void gilChoiceComesBackFromAWorkload();
    void sweepAddsAPointPerWorkerCount();
    void sweepNeedsAWorkerCount();
    void speedupLegendNamesEachSweep();
    void picturesHaveTheirSize_data();
    void picturesHaveTheirSize();
    void pictureOfNothingRunIsAnError();
    void unwritablePictureIsAnErrorAndLeavesNothing();
    void savedRunOpensAgain();
    void runFromAnotherMachineKeepsItsWorkerCount();
    void malformedRunFileChangesNothing();
    void longErrorLeavesTheNumbersInView();

private:
    void chooseWorkload(const QString &strategy, int tasks, std::int64_t ns, int workers);
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

void tst_MainWindow::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
}

void tst_MainWindow::init()
{
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindow::cleanup()
{
    m_window.reset();
}

void tst_MainWindow::chooseWorkload(
    const QString &strategy, int tasks, std::int64_t ns, int workers)
{
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setStrategy(strategy);
    panel->setTaskCount(tasks);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(ns));
    panel->setWorkers(WorkerCount::exactly(workers));
}

void tst_MainWindow::constructsIdle()
{
    QVERIFY(m_window->runAction()->isEnabled());
    QVERIFY(m_window->sweepAction()->isEnabled());
    QVERIFY(!m_window->stopAction()->isEnabled());
    QVERIFY(m_window->timeline().isEmpty());
    QCOMPARE(m_window->runAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_R));
    QCOMPARE(m_window->sweepAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    QCOMPARE(m_window->stopAction()->shortcut(), QKeySequence(Qt::Key_Escape));
}

void tst_MainWindow::runDrawsOneRowPerWorkerAndOneBarPerTask()
{
    chooseWorkload(QStringLiteral("thread-pool"), 24, 5'000'000, 4);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    QSignalSpy frames(m_window->controller(), &RunController::frame);
    m_window->runAction()->trigger();
    QVERIFY(!m_window->runAction()->isEnabled()); // busy: nothing that would change the run
    QVERIFY(m_window->stopAction()->isEnabled());
    QVERIFY(finished.wait(10000));
    QVERIFY(frames.count() >= 1); // drawn as it went, a frame at a time
    QVERIFY(m_window->lastRun().has_value());
    QVERIFY(m_window->lastRun()->ok());

    const TimelineModel &timeline = m_window->timeline();
    // main, 4 workers, and the GIL: the pool's tasks are Python, which holds it
    QCOMPARE(timeline.rowCount(), 1 + 4 + 1);
    // Every task has its bar; a task that had to wait for the GIL to return from its sleep
    // has two, around the wait.
    std::set<std::int32_t> tasksWithBars;
    std::vector<TimelineModel::Bar> bars;
    for (int row = 1; row < timeline.rowCount(); ++row) {
        timeline.bars(row, 0, timeline.endNs() + 1, 1.0, bars); // 1 ns per pixel: nothing merges
        for (const auto &bar : bars) {
            if (bar.kind == EventKind::Run)
                tasksWithBars.insert(bar.task);
        }
    }
    QCOMPARE(tasksWithBars.size(), std::size_t(24));
    QVERIFY(!tasksWithBars.contains(-1));
    QVERIFY(m_window->gantt()->lowerBound() > 0);
    QVERIFY(m_window->metricsPanel()->text().contains(QStringLiteral("24 of 24 completed")));
    QVERIFY(m_window->runAction()->isEnabled());
}

void tst_MainWindow::stopReturnsToIdle()
{
    chooseWorkload(QStringLiteral("thread-pool"), 40, 500'000'000, 2);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QTRY_VERIFY_WITH_TIMEOUT(
        !m_window->timeline().isEmpty() && m_window->timeline().isLive(), 5000);
    m_window->stopAction()->trigger();
    QVERIFY(finished.wait(3000));
    QVERIFY(!m_window->controller()->isBusy());
    QVERIFY(m_window->runAction()->isEnabled());
    QVERIFY(!m_window->stopAction()->isEnabled());
    QVERIFY(m_window->lastRun()->stopped);
    QVERIFY(m_window->metricsPanel()->text().contains(QStringLiteral("stopped")));
}

void tst_MainWindow::fractionLabelCountsWorkers_data()
{
    QTest::addColumn<int>("cpus");
    QTest::addColumn<double>("fraction");
    QTest::addColumn<QString>("label");
    QTest::newRow("the seed's 80% of 12") << 12 << 0.8 << "80% of 12 logical CPUs = 9 workers";
    QTest::newRow("80% of 2") << 2 << 0.8 << "80% of 2 logical CPUs = 1 worker";
    QTest::newRow("400% for I/O") << 2 << 4.0 << "400% of 2 logical CPUs = 8 workers";
    QTest::newRow("5%, still one") << 16 << 0.05 << "5% of 16 logical CPUs = 1 worker";
}

void tst_MainWindow::fractionLabelCountsWorkers()
{
    QFETCH(int, cpus);
    QFETCH(double, fraction);
    QFETCH(QString, label);
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setLogicalCpus(cpus);
    panel->setWorkers(WorkerCount::ofCpus(fraction));
    QCOMPARE(panel->workersText(), label);
    QCOMPARE(panel->plan()->workers, WorkerCount::ofCpus(fraction).resolve(cpus));
}

void tst_MainWindow::exactCountAgreesWithItsNoun()
{
    WorkloadPanel *panel = m_window->workloadPanel();
    QSpinBox *workers = nullptr;
    for (QSpinBox *box : panel->findChildren<QSpinBox *>())
        if (box->suffix().contains(QStringLiteral("worker")))
            workers = box;
    QVERIFY(workers);
    panel->setWorkers(WorkerCount::exactly(1));
    QCOMPARE(workers->text(), QStringLiteral("1 worker"));
    panel->setWorkers(WorkerCount::exactly(3));
    QCOMPARE(workers->text(), QStringLiteral("3 workers"));
}

void tst_MainWindow::invalidInputsAreExplainedAndCannotRun()
{
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setDuration(DurationSpec::uniform(20'000'000, 5'000'000));
    QVERIFY(!panel->plan().ok());
    QVERIFY(panel->plan().error().message.contains(QStringLiteral("below the lower bound")));
    QVERIFY(!m_window->runAction()->isEnabled());
    QVERIFY(!m_window->sweepAction()->isEnabled());
    panel->setDuration(DurationSpec::uniform(5'000'000, 20'000'000));
    QVERIFY(m_window->runAction()->isEnabled());
    // Too many threads for thread-per-task: the engine's own reason is shown.
    panel->setStrategy(QStringLiteral("thread-per-task"));
    panel->setTaskCount(50'000);
    QVERIFY(!panel->plan().ok());
    QVERIFY(!m_window->runAction()->isEnabled());
}

void tst_MainWindow::gilChoiceReachesThePlan()
{
    WorkloadPanel *panel = m_window->workloadPanel();
    auto *gil = panel->findChild<QComboBox *>(QStringLiteral("gil"));
    QVERIFY(gil);
    auto *switchRow = panel->findChild<QWidget *>(QStringLiteral("switchIntervalRow"));
    QVERIFY(switchRow);
    QCOMPARE(gil->count(), 3);
    QVERIFY(!gil->toolTip().isEmpty());
    QCOMPARE(TaskGil(gil->currentData().toInt()), TaskGil::Held); // pure Python, until told
    panel->setStrategy(QStringLiteral("thread-pool"));
    QCOMPARE(panel->plan()->workload.gil, TaskGil::Held);
    // Threads that hand the GIL over have a switch interval; processes each have a GIL.
    QVERIFY(switchRow->isVisibleTo(panel));
    panel->setStrategy(QStringLiteral("process-pool"));
    QVERIFY(!switchRow->isVisibleTo(panel));
    panel->setStrategy(QStringLiteral("sequential"));
    QVERIFY(!switchRow->isVisibleTo(panel));
    for (const auto *id : {"thread-per-task", "pool-map"}) {
        panel->setStrategy(QLatin1String(id));
        QVERIFY2(switchRow->isVisibleTo(panel), id);
    }
    // joblib's batches: in worker processes with loky, its default; on threads with threading.
    auto *backend = panel->findChild<QComboBox *>(QStringLiteral("backend"));
    QVERIFY(backend);
    panel->setStrategy(QStringLiteral("batched"));
    QVERIFY(backend->isVisibleTo(panel));
    QCOMPARE(panel->plan()->options.backend, JoblibBackend::Loky);
    QVERIFY(!switchRow->isVisibleTo(panel));
    backend->setCurrentIndex(backend->findData(int(JoblibBackend::Threading)));
    QCOMPARE(panel->plan()->options.backend, JoblibBackend::Threading);
    QVERIFY(switchRow->isVisibleTo(panel));
    backend->setCurrentIndex(backend->findData(int(JoblibBackend::Loky)));
    panel->setStrategy(QStringLiteral("thread-pool"));
    QVERIFY(!backend->isVisibleTo(panel));

    // As a person chooses it: every choice reaches the plan, and tells the window.
    panel->setStrategy(QStringLiteral("thread-pool"));
    QSignalSpy changed(panel, &WorkloadPanel::changed);
    gil->setCurrentIndex(gil->findData(int(TaskGil::Released)));
    QCOMPARE(changed.count(), 1);
    QCOMPARE(panel->plan()->workload.gil, TaskGil::Released);
    QCOMPARE(panel->sweepPlan()->workload.gil, TaskGil::Released);
    QVERIFY(switchRow->isVisibleTo(panel));
    gil->setCurrentIndex(gil->findData(int(TaskGil::None)));
    QCOMPARE(panel->checkedPlan()->workload.gil, TaskGil::None);
    QVERIFY(!switchRow->isVisibleTo(panel)); // no GIL, nothing to hand over
    // Not while a run is under way.
    panel->setInputsEnabled(false);
    QVERIFY(!gil->isEnabled());
    panel->setInputsEnabled(true);
    QVERIFY(gil->isEnabled());
}

void tst_MainWindow::gilChoiceComesBackFromAWorkload()
{
    WorkloadPanel *panel = m_window->workloadPanel();
    auto *gil = panel->findChild<QComboBox *>(QStringLiteral("gil"));
    QVERIFY(gil);
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.kind = TaskKind::Cpu;
    workload.duration = DurationSpec::fixed(1'000'000);
    workload.gil = TaskGil::Released;

    // From a preset's inputs.
    panel->apply(QStringLiteral("pool-map"), workload, WorkerCount::exactly(2), {});
    QCOMPARE(TaskGil(gil->currentData().toInt()), TaskGil::Released);
    QCOMPARE(panel->checkedPlan()->workload, workload);
    // The older "gil-threads" is a thread pool whose tasks hold the GIL, whatever else is said.
    panel->apply(QStringLiteral("gil-threads"), workload, WorkerCount::exactly(2), {});
    QCOMPARE(panel->strategyId(), QStringLiteral("thread-pool"));
    QCOMPARE(panel->checkedPlan()->workload.gil, TaskGil::Held);

    // From an opened run.
    const RunResult run = executeRun(
        makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2)).value());
    const QString path = m_files.filePath(QStringLiteral("released.json"));
    QVERIFY(saveRunJson(run, path).ok());
    QVERIFY(m_window->openRun(path).ok());
    QCOMPARE(panel->checkedPlan()->workload.gil, TaskGil::Released);

    // From the settings of the last session.
    gil->setCurrentIndex(gil->findData(int(TaskGil::None)));
    const QString ini = m_files.filePath(QStringLiteral("gil.ini"));
    {
        QSettings settings(ini, QSettings::IniFormat);
        panel->saveSettings(settings);
    }
    WorkloadPanel restored;
    QCOMPARE(restored.checkedPlan()->workload.gil, TaskGil::Held);
    restored.loadSettings(QSettings(ini, QSettings::IniFormat));
    QCOMPARE(restored.checkedPlan()->workload.gil, TaskGil::None);
    QCOMPARE(restored.checkedPlan()->workload.kind, TaskKind::Cpu); // as the kind beside it
}

void tst_MainWindow::sweepAddsAPointPerWorkerCount()
{
    chooseWorkload(QStringLiteral("thread-pool"), 6, 5'000'000, 3);
    QSignalSpy points(m_window->controller(), &RunController::sweepPoint);
    QSignalSpy done(m_window->controller(), &RunController::sweepFinished);
    m_window->sweepAction()->trigger();
    QVERIFY(m_window->controller()->isSweeping());
    QVERIFY(done.wait(20000));
    QCOMPARE(points.count(), 3); // 1, 2 and 3 workers
    QCOMPARE(m_window->speedupChart()->sweepCount(), 1);
    QCOMPARE(m_window->speedupChart()->pointCount(), 3);
    QVERIFY(!m_window->controller()->isBusy());
    QVERIFY(m_window->runAction()->isEnabled());
    // A second sweep stays beside the first, for comparison.
    m_window->workloadPanel()->setStrategy(QStringLiteral("pool-map"));
    m_window->sweepAction()->trigger();
    QVERIFY(done.wait(20000));
    QCOMPARE(m_window->speedupChart()->sweepCount(), 2);
    // The same workload twice: it goes in the title, and the legend names the strategies.
    QVERIFY(m_window->speedupChart()->title().contains(QStringLiteral("6 sleep")));
    QVERIFY(m_window->speedupChart()->sweepName(0).startsWith(QStringLiteral("thread-pool, s = ")));
    QVERIFY(m_window->speedupChart()->sweepName(1).startsWith(QStringLiteral("pool-map, s = ")));
}

void tst_MainWindow::speedupLegendNamesEachSweep()
{
    SpeedupChart chart;
    const auto fit = [](double s) { return AmdahlFit{s}; };
    chart.beginSweep(QStringLiteral("thread-pool"), QStringLiteral("8 cpu x 1s"), 4, 8);
    chart.addPoint(SweepPoint{1, {}, 0, 1.0, 1.0, 0.0}, fit(std::nan("")));
    chart.addPoint(SweepPoint{2, {}, 0, 1.6, 0.8, 0.25}, fit(0.25));
    chart.endSweep(false);
    QCOMPARE(chart.sweepName(0), QStringLiteral("thread-pool, s = 0.250, stopped"));
    QCOMPARE(chart.title(), QStringLiteral("Speedup: 8 cpu x 1s"));
    // Another workload: each name says its own, the title neither.
    chart.beginSweep(QStringLiteral("process-pool"), QStringLiteral("8 cpu x 2s"), 4, 8);
    QCOMPARE(chart.sweepName(1), QStringLiteral("process-pool (8 cpu x 2s)"));
    QCOMPARE(chart.title(), QStringLiteral("Speedup"));
    // A sweep stopped before its first point leaves nothing behind.
    chart.endSweep(false);
    QCOMPARE(chart.sweepCount(), 1);
    QCOMPARE(chart.sweepName(0), QStringLiteral("thread-pool, s = 0.250, stopped"));
    QCOMPARE(chart.title(), QStringLiteral("Speedup: 8 cpu x 1s"));
    chart.clearSweeps();
    QCOMPARE(chart.sweepCount(), 0);
    QCOMPARE(chart.title(), QStringLiteral("Speedup"));
}

void tst_MainWindow::sweepNeedsAWorkerCount()
{
    WorkloadPanel *panel = m_window->workloadPanel();
    // Sequential has one worker and thread-per-task one thread per task: nothing to sweep.
    for (const auto *id : {"sequential", "thread-per-task"}) {
        panel->setStrategy(QLatin1String(id));
        QVERIFY2(m_window->runAction()->isEnabled(), id);
        QVERIFY2(!m_window->sweepAction()->isEnabled(), id);
    }
    panel->setStrategy(QStringLiteral("process-pool"));
    QVERIFY(m_window->sweepAction()->isEnabled());
}

void tst_MainWindow::picturesHaveTheirSize_data()
{
    QTest::addColumn<QString>("name");
    QTest::addColumn<QString>("filter");
    QTest::addColumn<qreal>("scale");
    QTest::newRow("png") << "picture.png" << QString() << qreal(1);
    QTest::newRow("png at 2x") << "picture2x.png"
                               << "PNG image at 2x (*.png)" << qreal(2);
    QTest::newRow("svg") << "picture.svg" << QString() << qreal(0);
    QTest::newRow("pdf") << "picture"
                         << "PDF document (*.pdf)" << qreal(-1);
}

void tst_MainWindow::picturesHaveTheirSize()
{
    QFETCH(QString, name);
    QFETCH(QString, filter);
    QFETCH(qreal, scale);
    chooseWorkload(QStringLiteral("thread-pool"), 8, 2'000'000, 2);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(10000));

    // The speedup chart's caption comes from its sweep; the Gantt's and the window's from the
    // run.
    QSignalSpy swept(m_window->controller(), &RunController::sweepFinished);
    m_window->sweepAction()->trigger();
    QVERIFY(swept.wait(20000));
    const QString runCaptionText = runCaption(*m_window->lastRun());
    QVERIFY(runCaptionText.contains(QStringLiteral("thread-pool · 2 workers · on ")));
    const QString sweepCaptionText = m_window->speedupChart()->caption();
    QVERIFY(sweepCaptionText.startsWith(
        QStringLiteral("8 sleep x 2ms · thread-pool · 1 to 2 workers · on ")));

    struct Chart
    {
        const char *what;
        Result<void> (MainWindow::*save)(const QString &, const QString &);
        QSize size;
        QString caption;
    };
    // The Gantt and the speedup chart: parviz-cli's figures, a slide's width whatever the
    // window's; the window: a screenshot at its size.
    const Figure gantt = m_window->ganttPicture();
    const Figure speedup = m_window->speedupPicture();
    QCOMPARE(gantt.size.width(), FigureStyle::DefaultWidth);
    QCOMPARE(speedup.size.width(), FigureStyle::DefaultWidth);
    const Chart charts[] = {
        {"gantt", &MainWindow::saveGanttPicture, gantt.size, runCaptionText},
        {"speedup", &MainWindow::saveSpeedupPicture, speedup.size, sweepCaptionText},
        {"window", &MainWindow::saveWindowPicture, m_window->size(), runCaptionText},
    };
    for (const Chart &chart : charts) {
        QString path = m_files.filePath(QLatin1String(chart.what) + QLatin1Char('-') + name);
        const auto saved = (m_window.get()->*chart.save)(path, filter);
        QVERIFY2(saved.ok(), saved.ok() ? "" : qPrintable(saved.error().message));
        // Drawn at the chart's size, not scaled up, with the caption's band under it.
        const int captionHeight = chart.save == &MainWindow::saveWindowPicture
            ? PictureCaption::fromPalette(chart.caption, m_window->palette()).height()
            : gantt.caption.height();
        QVERIFY(captionHeight > 0);
        const QSize size = chart.size + QSize(0, captionHeight);
        if (scale < 0) {
            path += QStringLiteral(".pdf"); // the filter's suffix
            QFile file(path);
            QVERIFY2(file.open(QIODevice::ReadOnly), qPrintable(path));
            const test::PdfReader pdf(file.readAll());
            QVERIFY2(pdf.isValid(), qPrintable(pdf.error()));
            QCOMPARE(pdf.pageCount(), 1);
            QCOMPARE(pdf.mediaBox(), QRectF(QPointF(0, 0), QSizeF(size)));
            QVERIFY2(pdf.text().contains(chart.caption), qPrintable(pdf.text()));
        } else if (scale > 0) {
            const QImage image(path);
            QVERIFY2(!image.isNull(), qPrintable(path));
            QCOMPARE(image.size(), size * scale);
        } else {
            QFile file(path);
            QVERIFY(file.open(QIODevice::ReadOnly));
            QDomDocument svg;
            QVERIFY(svg.setContent(&file));
            const QDomElement root = svg.documentElement();
            QCOMPARE(root.tagName(), QStringLiteral("svg"));
            QVERIFY(root.attribute(QStringLiteral("viewBox"))
                        .endsWith(QStringLiteral("%1 %2").arg(size.width()).arg(size.height())));
            QVERIFY(svg.elementsByTagName(QStringLiteral("g")).count() > 0);
            QVERIFY(svg.toString().contains(
                QLatin1Char('>') + chart.caption + QLatin1String("</text>")));
        }
    }
}

void tst_MainWindow::pictureOfNothingRunIsAnError()
{
    QVERIFY(!m_window->lastRun());
    const QString gantt = m_files.filePath(QStringLiteral("empty-gantt.png"));
    QVERIFY(!m_window->saveGanttPicture(gantt).ok());
    QVERIFY(!QFile::exists(gantt));
    const QString speedup = m_files.filePath(QStringLiteral("empty-speedup.png"));
    QVERIFY(!m_window->saveSpeedupPicture(speedup).ok());
    QVERIFY(!QFile::exists(speedup));
    // The window is what it is, without a caption.
    const QString window = m_files.filePath(QStringLiteral("empty-window.png"));
    QVERIFY(m_window->saveWindowPicture(window).ok());
    QCOMPARE(QImage(window).size(), m_window->size());
}

void tst_MainWindow::unwritablePictureIsAnErrorAndLeavesNothing()
{
    const QString path = QStringLiteral("/nonexistent-folder/gantt.png");
    const auto saved = m_window->saveWindowPicture(path);
    QVERIFY(!saved.ok());
    QVERIFY(saved.error().message.contains(path));
    QVERIFY(!QFile::exists(path));
}

void tst_MainWindow::savedRunOpensAgain()
{
    WorkloadSpec workload;
    workload.taskCount = 12;
    workload.duration = DurationSpec::fixed(1'000'000);
    const RunResult run = executeRun(
        makeRunPlan(QStringLiteral("gil-threads"), workload, WorkerCount::exactly(3)).value());
    const QString path = m_files.filePath(QStringLiteral("run.json"));
    QVERIFY(saveRunJson(run, path).ok());

    QVERIFY(m_window->openRun(path).ok());
    QVERIFY(m_window->lastRun().has_value());
    QCOMPARE(m_window->timeline().rowCount(), 1 + 3 + 1); // main, workers, the GIL
    // gil-threads is saved as what it is, a thread pool whose tasks hold the GIL.
    QCOMPARE(m_window->workloadPanel()->strategyId(), QStringLiteral("thread-pool"));
    QCOMPARE(m_window->workloadPanel()->plan()->workload.gil, TaskGil::Held);
    QCOMPARE(m_window->workloadPanel()->plan()->workers, 3);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("run.json")));
}

void tst_MainWindow::runFromAnotherMachineKeepsItsWorkerCount()
{
    WorkloadSpec workload;
    workload.taskCount = 6;
    workload.duration = DurationSpec::fixed(1'000'000);
    workload.seed = 42;
    const RunResult run = executeRun(
        makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::ofCpus(1.0)).value());
    const QString path = m_files.filePath(QStringLiteral("elsewhere.json"));
    QVERIFY(saveRunJson(run, path).ok());

    // Opened on a machine with more CPUs, 100% of them would be more workers than the run had.
    WorkloadPanel *panel = m_window->workloadPanel();
    panel->setLogicalCpus(run.plan.cpus * 4);
    QVERIFY(m_window->openRun(path).ok());
    QCOMPARE(panel->plan()->workers, run.workers);
    QCOMPARE(panel->plan()->workload.seed, std::uint64_t(42));
}

void tst_MainWindow::malformedRunFileChangesNothing()
{
    chooseWorkload(QStringLiteral("thread-pool"), 4, 1'000'000, 2);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(10000));
    const std::int64_t makespan = m_window->lastRun()->metrics.makespanNs;

    const QString path = m_files.filePath(QStringLiteral("broken.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("{\"format\": 1, \"strategy\": \"thread-pool\", \"events\": [");
    file.close();
    const auto opened = m_window->openRun(path);
    QVERIFY(!opened.ok());
    QVERIFY(!opened.error().message.isEmpty());
    QCOMPARE(m_window->lastRun()->metrics.makespanNs, makespan);
    QCOMPARE(m_window->workloadPanel()->strategyId(), QStringLiteral("thread-pool"));
}

void tst_MainWindow::longErrorLeavesTheNumbersInView()
{
    WorkloadSpec workload;
    workload.taskCount = 2;
    workload.duration = DurationSpec::fixed(1'000'000);
    RunResult run = executeRun(
        makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2)).value());
    MetricsPanel *panel = m_window->metricsPanel();
    const QString path = m_files.filePath(QStringLiteral("failed.json"));

    run.error = Error{QStringLiteral("task-failed"), QStringLiteral("task 1 raised ValueError")};
    QVERIFY(saveRunJson(run, path).ok());
    QVERIFY(m_window->openRun(path).ok());
    const int usual = panel->sizeHint().height();
    QVERIFY(panel->text().contains(QStringLiteral("task 1 raised ValueError")));

    // A megabyte of message in 100,000 lines, as a runaway traceback might be.
    QString message;
    for (int line = 0; line < 100'000; ++line)
        message += QStringLiteral("line %1 of the error\n").arg(line, 6, 10, QLatin1Char('0'));
    message += QString(100'000, u'x'); // and one long line
    run.error->message = message;
    QVERIFY(saveRunJson(run, path).ok());
    QVERIFY(m_window->openRun(path).ok());
    // The numbers stay where they were: the message takes a few lines at most.
    QVERIFY2(panel->sizeHint().height() <= usual + 4 * panel->fontMetrics().lineSpacing(),
        qPrintable(QStringLiteral("%1 px high, %2 with a short error")
                       .arg(panel->sizeHint().height())
                       .arg(usual)));
    QVERIFY(panel->text().size() < 2000);
    QVERIFY(panel->text().contains(QStringLiteral("line 000000 of the error")));

    // The whole message is one click away.
    auto *details = panel->findChild<QAbstractButton *>(QStringLiteral("errorDetails"));
    QVERIFY(details);
    QVERIFY(details->isVisibleTo(panel));
    details->click();
    auto *text = panel->findChild<QPlainTextEdit *>(QStringLiteral("errorText"));
    QVERIFY(text);
    QCOMPARE(text->toPlainText(), message);

    // A run without an error has nothing to detail.
    run.error.reset();
    QVERIFY(saveRunJson(run, path).ok());
    QVERIFY(m_window->openRun(path).ok());
    QVERIFY(!details->isVisibleTo(panel));
}

QTEST_MAIN(tst_MainWindow)
#include "tst_mainwindow.moc"
