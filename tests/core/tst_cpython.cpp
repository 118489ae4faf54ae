#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "processes.h"
#include "python/cpythonengine.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "traceinvariants.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <set>
#include <unistd.h>

using namespace parviz;

// The same workload in real CPython: every strategy's own program, traced and read back into a
// trace of the same kind as ParViz's. Skipped without python3 (and batched without joblib).
class tst_CPython : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyTaskOnceARowPerThreadOrProcess_data();
    void everyTaskOnceARowPerThreadOrProcess();
    void gilDecidesWhetherCPythonsThreadsCompute_data();
    void gilDecidesWhetherCPythonsThreadsCompute();
    void noGilNeedsAFreeThreadedPython();
    void stopLeavesNoProcessBehind();
    void failingProgramShowsItsTraceback();
    void missingInterpreterIsNamed();
    void runFileKeepsTheEngine();

private:
    std::optional<PythonInterpreter> m_python;
};

namespace {
constexpr std::int64_t Ms = 1'000'000;
} // namespace

void tst_CPython::initTestCase()
{
    auto python = findPython();
    if (python)
        m_python = *python;
    else
        qWarning("%s", qPrintable(python.error().message));
}

void tst_CPython::everyTaskOnceARowPerThreadOrProcess_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("kind");
    for (const auto &entry : strategyRegistry()) {
        if (entry.info.workers == WorkerKind::Cluster)
            continue; // already CPython's own run: tst_dask
        for (auto kind : {TaskKind::Sleep, TaskKind::Cpu})
            QTest::addRow("%s %s", qPrintable(entry.info.id), qPrintable(taskKindName(kind)))
                << entry.info.id << static_cast<int>(kind);
    }
}

void tst_CPython::everyTaskOnceARowPerThreadOrProcess()
{
    QFETCH(QString, strategy);
    QFETCH(int, kind);
    if (!m_python)
        QSKIP("no python3");
    if (auto runnable = m_python->canRun(strategy); !runnable)
        QSKIP(qPrintable(runnable.error().message));
    WorkloadSpec workload;
    workload.taskCount = 8;
    workload.kind = static_cast<TaskKind>(kind);
    workload.duration = DurationSpec::fixed(10 * Ms);
    auto plan = makeRunPlan(strategy, workload, WorkerCount::exactly(3));
    QVERIFY(plan);
    const RunResult run = executeInCPython(*plan, *m_python);
    QVERIFY2(run.ok(), run.error ? qPrintable(run.error->message) : "stopped");
    QCOMPARE(run.strategy.id, strategy);
    QVERIFY(run.engine.startsWith(QLatin1String("CPython 3.")));
    QVERIFY(run.label().contains(QLatin1String("(CPython 3.")));
    QCOMPARE(run.metrics.tasksCompleted, 8);

    // Every task exactly once, on rows whose events never overlap.
    std::multiset<int> tasks;
    std::set<std::int32_t> pids;
    int rowsUsed = 0;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        rowsUsed += !events.empty();
        std::int64_t last = 0;
        for (const TaskEvent &event : events) {
            QVERIFY(event.startNs >= last);
            QVERIFY(event.endNs >= event.startNs);
            last = event.endNs;
            if (event.kind == EventKind::Run)
                tasks.insert(event.task);
            pids.insert(event.pid);
        }
    }
    QCOMPARE(tasks.size(), std::size_t(8));
    QCOMPARE(std::set<int>(tasks.begin(), tasks.end()).size(), std::size_t(8));
    // A row per thread or process that ran tasks: one for a loop, one per task for a thread
    // each, at most the workers for a pool (CPython's pools may leave a late starter idle).
    const StrategyInfo &info = findStrategy(strategy)->info;
    if (info.workers == WorkerKind::Caller)
        QCOMPARE(rowsUsed, 1);
    else if (info.rowPerTask())
        QCOMPARE(rowsUsed, 8);
    else
        QVERIFY2(rowsUsed >= 1 && rowsUsed <= 3, qPrintable(QString::number(rowsUsed)));
    // Every row carries the pid of its process: a process each for the process pool, the
    // interpreter's own for threads (joblib's threading backend included). Only a worker
    // process's row begins with its spawn; a thread's start is not seen apart from its wait.
    const bool processes = info.workers == WorkerKind::Processes;
    QVERIFY(!pids.contains(static_cast<std::int32_t>(::getpid())));
    if (processes)
        QCOMPARE(static_cast<int>(pids.size()), rowsUsed);
    else
        QCOMPARE(pids.size(), std::size_t(1));
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        if (!events.empty() && processes)
            QCOMPARE(events.front().kind, EventKind::Spawn);
        for (const TaskEvent &event : events)
            QVERIFY(processes || event.kind != EventKind::Spawn);
    }
    QVERIFY(run.metrics.makespanNs > 0);
}

