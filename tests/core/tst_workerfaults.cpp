#include "process/workerlocator.h"
#include "process/workerprotocol.h"
#include "processes.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "scripts.h"
#include "traceinvariants.h"
#include "util/clock.h"

#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <cerrno>
#include <csignal>
#include <fcntl.h>
#include <map>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

using namespace parviz;

Q_DECLARE_METATYPE(parviz::StrategyOptions::WorkerDeath)

// Worker processes that die at every stage of the protocol (parviz-worker's test-only
// PARVIZ_WORKER_TEST_FAULT), killed from outside at every pool size, orphaned by a parent
// killed with SIGKILL, or hanging before they are ready. Whatever happens, the run says which
// task, which worker and which signal; no task is lost; no process is left behind.
class tst_WorkerFaults : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void workerDiesAtEachStage_data();
    void workerDiesAtEachStage();
    void restartGivesUpOnWorkersThatDieBeforeStarting();
    void restartGivesUpOnWorkersThatNeverStart();
    void killAtEachPoolSizeThenAFreshRun_data();
    void killAtEachPoolSizeThenAFreshRun();
    void hangBeforeReadyTimesOut_data();
    void hangBeforeReadyTimesOut();
    void killedParentLeavesNoWorker();
    void stoppedWorkerIsStalled_data();
    void stoppedWorkerIsStalled();
    void badCalibrationIsRefused_data();
    void badCalibrationIsRefused();

private:
    QTemporaryDir m_dir;
};

namespace {
constexpr std::int64_t Ms = 1'000'000;
using WorkerDeath = StrategyOptions::WorkerDeath;

RunPlan plan(int tasks, std::int64_t ns, int workers, StrategyOptions options = {})
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(ns);
    return makeRunPlan(
        QStringLiteral("process-pool"), workload, WorkerCount::exactly(workers), options)
        .value();
}

StrategyOptions withPolicy(WorkerDeath policy)
{
    StrategyOptions options;
    options.onWorkerDeath = policy;
    options.workerStartTimeoutNs = 5000 * Ms; // a loaded machine, not a test of the timeout
    return options;
}

QString pidsText(const std::vector<pid_t> &pids)
{
    QStringList text;
    for (pid_t pid : pids)
        text << QString::number(pid);
    return text.join(QStringLiteral(", "));
}

// Per task: how many of its run events completed (not failed, interrupted or abandoned).
std::map<std::int32_t, int> completedRuns(const TraceSnapshot &trace)
{
    std::map<std::int32_t, int> completed;
    trace.forEachEvent([&](const TaskEvent &e) {
        if (e.kind == EventKind::Run && !e.failed() && !e.interrupted() && !e.abandoned())
            ++completed[e.task];
    });
    return completed;
}

// The worker row whose (first or later) process had `pid`; -1 if none.
int rowOfProcess(const TraceSnapshot &trace, std::int32_t pid)
{
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        for (const TaskEvent &e : trace.events(worker)) {
            if (e.kind == EventKind::Spawn && e.pid == pid)
                return worker;
        }
    }
    return -1;
}

// A task the session's workers are running now, into `running`; false while there is none.
bool runningTask(const RunSession &session, TaskEvent &running)
{
    const auto snapshot = session.snapshot(); // alive for the loop
    for (const TaskEvent &open : snapshot->inFlight()) {
        if (open.kind == EventKind::Run) {
            running = open;
            return true;
        }
    }
    return false;
}

// The parviz-worker processes whose parent is `parent`, from /proc.
std::vector<pid_t> workersOf(pid_t parent)
{
    std::vector<pid_t> workers;
    for (pid_t pid : test::childProcessesOf(parent)) {
        QFile comm(QStringLiteral("/proc/%1/comm").arg(pid));
        if (comm.open(QIODevice::ReadOnly) && comm.readAll().trimmed() == "parviz-worker")
            workers.push_back(pid);
    }
    return workers;
}
} // namespace

