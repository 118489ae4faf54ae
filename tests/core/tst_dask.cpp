#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "localdaskcluster.h"
#include "processes.h"
#include "python/interpreter.h"
#include "python/pythonsnippet.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <arpa/inet.h>
#include <map>
#include <netinet/in.h>
#include <set>
#include <sys/socket.h>
#include <unistd.h>

using namespace parviz;
using test::LocalDaskCluster;

// The dask strategy on real Dask clusters: one ParViz starts for the run (a LocalCluster), and
// one already running, started here as separate processes. Every task once, a row per worker
// thread, a lost attempt when a worker dies, Stop that leaves nothing behind, a scheduler that
// is not there. Skipped without Debian's python3-distributed.
class tst_Dask : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void embeddedClusterRowPerWorkerThread();
    void existingClusterRowPerWorkerAndLeftRunning();
    void killedWorkersTaskRunsAgain();
    void stopLeavesNoProcessOfTheRun_data();
    void stopLeavesNoProcessOfTheRun();
    void deadSchedulerIsNamed();
    void chosenInterpreterRunsTheProgram_data();
    void chosenInterpreterRunsTheProgram();
    void chosenInterpreterThatIsNotThereIsNamed_data();
    void chosenInterpreterThatIsNotThereIsNamed();

private:
    QString m_unavailable;
};

namespace {

constexpr std::int64_t Ms = 1'000'000;

RunPlan daskPlan(const DurationSpec &duration,
    int tasks,
    int workers,
    int threadsPerWorker,
    const QString &scheduler = {})
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = duration;
    StrategyOptions options;
    options.threadsPerWorker = threadsPerWorker;
    options.daskScheduler = scheduler;
    auto plan =
        makeRunPlan(QStringLiteral("dask"), workload, WorkerCount::exactly(workers), options);
    if (!plan)
        qFatal("%s", qPrintable(plan.error().message));
    return *plan;
}

QString failureOf(const RunResult &run)
{
    return run.error ? run.error->message
                     : (run.stopped ? QStringLiteral("stopped") : QStringLiteral("ok"));
}

// Every task ran to its end exactly once: one `run` event without a flag that says it did not
// finish, in the trace and in the metrics.
QString everyTaskOnce(const RunResult &run, int tasks)
{
    std::map<int, int> finished;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.kind == EventKind::Run && !event.interrupted() && !event.failed()
                && !event.abandoned())
                ++finished[event.task];
        }
    }
    for (int task = 0; task < tasks; ++task) {
        if (finished[task] != 1)
            return QStringLiteral("task %1 finished %2 times").arg(task).arg(finished[task]);
    }
    if (static_cast<int>(finished.size()) != tasks)
        return QStringLiteral("%1 tasks finished, not %2").arg(finished.size()).arg(tasks);
    if (run.metrics.tasksCompleted != tasks)
        return QStringLiteral("the metrics count %1 tasks").arg(run.metrics.tasksCompleted);
    if (run.trace->completedTasks() != tasks)
        return QStringLiteral("the trace counts %1 tasks").arg(run.trace->completedTasks());
    return {};
}

// "127.0.0.1:39041", as a row's label gives a worker.
QString hostAndPort(const QString &address)
{
    const qsizetype scheme = address.indexOf(QLatin1String("://"));
    return scheme < 0 ? address : address.mid(scheme + 3);
}

std::set<std::int32_t> rowPids(const TraceSnapshot &trace)
{
    std::set<std::int32_t> pids;
    for (int lane = 0; lane < trace.workerCount(); ++lane)
        for (const TaskEvent &event : trace.events(lane))
            pids.insert(event.pid);
    return pids;
}

pid_t processGroupOf(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return 0;
    // "pid (comm) state ppid pgrp ...": the command may hold spaces and parentheses.
    const QByteArray text = stat.readAll();
    const QList<QByteArray> fields = text.mid(text.lastIndexOf(')') + 2).split(' ');
    return fields.size() > 2 ? fields[2].toInt() : 0;
}

// The live processes (zombies aside) in any of `groups`.
std::vector<pid_t> processesInGroups(const std::set<pid_t> &groups)
{
    std::vector<pid_t> found;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t pid = entry.toInt(&isPid);
        if (isPid && groups.contains(processGroupOf(pid)) && !test::processIsGone(pid))
            found.push_back(pid);
    }
    return found;
}

