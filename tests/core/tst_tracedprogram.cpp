#include "processes.h"
#include "python/interpreter.h"
#include "python/programoutput.h"
#include "python/tracedprogramengine.h"
#include "run/runsession.h"
#include "scripts.h"
#include "strategies/tracedprogram.h"
#include "traceinvariants.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QProcess>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <map>
#include <thread>

using namespace parviz;

// The traced-program engine (TracedProgramEngine) through makeTracedProgramSession(), running
// the tutorial's examples (:/examples) and the tracer's test programs (tests/data/tracer) under
// /usr/bin/python3: every unit of work once, on a row of the right kind, the main row's waits,
// a program's output, its failure, Stop. Skipped without joblib.
class tst_TracedProgram : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void examples_data();
    void examples();
    void everyConstructUnderEachStartMethod_data();
    void everyConstructUnderEachStartMethod();
    void joblibBackendsAndCallsInsideCalls();
    void workerThatDiesEndsInterrupted();
    void programThatRaisesFailsWithItsTraceback();
    void megabyteOfOutputReachesProgramOutput();
    void stopEndsEveryProcessAndLeavesASoundTrace();
    void forwardedOutputFailsWithItsExitCode();
    void namesAndArgumentsAsTheTracerWroteThem();
    void foreignBytesInThePipeAreSkipped();
    void processThatOutlivesTheProgramEndsWithIt();
    void interpreterWithoutTheTracerFails();

private:
    QTemporaryDir m_tmp; // TMPDIR for the engine's own folder: empty after each run
};

