#include "charts/makespanbars.h"
#include "comparison/comparisonwindow.h"
#include "comparison/groundtruthtable.h"
#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "preferencesdialog.h"
#include "processes.h"
#include "python/cpythonengine.h"
#include "pythonlocator.h"
#include "run/comparison.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinezoomcontrol.h"

#include <QAction>
#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QHeaderView>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <cmath>
#include <set>

using namespace parviz;

namespace {
constexpr std::int64_t Ms = 1'000'000;
const QString InterpreterKey = QStringLiteral("python/interpreter");
} // namespace

// Run in CPython Too as a person uses it, offscreen: Ctrl+T runs the workload with ParViz and
// then in CPython, both drawn on one time axis with a table of their numbers; the action says
// what to install when Python or joblib is missing; a failing program shows its traceback; Stop
// ends the CPython part at once. The interpreter is chosen in the preferences.
class tst_GroundTruth : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void controllerRunsAGivenSession();
    void tableSetsTheRunsSideBySide();
    void ctrlTRunsParVizThenCPython();
    void missingInterpreterDisablesTheAction();
    void batchedNeedsJoblib();
    void failingProgramShowsItsTraceback();
    void stopDuringCPythonEndsPromptly();
    void preferencesShowWhatIsFound();

private:
    // A shell script posing as python3: answers ParViz's question for its version (with or
    // without joblib), and runs a program as `program` says.
    QString fakePython(const QString &name, bool joblib, const QByteArray &program);
    std::unique_ptr<MainWindow> makeWindow(
        const QString &strategy, int tasks, std::int64_t ns, int workers);
    static QAction *truthActionOf(MainWindow &window);
    static bool waitForLook(MainWindow &window);

    std::optional<PythonInterpreter> m_python; // a real one, if this machine has it
    QTemporaryDir m_files;
};

void tst_GroundTruth::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_groundtruth"));
    if (auto found = findPython())
        m_python = *found;
    else
        qInfo("%s", qPrintable(found.error().message));
}

void tst_GroundTruth::init()
{
    QSettings().remove(InterpreterKey); // automatic, whatever an earlier run left
}

void tst_GroundTruth::cleanup()
{
    QSettings().remove(InterpreterKey);
}

QString tst_GroundTruth::fakePython(const QString &name, bool joblib, const QByteArray &program)
{
    const QString path = m_files.filePath(name);
    QFile script(path);
    if (!script.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    script.write("#!/bin/sh\n"
                 "if [ \"$1\" = \"-c\" ]; then\n"
                 "  echo 3.11.2\n");
    if (joblib)
        script.write("  echo joblib\n");
    script.write("  exit 0\n"
                 "fi\n");
    script.write(program);
    script.close();
    script.setPermissions(script.permissions() | QFileDevice::ExeOwner);
    return path;
}

std::unique_ptr<MainWindow> tst_GroundTruth::makeWindow(
    const QString &strategy, int tasks, std::int64_t ns, int workers)
{
    auto window = std::make_unique<MainWindow>();
    window->resize(1400, 900);
    window->show();
    WorkloadPanel *panel = window->workloadPanel();
    panel->setStrategy(strategy);
    panel->setTaskCount(tasks);
    panel->setKind(TaskKind::Sleep);
    panel->setDuration(DurationSpec::fixed(ns));
    panel->setWorkers(WorkerCount::exactly(workers));
    return window;
}

// The action, found by its shortcut as a person would: exactly one action has Ctrl+T.
QAction *tst_GroundTruth::truthActionOf(MainWindow &window)
{
    QAction *found = nullptr;
    for (QAction *action : window.findChildren<QAction *>()) {
        if (action->shortcut() != QKeySequence(Qt::CTRL | Qt::Key_T))
            continue;
        if (found)
            return nullptr; // two actions on one shortcut: neither would fire
        found = action;
    }
    return found;
}

bool tst_GroundTruth::waitForLook(MainWindow &window)
{
    PythonLocator *locator = window.pythonLocator();
    return QTest::qWaitFor([locator] { return !locator->isLooking() && locator->result(); }, 20000);
}

// A session made elsewhere runs like any run: started, drawn frame by frame, its result
// carried by runFinished; a second one while busy is ignored.
void tst_GroundTruth::controllerRunsAGivenSession()
{
    WorkloadSpec workload;
    workload.taskCount = 6;
    workload.duration = DurationSpec::fixed(5 * Ms);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);

    RunController controller;
    QSignalSpy started(&controller, &RunController::runStarted);
    QSignalSpy frames(&controller, &RunController::frame);
    QSignalSpy finished(&controller, &RunController::runFinished);
    controller.run(std::make_unique<RunSession>(*plan));
    QVERIFY(controller.isBusy());
    controller.run(std::make_unique<RunSession>(*plan)); // busy: ignored
    controller.run(std::unique_ptr<RunSession>()); // nothing to run: ignored
    QVERIFY(finished.wait(10000));
    QCOMPARE(started.count(), 1);
    QVERIFY(frames.count() >= 1);
    auto run = finished.takeFirst().at(0).value<RunResult>();
    QVERIFY(run.ok());
    QVERIFY(run.engine.isEmpty());
    QCOMPARE(run.metrics.tasksCompleted, 6);
    QVERIFY(!controller.isBusy());

    if (!m_python)
        QSKIP("no python3: CPython's session is not tried");
    controller.run(makeCPythonSession(*plan, *m_python));
    QVERIFY(finished.wait(20000));
    QCOMPARE(started.count(), 2);
    run = finished.takeFirst().at(0).value<RunResult>();
    QVERIFY2(run.ok(), run.error ? qPrintable(run.error->message) : "stopped");
    QCOMPARE(run.engine, CPythonEngine::engineName(*m_python));
    QCOMPARE(run.metrics.tasksCompleted, 6);
}

