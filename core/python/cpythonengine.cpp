#include "python/cpythonengine.h"

#include "python/programgroup.h"
#include "python/pythonsnippet.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "util/output.h"

#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>

#include <algorithm>
#include <csignal>
#include <cstring>
#include <map>
#include <tuple>
#include <unistd.h>
#include <vector>

namespace parviz {

namespace {

Error failure(const QString &message)
{
    return {QStringLiteral("python-failed"), message};
}

// Turns the program's trace lines into the recorder's lanes. The run's thread only.
//
// On a Dask cluster (WorkerKind::Cluster) the program also says which workers there are
// ("worker": a slot of threadsPerWorker rows each, its clock's offset), when one joined
// ("ready") and when one left ("lost"); a task's line names its worker. A worker's rows begin
// with its start-up; a row that waits for a task while tasks are queued (from "submit" on)
// shows dispatch. A worker that dies leaves its task open: the attempt ends interrupted when
// the scheduler says the worker is gone, or when the task starts again elsewhere, and a worker
// that replaces it takes its rows.
class TraceLineReader
{
public:
    TraceLineReader(RunContext &context, qint64 programPid)
        : m_context(context)
        , m_programPid(programPid)
        , m_hasMainRow(findStrategy(context.plan().strategy)->info.hasCaller)
        , m_cluster(runsOnCluster(context.plan().strategy, context.plan().options))
        , m_threadsPerWorker(context.plan().options.threadsPerWorker)
        , m_openLane(context.tasks().size(), -1)
        , m_completed(context.tasks().size(), false)
    { }

    // Reads one line of the program's standard output; false (with error()) if it is a trace
    // line that makes no sense.
    bool read(const QByteArray &line)
    {
        static const QByteArray marker(PythonTraceMarker);
        if (!line.startsWith(marker))
            return true; // the program's own output ("Finished in 0.31 seconds")
        const QJsonObject event = QJsonDocument::fromJson(line.mid(marker.size())).object();
        const QString kind = event.value(QLatin1String("e")).toString();
        const auto t = static_cast<std::int64_t>(event.value(QLatin1String("t")).toInteger(-1));
        const qint64 pid = event.value(QLatin1String("pid")).toInteger(-1);
        const qint64 tid = event.value(QLatin1String("tid")).toInteger(-1);
        if (kind.isEmpty() || t < 0 || pid < 0 || tid < 0)
            return fail(QStringLiteral("the program wrote a trace line ParViz cannot read: %1")
                            .arg(QString::fromUtf8(line.left(200))));
        const QString worker = event.value(QLatin1String("worker")).toString();
        if (kind == QLatin1String("begin")) {
            m_context.recorder().startClockAt(t);
            m_begun = true;
            if (m_hasMainRow)
                m_context.recorder().main().begin(-1, EventKind::Submit, 0);
            for (auto &[address, slot] : m_slots)
                startSlot(slot);
            return true;
        }
        // What a cluster says of its workers may come before the clock starts (an existing
        // cluster's, measured before the run), and times before it count as its start.
        const std::int64_t ns =
            m_begun ? std::max<std::int64_t>(0, m_context.recorder().fromMonotonic(t)) : 0;
        if (m_cluster && kind == QLatin1String("worker"))
            return numberWorker(event, worker);
        if (m_cluster && kind == QLatin1String("ready")) {
            workerReady(worker, ns);
            return true;
        }
        if (m_cluster && kind == QLatin1String("lost")) {
            workerLost(worker, ns);
            return true;
        }
        if (!m_begun)
            return fail(
                QStringLiteral("the program traced a %1 before its clock started").arg(kind));
        if (kind == QLatin1String("end")) {
            endMainRow(ns);
            return true;
        }
        if (kind == QLatin1String("submit")) {
            m_submittedNs = ns;
            return true;
        }
        const qint64 task = event.value(QLatin1String("task")).toInteger(-1);
        if (task < 0 || task >= static_cast<qint64>(m_context.tasks().size()))
            return fail(QStringLiteral("the program traced task %1, which is not one of its %2")
                            .arg(task)
                            .arg(m_context.tasks().size()));
        const int laneIndex = laneOf(worker, pid, tid, ns);
        if (laneIndex < 0)
            return false;
        TraceLane &lane = m_context.recorder().worker(laneIndex);
        Row &row = m_lanes[laneIndex];
        if (kind == QLatin1String("start")) {
            if (lane.isOpen())
                return fail(
                    QStringLiteral("task %1 started on a thread still running another").arg(task));
            if (const int lost = m_openLane[static_cast<std::size_t>(task)]; lost >= 0) {
                if (!m_cluster)
                    return fail(QStringLiteral("task %1 started twice at once").arg(task));
                // Run again elsewhere: its worker died before the scheduler said so.
                if (const auto dead = m_lanes.find(lost); dead != m_lanes.end())
                    workerLost(dead->second.worker, ns);
            }
            // The first task under way: everything that matters has been handed over.
            if (m_hasMainRow && !m_waiting && !m_mainEnded) {
                TraceLane &main = m_context.recorder().main();
                main.end(ns);
                main.begin(-1, EventKind::Wait, ns);
                m_waiting = true;
            }
            if (m_cluster && m_submittedNs) {
                // Idle while tasks were queued: the scheduler's hand-over.
                const std::int64_t idleFrom = std::max(row.freeNs, *m_submittedNs);
                if (idleFrom < ns)
                    lane.append(-1, EventKind::Dispatch, idleFrom, ns);
            }
            lane.begin(static_cast<std::int32_t>(task), EventKind::Run, ns);
            m_openLane[static_cast<std::size_t>(task)] = laneIndex;
            return true;
        }
        if (kind == QLatin1String("done")) {
            if (!lane.isOpen())
                return fail(QStringLiteral("task %1 ended without having started").arg(task));
            lane.end(ns);
            // A result lost with its worker is computed again: the task still completed once.
            if (!m_completed[static_cast<std::size_t>(task)]) {
                m_completed[static_cast<std::size_t>(task)] = true;
                lane.countCompletedTask();
            }
            row.freeNs = ns;
            m_openLane[static_cast<std::size_t>(task)] = -1;
            return true;
        }
        return fail(QStringLiteral("the program traced an unknown event '%1'").arg(kind));
    }