void tst_WorkerFaults::init()
{
    qunsetenv("PARVIZ_WORKER");
    qunsetenv("PARVIZ_WORKER_TEST_HANG");
    qunsetenv("PARVIZ_WORKER_TEST_FAULT");
}

void tst_WorkerFaults::cleanup()
{
    init();
    const auto children = test::childProcesses();
    QVERIFY2(children.empty(), qPrintable(QStringLiteral("left behind: ") + pidsText(children)));
    // Not even a zombie: waitpid finds no child at all.
    int status = 0;
    errno = 0;
    QCOMPARE(::waitpid(-1, &status, WNOHANG), pid_t(-1));
    QCOMPARE(errno, ECHILD);
}

void tst_WorkerFaults::workerDiesAtEachStage_data()
{
    QTest::addColumn<QString>("stage");
    QTest::addColumn<QString>("action");
    QTest::addColumn<int>("workers");
    QTest::addColumn<WorkerDeath>("policy");
    for (const char *stage : {"before-read", "mid-task", "mid-reply", "after-garbage"}) {
        for (const char *action : {"kill", "segv", "exit"}) {
            for (int workers : {1, 4}) {
                for (const auto policy : {WorkerDeath::Fail, WorkerDeath::Restart}) {
                    QTest::addRow("%s %s, %d worker%s, %s",
                        stage,
                        action,
                        workers,
                        workers > 1 ? "s" : "",
                        policy == WorkerDeath::Fail ? "fail" : "restart")
                        << QString::fromLatin1(stage) << QString::fromLatin1(action) << workers
                        << policy;
                }
            }
        }
    }
}

