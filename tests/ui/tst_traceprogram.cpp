#include "mainwindow.h"
#include "panels/metricspanel.h"
#include "panels/outputpanel.h"
#include "pictures/picturecaption.h"
#include "python/programoutput.h"
#include "run/planning.h"
#include "runcontroller.h"
#include "strategies/tracedprogram.h"
#include "traceprogramdialog.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QFile>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTextBlock>

#include <map>
#include <optional>

using namespace parviz;

namespace {
const QString Python = QStringLiteral("/usr/bin/python3");
// The error the engine gives before it is built: the live tests have nothing to try then.
} // namespace

// File > Trace Python Program in the window: the dialog, the examples, the output panel, and a
// traced run from the menu to its rows and its output.
class tst_TraceProgram : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void dialogRemembersItsFields();
    void dialogSplitsArgumentsAndDefaultsTheFolder();
    void dialogRefusesAMissingProgram();
    void examplesMenuListsEveryExample();
    void outputPanelShowsChunksInOrder();
    void outputPanelCapsItsLines();
    void outputPanelSaysWhatWasDropped();
    void shortcutsDoNotClash();
    void tracingWaitsWhileBusy();
    void tracedRunEndsWithRowsAndOutput();
    void programWithoutParallelWorkSaysSo();
    void failingProgramShowsItsTraceback();
    void stopEndsTheProgram();

private:
    // Writes `code` as a program in the test's folder.
    QString writeProgram(const QString &name, const QByteArray &code);
    // Traces `path` through the window and waits for its end; false if the engine is not there.
    // Traces the program in the window; nothing if it did not finish within a minute.
    std::optional<RunResult> trace(const QString &path);
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

void tst_TraceProgram::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_traceprogram"));
    QVERIFY(m_files.isValid());
}

void tst_TraceProgram::init()
{
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_TraceProgram::cleanup()
{
    m_window->controller()->stop();
    QTRY_VERIFY_WITH_TIMEOUT(!m_window->controller()->isBusy(), 20000);
    m_window.reset();
}

QString tst_TraceProgram::writeProgram(const QString &name, const QByteArray &code)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate) || file.write(code) != code.size())
        return {};
    return path;
}

std::optional<RunResult> tst_TraceProgram::trace(const QString &path)
{
    m_window->setPythonInterpreter(Python);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    TracedProgram program;
    program.path = path;
    program.workingDirectory = QFileInfo(path).absolutePath();
    m_window->traceProgram(program);
    // The interpreter is found first (in the background), then the program runs.
    if (!finished.wait(60000) && finished.isEmpty())
        return std::nullopt;
    return finished.takeFirst().at(0).value<RunResult>();
}

void tst_TraceProgram::dialogRemembersItsFields()
{
    const QString first = writeProgram(QStringLiteral("first.py"), "print(1)\n");
    const QString second = writeProgram(QStringLiteral("second.py"), "print(2)\n");
    {
        QSettings settings;
        TraceProgramDialog dialog;
        dialog.readSettings(settings);
        QVERIFY(dialog.programPath().isEmpty());
        dialog.setProgramPath(first);
        dialog.writeSettings(settings);
        dialog.setProgramPath(second);
        dialog.setArgumentsLine(QStringLiteral("--size 3 'two words'"));
        dialog.setWorkingDirectoryField(m_files.path());
        dialog.writeSettings(settings);
    }
    QSettings settings;
    TraceProgramDialog again;
    again.readSettings(settings);
    QCOMPARE(again.programPath(), second);
    QCOMPARE(again.argumentsLine(), QStringLiteral("--size 3 'two words'"));
    QCOMPARE(again.workingDirectoryField(), m_files.path());
    // The earlier program is offered too, after the last one.
    auto *programs = again.findChild<QComboBox *>();
    QVERIFY(programs);
    QCOMPARE(programs->count(), 2);
    QCOMPARE(programs->itemText(0), second);
    QCOMPARE(programs->itemText(1), first);
}

void tst_TraceProgram::dialogSplitsArgumentsAndDefaultsTheFolder()
{
    const QString path = writeProgram(QStringLiteral("args.py"), "import sys\n");
    TraceProgramDialog dialog;
    dialog.setProgramPath(path);
    dialog.setArgumentsLine(QStringLiteral("-n 4 \"my file.txt\""));
    const TracedProgram program = dialog.program();
    QCOMPARE(program.path, path);
    QCOMPARE(program.arguments,
        QStringList({QStringLiteral("-n"), QStringLiteral("4"), QStringLiteral("my file.txt")}));
    QCOMPARE(program.workingDirectory, QFileInfo(path).absolutePath());
    QVERIFY(dialog.problem().isEmpty());
    dialog.setWorkingDirectoryField(QDir::tempPath());
    QCOMPARE(dialog.program().workingDirectory, QDir::tempPath());
}