    // The program has gone: whatever is still open ends now, cut short if `cut` (Stop or a
    // failure), else it is a task the program lost.
    void finish(bool cut)
    {
        const std::int64_t now = std::max<std::int64_t>(0, m_context.now());
        for (int index = 0; index < m_context.recorder().workerCount(); ++index) {
            TraceLane &lane = m_context.recorder().worker(index);
            if (!lane.isOpen())
                continue;
            lane.end(now, EventFlag::Interrupted);
            if (!cut && !m_error)
                fail(QStringLiteral("a task started and never ended: the program lost it"));
        }
        endMainRow(now);
        for (WorkerClock &clock : m_pastClocks)
            m_context.addWorkerClock(std::move(clock));
        for (auto &[address, slot] : m_slots)
            m_context.addWorkerClock(slot.clock);
    }

    bool begun() const { return m_begun; }
    const std::optional<Error> &error() const { return m_error; }

private:
    // A Dask worker's rows: threadsPerWorker lanes from `firstLane`.
    struct Slot
    {
        int firstLane = 0;
        int threadsSeen = 0;
        std::optional<std::int64_t> readyNs; // when the scheduler heard it join
        std::int64_t startNs = 0; // when it was asked for: the run's start, or its
                                  // predecessor's loss
        bool started = false; // its spawn segments are drawn, or it was up before the run
        bool lost = false;
        WorkerClock clock;
    };
    // What a lane is running for.
    struct Row
    {
        QString worker;
        std::int64_t freeNs = 0; // since when it has had nothing to run
    };

    bool fail(const QString &message)
    {
        if (!m_error)
            m_error = failure(message);
        return false;
    }

    void endMainRow(std::int64_t ns)
    {
        if (!m_hasMainRow || m_mainEnded || !m_begun)
            return;
        m_context.recorder().main().end(ns);
        m_mainEnded = true;
    }