// The table shows the schedule's truth lines, as parviz-cli truth prints them, from ParViz's own
// runs (one of them labelled as CPython's): no interpreter needed. The lines and the pairing
// themselves are tested in tst_comparison.
void tst_GroundTruth::tableSetsTheRunsSideBySide()
{
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.duration = DurationSpec::fixed(2 * Ms);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);
    const RunResult parviz = executeRun(*plan);
    RunResult cpython = executeRun(*plan);
    cpython.engine = QStringLiteral("CPython 3.11.2");
    QVERIFY(parviz.ok() && cpython.ok());

    ComparisonSchedule schedule;
    schedule.record(parviz);
    schedule.record(cpython);
    QVERIFY(schedule.truthPair());
    const auto lines = schedule.truthLines();
    QVERIFY(lines.size() > 9);

    GroundTruthTable table;
    table.setLines(parviz.label(), cpython.label(), lines);
    QCOMPARE(table.rowCount(), int(lines.size()));
    QCOMPARE(table.horizontalHeaderItem(0)->text(), QStringLiteral("thread-pool"));
    QCOMPARE(table.horizontalHeaderItem(1)->text(), QStringLiteral("thread-pool (CPython 3.11.2)"));
    for (int row = 0; row < table.rowCount(); ++row) {
        const TruthLine &line = lines[std::size_t(row)];
        QCOMPARE(table.verticalHeaderItem(row)->text(), line.label());
        QCOMPARE(table.item(row, 0)->text(), line.parviz);
        QCOMPARE(table.item(row, 1)->text(), line.cpython);
        QCOMPARE(table.item(row, 2)->text(), line.ratioText);
    }
    QCOMPARE(table.item(0, 2)->text(), truthRatioText(lines[0].ratio));
    // Every line shown, none scrolled.
    QVERIFY(table.sizeHint().height() >= table.rowCount() * table.rowHeight(0));
}