void tst_WorkerFaults::workerDiesAtEachStage()
{
    QFETCH(QString, stage);
    QFETCH(QString, action);
    QFETCH(int, workers);
    QFETCH(WorkerDeath, policy);
    QVERIFY(m_dir.isValid());
    // One worker of the run fails, on the second task it is given (by then it has answered
    // once); it leaves its pid and task in the once file.
    const QString once = m_dir.filePath(QStringLiteral("fault-%1").arg(QTest::currentDataTag()))
                             .replace(QLatin1Char(' '), QLatin1Char('-'))
                             .remove(QLatin1Char(','));
    QFile::remove(once);
    qputenv("PARVIZ_WORKER_TEST_FAULT",
        QStringLiteral("%1:%2:2:%3").arg(stage, action, once).toLocal8Bit());
    constexpr int Tasks = 10;
    const RunPlan runPlan = plan(Tasks, 2 * Ms, workers, withPolicy(policy));
    const RunResult result = executeRun(runPlan);

    QFile onceFile(once);
    QVERIFY2(onceFile.open(QIODevice::ReadOnly), "no worker met the fault");
    const QList<QByteArray> victim = onceFile.readAll().trimmed().split(' ');
    QCOMPARE(victim.size(), 2);
    const std::int32_t pid = victim[0].toInt();
    const std::int32_t task = victim[1].toInt();
    const int row = rowOfProcess(*result.trace, pid);
    QVERIFY2(row >= 0, qPrintable(QStringLiteral("no row for pid %1").arg(pid)));

    // A worker that lies is never replaced; a worker that dies is, under Restart.
    const bool lies = stage == QLatin1String("after-garbage");
    const bool retried = policy == WorkerDeath::Restart && !lies;
    const auto completed = completedRuns(*result.trace);
    for (const auto &[id, count] : completed)
        QVERIFY2(count == 1,
            qPrintable(QStringLiteral("task %1 completed %2 times").arg(id).arg(count)));
    const QString problem = test::checkNoOverlap(*result.trace);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));

    // The attempt that died is kept on its row, in its process, marked failed (and abandoned
    // when tried again); before-read died before it started, so there is none.
    int deadAttempts = 0;
    result.trace->forEachEvent(row, [&](const TaskEvent &e) {
        if (e.kind == EventKind::Run && e.task == task && e.pid == pid) {
            QVERIFY(e.failed());
            QCOMPARE(e.abandoned(), retried);
            ++deadAttempts;
        }
    });
    QCOMPARE(deadAttempts, stage == QLatin1String("before-read") ? 0 : 1);

    if (retried) {
        // Tried again: the run completes every task exactly once, in a new process on that row.
        QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
        QCOMPARE(result.metrics.tasksCompleted, Tasks);
        QCOMPARE(int(completed.size()), Tasks);
        int spawns = 0;
        result.trace->forEachEvent(
            row, [&](const TaskEvent &e) { spawns += e.kind == EventKind::Spawn; });
        QCOMPARE(spawns, 2);
        return;
    }

    // Not tried again: the run fails, naming the worker, its process, the task and how it
    // ended; the task did not complete, and was not silently dropped.
    QVERIFY(result.error.has_value());
    const QString message = result.error->message;
    QCOMPARE(result.error->code,
        lies ? QStringLiteral("protocol-error") : QStringLiteral("worker-died"));
    QVERIFY2(!completed.count(task), qPrintable(message));
    QVERIFY2(result.metrics.tasksCompleted < Tasks, qPrintable(message));
    QCOMPARE(result.metrics.tasksCompleted + result.metrics.tasksFailed
            + result.metrics.tasksInterrupted + result.metrics.tasksNotStarted,
        Tasks);
    QStringList expected = {QStringLiteral("worker %1 (pid %2)").arg(row).arg(pid),
        stage == QLatin1String("before-read") ? QStringLiteral("before starting task %1").arg(task)
                                              : QStringLiteral("while running task %1").arg(task)};
    // How it ended. A liar is killed by the pool as soon as it lies, so its own end may be
    // beaten by the pool's SIGKILL.
    const QString own = action == QLatin1String("kill") ? QStringLiteral("(SIGKILL")
        : action == QLatin1String("segv")               ? QStringLiteral("(SIGSEGV")
                                                        : QStringLiteral("exited with status 0");
    if (lies) {
        expected << QStringLiteral("sent a malformed message");
        QVERIFY2(message.contains(own) || message.contains(QStringLiteral("(SIGKILL")),
            qPrintable(message));
    } else {
        expected << own;
        if (action == QLatin1String("exit"))
            expected << QStringLiteral("without replying");
        if (stage == QLatin1String("mid-reply"))
            expected << QStringLiteral("the stream ended inside a message");
    }
    for (const QString &part : expected)
        QVERIFY2(message.contains(part), qPrintable(message + QStringLiteral(" lacks ") + part));
    if (!lies)
        QVERIFY2(!completed.count(task)
                && result.metrics.tasksFailed + result.metrics.tasksNotStarted > 0,
            qPrintable(message));
}

void tst_WorkerFaults::restartGivesUpOnWorkersThatDieBeforeStarting()
{
    // Every worker dies as its first task arrives: under Restart that task is charged with
    // each death, and the run ends rather than replacing workers for ever.
    qputenv("PARVIZ_WORKER_TEST_FAULT", "before-read:exit");
    const std::int64_t start = monotonicNowNs();
    const RunResult result = executeRun(plan(4, 1 * Ms, 1, withPolicy(WorkerDeath::Restart)));
    QVERIFY(result.error.has_value());
    QVERIFY2(result.error->message.contains(QStringLiteral("task 0 has now taken down 3 workers")),
        qPrintable(result.error->message));
    QVERIFY(monotonicNowNs() - start < 10'000 * Ms);
}

void tst_WorkerFaults::restartGivesUpOnWorkersThatNeverStart()
{
    // A worker that exits before it is ready is not its first task's fault: the run counts them.
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("never-ready"));
    QVERIFY(test::writeScript(path, "#!/bin/sh\nexit 0\n"));
    qputenv("PARVIZ_WORKER", path.toLocal8Bit());
    const std::int64_t start = monotonicNowNs();
    const RunResult result = executeRun(plan(4, 1 * Ms, 2, withPolicy(WorkerDeath::Restart)));
    QVERIFY(result.error.has_value());
    QVERIFY2(result.error->message.contains(QStringLiteral("before it was ready"))
            && result.error->message.contains(QStringLiteral("none is started again")),
        qPrintable(result.error->message));
    QCOMPARE(result.metrics.tasksNotStarted, 4);
    QVERIFY(monotonicNowNs() - start < 10'000 * Ms);
}

void tst_WorkerFaults::killAtEachPoolSizeThenAFreshRun_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<WorkerDeath>("policy");
    for (int workers : {1, 2, 5, 13}) {
        QTest::addRow("%d workers, fail", workers) << workers << WorkerDeath::Fail;
        QTest::addRow("%d workers, restart", workers) << workers << WorkerDeath::Restart;
    }
}