    // "worker": the program's numbering of a cluster's workers, and each one's clock.
    bool numberWorker(const QJsonObject &event, const QString &address)
    {
        const qint64 number = event.value(QLatin1String("slot")).toInteger(-1);
        const int slotCount = m_context.recorder().workerCount() / m_threadsPerWorker;
        if (address.isEmpty() || number < 0 || number >= slotCount)
            return fail(QStringLiteral("the program numbered worker %1 of %2 slotCount (%3)")
                            .arg(number)
                            .arg(slotCount)
                            .arg(address.left(80)));
        Slot &slot = m_slots[address];
        slot.firstLane = static_cast<int>(number) * m_threadsPerWorker;
        slot.clock = {address,
            static_cast<std::int32_t>(event.value(QLatin1String("worker_pid")).toInteger(0)),
            event.value(QLatin1String("offset")).toInteger(0),
            event.value(QLatin1String("uncertainty")).toInteger(0)};
        for (int k = 0; k < m_threadsPerWorker; ++k) {
            m_lanes[slot.firstLane + k].worker = address;
            m_context.recorder().worker(slot.firstLane + k).setLabel(rowLabel(address, k));
        }
        if (const auto joined = m_joined.find(address); joined != m_joined.end()) {
            slot.readyNs = joined->second;
            m_joined.erase(joined);
        }
        startSlot(slot);
        return true;
    }

    static QString rowLabel(QString address, int thread)
    {
        address.remove(QLatin1String("tcp://"));
        return QStringLiteral("%1 · thread %2").arg(address).arg(thread + 1);
    }

    // A worker's rows begin with its start-up, from when it was asked for to when the scheduler
    // heard it join; a worker that was up before the run has none.
    // Drawn once the worker's process is known (its first task, or its clock's reading), so
    // that they carry its pid, as every event of its rows does.
    void startSlot(Slot &slot)
    {
        if (slot.started || !m_begun || !slot.readyNs || slot.clock.pid == 0)
            return;
        slot.started = true;
        for (int k = 0; k < m_threadsPerWorker; ++k) {
            TraceLane &lane = m_context.recorder().worker(slot.firstLane + k);
            Row &row = m_lanes[slot.firstLane + k];
            const std::int64_t from = std::max(slot.startNs, row.freeNs);
            lane.setPid(slot.clock.pid);
            if (*slot.readyNs > from && !lane.isOpen())
                lane.append(-1, EventKind::Spawn, from, *slot.readyNs);
            row.freeNs = std::max(row.freeNs, *slot.readyNs);
        }
    }

    void workerReady(const QString &address, std::int64_t ns)
    {
        if (const auto known = m_slots.find(address); known != m_slots.end()) {
            known->second.readyNs = ns;
            startSlot(known->second);
            return;
        }
        // A worker that joins mid-run takes the rows of one that was lost, if any.
        for (auto it = m_slots.begin(); it != m_slots.end(); ++it) {
            if (!it->second.lost)
                continue;
            Slot slot;
            slot.firstLane = it->second.firstLane;
            slot.startNs = it->second.startNs;
            slot.readyNs = ns;
            slot.clock = {address, 0, 0, 0};
            m_pastClocks.push_back(it->second.clock);
            m_slots.erase(it);
            for (int k = 0; k < m_threadsPerWorker; ++k) {
                m_lanes[slot.firstLane + k].worker = address;
                m_context.recorder().worker(slot.firstLane + k).setLabel(rowLabel(address, k));
            }
            startSlot(m_slots[address] = slot);
            return;
        }
        m_joined[address] = ns; // numbered later, or joins beyond the run's workers
    }

