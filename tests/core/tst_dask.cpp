#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "localdaskcluster.h"
#include "processes.h"
#include "python/interpreter.h"
#include "python/pythonsnippet.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "scripts.h"
#include "strategies/strategyregistry.h"

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
// one already running, started here as separate processes; joblib's dask backend on both. Every
// task once, a row per worker thread, a worker's clock on another machine's time moved onto
// ParViz's, a lost attempt when a worker dies, Stop that leaves nothing behind, a scheduler that
// is not there. Skipped without Debian's python3-distributed.
class tst_Dask : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void embeddedClusterRowPerWorkerThread();
    void joblibBatchIsOneDaskTask();
    void existingClusterRowsOnParVizsClockAndLeftRunning();
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

// A row per thread of each of `workers` worker processes (none of them this one), each row
// beginning with its worker's start-up, labelled with its worker's address on 127.0.0.1 (the two
// rows of a worker differ), its events in order and all of its worker's process.
QString rowPerWorkerThread(const TraceSnapshot &trace, int workers, int threadsPerWorker)
{
    if (trace.workerCount() != workers * threadsPerWorker)
        return QStringLiteral("%1 rows").arg(trace.workerCount());
    std::map<std::int32_t, int> rowsOfProcess;
    std::set<QString> labels;
    for (int lane = 0; lane < trace.workerCount(); ++lane) {
        const auto events = trace.events(lane);
        if (events.empty())
            return QStringLiteral("row %1 is empty").arg(lane);
        if (events.front().kind != EventKind::Spawn)
            return QStringLiteral("row %1 begins with %2")
                .arg(lane)
                .arg(eventKindName(events.front().kind));
        const QString label = trace.label(lane);
        if (!label.contains(QLatin1String("127.0.0.1:")))
            return QStringLiteral("row %1 is labelled '%2'").arg(lane).arg(label);
        labels.insert(label);
        const std::int32_t pid = events.back().pid;
        std::int64_t last = 0;
        for (const TaskEvent &event : events) {
            if (event.startNs < last || event.endNs < event.startNs)
                return QStringLiteral("row %1's events are out of order").arg(lane);
            if (event.pid != pid)
                return QStringLiteral("row %1 holds processes %2 and %3")
                    .arg(lane)
                    .arg(event.pid)
                    .arg(pid);
            last = event.endNs;
        }
        ++rowsOfProcess[pid];
    }
    if (static_cast<int>(rowsOfProcess.size()) != workers)
        return QStringLiteral("the rows hold %1 processes").arg(rowsOfProcess.size());
    for (const auto &[pid, rows] : rowsOfProcess) {
        if (pid == ::getpid())
            return QStringLiteral("a row is this process's");
        if (rows != threadsPerWorker)
            return QStringLiteral("process %1 has %2 rows").arg(pid).arg(rows);
    }
    if (static_cast<int>(labels.size()) != trace.workerCount())
        return QStringLiteral("%1 labels for %2 rows").arg(labels.size()).arg(trace.workerCount());
    return {};
}

// Saved and opened again, the run file gives back the very run: its strategy, events, task
// count and workers' clocks.
QString reopensTheSame(const RunResult &run)
{
    QTemporaryDir dir;
    const QString path = dir.filePath(QStringLiteral("dask.json"));
    if (const auto saved = saveRunJson(run, path); !saved)
        return saved.error().message;
    const auto back = loadRunJson(path);
    if (!back)
        return back.error().message;
    if (back->strategy.id != run.strategy.id)
        return QStringLiteral("the strategy is %1").arg(back->strategy.id);
    if (back->trace->workerCount() != run.trace->workerCount())
        return QStringLiteral("%1 rows").arg(back->trace->workerCount());
    for (int lane : run.trace->lanes()) {
        if (back->trace->events(lane) != run.trace->events(lane))
            return QStringLiteral("row %1 differs").arg(lane);
    }
    if (back->metrics.tasksCompleted != run.metrics.tasksCompleted)
        return QStringLiteral("%1 tasks completed").arg(back->metrics.tasksCompleted);
    if (back->workerClocks != run.workerClocks)
        return QStringLiteral("the workers' clocks differ");
    return {};
}