namespace {

const QString Python = QStringLiteral("/usr/bin/python3");

enum class Row { Thread, Process };

struct Traced
{
    RunResult result;
    QByteArray out;
    QByteArray err;
    qint64 dropped = 0;
    qint64 rootPid = 0; // from the main row's events; 0 if it has none
    std::map<QString, int> tasks; // how many units of work of each name
    QStringList leftovers; // what the engine left in TMPDIR
};

std::shared_ptr<const PythonInterpreter> python()
{
    static const auto found = [] {
        auto interpreter = findPython(Python);
        return interpreter ? std::make_shared<const PythonInterpreter>(*interpreter) : nullptr;
    }();
    return found;
}

// The engine's folders (parviz-trace-XXXXXX) in TMPDIR.
QStringList tracerFolders()
{
    return QDir::temp().entryList(
        {QStringLiteral("parviz-trace-*")}, QDir::AllEntries | QDir::Hidden);
}

void takeOutput(ProgramOutput &output, Traced &traced)
{
    for (const ProgramOutput::Chunk &chunk : output.take())
        (chunk.channel == ProgramOutput::Channel::Output ? traced.out : traced.err) += chunk.bytes;
    traced.dropped += output.takeDroppedBytes();
}

Traced trace(const QString &path,
    const QStringList &arguments = {},
    const QString &workingDirectory = {},
    bool captured = true)
{
    Traced traced;
    auto output = captured ? std::make_shared<ProgramOutput>() : nullptr;
    auto session = makeTracedProgramSession({path, arguments, workingDirectory, output}, python());
    session->start();
    while (!session->wait(std::chrono::milliseconds(50))) {
        if (output)
            takeOutput(*output, traced);
    }
    if (output)
        takeOutput(*output, traced);
    traced.result = session->takeResult();
    const TraceSnapshot &trace = *traced.result.trace;
    trace.forEachEvent(MainLane, [&](const TaskEvent &event) { traced.rootPid = event.pid; });
    for (std::int32_t task = 0; task < trace.taskCount(); ++task)
        ++traced.tasks[trace.taskName(task)];
    traced.leftovers = tracerFolders();
    return traced;
}

// What every traced run keeps to: sound lanes, each task's runs on one row, nothing left open,
// the engine's folder gone.
void checkSound(const Traced &traced)
{
    const TraceSnapshot &trace = *traced.result.trace;
    QVERIFY2(traced.leftovers.isEmpty(), qPrintable(traced.leftovers.join(u' ')));
    QVERIFY(trace.inFlight().empty());
    const QString partial = test::checkPartialRun(trace, true);
    QVERIFY2(partial.isEmpty(), qPrintable(partial));
    QCOMPARE(trace.completedTasks(), trace.taskCount());
}

// Every unit of work ran once, to its end, on the lanes the snapshot has.
void checkEachOnce(const Traced &traced)
{
    const TraceSnapshot &trace = *traced.result.trace;
    const std::vector<TaskSpec> tasks(static_cast<std::size_t>(trace.taskCount()));
    const QString once = test::checkExactlyOnce(trace, tasks, true);
    QVERIFY2(once.isEmpty(), qPrintable(once));
}

// The runs of `name` are on rows of kind `row`: a thread of the program's own process, or
// another process.
void checkRow(const Traced &traced, const QString &name, Row row)
{
    const TraceSnapshot &trace = *traced.result.trace;
    QVERIFY(traced.rootPid > 0);
    int runs = 0;
    for (int lane = 0; lane < trace.workerCount(); ++lane) {
        trace.forEachEvent(lane, [&](const TaskEvent &event) {
            if (event.kind != EventKind::Run || trace.taskName(event.task) != name)
                return;
            ++runs;
            if ((event.pid == traced.rootPid) != (row == Row::Thread))
                QFAIL(qPrintable(QStringLiteral("%1 ran in pid %2, the program's is %3")
                                     .arg(name)
                                     .arg(event.pid)
                                     .arg(traced.rootPid)));
        });
    }
    QVERIFY2(runs > 0, qPrintable(name));
}

bool mainRowHas(const Traced &traced, EventKind kind)
{
    bool found = false;
    traced.result.trace->forEachEvent(
        MainLane, [&](const TaskEvent &event) { found = found || event.kind == kind; });
    return found;
}

QString copyExample(const QTemporaryDir &folder, const QString &name)
{
    const QString path = folder.filePath(name);
    QFile::copy(QStringLiteral(":/examples/") + name, path);
    return path;
}

QString writeProgram(const QTemporaryDir &folder, const QString &name, const QByteArray &text)
{
    const QString path = folder.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

const QString Data = QStringLiteral(PARVIZ_TRACER_DATA "/");

} // namespace

void tst_TracedProgram::initTestCase()
{
    QProcess probe;
    probe.start(Python, {QStringLiteral("-c"), QStringLiteral("import joblib")});
    if (!probe.waitForFinished(30'000) || probe.exitStatus() != QProcess::NormalExit
        || probe.exitCode() != 0)
        QSKIP("/usr/bin/python3 lacks joblib (Debian: python3-joblib)");
    QVERIFY(python());
    QVERIFY(m_tmp.isValid());
    qputenv("TMPDIR", QFile::encodeName(m_tmp.path()));
}

void tst_TracedProgram::examples_data()
{
    QTest::addColumn<QString>("example");
    QTest::addColumn<int>("units"); // of my_awesome_function, or of function_to_test
    QTest::addColumn<int>("row");
    QTest::addColumn<bool>("waits");
    QTest::newRow("1-sequential") << "1-sequential.py" << 0 << 0 << false;
    QTest::newRow("2-processes-without-join")
        << "2-processes-without-join.py" << 3 << int(Row::Process) << false;
    QTest::newRow("3-processes-with-join")
        << "3-processes-with-join.py" << 3 << int(Row::Process) << true;
    QTest::newRow("4-thread-pool-submit")
        << "4-thread-pool-submit.py" << 10 << int(Row::Thread) << true;
    QTest::newRow("5-thread-pool-map") << "5-thread-pool-map.py" << 10 << int(Row::Thread) << true;
    QTest::newRow("6-process-pool-80-percent")
        << "6-process-pool-80-percent.py" << 12 << int(Row::Process) << true;
    // 30 x 10 calls of 0.1 s: 16 s on two CPUs.
    QTest::newRow("7-joblib") << "7-joblib.py" << 300 << int(Row::Process) << true;
}

void tst_TracedProgram::examples()
{
    QFETCH(QString, example);
    QFETCH(int, units);
    QFETCH(int, row);
    QFETCH(bool, waits);
    QTemporaryDir folder;
    const Traced traced = trace(copyExample(folder, example), {}, folder.path());
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    QCOMPARE(traced.result.strategy.id, QString(TracedProgramStrategyId));
    checkSound(traced);
    checkEachOnce(traced);
    QVERIFY2(traced.out.contains("inished in"), traced.out.constData());
    const QString name = example.startsWith(u'7') ? QStringLiteral("__main__.function_to_test")
                                                  : QStringLiteral("__main__.my_awesome_function");
    if (units == 0) {
        // Nothing parallel: the main row alone, and no unit of work.
        QCOMPARE(traced.result.trace->taskCount(), 0);
        QCOMPARE(traced.result.trace->workerCount(), 0);
        return;
    }
    QCOMPARE(traced.tasks.size(), std::size_t{1});
    QCOMPARE(traced.tasks.at(name), units);
    // joblib hands its calls out inside Parallel.__call__, a wait.
    if (!example.startsWith(u'7'))
        QVERIFY(mainRowHas(traced, EventKind::Submit));
    checkRow(traced, name, Row(row));
    if (waits)
        QVERIFY(mainRowHas(traced, EventKind::Wait));
    if (Row(row) == Row::Process) {
        // A process's row begins with its start.
        bool spawned = false;
        for (int lane = 0; lane < traced.result.trace->workerCount(); ++lane) {
            const auto events = traced.result.trace->events(lane);
            spawned = spawned || (!events.empty() && events.front().kind == EventKind::Spawn);
        }
        QVERIFY(spawned);
    }
}

void tst_TracedProgram::everyConstructUnderEachStartMethod_data()
{
    QTest::addColumn<QString>("method");
    for (const char *method : {"fork", "spawn", "forkserver"})
        QTest::newRow(method) << QString::fromLatin1(method);
}

void tst_TracedProgram::everyConstructUnderEachStartMethod()
{
    QFETCH(QString, method);
    QTemporaryDir work;
    const Traced traced = trace(Data + QStringLiteral("pools.py"), {method}, work.path());
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    QCOMPARE(traced.out, QByteArray("done\n"));
    checkSound(traced);
    checkEachOnce(traced);
    const std::map<QString, std::pair<int, Row>> expected = {
        {"tpe_submit", {8, Row::Thread}},
        {"tpe_map", {4, Row::Thread}},
        {"ppe_submit", {1, Row::Process}},
        {"ppe_map", {6, Row::Process}},
        {"nested_outer", {2, Row::Process}},
        {"nested_inner", {6, Row::Process}}, // on threads of a worker process
        {"thread_target", {2, Row::Thread}},
        {"Worker.run", {1, Row::Thread}},
        {"process_target", {1, Row::Process}},
        {"pool_map", {6, Row::Process}},
        {"pool_apply", {1, Row::Process}},
        {"pool_imap", {3, Row::Process}},
        {"pool_starmap", {2, Row::Process}},
    };
    QCOMPARE(traced.tasks.size(), expected.size());
    for (const auto &[name, count] : expected) {
        const QString qualified = QStringLiteral("__main__.") + name;
        QCOMPARE(traced.tasks.count(qualified), std::size_t{1});
        QCOMPARE(traced.tasks.at(qualified), count.first);
        checkRow(traced, qualified, count.second);
    }
    // Chunks: ppe_map's two of 3, pool_map's three of 2, pool_starmap's two.
    int groups = 0;
    for (int lane = 0; lane < traced.result.trace->workerCount(); ++lane) {
        traced.result.trace->forEachEvent(
            lane, [&](const TaskEvent &event) { groups += event.groupStart() ? 1 : 0; });
    }
    QCOMPARE(groups, 2 + 3 + 2 + 2); // and nested_outer's map of chunks of one
    QVERIFY(mainRowHas(traced, EventKind::Wait));
    // The nested pools' threads have rows of their own, in the worker process's pid.
    QSet<std::int32_t> pids;
    for (int lane = 0; lane < traced.result.trace->workerCount(); ++lane) {
        const QString label = traced.result.trace->label(lane);
        const std::int32_t pid = traced.result.trace->events(lane).front().pid;
        QVERIFY2(label.endsWith(QStringLiteral(" · pid %1").arg(pid)), qPrintable(label));
        if (label.startsWith(method + QStringLiteral(" · ")))
            pids.insert(traced.result.trace->events(lane).front().pid);
    }
    QVERIFY(pids.size() >= 3); // the executor's workers, the process, the pool's
}

void tst_TracedProgram::joblibBackendsAndCallsInsideCalls()
{
    const Traced backends = trace(Data + QStringLiteral("joblib_backends.py"));
    QVERIFY2(backends.result.ok(),
        qPrintable(backends.result.error ? backends.result.error->message : ""));
    checkSound(backends);
    checkEachOnce(backends);
    QCOMPARE(backends.tasks.at(QStringLiteral("__main__.jl_loky")), 12);
    QCOMPARE(backends.tasks.at(QStringLiteral("__main__.jl_multiprocessing")), 12);
    QCOMPARE(backends.tasks.at(QStringLiteral("__main__.jl_threading")), 12);
    checkRow(backends, QStringLiteral("__main__.jl_loky"), Row::Process);
    checkRow(backends, QStringLiteral("__main__.jl_multiprocessing"), Row::Process);
    checkRow(backends, QStringLiteral("__main__.jl_threading"), Row::Thread);
    QVERIFY(mainRowHas(backends, EventKind::Wait)); // Parallel.__call__

    // joblib's sequential backend runs its calls inside the pool's task, on its thread: each
    // cuts the task, which goes on after it.
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("inside.py"),
        "import concurrent.futures as cf, time\n"
        "from joblib import Parallel, delayed\n"
        "def inner(i):\n"
        "    time.sleep(0.01)\n"
        "def outer(n):\n"
        "    time.sleep(0.01)\n"
        "    Parallel(n_jobs=1)(delayed(inner)(i) for i in range(n))\n"
        "    time.sleep(0.01)\n"
        "if __name__ == '__main__':\n"
        "    with cf.ThreadPoolExecutor(1) as pool:\n"
        "        pool.submit(outer, 3).result()\n");
    const Traced inside = trace(program);
    QVERIFY2(
        inside.result.ok(), qPrintable(inside.result.error ? inside.result.error->message : ""));
    checkSound(inside);
    checkEachOnce(inside);
    const TraceSnapshot &trace = *inside.result.trace;
    QCOMPARE(inside.tasks.at(QStringLiteral("__main__.inner")), 3);
    QCOMPARE(inside.tasks.at(QStringLiteral("__main__.outer")), 1);
    QCOMPARE(trace.workerCount(), 1);
    QStringList order; // the row's runs, in time
    trace.forEachEvent(0, [&](const TaskEvent &event) {
        if (event.kind == EventKind::Run)
            order << trace.taskName(event.task).section(u'.', -1);
    });
    QCOMPARE(order.join(u' '), QStringLiteral("outer inner outer inner outer inner outer"));
}

void tst_TracedProgram::workerThatDiesEndsInterrupted()
{
    const Traced traced = trace(Data + QStringLiteral("dies.py"));
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    QCOMPARE(traced.out, QByteArray("broken\n"));
    const TraceSnapshot &trace = *traced.result.trace;
    QVERIFY(trace.inFlight().empty());
    QVERIFY(traced.leftovers.isEmpty());
    QCOMPARE(traced.tasks.at(QStringLiteral("__main__.survive")), 1);
    QCOMPARE(traced.tasks.at(QStringLiteral("__main__.die")), 1);
    int interrupted = 0;
    for (int lane = 0; lane < trace.workerCount(); ++lane) {
        trace.forEachEvent(lane, [&](const TaskEvent &event) {
            if (event.kind != EventKind::Run)
                return;
            const bool died = trace.taskName(event.task) == QLatin1String("__main__.die");
            QCOMPARE(event.interrupted(), died);
            interrupted += event.interrupted() ? 1 : 0;
        });
    }
    QCOMPARE(interrupted, 1);
    QCOMPARE(trace.completedTasks(), 1);
}

void tst_TracedProgram::programThatRaisesFailsWithItsTraceback()
{
    const Traced traced = trace(Data + QStringLiteral("raises.py"));
    QVERIFY(traced.result.error);
    const QString message = traced.result.error->message;
    QVERIFY2(message.startsWith(QStringLiteral("the Python program exited with code 1")),
        qPrintable(message));
    QVERIFY2(
        message.contains(QStringLiteral("Traceback (most recent call last)")), qPrintable(message));
    QVERIFY2(message.contains(QStringLiteral("ValueError: boom")), qPrintable(message));
    QVERIFY(traced.err.contains("ValueError: boom"));
    checkSound(traced);
    // The task that raised is Failed; both ran.
    QCOMPARE(traced.tasks.at(QStringLiteral("__main__.task")), 2);
    int failed = 0;
    for (int lane = 0; lane < traced.result.trace->workerCount(); ++lane) {
        traced.result.trace->forEachEvent(
            lane, [&](const TaskEvent &event) { failed += event.failed() ? 1 : 0; });
    }
    QCOMPARE(failed, 1);
}

void tst_TracedProgram::megabyteOfOutputReachesProgramOutput()
{
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("loud.py"),
        "import concurrent.futures as cf, sys\n"
        "def line(i):\n"
        "    return ('%07d' % i) + 'x' * 92 + '\\n'\n"
        "if __name__ == '__main__':\n"
        "    with cf.ThreadPoolExecutor(2) as pool:\n"
        "        lines = list(pool.map(line, range(10000)))\n"
        "    for text in lines:\n"
        "        sys.stdout.write(text)\n"
        "    sys.stderr.write('e' * 100000)\n");
    const Traced traced = trace(program);
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    QCOMPARE(traced.dropped, 0);
    QCOMPARE(traced.out.size(), 10000 * 100);
    QVERIFY(traced.out.startsWith("0000000x"));
    QVERIFY(traced.out.endsWith("0009999" + QByteArray(92, 'x') + '\n'));
    QCOMPARE(traced.err, QByteArray(100000, 'e'));
    QCOMPARE(traced.tasks.at(QStringLiteral("__main__.line")), 10000);
    checkSound(traced);
}