// The processes below this one, but for `except` (a cluster of the test's own).
std::vector<pid_t> descendantsExcept(const std::vector<pid_t> &except)
{
    std::vector<pid_t> found;
    for (pid_t pid : test::descendantsOf(::getpid())) {
        if (std::find(except.begin(), except.end(), pid) == except.end()
            && !test::processIsGone(pid))
            found.push_back(pid);
    }
    return found;
}

// A port on 127.0.0.1 where nothing listens: one the kernel gave out and that was closed again.
int closedPort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    address.sin_port = 0;
    socklen_t length = sizeof address;
    int port = 0;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0
        && ::getsockname(fd, reinterpret_cast<sockaddr *>(&address), &length) == 0)
        port = ntohs(address.sin_port);
    ::close(fd);
    return port;
}

// A `run` event in flight on a worker's row, the latest started; nullopt if there is none.
std::optional<TaskEvent> latestRunInFlight(const TraceSnapshot &snapshot)
{
    std::optional<TaskEvent> latest;
    for (const TaskEvent &event : snapshot.inFlight()) {
        if (event.worker >= 0 && event.kind == EventKind::Run
            && (!latest || event.startNs > latest->startNs))
            latest = event;
    }
    return latest;
}

} // namespace

void tst_Dask::initTestCase()
{
    // The interpreter the cluster's processes run, the one that has Debian's distributed; the
    // python3 on PATH may not.
    qputenv("PARVIZ_PYTHON", "/usr/bin/python3");
    m_unavailable = LocalDaskCluster::unavailableReason();
    if (!m_unavailable.isEmpty())
        qWarning("%s", qPrintable(m_unavailable));
}

// A LocalCluster of 2 workers of 2 threads each, which ParViz starts and ends: a row per worker
// thread, labelled with its worker's address, each beginning with its worker's start-up; a run
// file gives back the very events.
void tst_Dask::embeddedClusterRowPerWorkerThread()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    const RunPlan plan = daskPlan(DurationSpec::uniform(20 * Ms, 50 * Ms), 16, 2, 2);
    RunSession session(plan);
    QCOMPARE(session.laneCount(), 4);
    session.run();
    const RunResult &run = session.result();
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    QCOMPARE(run.strategy.id, QStringLiteral("dask"));
    const QString once = everyTaskOnce(run, 16);
    QVERIFY2(once.isEmpty(), qPrintable(once));

    QCOMPARE(run.trace->workerCount(), 4);
    std::map<std::int32_t, int> rowsOfProcess;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        QVERIFY2(!events.empty(), qPrintable(QStringLiteral("row %1 is empty").arg(lane)));
        QCOMPARE(events.front().kind, EventKind::Spawn);
        const QString label = run.trace->label(lane);
        // The LocalCluster's workers listen on 127.0.0.1 of this machine.
        QVERIFY2(label.contains(QLatin1String("127.0.0.1:")), qPrintable(label));
        // The row's process is its worker's, which ran its tasks.
        const std::int32_t pid = events.back().pid;
        std::int64_t last = 0;
        for (const TaskEvent &event : events) {
            QVERIFY(event.startNs >= last);
            QVERIFY(event.endNs >= event.startNs);
            QCOMPARE(event.pid, pid);
            last = event.endNs;
        }
        ++rowsOfProcess[pid];
    }
    // Two worker processes, neither of them this one, a row per thread of each.
    QCOMPARE(rowsOfProcess.size(), std::size_t(2));
    for (const auto &[pid, rows] : rowsOfProcess) {
        QVERIFY(pid != ::getpid());
        QCOMPARE(rows, 2);
    }
    // The two rows of one worker name the same worker, and differ.
    std::set<QString> labels;
    for (int lane = 0; lane < 4; ++lane)
        labels.insert(run.trace->label(lane));
    QCOMPARE(labels.size(), std::size_t(4));

    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("dask.json"));
    QVERIFY(saveRunJson(run, path).ok());
    const auto back = loadRunJson(path);
    QVERIFY2(back.ok(), back ? "" : qPrintable(back.error().message));
    QCOMPARE(back->strategy.id, run.strategy.id);
    QCOMPARE(back->trace->workerCount(), run.trace->workerCount());
    for (int lane : run.trace->lanes())
        QCOMPARE(back->trace->events(lane), run.trace->events(lane));
    QCOMPARE(back->metrics.tasksCompleted, 16);
}

