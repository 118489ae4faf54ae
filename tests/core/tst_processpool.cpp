#include "processes.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "scripts.h"
#include "traceinvariants.h"
#include "util/clock.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <set>
#include <unistd.h>

using namespace parviz;

// The process pool against what a user will do to it: kill its workers, stop it, give it a
// worker that hangs, lies or is missing. After every test no child process, not even a
// zombie, is left.
class tst_ProcessPool : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void everyTaskOnceInWDistinctProcesses_data();
    void everyTaskOnceInWDistinctProcesses();
    void chunksSaveRoundTrips();
    void cpuWorkRunsInParallel();
    void killedWorkerFailsTheRun();
    void crashingTaskNamesItsSignal();
    void restartReplacesAKilledWorker();
    void restartGivesUpOnATaskThatKeepsCrashing();
    void stopEndsWithinASecond();
    void hangingWorkerTimesOut();
    void missingWorkerIsNamed();
    void lyingWorkerIsCaught_data();
    void lyingWorkerIsCaught();
    void workerRejectsMalformedCommands();

private:
    static RunPlan plan(int tasks,
        std::int64_t ns,
        int workers,
        StrategyOptions options = {},
        TaskKind kind = TaskKind::Sleep);
    QTemporaryDir m_scripts;
};

namespace {
constexpr std::int64_t Ms = 1'000'000;

QString childrenText(const std::vector<pid_t> &children)
{
    QStringList pids;
    for (pid_t pid : children)
        pids << QString::number(pid);
    return pids.join(QStringLiteral(", "));
}
} // namespace

RunPlan tst_ProcessPool::plan(
    int tasks, std::int64_t ns, int workers, StrategyOptions options, TaskKind kind)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.kind = kind;
    workload.duration = DurationSpec::fixed(ns);
    return makeRunPlan(
        QStringLiteral("process-pool"), workload, WorkerCount::exactly(workers), options)
        .value();
}

void tst_ProcessPool::init()
{
    qunsetenv("PARVIZ_WORKER");
    qunsetenv("PARVIZ_WORKER_TEST_HANG");
}

void tst_ProcessPool::cleanup()
{
    qunsetenv("PARVIZ_WORKER");
    qunsetenv("PARVIZ_WORKER_TEST_HANG");
    const auto children = test::childProcesses();
    QVERIFY2(
        children.empty(), qPrintable(QStringLiteral("left behind: ") + childrenText(children)));
}

void tst_ProcessPool::everyTaskOnceInWDistinctProcesses_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("chunkSize");
    QTest::newRow("4 workers, one task at a time") << 4 << 1;
    QTest::newRow("4 workers, chunks of 5") << 4 << 5;
    QTest::newRow("1 worker") << 1 << 1;
    QTest::newRow("more workers than tasks") << 12 << 1;
}

void tst_ProcessPool::everyTaskOnceInWDistinctProcesses()
{
    QFETCH(int, workers);
    QFETCH(int, chunkSize);
    StrategyOptions options;
    options.chunkSize = chunkSize;
    const RunPlan runPlan = plan(10, 2 * Ms, workers, options);
    const RunResult result = executeRun(runPlan);
    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    const QString problem = test::checkCompleteRun(*result.trace, *runPlan.tasks, workers, false);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // Every worker is a process of its own, started and ready before its first task.
    std::set<std::int32_t> pids;
    for (int worker = 0; worker < workers; ++worker) {
        const auto events = result.trace->events(worker);
        QVERIFY(!events.empty());
        QCOMPARE(events.front().kind, EventKind::Spawn);
        QVERIFY(events.front().endNs >= events.front().startNs);
        for (const TaskEvent &event : events)
            QCOMPARE(event.pid, events.front().pid);
        pids.insert(events.front().pid);
    }
    QCOMPARE(int(pids.size()), workers);
    QVERIFY(!pids.count(std::int32_t(::getpid())));
    QVERIFY(result.metrics.loss.spawnNs > 0);
}