// The runs of a row in its order, split where the next task is not the next of the tasks:
// every one of joblib's batches runs its tasks in order on one thread, so each batch lies
// within one of these.
std::vector<std::vector<std::int32_t>> consecutiveRuns(const TraceSnapshot &trace)
{
    std::vector<std::vector<std::int32_t>> chains;
    for (int lane = 0; lane < trace.workerCount(); ++lane) {
        std::vector<std::int32_t> chain;
        for (const TaskEvent &event : trace.events(lane)) {
            if (event.kind != EventKind::Run)
                continue;
            if (!chain.empty() && event.task != chain.back() + 1) {
                chains.push_back(chain);
                chain.clear();
            }
            chain.push_back(event.task);
        }
        if (!chain.empty())
            chains.push_back(chain);
    }
    return chains;
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

    const QString rows = rowPerWorkerThread(*run.trace, 2, 2);
    QVERIFY2(rows.isEmpty(), qPrintable(rows));
    const QString reopened = reopensTheSame(run);
    QVERIFY2(reopened.isEmpty(), qPrintable(reopened));
}

// joblib's dask backend (batched, `--backend dask`) on a LocalCluster of 2 workers of 2 threads
// each: a row per worker thread as for the dask strategy, every task once, and each Dask task
// one of joblib's batches. joblib sends its first 2 x 4 batches (pre_dispatch) of one task
// each, then, the tasks being short, batches of several, each run in order on one thread.
void tst_Dask::joblibBatchIsOneDaskTask()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    WorkloadSpec workload;
    workload.taskCount = 400;
    workload.duration = DurationSpec::fixed(Ms / 2);
    StrategyOptions options;
    options.backend = JoblibBackend::Dask;
    options.threadsPerWorker = 2;
    const auto plan =
        makeRunPlan(QStringLiteral("batched"), workload, WorkerCount::exactly(2), options);
    QVERIFY2(plan, plan ? "" : qPrintable(plan.error().message));
    RunSession session(*plan);
    QCOMPARE(session.laneCount(), 4);
    session.run();
    const RunResult &run = session.result();
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    QCOMPARE(run.strategy.id, QStringLiteral("batched"));
    const QString once = everyTaskOnce(run, 400);
    QVERIFY2(once.isEmpty(), qPrintable(once));
    const QString rows = rowPerWorkerThread(*run.trace, 2, 2);
    QVERIFY2(rows.isEmpty(), qPrintable(rows));

    // The runs of each row split where a task does not follow the one before: every batch
    // lies within one of these stretches. One-task Dask tasks would make stretches of a task
    // or two, hundreds of them; joblib's batches, grown to 8 tasks and more, make few and long.
    const auto chains = consecutiveRuns(*run.trace);
    std::size_t longest = 0;
    for (const auto &chain : chains)
        longest = std::max(longest, chain.size());
    QVERIFY2(longest >= 8, qPrintable(QString::number(longest)));
    QVERIFY2(chains.size() <= 400 / 3, qPrintable(QString::number(chains.size())));
    const QString reopened = reopensTheSame(run);
    QVERIFY2(reopened.isEmpty(), qPrintable(reopened));
}

namespace {

// How far ahead the clock of the worker "on another machine" is.
constexpr std::int64_t ShiftNs = 1000'000'000'000;

// A `dask worker --preload` module: the worker's process reads the clocks and boot id as a
// machine booted ShiftNs earlier would. ParViz's program measures a worker's clock with
// time.monotonic_ns() and tells machines apart by /proc/sys/kernel/random/boot_id; Dask itself
// uses neither.
const char OtherMachine[] = R"py(import builtins
import io
import time

SHIFT_NS = %1
# Dask may import this module more than once: the clock is shifted once.
_monotonic_ns = getattr(time.monotonic_ns, "unshifted", time.monotonic_ns)
_open = getattr(builtins.open, "unshifted", builtins.open)


def monotonic_ns():
    return _monotonic_ns() + SHIFT_NS


def open(file, *args, **kwargs):
    if file == "/proc/sys/kernel/random/boot_id":
        return io.StringIO("00000000-0000-4000-8000-000000000001\n")
    return _open(file, *args, **kwargs)


monotonic_ns.unshifted = _monotonic_ns
open.unshifted = _open
time.monotonic_ns = monotonic_ns
builtins.open = open
)py";