// A cluster that was running before the run and is still running after it: its workers'
// processes are the rows, each labelled with its worker's address.
void tst_Dask::existingClusterRowPerWorkerAndLeftRunning()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    LocalDaskCluster cluster(2, 1);
    QVERIFY2(cluster.start(), qPrintable(cluster.error()));
    const RunPlan plan =
        daskPlan(DurationSpec::uniform(20 * Ms, 50 * Ms), 12, 2, 1, cluster.schedulerAddress());
    const RunResult run = executeRun(plan);
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    const QString once = everyTaskOnce(run, 12);
    QVERIFY2(once.isEmpty(), qPrintable(once));

    QCOMPARE(run.trace->workerCount(), 2);
    const std::vector<pid_t> workers = cluster.workerPids();
    const QStringList addresses = cluster.workerAddresses();
    const std::set<std::int32_t> expected(workers.begin(), workers.end());
    QCOMPARE(rowPids(*run.trace), expected);
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        QVERIFY(!events.empty());
        const auto index =
            std::find(workers.begin(), workers.end(), events.front().pid) - workers.begin();
        const QString label = run.trace->label(lane);
        QVERIFY2(label.contains(hostAndPort(addresses.value(int(index)))),
            qPrintable(QStringLiteral("%1, not of %2").arg(label, addresses.value(int(index)))));
    }
    // Each worker's clock, measured against ParViz's.
    QCOMPARE(run.workerClocks.size(), std::size_t(2));
    for (const WorkerClock &clock : run.workerClocks) {
        QVERIFY2(expected.contains(clock.pid), qPrintable(QString::number(clock.pid)));
        QVERIFY2(addresses.contains(clock.worker), qPrintable(clock.worker));
        QVERIFY(clock.uncertaintyNs >= 0);
    }

    QCOMPARE(cluster.connectedWorkers(), 2);
    for (pid_t pid : cluster.pids())
        QVERIFY(!test::processIsGone(pid));
}

// A worker killed while it runs a task: the scheduler hands the task to the other worker, the
// run still completes every task once, and the lost attempt is drawn as interrupted.
void tst_Dask::killedWorkersTaskRunsAgain()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    LocalDaskCluster cluster(2, 1);
    QVERIFY2(cluster.start(), qPrintable(cluster.error()));
    const std::vector<pid_t> workers = cluster.workerPids();
    const QStringList addresses = cluster.workerAddresses();
    const RunPlan plan =
        daskPlan(DurationSpec::fixed(100 * Ms), 12, 2, 1, cluster.schedulerAddress());
    RunSession session(plan);
    session.start();

    // The worker of a task that started moments ago, by the event's process or its row's label.
    auto workerRunningFreshTask = [&]() -> int {
        const auto snapshot = session.snapshot();
        const auto running = latestRunInFlight(*snapshot);
        if (!running || snapshot->takenAtNs() - running->startNs > 50 * Ms)
            return -1;
        const auto byPid = std::find(workers.begin(), workers.end(), running->pid);
        if (byPid != workers.end())
            return int(byPid - workers.begin());
        const QString label = snapshot->label(running->worker);
        for (int i = 0; i < addresses.size(); ++i) {
            if (!label.isEmpty() && label.contains(hostAndPort(addresses[i])))
                return i;
        }
        return -1;
    };
    int victim = -1;
    QTRY_VERIFY_WITH_TIMEOUT(
        (victim = workerRunningFreshTask()) >= 0 || session.isFinished(), 60000);
    QVERIFY2(victim >= 0, "the run ended before a worker was seen running a task");
    cluster.killWorker(victim);

    QVERIFY(session.wait(std::chrono::seconds(60)));
    const RunResult &run = session.result();
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    // Each task completes once: the metrics and the trace count it once. Its run may show twice
    // where the dead worker held its result before the program fetched it: Dask computes such
    // a result again, and both runs are drawn; the first is then the dead worker's.
    QCOMPARE(run.metrics.tasksCompleted, 12);
    QCOMPARE(run.trace->completedTasks(), std::int64_t(12));
    std::map<int, std::vector<TaskEvent>> finished;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.kind == EventKind::Run && !event.interrupted())
                finished[event.task].push_back(event);
        }
    }
    QCOMPARE(finished.size(), std::size_t(12));
    for (auto &[task, runs] : finished) {
        QVERIFY2(runs.size() <= 2,
            qPrintable(QStringLiteral("task %1 ran %2 times").arg(task).arg(runs.size())));
        if (runs.size() == 2) {
            std::sort(runs.begin(), runs.end(), [](const TaskEvent &a, const TaskEvent &b) {
                return a.startNs < b.startNs;
            });
            QCOMPARE(runs.front().pid, workers[static_cast<std::size_t>(victim)]);
            QVERIFY(runs.back().pid != workers[static_cast<std::size_t>(victim)]);
        }
    }
    int interrupted = 0;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane))
            interrupted += event.kind == EventKind::Run && event.interrupted();
    }
    QVERIFY2(interrupted >= 1, "no lost attempt is marked interrupted");
    QTRY_VERIFY_WITH_TIMEOUT(test::processIsGone(workers[std::size_t(victim)]), 5000);
}