void tst_WorkerFaults::killAtEachPoolSizeThenAFreshRun()
{
    QFETCH(int, workers);
    QFETCH(WorkerDeath, policy);
    // Killed from outside, as `kill -9` would, while it runs a task. Under Fail the tasks are
    // long, so the victim is still on the task it was seen running when the signal lands.
    const bool fail = policy == WorkerDeath::Fail;
    const int tasks = 2 * workers;
    RunSession session(plan(tasks, (fail ? 1000 : 60) * Ms, workers, withPolicy(policy)));
    session.start();
    TaskEvent victim;
    QTRY_VERIFY_WITH_TIMEOUT(runningTask(session, victim), 10000);
    QCOMPARE(::kill(victim.pid, SIGKILL), 0);
    QVERIFY(session.wait(std::chrono::seconds(20)));
    const RunResult &result = session.result();
    const auto completed = completedRuns(*result.trace);
    for (const auto &[id, count] : completed)
        QVERIFY2(count == 1,
            qPrintable(QStringLiteral("task %1 completed %2 times").arg(id).arg(count)));
    if (fail) {
        QVERIFY(result.error.has_value());
        const QString message = result.error->message;
        for (const QString &part :
            {QStringLiteral("worker %1 (pid %2)").arg(victim.worker).arg(victim.pid),
                QStringLiteral("while running task %1").arg(victim.task),
                QStringLiteral("(SIGKILL")})
            QVERIFY2(
                message.contains(part), qPrintable(message + QStringLiteral(" lacks ") + part));
        QVERIFY(!completed.count(victim.task));
    } else {
        QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
        QCOMPARE(int(completed.size()), tasks);
    }
    QVERIFY2(test::childProcesses().empty(), qPrintable(pidsText(test::childProcesses())));

    // The pool is as good as new: a fresh run of the same size completes.
    const RunPlan fresh = plan(tasks, 2 * Ms, workers, withPolicy(WorkerDeath::Fail));
    const RunResult again = executeRun(fresh);
    QVERIFY2(again.ok(), again.error ? qPrintable(again.error->message) : "stopped");
    const QString problem = test::checkCompleteRun(*again.trace, *fresh.tasks, workers, false);
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
}

void tst_WorkerFaults::hangBeforeReadyTimesOut_data()
{
    QTest::addColumn<int>("workers");
    QTest::addColumn<WorkerDeath>("policy");
    QTest::newRow("1 worker, fail") << 1 << WorkerDeath::Fail;
    QTest::newRow("4 workers, fail") << 4 << WorkerDeath::Fail;
    QTest::newRow("4 workers, restart") << 4 << WorkerDeath::Restart;
}