void tst_TraceProgram::dialogRefusesAMissingProgram()
{
    TraceProgramDialog dialog;
    QVERIFY(!dialog.problem().isEmpty()); // nothing chosen
    dialog.setProgramPath(m_files.filePath(QStringLiteral("nowhere.py")));
    QVERIFY(dialog.problem().contains(QStringLiteral("nowhere.py")));
    dialog.setProgramPath(writeProgram(QStringLiteral("here.py"), "pass\n"));
    QVERIFY(dialog.problem().isEmpty());
    dialog.setWorkingDirectoryField(m_files.filePath(QStringLiteral("no-such-folder")));
    QVERIFY(dialog.problem().contains(QStringLiteral("no-such-folder")));
}

void tst_TraceProgram::examplesMenuListsEveryExample()
{
    const QStringList files = QDir(QStringLiteral(":/examples")).entryList(QDir::Files);
    QVERIFY(files.size() >= 7);
    const QList<QAction *> actions = m_window->examplesMenu()->actions();
    QCOMPARE(actions.size(), files.size());
    QStringList listed;
    for (const QAction *action : actions) {
        listed.append(QFileInfo(action->data().toString()).fileName());
        QCOMPARE(action->text(), MainWindow::exampleTitle(listed.back()));
    }
    QCOMPARE(
        QSet<QString>(listed.begin(), listed.end()), QSet<QString>(files.begin(), files.end()));
    // In the tutorial's order, with readable names.
    QCOMPARE(actions.front()->text(), QStringLiteral("1 – sequential"));
    QCOMPARE(MainWindow::exampleTitle(QStringLiteral("3-processes-with-join.py")),
        QStringLiteral("3 – processes with join"));
    // The examples are where File > Trace Python Program… is.
    QVERIFY(m_window->traceProgramAction()->isEnabled());
    QVERIFY(m_window->examplesMenu()->isEnabled());
}

void tst_TraceProgram::outputPanelShowsChunksInOrder()
{
    OutputPanel panel;
    ProgramOutput output;
    output.append(ProgramOutput::Channel::Output, "first line\n");
    output.append(ProgramOutput::Channel::Error, "a warning\n");
    // "é" is two bytes in UTF-8, read in two pieces.
    output.append(ProgramOutput::Channel::Output, "caf\xc3");
    panel.takeFrom(output);
    output.append(ProgramOutput::Channel::Output, "\xa9 at the end");
    panel.takeFrom(output);
    // A line waits for its end; the program's end shows it anyway.
    QCOMPARE(panel.text(), QStringLiteral("first line\na warning\n"));
    panel.flush();
    QCOMPARE(panel.text(), QStringLiteral("first line\na warning\ncaf\u00e9 at the end"));
    // Standard error in its own colour, standard output in the text's.
    const QTextBlock warning = panel.view()->document()->findBlockByNumber(1);
    QCOMPARE(warning.text(), QStringLiteral("a warning"));
    QCOMPARE(warning.begin().fragment().charFormat().foreground().color(), panel.errorColor());
    const QTextBlock first = panel.view()->document()->findBlockByNumber(0);
    QVERIFY(first.begin().fragment().charFormat().foreground().color() != panel.errorColor());
    panel.clear();
    QVERIFY(panel.text().isEmpty());
    // A line cut between two reads stays whole when the other channel prints meanwhile.
    output.append(ProgramOutput::Channel::Output, "25997 primes");
    panel.takeFrom(output);
    output.append(ProgramOutput::Channel::Error, "a warning\n");
    output.append(ProgramOutput::Channel::Output, " below 300000\n");
    panel.takeFrom(output);
    QCOMPARE(panel.text(), QStringLiteral("a warning\n25997 primes below 300000\n"));
}

void tst_TraceProgram::outputPanelCapsItsLines()
{
    OutputPanel panel;
    ProgramOutput output;
    const int lines = OutputPanel::MaxLines * 3;
    for (int i = 0; i < lines; ++i)
        output.append(ProgramOutput::Channel::Output, QByteArray::number(i) + '\n');
    panel.takeFrom(output);
    QVERIFY(panel.lineCount() <= OutputPanel::MaxLines);
    QVERIFY(panel.lineCount() >= OutputPanel::MaxLines / 2);
    // The last lines stay, the first went.
    QVERIFY(panel.text().contains(QString::number(lines - 1) + QLatin1Char('\n')));
    QVERIFY(panel.text().contains(QString::number(lines - OutputPanel::MaxLines / 2)));
    QVERIFY(!panel.text().startsWith(QStringLiteral("0\n")));

    // Cut across chunks of both channels: the last lines of each stay, in order.
    for (int i = 0; i < lines; ++i)
        output.append(ProgramOutput::Channel::Output, QByteArray::number(i) + '\n');
    output.append(ProgramOutput::Channel::Error, "last error\n");
    output.append(ProgramOutput::Channel::Output, "last output\n");
    panel.takeFrom(output);
    QVERIFY(panel.lineCount() <= OutputPanel::MaxLines);
    QVERIFY(panel.text().endsWith(QStringLiteral("last error\nlast output\n"))
        || panel.text().endsWith(QStringLiteral("last error\nlast output")));
}