// A run on a cluster whose worker 1 is ShiftNs ahead: the run measured that worker's clock's
// offset as ShiftNs, within half the tightest round trip (and a margin for the readings' own
// order), and worker 0's as nothing, for it shares ParViz's clock. On ParViz's clock every event
// of the workers' rows lies within the run (the caller's row, from the program's own lines),
// each task's run lasts about its task's time, and, if `interleaved`, the two workers' runs
// overlap.
QString movedOntoParVizsClock(const RunResult &run,
    const RunPlan &plan,
    const std::vector<pid_t> &workers,
    const QStringList &addresses,
    bool interleaved)
{
    if (run.workerClocks.size() != 2)
        return QStringLiteral("%1 workers' clocks").arg(run.workerClocks.size());
    for (const WorkerClock &clock : run.workerClocks) {
        const auto index = addresses.indexOf(clock.worker);
        if (index < 0 || clock.pid != workers[static_cast<std::size_t>(index)])
            return QStringLiteral("a clock of %1, process %2").arg(clock.worker).arg(clock.pid);
        const std::int64_t expected = index == 1 ? ShiftNs : 0;
        if (std::abs(clock.offsetNs - expected) > clock.uncertaintyNs + 50 * Ms
            || (index == 1 && clock.uncertaintyNs <= 0))
            return QStringLiteral("worker %1's clock is %2 ns ahead, give or take %3 ns")
                .arg(index)
                .arg(clock.offsetNs)
                .arg(clock.uncertaintyNs);
    }

    const auto caller = run.trace->events(MainLane);
    if (caller.empty())
        return QStringLiteral("the caller's row is empty");
    const std::int64_t spanEndNs = caller.back().endNs;
    std::map<std::int32_t, std::pair<std::int64_t, std::int64_t>> runSpan; // pid: first, last
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        for (const TaskEvent &event : run.trace->events(lane)) {
            if (event.startNs < 0 || event.endNs > spanEndNs)
                return QStringLiteral("row %1: %2 from %3 to %4 ns, the run ends at %5 ns")
                    .arg(lane)
                    .arg(eventKindName(event.kind))
                    .arg(event.startNs)
                    .arg(event.endNs)
                    .arg(spanEndNs);
            if (event.kind != EventKind::Run)
                continue;
            const std::int64_t planned =
                (*plan.tasks)[static_cast<std::size_t>(event.task)].durationNs;
            if (event.endNs - event.startNs < planned / 2)
                return QStringLiteral("task %1 lasts %2 ns")
                    .arg(event.task)
                    .arg(event.endNs - event.startNs);
            const auto span = runSpan.try_emplace(event.pid, event.startNs, event.endNs).first;
            span->second.first = std::min(span->second.first, event.startNs);
            span->second.second = std::max(span->second.second, event.endNs);
        }
    }
    if (!runSpan.contains(workers[0]) || !runSpan.contains(workers[1]))
        return QStringLiteral("a worker ran no task");
    if (!interleaved)
        return {};
    // As far as the shifted worker's offset is known.
    std::int64_t uncertaintyNs = 0;
    for (const WorkerClock &clock : run.workerClocks)
        uncertaintyNs = std::max(uncertaintyNs, clock.uncertaintyNs);
    const auto here = runSpan.at(workers[0]);
    const auto there = runSpan.at(workers[1]);
    if (there.first >= here.second + uncertaintyNs || here.first >= there.second + uncertaintyNs)
        return QStringLiteral("the workers' runs do not interleave: from %1 to %2 ns, and from "
                              "%3 to %4 ns give or take %5 ns")
            .arg(here.first)
            .arg(here.second)
            .arg(there.first)
            .arg(there.second)
            .arg(uncertaintyNs);
    return {};
}

} // namespace