// Ctrl+T: ParViz's run, then CPython's, of the same plan, both in the comparison window on
// one time axis, with the table under them.
void tst_GroundTruth::ctrlTRunsParVizThenCPython()
{
    if (!m_python)
        QSKIP("no python3");
    auto main = makeWindow(QStringLiteral("thread-pool"), 6, 5 * Ms, 2);
    QAction *truth = truthActionOf(*main);
    QVERIFY(truth);
    QCOMPARE(truth, main->truthAction());
    // Not yet looked for: pressing it looks, then runs.
    QVERIFY(truth->isEnabled());
    QSignalSpy found(main->pythonLocator(), &PythonLocator::found);
    truth->trigger();
    QVERIFY(!main->comparisonWindow());
    QVERIFY(found.wait(20000)); // the run starts as soon as the interpreter is found
    ComparisonWindow *window = main->comparisonWindow();
    QVERIFY(window);
    QVERIFY(window->isVisible());
    QVERIFY(window->isRunning());
    QCOMPARE(window->runsPlanned(), 2);
    QVERIFY(!main->runAction()->isEnabled()); // one thing runs at a time
    QVERIFY(!truth->isEnabled());
    QSignalSpy finished(window, &ComparisonWindow::finished);
    QVERIFY(finished.wait(60000));

    const auto &runs = window->runs();
    QCOMPARE(runs.size(), std::size_t{2});
    QVERIFY(runs[0].ok());
    QVERIFY2(runs[1].ok(), runs[1].error ? qPrintable(runs[1].error->message) : "stopped");
    QVERIFY(runs[0].engine.isEmpty());
    QVERIFY(runs[1].engine.startsWith(QLatin1String("CPython ")));
    QCOMPARE(runs[1].label(), QStringLiteral("thread-pool (%1)").arg(runs[1].engine));
    QVERIFY(runs[0].plan.tasks == runs[1].plan.tasks); // the very same tasks
    QCOMPARE(runs[0].metrics.tasksCompleted, 6);
    QCOMPARE(runs[1].metrics.tasksCompleted, 6);

    // Both Gantts, on one time axis spanning the longer run.
    QCOMPARE(window->ganttCount(), 2);
    QVERIFY(window->heading(1).startsWith(runs[1].label()));
    QCOMPARE(window->zoom()->endNs(),
        std::max(window->timeline(0).endNs(), window->timeline(1).endNs()));
    QCOMPARE(window->timeline(1).rowCount(), 1 + 2); // main + the pool's 2 threads

    GroundTruthTable *table = window->truthTable();
    QVERIFY(table->isVisibleTo(window));
    QCOMPARE(table->horizontalHeaderItem(0)->text(), runs[0].label());
    QCOMPARE(table->horizontalHeaderItem(1)->text(), runs[1].label());
    QCOMPARE(table->lines().front().name, QStringLiteral("makespan"));
    QCOMPARE(table->lines().front().ratio,
        double(runs[1].metrics.makespanNs) / double(runs[0].metrics.makespanNs));
    QCOMPARE(table->item(0, 2)->text(), truthRatioText(table->lines()[0].ratio));
    // The makespan bars stay at the top of their column, beside the taller table.
    const auto top = [&](const QWidget *widget) { return widget->mapTo(window, QPoint()).y(); };
    QTRY_VERIFY2(top(window->makespanBars()) < top(table) + table->height() / 2,
        qPrintable(QStringLiteral("bars at %1, table %2 to %3")
                       .arg(top(window->makespanBars()))
                       .arg(top(table))
                       .arg(top(table) + table->height())));

    // Saved like any comparison, each run saying what ran it.
    const QString path = m_files.filePath(QStringLiteral("truth.json"));
    QVERIFY(window->saveJson(path).ok());
    QFile saved(path);
    QVERIFY(saved.open(QIODevice::ReadOnly));
    QVERIFY(saved.readAll().contains(runs[1].engine.toUtf8()));

    QVERIFY(main->runAction()->isEnabled());
    QVERIFY(truth->isEnabled());
}