void tst_TraceProgram::outputPanelSaysWhatWasDropped()
{
    OutputPanel panel;
    ProgramOutput output;
    const QByteArray block(1024 * 1024, 'x');
    for (qsizetype kept = 0; kept <= ProgramOutput::MaxKeptBytes; kept += block.size())
        output.append(ProgramOutput::Channel::Output, block);
    output.append(ProgramOutput::Channel::Output, block);
    panel.takeFrom(output);
    QVERIFY(panel.droppedBytes() > 0);
    bool said = false;
    for (const QLabel *label : panel.findChildren<QLabel *>())
        said = said || label->text().contains(QStringLiteral("dropped"));
    QVERIFY(said);
    panel.clear();
    QCOMPARE(panel.droppedBytes(), 0);
}

void tst_TraceProgram::shortcutsDoNotClash()
{
    QCOMPARE(
        m_window->traceProgramAction()->shortcut(), QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    std::map<QString, QString> owners;
    for (const QAction *action : m_window->findChildren<QAction *>()) {
        for (const QKeySequence &key : action->shortcuts()) {
            const auto [owner, added] = owners.emplace(key.toString(), action->text());
            QVERIFY2(added,
                qPrintable(QStringLiteral("%1: %2 and %3")
                               .arg(key.toString(), owner->second, action->text())));
        }
    }
}

void tst_TraceProgram::tracingWaitsWhileBusy()
{
    WorkloadSpec workload;
    workload.taskCount = 8;
    workload.duration = DurationSpec::fixed(500'000'000);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->controller()->run(*plan);
    QTRY_VERIFY(m_window->controller()->isBusy());
    QVERIFY(!m_window->traceProgramAction()->isEnabled());
    QVERIFY(!m_window->examplesMenu()->isEnabled());
    // Asked anyway, it refuses: the run under way is the one that ends.
    QVERIFY(!m_window->traceExample(QStringLiteral(":/examples/1-sequential.py")));
    m_window->stopAction()->trigger();
    QVERIFY(finished.wait(10000));
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.at(0).at(0).value<RunResult>().plan.program == nullptr);
    QVERIFY(m_window->traceProgramAction()->isEnabled());
}

void tst_TraceProgram::tracedRunEndsWithRowsAndOutput()
{
    const QString path = writeProgram(QStringLiteral("pool.py"),
        "import sys, time\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "def work(n):\n"
        "    time.sleep(0.02)\n"
        "    return n * n\n"
        "print('starting', flush=True)\n"
        "with ThreadPoolExecutor(max_workers=2) as pool:\n"
        "    squares = list(pool.map(work, range(6)))\n"
        "print('squares', squares)\n"
        "print('a warning', file=sys.stderr)\n");
    if (!QFileInfo(Python).isExecutable())
        QSKIP("no /usr/bin/python3");
    const std::optional<RunResult> traced = trace(path);
    QVERIFY2(traced, "the traced run did not finish within a minute");
    const RunResult &run = *traced;
    QVERIFY2(run.ok(), qPrintable(run.error ? run.error->message : QStringLiteral("stopped")));
    QVERIFY(run.plan.program);
    QCOMPARE(run.plan.strategy, QString(TracedProgramStrategyId));
    QVERIFY(run.trace);
    QCOMPARE(run.trace->taskCount(), 6);
    QVERIFY(run.trace->workerCount() >= 1);
    QVERIFY(!m_window->timeline().isEmpty());
    // The units of work counted are the trace's: there is no plan to count them.
    QVERIFY2(m_window->metricsPanel()->text().contains(QStringLiteral("6 of 6 completed")),
        qPrintable(m_window->metricsPanel()->text()));
    // Its rows are counted as rows (threads and processes), as the run summary counts them.
    QVERIFY2(m_window->metricsPanel()->text().contains(
                 QStringLiteral("Python program, %1 row").arg(run.workers)),
        qPrintable(m_window->metricsPanel()->text()));
    // A row names its process once.
    for (int row = 0; row < m_window->timeline().rowCount(); ++row)
        QVERIFY2(m_window->timeline().rowLabel(row).count(QStringLiteral("pid ")) <= 1,
            qPrintable(m_window->timeline().rowLabel(row)));
    const QString printed = m_window->outputPanel()->text();
    QVERIFY2(printed.contains(QStringLiteral("starting")), qPrintable(printed));
    QVERIFY(printed.contains(QStringLiteral("squares [0, 1, 4, 9, 16, 25]")));
    QVERIFY(printed.contains(QStringLiteral("a warning")));
    QVERIFY(
        printed.indexOf(QStringLiteral("starting")) < printed.indexOf(QStringLiteral("squares")));
    QVERIFY(m_window->outputDock()->isVisible());
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("pool.py")));
    QVERIFY(m_window->lastRun());
    QVERIFY(m_window->lastRun()->plan.program);
    // Its pictures name the program, not a workload it does not have.
    const QString caption = runCaption(*m_window->lastRun());
    QVERIFY2(caption.startsWith(QStringLiteral("pool.py · 6 units of work · python-program · ")),
        qPrintable(caption));
    QCOMPARE(
        m_window->pictureBaseName(&MainWindow::saveGanttPicture), QStringLiteral("pool-traced"));
}