void tst_WorkerFaults::hangBeforeReadyTimesOut()
{
    QFETCH(int, workers);
    QFETCH(WorkerDeath, policy);
    qputenv("PARVIZ_WORKER_TEST_HANG", "1");
    StrategyOptions options = withPolicy(policy);
    options.workerStartTimeoutNs = 200 * Ms;
    const std::int64_t start = monotonicNowNs();
    const RunResult result = executeRun(plan(4, 1 * Ms, workers, options));
    QVERIFY(result.error.has_value());
    QCOMPARE(result.error->code, QStringLiteral("worker-start-timeout"));
    const QString message = result.error->message;
    QVERIFY2(message.contains(QRegularExpression(
                 QStringLiteral("^worker \\d+ \\(pid \\d+\\) did not report ready within 200 ms, "
                                "the start-up timeout"))),
        qPrintable(message));
    QCOMPARE(result.metrics.tasksNotStarted, 4);
    // Given up at the timeout, not after another one: cleanup() checks nothing is left.
    QVERIFY(monotonicNowNs() - start < 5000 * Ms);
}

void tst_WorkerFaults::stoppedWorkerIsStalled_data()
{
    QTest::addColumn<WorkerDeath>("policy");
    QTest::newRow("fail") << WorkerDeath::Fail;
    QTest::newRow("restart") << WorkerDeath::Restart;
}

// `kill -STOP` on a worker: it neither reports nor dies. Silent for far longer than its task
// should take, it is found, named with its task, and killed; then the policy applies.
void tst_WorkerFaults::stoppedWorkerIsStalled()
{
    QFETCH(WorkerDeath, policy);
    StrategyOptions options = withPolicy(policy);
    options.workerStallTimeoutNs = 1000 * Ms;
    const int tasks = 60;
    RunSession session(plan(tasks, 20 * Ms, 2, options));
    session.start();
    TaskEvent victim;
    QTRY_VERIFY_WITH_TIMEOUT(runningTask(session, victim), 10000);
    QCOMPARE(::kill(victim.pid, SIGSTOP), 0);
    QVERIFY(session.wait(std::chrono::seconds(30)));
    const RunResult &result = session.result();
    const auto completed = completedRuns(*result.trace);
    for (const auto &[id, count] : completed)
        QVERIFY2(count == 1,
            qPrintable(QStringLiteral("task %1 completed %2 times").arg(id).arg(count)));
    if (policy == WorkerDeath::Fail) {
        QVERIFY(result.error.has_value());
        QCOMPARE(result.error->code, QStringLiteral("worker-stalled"));
        const QString message = result.error->message;
        for (const QString &part : {QStringLiteral("worker %1 (pid %2) sent nothing for ")
                                        .arg(victim.worker)
                                        .arg(victim.pid),
                 QStringLiteral("task"),
                 QStringLiteral("it was killed")})
            QVERIFY2(
                message.contains(part), qPrintable(message + QStringLiteral(" lacks ") + part));
    } else {
        QVERIFY2(result.ok(), result.error ? qPrintable(result.error->message) : "stopped");
        QCOMPARE(int(completed.size()), tasks);
        // The stopped worker's row went on with a new process.
        QVERIFY(rowOfProcess(*result.trace, victim.pid) == victim.worker);
        int spawns = 0;
        result.trace->forEachEvent(
            victim.worker, [&](const TaskEvent &e) { spawns += e.kind == EventKind::Spawn; });
        QCOMPARE(spawns, 2);
    }
}