    // The worker is gone: its tasks under way were lost (Dask runs them again), and its rows
    // are free for a worker that replaces it.
    void workerLost(const QString &address, std::int64_t ns)
    {
        const auto found = m_slots.find(address);
        if (found == m_slots.end() || found->second.lost)
            return;
        Slot &slot = found->second;
        slot.lost = true;
        slot.startNs = ns;
        for (int k = 0; k < m_threadsPerWorker; ++k) {
            const int index = slot.firstLane + k;
            TraceLane &lane = m_context.recorder().worker(index);
            // Its open event names the task it was running: only that task's lane is cleared.
            if (const std::optional<TaskEvent> open = lane.view().open) {
                // Dask runs it again elsewhere: this attempt says nothing of how it ends.
                lane.end(std::max(ns, open->startNs),
                    static_cast<std::uint8_t>(EventFlag::Interrupted | EventFlag::Abandoned));
                if (open->task >= 0 && m_openLane[static_cast<std::size_t>(open->task)] == index)
                    m_openLane[static_cast<std::size_t>(open->task)] = -1;
            }
            m_lanes[index].freeNs = ns;
        }
        std::erase_if(m_threads, [&](const auto &entry) {
            return entry.second >= slot.firstLane
                && entry.second < slot.firstLane + m_threadsPerWorker;
        });
    }

    // The row of a thread of a process (of a Dask worker), made when it runs its first task.
    // Returns -1 (with error()) when there is none for it.
    int laneOf(const QString &worker, qint64 pid, qint64 tid, std::int64_t ns)
    {
        const auto key = std::tuple{worker, pid, tid};
        if (const auto found = m_threads.find(key); found != m_threads.end())
            return found->second;
        int index = -1;
        if (m_cluster) {
            auto slot = m_slots.find(worker);
            if (slot == m_slots.end() && m_joined.contains(worker)) {
                workerReady(worker, m_joined[worker]); // a replacement, heard before its loss
                slot = m_slots.find(worker);
            }
            if (slot == m_slots.end()) {
                fail(QStringLiteral("a task ran on %1, which is not one of the run's workers")
                         .arg(worker.left(80)));
                return -1;
            }
            if (slot->second.threadsSeen >= m_threadsPerWorker) {
                fail(QStringLiteral("%1 ran tasks on more than its %2 threads")
                         .arg(worker.left(80))
                         .arg(m_threadsPerWorker));
                return -1;
            }
            index = slot->second.firstLane + slot->second.threadsSeen++;
            if (slot->second.clock.pid == 0) {
                slot->second.clock.pid = static_cast<std::int32_t>(pid);
                startSlot(slot->second);
            }
        } else {
            index = m_nextLane++;
            if (index >= m_context.recorder().workerCount()) {
                fail(QStringLiteral("the program ran tasks on more threads and processes than the "
                                    "%1 it was given")
                         .arg(m_context.recorder().workerCount()));
                return -1;
            }
        }
        m_threads.emplace(key, index);
        TraceLane &lane = m_context.recorder().worker(index);
        lane.setPid(static_cast<std::int32_t>(pid)); // the interpreter's, or a worker process's
        // A worker process's row begins with its start-up: from the pool's making to its first
        // task. A thread's start is not seen apart from its wait for work (or the GIL).
        if (!m_cluster && pid != m_programPid && ns > 0)
            lane.append(-1, EventKind::Spawn, 0, ns);
        return index;
    }