// A preference naming an interpreter that is not there: the action is disabled and says what
// to install; everything else works.
void tst_GroundTruth::missingInterpreterDisablesTheAction()
{
    auto main = makeWindow(QStringLiteral("thread-pool"), 4, 2 * Ms, 2);
    main->setPythonInterpreter(QStringLiteral("/nonexistent/python3"));
    QCOMPARE(QSettings().value(InterpreterKey).toString(), QStringLiteral("/nonexistent/python3"));
    QVERIFY(waitForLook(*main));
    QAction *truth = main->truthAction();
    QVERIFY(!truth->isEnabled());
    QVERIFY2(truth->toolTip().contains(QLatin1String("/nonexistent/python3"))
            && truth->toolTip().contains(QLatin1String("install Debian's python3")),
        qPrintable(truth->toolTip()));
    QCOMPARE(truth->statusTip(), truth->toolTip());
    truth->trigger();
    QVERIFY(!main->comparisonWindow());

    QVERIFY(main->runAction()->isEnabled());
    QSignalSpy finished(main->controller(), &RunController::runFinished);
    main->runAction()->trigger();
    QVERIFY(finished.wait(10000));
    QVERIFY(main->lastRun()->ok());

    // Back to automatic: looked for again at once.
    main->setPythonInterpreter({});
    QVERIFY(waitForLook(*main));
    QCOMPARE(truth->isEnabled(), m_python.has_value());
}

// An interpreter without joblib runs every strategy but batched, and says what to install.
void tst_GroundTruth::batchedNeedsJoblib()
{
    const QString plain = fakePython(QStringLiteral("plain-python3"), false, "exit 1\n");
    auto main = makeWindow(QStringLiteral("thread-pool"), 4, 2 * Ms, 2);
    main->setPythonInterpreter(plain);
    QVERIFY(waitForLook(*main));
    QAction *truth = main->truthAction();
    QVERIFY(truth->isEnabled());
    QVERIFY(truth->toolTip().contains(QLatin1String("3.11.2")));
    main->workloadPanel()->setStrategy(QStringLiteral("batched"));
    QVERIFY(!truth->isEnabled());
    QVERIFY2(
        truth->toolTip().contains(QLatin1String("python3-joblib")), qPrintable(truth->toolTip()));
    QVERIFY(main->runAction()->isEnabled());
    main->workloadPanel()->setStrategy(QStringLiteral("pool-map"));
    QVERIFY(truth->isEnabled());
}

// A program that fails: its traceback is the run's error, said in short in the status bar, and
// the windows stay usable.
void tst_GroundTruth::failingProgramShowsItsTraceback()
{
    const QString failing = fakePython(QStringLiteral("failing-python3"),
        true,
        "echo 'Traceback (most recent call last):' >&2\n"
        "echo '  File \"thread_pool.py\", line 3, in <module>' >&2\n"
        "echo 'ZeroDivisionError: division by zero' >&2\n"
        "exit 1\n");
    auto main = makeWindow(QStringLiteral("thread-pool"), 4, 2 * Ms, 2);
    main->setPythonInterpreter(failing);
    QVERIFY(waitForLook(*main));
    QAction *truth = main->truthAction();
    QVERIFY(truth->isEnabled());
    truth->trigger();
    ComparisonWindow *window = main->comparisonWindow();
    QVERIFY(window);
    QSignalSpy finished(window, &ComparisonWindow::finished);
    QVERIFY(finished.wait(30000));

    const auto &runs = window->runs();
    QCOMPARE(runs.size(), std::size_t{2});
    QVERIFY(runs[0].ok());
    QVERIFY(runs[1].error);
    QVERIFY2(runs[1].error->message.contains(QLatin1String("Traceback (most recent call last)"))
            && runs[1].error->message.contains(QLatin1String("ZeroDivisionError")),
        qPrintable(runs[1].error->message));
    const QString status = window->statusBar()->currentMessage();
    QVERIFY2(status.contains(QLatin1String("thread-pool (CPython 3.11.2) failed"))
            && status.contains(QLatin1String("ZeroDivisionError: division by zero")),
        qPrintable(status));
    QVERIFY(!status.contains(u'\n'));
    QVERIFY(window->heading(1).contains(QLatin1String("failed")));
    QVERIFY(!window->truthTable()->isVisibleTo(window)); // nothing to compare with

    QVERIFY(main->runAction()->isEnabled());
    QVERIFY(truth->isEnabled());
    QSignalSpy ran(main->controller(), &RunController::runFinished);
    main->runAction()->trigger();
    QVERIFY(ran.wait(10000));
    QVERIFY(main->lastRun()->ok());
}