void tst_WorkerFaults::killedParentLeavesNoWorker()
{
    // parviz-cli killed with SIGKILL mid-run cannot stop its workers: they must see it go
    // (PR_SET_PDEATHSIG, and the end of their input) and leave within a second.
    const QByteArray cli = QByteArrayLiteral(PARVIZ_CLI_PATH);
    for (int trial = 0; trial < 10; ++trial) {
        std::vector<QByteArray> arguments = {
            cli, "run", "-s", "process-pool", "-n", "400", "-d", "50ms", "-w", "3", "-q"};
        std::vector<char *> argv;
        for (QByteArray &argument : arguments)
            argv.push_back(argument.data());
        argv.push_back(nullptr);
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
        posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
        pid_t parent = 0;
        const int spawned =
            ::posix_spawn(&parent, cli.constData(), &actions, nullptr, argv.data(), environ);
        posix_spawn_file_actions_destroy(&actions);
        QCOMPARE(spawned, 0);

        // Its workers, found by /proc: all three, then a little more of the run, different
        // for each trial (some kills land before they are ready, most while they run tasks).
        std::vector<pid_t> workers;
        const std::int64_t deadline = monotonicNowNs() + 20'000 * Ms;
        while (workers.size() < 3 && monotonicNowNs() < deadline) {
            QTest::qSleep(2);
            workers = workersOf(parent);
        }
        QTest::qSleep(trial * 15);
        workers = workersOf(parent);
        QCOMPARE(::kill(parent, SIGKILL), 0);
        int status = 0;
        QCOMPARE(::waitpid(parent, &status, 0), parent);
        QVERIFY(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
        QVERIFY2(workers.size() == 3,
            qPrintable(QStringLiteral("trial %1: workers %2").arg(trial).arg(pidsText(workers))));

        const std::int64_t killedAt = monotonicNowNs();
        std::vector<pid_t> alive = workers;
        while (!alive.empty() && monotonicNowNs() - killedAt < 1000 * Ms) {
            std::erase_if(alive, [](pid_t pid) { return test::processIsGone(pid); });
            QTest::qSleep(5);
        }
        QVERIFY2(alive.empty(),
            qPrintable(QStringLiteral("trial %1: still running after 1 s: %2")
                           .arg(trial)
                           .arg(pidsText(alive))));
    }
}

void tst_WorkerFaults::badCalibrationIsRefused_data()
{
    QTest::addColumn<QString>("calibration");
    QTest::addColumn<bool>("accepted");
    QTest::newRow("a measured one") << "612345.75" << true;
    QTest::newRow("the smallest") << "1" << true;
    QTest::newRow("infinity") << "inf" << false;
    QTest::newRow("not a number") << "nan" << false;
    QTest::newRow("negative") << "-5" << false;
    QTest::newRow("zero") << "0" << false;
    QTest::newRow("too many") << "1e300" << false;
    QTest::newRow("a word") << "fast" << false;
    QTest::newRow("a number and more") << "600000x" << false;
    QTest::newRow("empty") << "" << false;
}

void tst_WorkerFaults::badCalibrationIsRefused()
{
    // parviz-worker takes its parent's CPU calibration as a number of iterations per
    // millisecond. An infinite one made a CPU task of 1 ms compute for ever; every value
    // outside what a core can do is refused at start, in one line, with exit status 2.
    QFETCH(QString, calibration);
    QFETCH(bool, accepted);
    const auto worker = locateWorker();
    if (!worker)
        QFAIL(qPrintable(worker.error().message));
    QProcess process;
    process.start(QString::fromStdString(*worker),
        {QStringLiteral("--protocol"),
            QString::number(protocol::Version),
            QStringLiteral("--calibration"),
            calibration});
    QVERIFY(process.waitForStarted());
    process.closeWriteChannel(); // no tasks: a worker that starts ends at once
    QVERIFY(process.waitForFinished(10000));
    const QByteArray err = process.readAllStandardError();
    QCOMPARE(process.exitStatus(), QProcess::NormalExit);
    if (accepted) {
        QVERIFY2(process.exitCode() == 0, err.constData());
        QVERIFY2(err.isEmpty(), err.constData());
        return;
    }
    QVERIFY2(process.exitCode() == 2, err.constData());
    QCOMPARE(err.count('\n'), 1);
    QVERIFY2(err.startsWith("parviz-worker: --calibration: '" + calibration.toUtf8() + "'"),
        err.constData());
}

QTEST_GUILESS_MAIN(tst_WorkerFaults)
#include "tst_workerfaults.moc"