namespace {
bool isGone(std::int32_t pid)
{
    return test::processIsGone(pid);
}
} // namespace

void tst_CPython::gilDecidesWhetherCPythonsThreadsCompute_data()
{
    QTest::addColumn<int>("gil");
    QTest::newRow("held") << static_cast<int>(TaskGil::Held);
    QTest::newRow("released") << static_cast<int>(TaskGil::Released);
}

// The program beside a thread pool follows the workload's GIL: its pure-Python tasks compute
// one at a time in CPython too, its hashlib tasks side by side. Structural: whether two
// tasks' bars overlap, not how long they took. A held task's bar includes its waits for the
// GIL (CPython's lock is not seen from outside), so "one at a time" is checked as the sum of
// the work against the makespan, loosely.
void tst_CPython::gilDecidesWhetherCPythonsThreadsCompute()
{
    QFETCH(int, gil);
    if (!m_python)
        QSKIP("no python3");
    if (logicalCpus() < 2)
        QSKIP("needs two cores for threads to compute side by side");
    WorkloadSpec workload;
    workload.taskCount = 8;
    workload.kind = TaskKind::Cpu;
    workload.gil = static_cast<TaskGil>(gil);
    workload.duration = DurationSpec::fixed(40 * Ms);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(4));
    QVERIFY(plan);
    const RunResult run = executeInCPython(*plan, *m_python);
    QVERIFY2(run.ok(), run.error ? qPrintable(run.error->message) : "stopped");
    QCOMPARE(run.metrics.tasksCompleted, 8);
    if (workload.gil == TaskGil::Released) {
        // hashlib let two threads compute at once.
        QVERIFY2(!test::checkPeakConcurrency(*run.trace, 1).isEmpty(),
            "no two hashlib tasks overlapped in CPython");
    } else {
        // 320 ms of pure-Python work on the GIL: no schedule of it ends in under 240 ms.
        QVERIFY2(run.metrics.makespanNs > 240 * Ms,
            qPrintable(QStringLiteral("%1 ms").arg(run.metrics.makespanNs / 1e6)));
    }
}

// Threads of tasks without a GIL need a free-threaded CPython; without one, the run says so.
void tst_CPython::noGilNeedsAFreeThreadedPython()
{
    if (!m_python)
        QSKIP("no python3");
    WorkloadSpec workload;
    workload.taskCount = 2;
    workload.kind = TaskKind::Cpu;
    workload.gil = TaskGil::None;
    workload.duration = DurationSpec::fixed(1 * Ms);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(plan);
    const RunResult run = executeInCPython(*plan, *m_python);
    if (m_python->freeThreaded || findFreeThreadedPython()) {
        QVERIFY2(run.ok(), run.error ? qPrintable(run.error->message) : "stopped");
        return;
    }
    QVERIFY(run.error);
    QCOMPARE(run.error->code, QStringLiteral("no-free-threaded-python"));
    QVERIFY2(run.error->message.contains(QLatin1String("free-threaded")),
        qPrintable(run.error->message));
    // The same tasks on worker processes, or sleeping, look alike with or without a GIL.
    auto processes = makeRunPlan(QStringLiteral("process-pool"), workload, WorkerCount::exactly(2));
    QVERIFY(m_python->canRun(*processes));
}

// Stop while CPython's worker processes sleep: the run ends at once, keeps what it has, and
// neither the interpreter nor any of its workers is left.
void tst_CPython::stopLeavesNoProcessBehind()
{
    if (!m_python)
        QSKIP("no python3");
    WorkloadSpec workload;
    workload.taskCount = 6;
    workload.duration = DurationSpec::fixed(3000 * Ms);
    auto plan = makeRunPlan(QStringLiteral("process-pool"), workload, WorkerCount::exactly(3));
    QVERIFY(plan);
    auto session = makeCPythonSession(*plan, *m_python);
    session->start();
    // A task running in a worker process: the caller's own row is in flight from the start.
    auto workerRunning = [&session] {
        const auto snapshot = session->snapshot();
        const auto &open = snapshot->inFlight();
        return std::any_of(open.begin(), open.end(), [](const TaskEvent &event) {
            return event.worker >= 0 && event.kind == EventKind::Run;
        });
    };
    bool seenRunning = false; // once seen, seen: QTRY looks more than once
    QTRY_VERIFY_WITH_TIMEOUT(seenRunning = seenRunning || workerRunning(), 20000);
    QElapsedTimer stop;
    stop.start();
    session->requestStop();
    QVERIFY(session->wait(std::chrono::seconds(5)));
    QVERIFY2(stop.elapsed() < 2000, qPrintable(QString::number(stop.elapsed())));
    const RunResult &run = session->result();
    QVERIFY(run.stopped);
    QVERIFY(run.metrics.tasksCompleted < 6);
    std::set<std::int32_t> workers;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.kind == EventKind::Run)
                QVERIFY(event.interrupted());
            workers.insert(event.pid);
        }
    }
    QVERIFY(!workers.empty());
    for (std::int32_t pid : workers)
        QTRY_VERIFY_WITH_TIMEOUT(isGone(pid), 3000);
}