// Stop (Esc in the main window) while CPython's tasks sleep: the comparison ends well before
// they would have, keeps the cut run, and no Python process is left.
void tst_GroundTruth::stopDuringCPythonEndsPromptly()
{
    if (!m_python)
        QSKIP("no python3");
    constexpr std::int64_t TaskNs = 1500 * Ms;
    // Worker processes: the ones that must not outlive Stop.
    auto main = makeWindow(QStringLiteral("process-pool"), 2, TaskNs, 2);
    main->setPythonInterpreter(m_python->path);
    QVERIFY(waitForLook(*main));
    main->truthAction()->trigger();
    ComparisonWindow *window = main->comparisonWindow();
    QVERIFY(window);
    QSignalSpy finished(window, &ComparisonWindow::finished);

    // CPython's Gantt fills in live: its tasks are seen running. Once seen, seen: QTRY looks
    // more than once.
    bool seenRunning = false;
    const auto cpythonRunning = [window, &seenRunning] {
        if (seenRunning || window->ganttCount() < 2 || !window->timeline(1).trace())
            return seenRunning;
        const auto &inFlight = window->timeline(1).trace()->inFlight();
        seenRunning = std::any_of(inFlight.begin(), inFlight.end(), [](const TaskEvent &event) {
            return event.kind == EventKind::Run;
        });
        return seenRunning;
    };
    QTRY_VERIFY_WITH_TIMEOUT(cpythonRunning(), 30000);
    QElapsedTimer stopping;
    stopping.start();
    main->stopAction()->trigger();
    QVERIFY(finished.wait(10000));
    // Far sooner than the tasks' time: they were cut, not waited for.
    QVERIFY2(
        stopping.nsecsElapsed() < TaskNs * 8 / 10, qPrintable(QString::number(stopping.elapsed())));

    const auto &runs = window->runs();
    QCOMPARE(runs.size(), std::size_t{2});
    QVERIFY(runs[0].ok());
    QVERIFY(runs[1].stopped);
    QCOMPARE(runs[1].metrics.tasksCompleted, 0);
    QVERIFY(!window->isRunning());
    QVERIFY(main->truthAction()->isEnabled());
    QTRY_VERIFY_WITH_TIMEOUT(test::childProcesses().empty(), 3000);
    // The interpreter's worker processes, seen running tasks before Stop, are gone too.
    std::set<std::int32_t> workers;
    for (int lane = 0; lane < runs[1].trace->workerCount(); ++lane) {
        for (const TaskEvent &event : runs[1].trace->events(lane))
            workers.insert(event.pid);
    }
    QVERIFY(!workers.empty());
    for (std::int32_t pid : workers)
        QTRY_VERIFY_WITH_TIMEOUT(test::processIsGone(pid), 3000);
}

// The preferences say what a choice finds: the version, and joblib or what to install.
void tst_GroundTruth::preferencesShowWhatIsFound()
{
    const QString plain = fakePython(QStringLiteral("dialog-python3"), false, "exit 1\n");
    PreferencesDialog dialog(plain);
    QCOMPARE(dialog.interpreter(), plain);
    QTRY_VERIFY_WITH_TIMEOUT(dialog.foundText().contains(QLatin1String("3.11.2")), 20000);
    QVERIFY(dialog.foundText().contains(plain));
    QVERIFY(dialog.foundText().contains(QLatin1String("python3-joblib")));
    QVERIFY(dialog.foundText().contains(QLatin1String("python3-distributed")));

    dialog.setInterpreter(QStringLiteral("/nonexistent/python3"));
    QTRY_VERIFY_WITH_TIMEOUT(
        dialog.foundText().contains(QLatin1String("/nonexistent/python3")), 20000);
    QVERIFY(dialog.foundText().contains(QLatin1String("install Debian's python3")));
    QVERIFY(!dialog.foundText().contains(QLatin1String("3.11.2")));
}

QTEST_MAIN(tst_GroundTruth)
#include "tst_groundtruth.moc"