void tst_ProcessPool::chunksSaveRoundTrips()
{
    // A hand-over before every task, or one per chunk: the dispatch segments.
    auto dispatches = [](int chunkSize) {
        StrategyOptions options;
        options.chunkSize = chunkSize;
        const RunResult result = executeRun(plan(200, 0, 2, options));
        int count = 0;
        for (int worker = 0; worker < 2; ++worker)
            result.trace->forEachEvent(
                worker, [&](const TaskEvent &e) { count += e.kind == EventKind::Dispatch; });
        return std::pair{result.ok(), count};
    };
    const auto [oneOk, one] = dispatches(1);
    const auto [chunkedOk, chunked] = dispatches(50);
    QVERIFY(oneOk && chunkedOk);
    QVERIFY2(one >= 190, qPrintable(QString::number(one))); // one before each task
    QVERIFY2(chunked <= 6, qPrintable(QString::number(chunked))); // one before each chunk of 50
}

void tst_ProcessPool::cpuWorkRunsInParallel()
{
    // No GIL between processes: two workers compute at the same time. That shows in the
    // trace whatever else the machine is doing (their tasks overlap in wall time), unlike a
    // speedup, which needs two idle cores.
    const RunResult result = executeRun(plan(8, 25 * Ms, 2, {}, TaskKind::Cpu));
    QVERIFY(result.ok());
    QVERIFY2(!test::checkPeakConcurrency(*result.trace, 1).isEmpty(),
        "the two workers never computed at once");
    QVERIFY(test::checkPeakConcurrency(*result.trace, 2).isEmpty());
    // And not faster than the cores allow: the work is real.
    const int cores = std::min(2, logicalCpus());
    QVERIFY2(result.metrics.makespanNs >= 8 * 25 * Ms / cores * 8 / 10,
        qPrintable(QStringLiteral("%1 ms").arg(result.metrics.makespanNs / 1e6)));
}