void tst_TracedProgram::stopEndsEveryProcessAndLeavesASoundTrace()
{
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("long.py"),
        "import concurrent.futures as cf, threading, time\n"
        "def nap(i):\n"
        "    time.sleep(30)\n"
        "if __name__ == '__main__':\n"
        "    threading.Thread(target=nap, args=(0,)).start()\n"
        "    with cf.ProcessPoolExecutor(2) as pool:\n"
        "        list(pool.map(nap, range(8)))\n");
    auto session =
        makeTracedProgramSession({program, {}, {}, std::make_shared<ProgramOutput>()}, python());
    session->start();
    // Until both worker processes and the thread run their work.
    QSet<std::int32_t> pids;
    QElapsedTimer waited;
    waited.start();
    while (pids.size() < 3 && waited.elapsed() < 60'000) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        const auto snapshot = session->snapshot();
        for (const TaskEvent &event : snapshot->inFlight()) {
            if (event.kind == EventKind::Run)
                pids.insert(event.pid);
        }
        snapshot->forEachEvent(MainLane, [&](const TaskEvent &event) { pids.insert(event.pid); });
    }
    QCOMPARE(pids.size(), 3); // the program and its two workers
    QVERIFY(!session->isFinished());
    session->requestStop();
    QVERIFY(session->wait(std::chrono::milliseconds(20'000)));
    const RunResult result = session->takeResult();
    QVERIFY(result.stopped);
    QVERIFY(!result.error);
    for (const std::int32_t pid : pids)
        QVERIFY2(test::processIsGone(pid), qPrintable(QString::number(pid)));
    QVERIFY(result.trace->inFlight().empty());
    const QString partial = test::checkPartialRun(*result.trace, true);
    QVERIFY2(partial.isEmpty(), qPrintable(partial));
    int interrupted = 0;
    for (int lane = 0; lane < result.trace->workerCount(); ++lane) {
        result.trace->forEachEvent(
            lane, [&](const TaskEvent &event) { interrupted += event.interrupted() ? 1 : 0; });
    }
    QCOMPARE(interrupted, 3);
    QVERIFY(tracerFolders().isEmpty());
}

void tst_TracedProgram::forwardedOutputFailsWithItsExitCode()
{
    // Output to ParViz's own (parviz-cli): the failure says the exit code, the traceback is
    // already on ParViz's standard error.
    QTemporaryDir folder;
    const QString program =
        writeProgram(folder, QStringLiteral("exits.py"), "import sys\nsys.exit(3)\n");
    const Traced traced = trace(program, {}, {}, false);
    QVERIFY(traced.result.error);
    QCOMPARE(traced.result.error->message, QStringLiteral("the Python program exited with code 3"));
    QCOMPARE(traced.result.trace->taskCount(), 0);
    QVERIFY(traced.leftovers.isEmpty());
    // Ctrl+C, which a program in the terminal's foreground receives itself: Python ends by
    // SIGINT on a KeyboardInterrupt it did not catch.
    const QString interrupted =
        writeProgram(folder, QStringLiteral("interrupted.py"), "raise KeyboardInterrupt\n");
    const Traced stopped = trace(interrupted, {}, {}, false);
    QVERIFY(stopped.result.error);
    QCOMPARE(stopped.result.error->code, QStringLiteral("python-interrupted"));
    const QString killed = writeProgram(folder,
        QStringLiteral("killed.py"),
        "import os, signal\nos.kill(os.getpid(), signal.SIGKILL)\n");
    const Traced crashed = trace(killed);
    QVERIFY(crashed.result.error);
    QVERIFY2(crashed.result.error->message.startsWith(
                 QStringLiteral("the Python program was killed by signal 9 (")),
        qPrintable(crashed.result.error->message));
}

void tst_TracedProgram::namesAndArgumentsAsTheTracerWroteThem()
{
    // Escaped in the lines (\uXXXX, surrogate pairs, quotes, backslashes, tabs): read back as
    // the program's own repr.
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("escapes.py"),
        "import concurrent.futures as cf\n"
        "class Box:\n"
        "    @staticmethod\n"
        "    def keep(text, numbers):\n"
        "        return text\n"
        "text = '\\u00e9\\u4e2d\"\\\\\\t\\U0001F600'\n"
        "with cf.ThreadPoolExecutor(1) as pool:\n"
        "    pool.submit(Box.keep, text, [1, 2]).result()\n"
        "print(repr(text) + ', ' + repr([1, 2]), end='')\n");
    const Traced traced = trace(program);
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    const TraceSnapshot &trace = *traced.result.trace;
    QCOMPARE(trace.taskCount(), 1);
    QCOMPARE(trace.taskName(0), QStringLiteral("__main__.Box.keep"));
    QCOMPARE(trace.taskArguments(0), QString::fromUtf8(traced.out));
    QVERIFY(trace.taskArguments(0).contains(QString::fromUtf8("\u00e9\u4e2d")));
}

void tst_TracedProgram::foreignBytesInThePipeAreSkipped()
{
    // Every process the program starts may write to the pipe: a line far longer than any of the
    // tracer's, and one that never ends, are skipped without being kept, and the work is traced.
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("noisy.py"),
        "import concurrent.futures as cf, os\n"
        "def work(i):\n"
        "    return i\n"
        "if __name__ == '__main__':\n"
        "    fd = os.open(os.environ['PARVIZ_TRACE_PIPE'], os.O_WRONLY)\n"
        "    os.write(fd, b'{\"e\":\"begin\",' + b'x' * (1 << 20) + b'}\\n')\n"
        "    os.write(fd, b'y' * (1 << 20))\n"
        "    os.close(fd)\n"
        "    with cf.ThreadPoolExecutor(2) as pool:\n"
        "        list(pool.map(work, range(5)))\n");
    const Traced traced = trace(program);
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    // The unended line swallows what follows it up to the next newline: at most one line.
    const int units = traced.tasks.count(QStringLiteral("__main__.work"))
        ? traced.tasks.at(QStringLiteral("__main__.work"))
        : 0;
    QVERIFY2(units >= 4, qPrintable(QString::number(units)));
    checkSound(traced);
}