// A program that fails ends the run with its traceback; an interpreter that is not there is
// named, with what to install.
void tst_CPython::failingProgramShowsItsTraceback()
{
    QTemporaryDir dir;
    const QString fake = dir.filePath(QStringLiteral("python3"));
    QFile script(fake);
    QVERIFY(script.open(QIODevice::WriteOnly));
    // It leaves a child of its own behind, as a program whose workers outlive it would.
    const QString childPid = dir.filePath(QStringLiteral("child.pid"));
    script.write("#!/bin/sh\n"
                 "sleep 60 &\n"
                 "echo $! > '"
        + childPid.toUtf8()
        + "'\n"
          "echo 'Traceback (most recent call last):' >&2\n"
          "echo '  File \"thread_pool.py\", line 3, in <module>' >&2\n"
          "echo 'ZeroDivisionError: division by zero' >&2\n"
          "exit 1\n");
    script.close();
    QVERIFY(script.setPermissions(script.permissions() | QFileDevice::ExeOwner));
    const PythonInterpreter python{fake, QStringLiteral("3.11.2"), true};
    WorkloadSpec workload;
    workload.taskCount = 3;
    workload.duration = DurationSpec::fixed(Ms);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    const RunResult run = executeInCPython(*plan, python);
    QVERIFY(run.error);
    QCOMPARE(run.error->code, QStringLiteral("python-failed"));
    QVERIFY2(run.error->message.contains(QLatin1String("exited with code 1"))
            && run.error->message.contains(QLatin1String("ZeroDivisionError: division by zero")),
        qPrintable(run.error->message));
    QCOMPARE(run.metrics.tasksCompleted, 0);
    QFile pidFile(childPid);
    QVERIFY(pidFile.open(QIODevice::ReadOnly));
    const int child = pidFile.readAll().trimmed().toInt();
    QVERIFY(child > 0);
    QTRY_VERIFY_WITH_TIMEOUT(isGone(child), 3000);
}

void tst_CPython::missingInterpreterIsNamed()
{
    const auto missing = findPython(QStringLiteral("/nonexistent/python3"));
    QVERIFY(!missing);
    QCOMPARE(missing.error().code, QStringLiteral("no-python"));
    QVERIFY(missing.error().message.contains(QLatin1String("/nonexistent/python3")));
    QVERIFY(missing.error().message.contains(QLatin1String("python3")));

    // Without joblib, only the batched strategy cannot run, and says what to install.
    const PythonInterpreter plain{
        QStringLiteral("/usr/bin/python3"), QStringLiteral("3.11.2"), false};
    QVERIFY(plain.canRun(QStringLiteral("thread-pool")));
    const auto batched = plain.canRun(QStringLiteral("batched"));
    QVERIFY(!batched);
    QVERIFY(batched.error().message.contains(QLatin1String("python3-joblib")));
}

// A CPython run is saved and opened as any other, and still says what ran it.
void tst_CPython::runFileKeepsTheEngine()
{
    if (!m_python)
        QSKIP("no python3");
    WorkloadSpec workload;
    workload.taskCount = 5;
    workload.duration = DurationSpec::fixed(2 * Ms);
    auto plan = makeRunPlan(QStringLiteral("process-pool"), workload, WorkerCount::exactly(2));
    const RunResult run = executeInCPython(*plan, *m_python);
    QVERIFY(run.ok());
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("cpython.json"));
    QVERIFY(saveRunJson(run, path).ok());
    const auto back = loadRunJson(path);
    QVERIFY2(back.ok(), back ? "" : qPrintable(back.error().message));
    QCOMPARE(back->engine, run.engine);
    QCOMPARE(back->label(), run.label());
    QCOMPARE(back->trace->totalEventCount(), run.trace->totalEventCount());
    QCOMPARE(back->metrics.makespanNs, run.metrics.makespanNs);
    QCOMPARE(back->metrics.tasksCompleted, 5);

    const RunResult own = executeRun(*plan);
    QVERIFY(saveRunJson(own, path).ok());
    QVERIFY(loadRunJson(path)->engine.isEmpty());
}

QTEST_GUILESS_MAIN(tst_CPython)
#include "tst_cpython.moc"