void tst_ProcessPool::killedWorkerFailsTheRun()
{
    RunSession session(plan(40, 300 * Ms, 3));
    session.start();
    TaskEvent victim;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto snapshot = session.snapshot(); // alive for the loop
            for (const TaskEvent &open : snapshot->inFlight()) {
                if (open.kind == EventKind::Run) {
                    victim = open;
                    return true;
                }
            }
            return false;
        }(),
        10000);
    QCOMPARE(::kill(victim.pid, SIGKILL), 0);
    QVERIFY(session.wait(std::chrono::seconds(10)));
    const RunResult &result = session.result();
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->code, QStringLiteral("worker-died"));
    const QString message = result.error->message;
    for (const QString &part : {QStringLiteral("worker %1").arg(victim.worker),
             QStringLiteral("pid %1").arg(victim.pid),
             QStringLiteral("task %1").arg(victim.task),
             QStringLiteral("SIGKILL")})
        QVERIFY2(message.contains(part), qPrintable(message + QStringLiteral(" lacks ") + part));
    // What was recorded is kept: every worker's spawn, and the killed task's run, marked failed.
    for (int worker = 0; worker < 3; ++worker)
        QCOMPARE(result.trace->event(worker, 0).kind, EventKind::Spawn);
    bool killedRunKept = false;
    result.trace->forEachEvent(victim.worker, [&](const TaskEvent &e) {
        killedRunKept =
            killedRunKept || (e.task == victim.task && e.kind == EventKind::Run && e.failed());
    });
    QVERIFY(killedRunKept);
    const QString problem = test::checkNoOverlap(*result.trace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_ProcessPool::crashingTaskNamesItsSignal()
{
    WorkloadSpec workload;
    workload.taskCount = 10;
    workload.duration = DurationSpec::fixed(1 * Ms);
    workload.crashingTask = 3;
    const RunResult result = executeRun(
        makeRunPlan(QStringLiteral("process-pool"), workload, WorkerCount::exactly(2)).value());
    QVERIFY(result.error.has_value());
    QVERIFY2(result.error->message.contains(QStringLiteral("SIGSEGV"))
            && result.error->message.contains(QStringLiteral("task 3")),
        qPrintable(result.error->message));
}

void tst_ProcessPool::restartReplacesAKilledWorker()
{
    StrategyOptions options;
    options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    RunSession session(plan(12, 150 * Ms, 2, options));
    session.start();
    TaskEvent victim;
    QTRY_VERIFY_WITH_TIMEOUT(
        [&] {
            const auto snapshot = session.snapshot(); // alive for the loop
            for (const TaskEvent &open : snapshot->inFlight()) {
                if (open.kind == EventKind::Run) {
                    victim = open;
                    return true;
                }
            }
            return false;
        }(),
        10000);
    ::kill(victim.pid, SIGKILL);
    QVERIFY(session.wait(std::chrono::seconds(20)));
    const RunResult &result = session.result();
    QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
    QCOMPARE(result.metrics.tasksCompleted, 12);
    QCOMPARE(result.metrics.tasksFailed, 0);
    // The row of the killed worker shows two spawns, of two processes.
    std::vector<std::int32_t> spawned;
    result.trace->forEachEvent(victim.worker, [&](const TaskEvent &e) {
        if (e.kind == EventKind::Spawn)
            spawned.push_back(e.pid);
    });
    QCOMPARE(spawned.size(), std::size_t(2));
    QCOMPARE(spawned.front(), victim.pid);
    QVERIFY(spawned.back() != victim.pid);
    // The killed attempt is kept, marked abandoned; the task then completed once.
    int abandoned = 0;
    int completedRunsOfVictim = 0;
    for (int worker = 0; worker < 2; ++worker) {
        result.trace->forEachEvent(worker, [&](const TaskEvent &e) {
            if (e.kind == EventKind::Run && e.task == victim.task) {
                abandoned += e.abandoned();
                completedRunsOfVictim += !e.abandoned() && !e.failed() && !e.interrupted();
            }
        });
    }
    QCOMPARE(abandoned, 1);
    QCOMPARE(completedRunsOfVictim, 1);
}

void tst_ProcessPool::restartGivesUpOnATaskThatKeepsCrashing()
{
    WorkloadSpec workload;
    workload.taskCount = 6;
    workload.duration = DurationSpec::fixed(1 * Ms);
    workload.crashingTask = 2;
    StrategyOptions options;
    options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    const RunResult result = executeRun(
        makeRunPlan(QStringLiteral("process-pool"), workload, WorkerCount::exactly(2), options)
            .value());
    QVERIFY(result.error.has_value());
    QVERIFY2(result.error->message.contains(QStringLiteral("task 2")),
        qPrintable(result.error->message));
    QVERIFY2(result.error->message.contains(QStringLiteral("not tried again")),
        qPrintable(result.error->message));
}

void tst_ProcessPool::stopEndsWithinASecond()
{
    RunSession session(plan(40, 1000 * Ms, 4));
    session.start();
    QTRY_VERIFY_WITH_TIMEOUT(session.snapshot()->inFlight().size() >= 4, 10000);
    const std::int64_t stopAt = monotonicNowNs();
    session.requestStop();
    QVERIFY(session.wait(std::chrono::seconds(5)));
    const std::int64_t took = monotonicNowNs() - stopAt;
    QVERIFY2(took < 1000 * Ms, qPrintable(QStringLiteral("%1 ms").arg(took / 1e6)));
    const RunResult &result = session.result();
    QVERIFY(result.stopped);
    QVERIFY(!result.error);
    QVERIFY(result.metrics.tasksInterrupted >= 1);
    QVERIFY(result.metrics.tasksNotStarted > 0);
    const QString problem = test::checkNoOverlap(*result.trace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_ProcessPool::hangingWorkerTimesOut()
{
    qputenv("PARVIZ_WORKER_TEST_HANG", "1");
    StrategyOptions options;
    options.workerStartTimeoutNs = 300 * Ms;
    const std::int64_t start = monotonicNowNs();
    const RunResult result = executeRun(plan(4, 1 * Ms, 2, options));
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->code, QStringLiteral("worker-start-timeout"));
    QVERIFY2(result.error->message.contains(QStringLiteral("did not report ready within 300 ms")),
        qPrintable(result.error->message));
    QVERIFY(monotonicNowNs() - start < 5000 * Ms);
}

void tst_ProcessPool::missingWorkerIsNamed()
{
    qputenv("PARVIZ_WORKER", "/nonexistent/parviz-worker");
    const RunResult result = executeRun(plan(2, 1 * Ms, 2));
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->code, QStringLiteral("worker-missing"));
    QVERIFY2(result.error->message.contains(QStringLiteral("/nonexistent/parviz-worker")),
        qPrintable(result.error->message));
    QCOMPARE(result.metrics.tasksNotStarted, 2);
}

void tst_ProcessPool::lyingWorkerIsCaught_data()
{
    // Fake workers, as shell scripts: what the parent must survive from a broken worker.
    QTest::addColumn<QByteArray>("script");
    QTest::addColumn<QString>("expected");
    QTest::newRow("exits without a word")
        << QByteArray("exit 0") << "exited with status 0 before it was ready";
    QTest::newRow("garbage instead of ready")
        << QByteArray("echo 'hello there'; sleep 5") << "malformed message at byte 0";
    QTest::newRow("garbage after ready")
        << QByteArray("echo \"ready 1 $$ 1\"; echo 'start x'; sleep 5")
        << "malformed message at byte ";
    QTest::newRow("another protocol version")
        << QByteArray("echo \"ready 7 $$ 1\"; sleep 5") << "protocol version 1 was expected";
    QTest::newRow("a message without its end")
        << QByteArray("printf 'ready 1 '") << "the stream ended inside a message";
    QTest::newRow("reports a task it was not given")
        << QByteArray("echo \"ready 1 $$ 1\"; echo 'start 99 2'; sleep 5")
        << "unexpected report: start";
    QTest::newRow("an endless message")
        << QByteArray("head -c 5000 /dev/zero; sleep 5") << "longer than 1024 bytes";
}

void tst_ProcessPool::lyingWorkerIsCaught()
{
    QFETCH(QByteArray, script);
    QFETCH(QString, expected);
    QVERIFY(m_scripts.isValid());
    const QString path = m_scripts.filePath(
        QStringLiteral("fake-worker-%1").arg(QTest::currentDataTag()).replace(' ', '-'));
    QVERIFY(test::writeScript(path, "#!/bin/sh\n" + script + "\n"));
    qputenv("PARVIZ_WORKER", path.toLocal8Bit());

    const std::int64_t start = monotonicNowNs();
    const RunResult result = executeRun(plan(3, 1 * Ms, 1));
    QVERIFY(result.error.has_value());
    QVERIFY2(result.error->message.contains(expected), qPrintable(result.error->message));
    // Caught at once, not after the fake worker's sleep.
    QVERIFY(monotonicNowNs() - start < 4000 * Ms);
}

void tst_ProcessPool::workerRejectsMalformedCommands()
{
    // The worker's own parser: a bad command gets an error naming the byte, and exit status 3.
    // (Whether the good task before it got to run is a race: the worker stops either way.)
    QProcess worker;
    worker.start(
        QStringLiteral("%1/parviz-worker").arg(QCoreApplication::applicationDirPath()), {});
    QVERIFY(worker.waitForStarted());
    worker.write("task 0 sleep 1000 1 -\ntask 1 nap 5 0 -\n");
    worker.closeWriteChannel();
    QVERIFY(worker.waitForFinished(5000));
    QCOMPARE(worker.exitCode(), 3);
    const QByteArray out = worker.readAllStandardOutput();
    QVERIFY2(out.startsWith("ready 1 "), out.constData());
    QVERIFY2(out.contains("error 29 an unknown task kind 'nap'"), out.constData());
}

QTEST_GUILESS_MAIN(tst_ProcessPool)
#include "tst_processpool.moc"