void tst_Dask::stopLeavesNoProcessOfTheRun_data()
{
    QTest::addColumn<bool>("existing");
    QTest::newRow("embedded LocalCluster") << false;
    QTest::newRow("existing cluster") << true;
}

// Stop while the cluster's workers sleep: the run ends within seconds, and no process it started
// is left (the program, and a LocalCluster's scheduler and workers); a cluster that was there
// before stays up.
void tst_Dask::stopLeavesNoProcessOfTheRun()
{
    QFETCH(bool, existing);
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    std::optional<LocalDaskCluster> cluster;
    std::vector<pid_t> clusterPids;
    QString scheduler;
    if (existing) {
        cluster.emplace(2, 1);
        QVERIFY2(cluster->start(), qPrintable(cluster->error()));
        clusterPids = cluster->pids();
        scheduler = cluster->schedulerAddress();
    }
    QVERIFY2(descendantsExcept(clusterPids).empty(), "processes left by an earlier test");
    const RunPlan plan = daskPlan(DurationSpec::fixed(3000 * Ms), 8, 2, 1, scheduler);
    RunSession session(plan);
    session.start();
    bool seenRunning = false; // once seen, seen: QTRY looks more than once
    QTRY_VERIFY_WITH_TIMEOUT(
        (seenRunning = seenRunning || latestRunInFlight(*session.snapshot()).has_value())
            || session.isFinished(),
        60000);
    QVERIFY2(seenRunning, qPrintable(failureOf(session.result())));

    // What the run started, and the process groups they are in (this test's own aside).
    const std::vector<pid_t> started = descendantsExcept(clusterPids);
    QVERIFY(!started.empty());
    std::set<pid_t> groups;
    for (pid_t pid : started)
        groups.insert(processGroupOf(pid));
    groups.erase(::getpgrp());
    groups.erase(0);
    QVERIFY(!groups.empty());

    QElapsedTimer stop;
    stop.start();
    session.requestStop();
    QVERIFY(session.wait(std::chrono::seconds(10)));
    QVERIFY2(stop.elapsed() < 5000, qPrintable(QString::number(stop.elapsed())));
    const RunResult &run = session.result();
    QVERIFY(run.stopped);
    QVERIFY(run.metrics.tasksCompleted < 8);

    for (pid_t pid : started)
        QTRY_VERIFY2_WITH_TIMEOUT(test::processIsGone(pid),
            qPrintable(QStringLiteral("process %1 is left").arg(pid)),
            5000);
    QTRY_VERIFY_WITH_TIMEOUT(processesInGroups(groups).empty(), 5000);
    QTRY_VERIFY_WITH_TIMEOUT(descendantsExcept(clusterPids).empty(), 5000);
    if (existing) {
        for (pid_t pid : clusterPids)
            QVERIFY(!test::processIsGone(pid));
        QCOMPARE(cluster->connectedWorkers(), 2);
    }
}

// A scheduler address where nothing listens: the run fails within seconds, naming it.
void tst_Dask::deadSchedulerIsNamed()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    const int port = closedPort();
    QVERIFY(port > 0);
    const QString address = QStringLiteral("tcp://127.0.0.1:%1").arg(port);
    const RunPlan plan = daskPlan(DurationSpec::fixed(10 * Ms), 4, 2, 1, address);
    QElapsedTimer elapsed;
    elapsed.start();
    const RunResult run = executeRun(plan);
    // Dask's own connect timeout (5 s in the program) and an interpreter's start.
    QVERIFY2(elapsed.elapsed() < 15000, qPrintable(QString::number(elapsed.elapsed())));
    QVERIFY(run.error);
    QVERIFY2(run.error->message.contains(QStringLiteral("127.0.0.1:%1").arg(port)),
        qPrintable(run.error->message));
    QCOMPARE(run.metrics.tasksCompleted, 0);
    QTRY_VERIFY_WITH_TIMEOUT(descendantsExcept({}).empty(), 5000);
}