    RunContext &m_context;
    const qint64 m_programPid;
    const bool m_hasMainRow;
    const bool m_cluster;
    const int m_threadsPerWorker;
    bool m_begun = false;
    bool m_waiting = false;
    bool m_mainEnded = false;
    int m_nextLane = 0;
    std::optional<std::int64_t> m_submittedNs;
    std::map<std::tuple<QString, qint64, qint64>, int> m_threads;
    std::map<int, Row> m_lanes;
    std::map<QString, Slot> m_slots; // a cluster's workers, by address
    std::vector<WorkerClock> m_pastClocks; // of workers that were lost and replaced
    std::map<QString, std::int64_t> m_joined; // workers heard joining before being numbered
    std::vector<int> m_openLane; // per task: the lane running it, or -1
    std::vector<bool> m_completed; // per task
    std::optional<Error> m_error;
};

} // namespace

CPythonEngine::CPythonEngine(PythonInterpreter python)
    : m_python(std::move(python))
{ }

int CPythonEngine::laneCount(const RunPlan &plan) const
{
    return laneCountOf(plan); // a row per thread or process, as ParViz's own run has
}

QString CPythonEngine::engineName(const PythonInterpreter &python)
{
    return QStringLiteral("CPython %1").arg(python.version);
}

void CPythonEngine::run(RunContext &context)
{
    const RunPlan &plan = context.plan();
    if (auto runnable = m_python.canRun(plan); !runnable)
        return context.fail(runnable.error());
    QTemporaryDir dir;
    if (!dir.isValid())
        return context.fail(
            failure(QStringLiteral("cannot make a folder for the Python program: %1")
                        .arg(dir.errorString())));
    const QString path = dir.filePath(pythonFileName(plan));
    // Every byte checked (a full disk shows as ENOSPC on some write, or only on the last
    // flush): a program cut short would run as something else.
    const QByteArray program = pythonProgram(plan, PythonTracing::On).toUtf8();
    if (auto written = writeOutput(path,
            [&program](QIODevice &device) { return device.write(program) == program.size(); });
        !written)
        return context.fail(failure(
            QStringLiteral("cannot write the Python program: %1").arg(written.error().message)));

    QProcess python;
    // A group of its own, so that its worker processes go with it when it is stopped.
    // If ParViz itself is killed, the program sees its standard input end (QProcess holds the
    // other end of the pipe) and kills its group, removing its file first (PythonTracing::On):
    // the parent-death signal would kill the interpreter alone, leaving its workers and the
    // file behind.
    ProgramGroup::startAlone(python);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    python.setProcessEnvironment(environment);
    python.setWorkingDirectory(dir.path());
    python.start(m_python.path, {path});
    if (!python.waitForStarted(10'000))
        return context.fail(failure(
            QStringLiteral("cannot start %1: %2").arg(m_python.path, python.errorString())));
    ProgramGroup group(python.processId());

    TraceLineReader reader(context, group.id());
    QByteArray pending;
    QByteArray errors;
    auto drain = [&] {
        pending += python.readAllStandardOutput();
        qsizetype start = 0;
        for (qsizetype end; (end = pending.indexOf('\n', start)) >= 0; start = end + 1) {
            if (!reader.error())
                reader.read(pending.mid(start, end - start));
        }
        pending.remove(0, start);
        errors += python.readAllStandardError();
        if (errors.size() > 4 * MaxTracebackBytes)
            errors = errors.right(MaxTracebackBytes);
    };
    while (python.state() != QProcess::NotRunning) {
        python.waitForReadyRead(20);
        drain();
        if (context.stopRequested() || reader.error())
            group.stop();
    }
    python.waitForFinished(1000);
    drain();
    // Whatever of the program is still running (a worker it left behind) goes now.
    group.signal(SIGKILL);

    const bool cut = context.stopRequested() || reader.error().has_value();
    const bool crashed = python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0;
    reader.finish(cut || crashed);
    if (reader.error())
        return context.fail(*reader.error());
    if (context.stopRequested())
        return;
    if (crashed) {
        const QString how = python.exitStatus() == QProcess::NormalExit
            ? QStringLiteral("exited with code %1").arg(python.exitCode())
            : QStringLiteral("was killed (%1)").arg(python.errorString());
        return context.fail(
            failure(QStringLiteral("the Python program %1:\n%2").arg(how, tracebackTail(errors))));
    }
    if (!reader.begun())
        context.fail(failure(QStringLiteral("the Python program ended without tracing its run")));
}

std::unique_ptr<RunSession> makeCPythonSession(const RunPlan &plan, const PythonInterpreter &python)
{
    // Tasks without a GIL need a free-threaded build; one on PATH is used in place of `python`.
    // With none, the engine reports python.canRun()'s error when it starts.
    const auto found = pythonFor(plan, python);
    const PythonInterpreter chosen = found ? *found : python;
    return std::make_unique<RunSession>(
        plan, std::make_unique<CPythonEngine>(chosen), CPythonEngine::engineName(chosen));
}

RunResult executeInCPython(const RunPlan &plan, const PythonInterpreter &python)
{
    auto session = makeCPythonSession(plan, python);
    session->run();
    return session->takeResult();
}

} // namespace parviz