void tst_TracedProgram::processThatOutlivesTheProgramEndsWithIt()
{
    // A traced interpreter the program started and left running holds the pipe: the run ends
    // soon after the program, and the process goes with it.
    QTemporaryDir folder;
    const QString program = writeProgram(folder,
        QStringLiteral("leaves.py"),
        "import subprocess, sys\n"
        "child = subprocess.Popen([sys.executable, '-c',\n"
        "    'import time; print(1, flush=True); time.sleep(120)'], stdout=subprocess.PIPE)\n"
        "child.stdout.readline()  # it is up, its tracer loaded\n"
        "print(child.pid, flush=True)\n");
    const Traced traced = trace(program);
    QVERIFY2(
        traced.result.ok(), qPrintable(traced.result.error ? traced.result.error->message : ""));
    const pid_t child = traced.out.trimmed().toInt();
    QVERIFY2(child > 0, traced.out.constData());
    QTRY_VERIFY_WITH_TIMEOUT(test::processIsGone(child), 5000);
    checkSound(traced);
}

void tst_TracedProgram::interpreterWithoutTheTracerFails()
{
    // An interpreter that does not load the tracer (here: without its site module, as one
    // older than 3.8 would run untraced) must not pass for a program with no parallel work.
    QTemporaryDir folder;
    const QString wrapper = folder.filePath(QStringLiteral("python-without-site"));
    QVERIFY(test::writeScript(
        wrapper, "#!/bin/sh\nexec " + QFile::encodeName(python()->path) + " -S \"$@\"\n"));
    PythonInterpreter bare = *python();
    bare.path = wrapper;
    const QString program = writeProgram(folder,
        QStringLiteral("pool.py"),
        "import concurrent.futures as cf\n"
        "with cf.ThreadPoolExecutor(2) as pool:\n"
        "    list(pool.map(abs, range(5)))\n");
    auto session = makeTracedProgramSession({program, {}, {}, std::make_shared<ProgramOutput>()},
        std::make_shared<const PythonInterpreter>(bare));
    session->run();
    const RunResult result = session->takeResult();
    QVERIFY(result.error);
    QVERIFY2(result.error->message.contains(QStringLiteral("tracer did not load")),
        qPrintable(result.error->message));
}

QTEST_GUILESS_MAIN(tst_TracedProgram)
#include "tst_tracedprogram.moc"