namespace {

// dask, or batched on joblib's dask backend: both run on the cluster, in CPython, on 2 workers
// of 2 threads.
RunPlan clusterPlanOf(const QString &strategy)
{
    RunPlan plan = daskPlan(DurationSpec::fixed(10 * Ms), 6, 2, 2);
    if (strategy == QLatin1String("dask"))
        return plan;
    StrategyOptions options = plan.options;
    options.backend = JoblibBackend::Dask;
    auto batched = makeRunPlan(strategy, plan.workload, plan.workerCount, options);
    if (!batched)
        qFatal("%s", qPrintable(batched.error().message));
    return *batched;
}

} // namespace

void tst_Dask::chosenInterpreterRunsTheProgram_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::newRow("dask") << QStringLiteral("dask");
    QTest::newRow("batched on dask") << QStringLiteral("batched");
}

// The interpreter the front end chose runs the program, and nothing looks for another:
// $PARVIZ_PYTHON names Debian's, which would be found, and the chosen one is a script in front
// of it that writes down each time it runs.
void tst_Dask::chosenInterpreterRunsTheProgram()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    QFETCH(QString, strategy);
    QTemporaryDir dir;
    const QString log = dir.filePath(QStringLiteral("used.log"));
    const QString wrapper = dir.filePath(QStringLiteral("python3"));
    QFile script(wrapper);
    QVERIFY(script.open(QIODevice::WriteOnly));
    script.write(QStringLiteral("#!/bin/sh\n"
                                "echo \"$*\" >> '%1'\n"
                                "exec /usr/bin/python3 \"$@\"\n")
                     .arg(log)
                     .toUtf8());
    script.close();
    QVERIFY(script.setPermissions(script.permissions() | QFileDevice::ExeOwner));
    auto found = findPython(QStringLiteral("/usr/bin/python3"));
    QVERIFY2(found, qPrintable(found ? QString() : found.error().message));
    PythonInterpreter chosen = *found;
    chosen.path = wrapper;

    RunPlan plan = clusterPlanOf(strategy);
    plan.python = std::make_shared<const PythonInterpreter>(chosen);
    const RunResult run = executeRun(plan);
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    QVERIFY2(everyTaskOnce(run, 6).isEmpty(), qPrintable(everyTaskOnce(run, 6)));
    QFile used(log);
    QVERIFY(used.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = used.readAll().trimmed().split('\n');
    // One start, the program's: no look for an interpreter (python3 -c ...) before it.
    QCOMPARE(lines.size(), 1);
    QVERIFY2(lines.first().endsWith(pythonFileName(plan).toUtf8()), lines.first().constData());
}

void tst_Dask::chosenInterpreterThatIsNotThereIsNamed_data()
{
    chosenInterpreterRunsTheProgram_data();
}

// A chosen interpreter that has gone since it was found fails the run, naming it; no other is
// looked for in its place. Either strategy's run has a row per worker thread. Needs no Dask.
void tst_Dask::chosenInterpreterThatIsNotThereIsNamed()
{
    QFETCH(QString, strategy);
    QTemporaryDir dir;
    PythonInterpreter gone;
    gone.path = dir.filePath(QStringLiteral("gone/python3"));
    gone.version = QStringLiteral("3.11.2");
    gone.hasJoblib = true;
    gone.hasDistributed = true;
    RunPlan plan = clusterPlanOf(strategy);
    plan.python = std::make_shared<const PythonInterpreter>(gone);
    QCOMPARE(laneCountOf(plan), 4);
    RunSession session(plan);
    QCOMPARE(session.laneCount(), 4);
    session.run();
    const RunResult &run = session.result();
    QVERIFY(run.error);
    QVERIFY2(run.error->message.contains(gone.path), qPrintable(run.error->message));
    QCOMPARE(run.metrics.tasksCompleted, 0);
}

QTEST_GUILESS_MAIN(tst_Dask)
#include "tst_dask.moc"