void tst_TraceProgram::programWithoutParallelWorkSaysSo()
{
    const QString path = writeProgram(QStringLiteral("alone.py"), "print('alone')\n");
    if (!QFileInfo(Python).isExecutable())
        QSKIP("no /usr/bin/python3");
    const std::optional<RunResult> traced = trace(path);
    QVERIFY2(traced, "the traced run did not finish within a minute");
    const RunResult &run = *traced;
    QVERIFY2(run.ok(), qPrintable(run.error ? run.error->message : QStringLiteral("stopped")));
    QCOMPARE(run.trace->taskCount(), 0);
    QVERIFY(m_window->resultLine()->text().contains(QStringLiteral("no parallel work seen")));
    QVERIFY(m_window->metricsPanel()->text().contains(QStringLiteral("No parallel work seen")));
    QVERIFY(m_window->outputPanel()->text().contains(QStringLiteral("alone")));
}

void tst_TraceProgram::failingProgramShowsItsTraceback()
{
    const QString path = writeProgram(QStringLiteral("raises.py"),
        "def broken():\n"
        "    raise ValueError('on purpose')\n"
        "broken()\n");
    if (!QFileInfo(Python).isExecutable())
        QSKIP("no /usr/bin/python3");
    const std::optional<RunResult> traced = trace(path);
    QVERIFY2(traced, "the traced run did not finish within a minute");
    const RunResult &run = *traced;
    QVERIFY(run.error);
    QVERIFY2(
        run.error->message.contains(QStringLiteral("ValueError")), qPrintable(run.error->message));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("ValueError"))
        || m_window->resultLine()->text().contains(QStringLiteral("failed")));
    QVERIFY(!m_window->resultLine()->text().contains(QStringLiteral("no parallel work seen")));
}

void tst_TraceProgram::stopEndsTheProgram()
{
    if (!QFileInfo(Python).isExecutable())
        QSKIP("no /usr/bin/python3");
    const QString path = writeProgram(QStringLiteral("long.py"),
        "import time\n"
        "from concurrent.futures import ThreadPoolExecutor\n"
        "print('started', flush=True)\n"
        "with ThreadPoolExecutor(max_workers=2) as pool:\n"
        "    list(pool.map(time.sleep, [60, 60]))\n"
        "print('never printed')\n");
    m_window->setPythonInterpreter(Python);
    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    TracedProgram program;
    program.path = path;
    m_window->traceProgram(program);
    // Under way: its work drawn, its first line shown.
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty()
            || (m_window->controller()->isBusy() && !m_window->timeline().isEmpty()
                && m_window->outputPanel()->text().contains(QStringLiteral("started"))),
        30000);
    QVERIFY(finished.isEmpty());
    QVERIFY(m_window->stopAction()->isEnabled());
    m_window->stopAction()->trigger();
    QVERIFY(finished.wait(20000));
    const RunResult run = finished.at(0).at(0).value<RunResult>();
    QVERIFY(run.stopped);
    QVERIFY(!m_window->controller()->isBusy());
    QVERIFY(m_window->traceProgramAction()->isEnabled());
    QVERIFY(!m_window->outputPanel()->text().contains(QStringLiteral("never printed")));
    QVERIFY(m_window->resultLine()->text().contains(QStringLiteral("Stopped")));
}

QTEST_MAIN(tst_TraceProgram)
#include "tst_traceprogram.moc"