// A cluster that was running before the runs and is still running after them, one of its two
// workers reading its clock as on another machine would, ShiftNs ahead. The dask strategy's
// run: the workers' processes are the rows, each labelled with its worker's address; then one
// of joblib's dask backend. Each run measures that worker's clock's offset and draws its tasks
// on ParViz's clock.
void tst_Dask::existingClusterRowsOnParVizsClockAndLeftRunning()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString preload = dir.filePath(QStringLiteral("other_machine.py"));
    QFile module(preload);
    QVERIFY(module.open(QIODevice::WriteOnly));
    module.write(QString::fromLatin1(OtherMachine).arg(ShiftNs).toUtf8());
    module.close();
    LocalDaskCluster cluster(2, 1);
    cluster.addWorkerArguments(1, {QStringLiteral("--preload"), preload});
    QVERIFY2(cluster.start(), qPrintable(cluster.error()));
    const std::vector<pid_t> workers = cluster.workerPids();
    const QStringList addresses = cluster.workerAddresses();

    const RunPlan plan =
        daskPlan(DurationSpec::uniform(20 * Ms, 50 * Ms), 12, 2, 1, cluster.schedulerAddress());
    const RunResult run = executeRun(plan);
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    const QString once = everyTaskOnce(run, 12);
    QVERIFY2(once.isEmpty(), qPrintable(once));
    QCOMPARE(run.trace->workerCount(), 2);
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
    // client.map hands both workers tasks at once: their runs overlap.
    const QString moved = movedOntoParVizsClock(run, plan, workers, addresses, true);
    QVERIFY2(moved.isEmpty(), qPrintable(moved));
    const QString reopened = reopensTheSame(run);
    QVERIFY2(reopened.isEmpty(), qPrintable(reopened));

    // joblib hands out one batch at a time, and Dask may leave a worker idle for a while.
    StrategyOptions options = plan.options;
    options.backend = JoblibBackend::Dask;
    const auto batched =
        makeRunPlan(QStringLiteral("batched"), plan.workload, WorkerCount::exactly(2), options);
    QVERIFY2(batched, batched ? "" : qPrintable(batched.error().message));
    const RunResult joblib = executeRun(*batched);
    QVERIFY2(joblib.ok(), qPrintable(failureOf(joblib)));
    const QString joblibOnce = everyTaskOnce(joblib, 12);
    QVERIFY2(joblibOnce.isEmpty(), qPrintable(joblibOnce));
    const QString joblibMoved = movedOntoParVizsClock(joblib, *batched, workers, addresses, false);
    QVERIFY2(joblibMoved.isEmpty(), qPrintable(joblibMoved));

    // Both runs' lines came over the workers' own connections to the program: none went
    // through the scheduler's event channel, where every task's messages already go.
    QCOMPARE(cluster.eventsOnTopics(QStringLiteral("parviz-")), 0);
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
    // Tasks long enough that a look every 50 ms (QTRY's) finds one in its first half even on a
    // slow machine (ThreadSanitizer, others' builds): the kill then lands while it runs.
    constexpr std::int64_t TaskNs = 300 * Ms;
    const RunPlan plan =
        daskPlan(DurationSpec::fixed(TaskNs), 12, 2, 1, cluster.schedulerAddress());
    RunSession session(plan);
    session.start();

    // The worker of a task that started moments ago, by the event's process or its row's label.
    auto workerRunningFreshTask = [&]() -> int {
        const auto snapshot = session.snapshot();
        const auto running = latestRunInFlight(*snapshot);
        if (!running || snapshot->takenAtNs() - running->startNs > TaskNs / 2)
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
        groups.insert(test::processGroupOf(pid));
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
    QTRY_VERIFY_WITH_TIMEOUT(test::processesInGroups(groups).empty(), 5000);
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
    QVERIFY(test::writeLoggingPython(wrapper, log));
    auto found = findPython(QStringLiteral("/usr/bin/python3"));
    QVERIFY2(found, qPrintable(found ? QString() : found.error().message));
    PythonInterpreter chosen = *found;
    chosen.path = wrapper;

    RunPlan plan = clusterPlanOf(strategy);
    plan.python = std::make_shared<const PythonInterpreter>(chosen);
    const RunResult run = executeRun(plan);
    QVERIFY2(run.ok(), qPrintable(failureOf(run)));
    QVERIFY2(everyTaskOnce(run, 6).isEmpty(), qPrintable(everyTaskOnce(run, 6)));
    const QList<QByteArray> lines = test::loggedStarts(log);
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
