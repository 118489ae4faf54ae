#include "strategies/processpool.h"

#include "process/reusableworkers.h"
#include "process/workerlocator.h"
#include "process/workerprocess.h"
#include "process/workerprotocol.h"
#include "strategies/callerrow.h"
#include "util/format.h"
#include "workload/cpuwork.h"

#include <QStringList>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <deque>
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace parviz {

namespace {

// executor.map's chunks: C consecutive tasks at a time, in order.
class ChunkFeed final : public PoolFeed
{
public:
    ChunkFeed(std::size_t taskCount, std::size_t chunkSize)
        : m_chunkSize(chunkSize)
    {
        for (std::size_t i = 0; i < taskCount; ++i)
            m_pending.push_back(i);
    }

    Group take() override
    {
        Group group;
        for (; group.tasks.size() < m_chunkSize && !m_pending.empty(); m_pending.pop_front())
            group.tasks.push_back(m_pending.front());
        return group;
    }
    // While plenty of work is queued: at the end, no worker should idle while a task waits
    // behind another worker's chunk.
    bool sendsAhead(std::size_t workers) const override
    {
        return m_pending.size() >= workers * m_chunkSize;
    }
    void completed(std::int64_t) override { }
    void putBack(Group group) override
    {
        m_pending.insert(m_pending.begin(), group.tasks.begin(), group.tasks.end());
    }
    bool exhausted() const override { return m_pending.empty(); }
    // A chunk size of 1 makes no groups.
    bool marksGroups() const override { return m_chunkSize > 1; }

private:
    const std::size_t m_chunkSize;
    std::deque<std::size_t> m_pending; // task indices not yet handed out
};

// One run of the pool: its worker processes, the feed of tasks not yet handed out, and the
// loop that talks to the workers. Everything here runs on the run's main thread, which is also
// the only writer of the worker lanes: events arrive as the workers' reports.
class PoolRun
{
public:
    PoolRun(RunContext &context, std::string workerPath, PoolFeed &feed, PoolWorkers workers);
    ~PoolRun();
    void run();

private:
    // Tasks sent to a worker in one message.
    struct Chunk
    {
        std::size_t tasks = 0;
        std::size_t left = 0; // those not finished yet
        std::int64_t tag = 0; // the feed's
    };
    struct Slot
    {
        int index = 0;
        std::unique_ptr<WorkerProcess> process;
        protocol::LineReader reader;
        std::int64_t requestedNs = 0; // run time when the process was asked for
        bool ready = false;
        bool endOfOutput = false;
        std::int64_t endOfOutputNs = 0;
        bool expectedToExit = false; // told to stop, or that there is no more work
        std::deque<std::size_t> assigned; // tasks sent and not yet finished, in order
        std::deque<Chunk> chunks; // the chunks those tasks were sent in, in order
        std::optional<std::int32_t> running; // the task it reported started
        // What it said that made no sense ("sent a malformed message at byte 3: ..."): it is
        // killed, and the run fails once it is reaped, saying how it ended too.
        std::optional<QString> protocolProblem;
        std::optional<protocol::ParseError> cutOff; // its output ended inside a message
        // When it last became idle with no task to run (run time, its own clock): a round
        // trip to the parent follows until its next start.
        std::optional<std::int64_t> idleSinceNs;
        // When this process last heard from it, or last sent it tasks (run time): a worker
        // holding a task that stays silent far longer than the task should take is stalled.
        std::int64_t lastHeardNs = 0;
        // Why it was killed as stalled ("has not reported for 10.0 s ..."), for its death.
        std::optional<QString> stalled;
        // Left running by a previous run and not heard from in this one yet: if it turns out to
        // have died meanwhile, a new worker takes its place, whatever the policy.
        bool adopted = false;

        // Its output ended or it was killed: it is leaving, and only its reaping is left.
        bool going() const { return endOfOutput || process->killed(); }
    };

    bool spawn(Slot &slot);
    std::optional<std::int64_t> stallDeadline(const Slot &slot) const;
    void checkStalled(Slot &slot, std::int64_t now);
    void restart(Slot &slot);
    void adopt(Slot &slot, std::unique_ptr<WorkerProcess> process);
    void resetSlot(Slot &slot, std::unique_ptr<WorkerProcess> process);
    void sendChunk(Slot &slot);
    void assignWork(Slot &slot);
    void assignWorkToIdle();
    void sendAhead(Slot &slot);
    void handleReport(Slot &slot, const protocol::Report &report);
    void handleOutput(Slot &slot, const std::string &bytes);
    void handleExit(Slot &slot);
    void beginStop();
    void endWhenDone();
    bool allExited() const;
    std::int64_t pollTimeoutMs() const;
    void protocolFailure(Slot &slot, const protocol::ParseError &error);
    QString describe(const Slot &slot) const;
    QString describeHeld(const Slot &slot) const;
    std::int64_t toRunTime(std::int64_t monotonicNs) const
    {
        return m_context.recorder().fromMonotonic(monotonicNs);
    }

    RunContext &m_context;
    const std::string m_workerPath;
    std::vector<std::string> m_arguments;
    std::vector<Slot> m_slots;
    PoolFeed &m_feed;
    const PoolWorkers m_workers;
    std::vector<int> m_attempts; // per task: how many workers died holding it
    int m_idleDeaths = 0; // workers that died holding no task (before ready, or idle)
    bool m_stopping = false;
    std::int64_t m_killAtNs = 0;
    int m_wakeFd = -1; // written when Stop is requested, so poll() wakes
};

PoolRun::PoolRun(RunContext &context, std::string workerPath, PoolFeed &feed, PoolWorkers workers)
    : m_context(context)
    , m_workerPath(std::move(workerPath))
    , m_slots(static_cast<std::size_t>(context.plan().workers))
    , m_feed(feed)
    , m_workers(workers)
    , m_attempts(context.tasks().size(), 0)
    , m_wakeFd(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    m_arguments = {
        "--protocol", std::to_string(protocol::Version), "--parent", std::to_string(::getpid())};
    const auto &tasks = context.tasks();
    // Workers do the same arithmetic per millisecond as this process's threads.
    if (std::any_of(
            tasks.begin(), tasks.end(), [](const TaskSpec &task) { return task.cpuNs() > 0; })) {
        m_arguments.push_back("--calibration");
        m_arguments.push_back(std::to_string(CpuWork::calibrated().iterationsPerMs()));
    }
    for (std::size_t i = 0; i < m_slots.size(); ++i)
        m_slots[i].index = static_cast<int>(i);
}

PoolRun::~PoolRun()
{
    // Slots' destructors kill and reap any worker still running.
    if (m_wakeFd >= 0)
        ::close(m_wakeFd);
}

QString PoolRun::describe(const Slot &slot) const
{
    return slot.process
        ? QStringLiteral("worker %1 (pid %2)").arg(slot.index).arg(slot.process->pid())
        : QStringLiteral("worker %1").arg(slot.index);
}

QString PoolRun::describeHeld(const Slot &slot) const
{
    if (slot.running)
        return QStringLiteral("while running task %1").arg(*slot.running);
    QStringList ids;
    for (std::size_t task : slot.assigned)
        ids << QString::number(m_context.tasks()[task].id);
    auto tasks = [](const QStringList &list) {
        return QStringLiteral("task%1 %2")
            .arg(
                list.size() > 1 ? QStringLiteral("s") : QString(), list.join(QStringLiteral(", ")));
    };
    // A worker is sent its first tasks as it is started, so one that never got ready may hold
    // some: they were not its undoing.
    if (!slot.ready) {
        return ids.isEmpty()
            ? QStringLiteral("before it was ready")
            : QStringLiteral("before it was ready (%1 waiting for it)").arg(tasks(ids));
    }
    if (ids.isEmpty())
        return QStringLiteral("while idle");
    const QString first = QStringLiteral("before starting task %1").arg(ids.takeFirst());
    return ids.isEmpty() ? first
                         : QStringLiteral("%1, with %2 queued after it").arg(first, tasks(ids));
}

bool PoolRun::spawn(Slot &slot)
{
    slot.requestedNs = m_context.now();
    auto started = m_workers == PoolWorkers::Reused
        ? ReusableWorkers::instance().start(m_workerPath, m_arguments)
        : WorkerProcess::start(m_workerPath, m_arguments);
    if (!started) {
        m_context.fail(started.error());
        return false;
    }
    resetSlot(slot, std::move(started).value());
    assignWork(slot);
    return true;
}

void PoolRun::adopt(Slot &slot, std::unique_ptr<WorkerProcess> process)
{
    // A worker a previous run left running: ready at once, with no spawn on its row; its wait
    // for its first tasks is a dispatch.
    slot.requestedNs = m_context.now();
    resetSlot(slot, std::move(process));
    slot.ready = true;
    slot.adopted = true;
    slot.idleSinceNs = slot.requestedNs;
    assignWork(slot);
}

void PoolRun::resetSlot(Slot &slot, std::unique_ptr<WorkerProcess> process)
{
    slot.process = std::move(process);
    slot.reader = {};
    slot.ready = false;
    slot.endOfOutput = false;
    slot.expectedToExit = false;
    slot.running.reset();
    slot.protocolProblem.reset();
    slot.cutOff.reset();
    slot.idleSinceNs.reset();
    slot.stalled.reset();
    slot.adopted = false;
    slot.lastHeardNs = m_context.now();
    m_context.recorder().worker(slot.index).setPid(static_cast<std::int32_t>(slot.process->pid()));
}

void PoolRun::sendChunk(Slot &slot)
{
    PoolFeed::Group group = m_feed.take();
    if (group.tasks.empty())
        return;
    std::string chunk;
    const auto &tasks = m_context.tasks();
    for (const std::size_t task : group.tasks) {
        slot.assigned.push_back(task);
        chunk += protocol::encodeTask(tasks[task]);
    }
    slot.chunks.push_back({group.tasks.size(), group.tasks.size(), group.tag});
    // Tasks sent to an idle worker: it has until they are due to say it started one.
    if (!slot.running)
        slot.lastHeardNs = std::max(slot.lastHeardNs, m_context.now());
    slot.process->send(chunk); // a worker that is gone shows as end of output
}

void PoolRun::assignWork(Slot &slot)
{
    // A worker still starting gets its first chunk at once, as ProcessPoolExecutor fills its
    // call queue before any worker is up: it finds its work waiting when it is ready, rather
    // than waiting a round trip for it.
    if (m_stopping || !slot.process || !slot.assigned.empty())
        return;
    sendChunk(slot);
}

void PoolRun::assignWorkToIdle()
{
    // A completion may make work ready (joblib dispatches a batch as one completes) that a
    // worker other than the one that finished can take.
    for (Slot &slot : m_slots) {
        if (slot.process && !slot.going() && !slot.expectedToExit)
            assignWork(slot);
    }
}

void PoolRun::sendAhead(Slot &slot)
{
    // A worker that starts on its last chunk is sent the next one while it works, as
    // ProcessPoolExecutor keeps more calls queued than it has workers: when it finishes, its
    // next task is waiting, and no round trip to this process stands between the two. Only
    // while every worker could still be given a chunk, so that at the end no worker idles
    // while a task waits behind another worker's.
    if (m_stopping || !slot.process || slot.chunks.size() != 1
        || !m_feed.sendsAhead(m_slots.size()))
        return;
    sendChunk(slot);
}

void PoolRun::handleReport(Slot &slot, const protocol::Report &report)
{
    using Kind = protocol::Report::Kind;
    TraceLane &lane = m_context.recorder().worker(slot.index);
    const std::int64_t at = toRunTime(report.timeNs);
    slot.lastHeardNs = m_context.now();
    slot.adopted = false;
    auto unexpected = [&](const char *what) {
        protocolFailure(slot, {0, std::string("an unexpected report: ") + what});
    };

    switch (report.kind) {
    case Kind::Ready:
        if (slot.ready || report.pid != slot.process->pid())
            return unexpected("ready");
        slot.ready = true;
        lane.append(-1, EventKind::Spawn, slot.requestedNs, std::max(at, slot.requestedNs));
        slot.idleSinceNs = std::max(at, slot.requestedNs);
        assignWork(slot);
        return;
    case Kind::Start: {
        if (!slot.ready || slot.running || slot.assigned.empty()
            || m_context.tasks()[slot.assigned.front()].id != report.task)
            return unexpected("start");
        if (slot.idleSinceNs && at > *slot.idleSinceNs)
            lane.append(-1, EventKind::Dispatch, *slot.idleSinceNs, at);
        slot.idleSinceNs.reset();
        // The first task of a chunk starts a group on the row, where the feed makes groups.
        const Chunk &chunk = slot.chunks.front();
        const bool startsChunk = m_feed.marksGroups() && chunk.left == chunk.tasks;
        lane.begin(report.task, EventKind::Run, at, startsChunk ? EventFlag::GroupStart : 0);
        slot.running = report.task;
        sendAhead(slot);
        return;
    }
    case Kind::Done:
    case Kind::Failed: {
        if (slot.running != report.task)
            return unexpected(report.kind == Kind::Done ? "done" : "failed");
        const bool failed = report.kind == Kind::Failed;
        lane.end(at, failed ? EventFlag::Failed : report.interrupted ? EventFlag::Interrupted : 0);
        slot.running.reset();
        slot.assigned.pop_front();
        const bool chunkDone = --slot.chunks.front().left == 0;
        const std::int64_t tag = slot.chunks.front().tag;
        if (chunkDone)
            slot.chunks.pop_front();
        if (failed) {
            m_context.fail({QStringLiteral("task-failed"),
                QStringLiteral("task %1 failed on worker %2: %3")
                    .arg(report.task)
                    .arg(slot.index)
                    .arg(QString::fromStdString(report.message))});
            return;
        }
        if (!report.interrupted)
            lane.countCompletedTask();
        // Between chunks the worker takes its next one: from its input at once when it was sent
        // ahead, else after a round trip to this process. Either is its dispatch.
        if (chunkDone) {
            slot.idleSinceNs = at;
            if (!report.interrupted)
                m_feed.completed(tag);
        }
        assignWork(slot);
        if (chunkDone)
            assignWorkToIdle();
        return;
    }
    case Kind::Error:
        m_context.fail({QStringLiteral("protocol-error"),
            QStringLiteral("%1 could not read what ParViz sent it, at byte %2: %3")
                .arg(describe(slot))
                .arg(report.offset)
                .arg(QString::fromStdString(report.message))});
        return;
    }
}

void PoolRun::protocolFailure(Slot &slot, const protocol::ParseError &error)
{
    if (slot.protocolProblem)
        return;
    // What it held and how it ended are only known once it is reaped, in a few milliseconds:
    // the run fails then (handleExit), naming all three.
    slot.protocolProblem = QStringLiteral("sent a malformed message at byte %1: %2")
                               .arg(error.offset)
                               .arg(QString::fromStdString(error.message));
    slot.process->kill(SIGKILL);
}

void PoolRun::handleOutput(Slot &slot, const std::string &bytes)
{
    slot.reader.append(bytes);
    while (!slot.protocolProblem) { // nothing it says after a lie counts
        auto next = slot.reader.next();
        if (std::holds_alternative<std::monostate>(next))
            return;
        if (auto *failure = std::get_if<protocol::ParseError>(&next))
            return protocolFailure(slot, *failure);
        auto report = protocol::parseReport(std::get<protocol::LineReader::Line>(next));
        if (auto *failure = std::get_if<protocol::ParseError>(&report))
            return protocolFailure(slot, *failure);
        handleReport(slot, std::get<protocol::Report>(report));
    }
}

void PoolRun::handleExit(Slot &slot)
{
    const WorkerProcess::Exit exit = *slot.process->exit();
    TraceLane &lane = m_context.recorder().worker(slot.index);
    const bool clean = !exit.signalled && exit.code == 0;
    const bool died =
        slot.protocolProblem || !slot.expectedToExit || !slot.assigned.empty() || !clean;

    if (!died)
        return;
    if (slot.protocolProblem) {
        // A worker that lies is not replaced: its successor would be the same program.
        if (lane.isOpen())
            lane.end(m_context.now(), EventFlag::Failed);
        m_context.fail({QStringLiteral("protocol-error"),
            QStringLiteral("%1 %2, %3; then it %4")
                .arg(describe(slot), *slot.protocolProblem, describeHeld(slot), exit.describe())});
        return;
    }
    if (m_stopping && slot.expectedToExit) {
        // Stopped: whatever it held was interrupted, not lost.
        if (lane.isOpen())
            lane.end(m_context.now(), EventFlag::Interrupted);
        return;
    }

    if (slot.adopted && !slot.stalled && !m_context.stopRequested()) {
        // A kept worker that died while it waited for this run (killed from outside, or by a
        // crash between runs): it ran nothing of this run, so its place is simply filled.
        restart(slot);
        return;
    }

    // A clean exit while it held tasks means their replies never came.
    // A stalled worker was killed by this process: its silence is the news, not the signal.
    QString what = slot.stalled
        ? QStringLiteral("%1 %2; it was killed").arg(describe(slot), *slot.stalled)
        : QStringLiteral("%1 %2%3 %4")
              .arg(describe(slot),
                  exit.describe(),
                  clean && slot.ready && !slot.assigned.empty()
                      ? QStringLiteral(" without replying")
                      : QString(),
                  describeHeld(slot));
    const QString code =
        slot.stalled ? QStringLiteral("worker-stalled") : QStringLiteral("worker-died");
    if (slot.cutOff)
        what += QStringLiteral("; %1 (byte %2)")
                    .arg(QString::fromStdString(slot.cutOff->message))
                    .arg(slot.cutOff->offset);
    const auto &options = m_context.plan().options;
    // Not once the run is ending (stopped, or failed for another reason).
    const bool retry = options.onWorkerDeath == StrategyOptions::WorkerDeath::Restart && !m_stopping
        && !m_context.stopRequested();
    // The task it was running is lost with it; with Restart it runs again elsewhere.
    if (lane.isOpen())
        lane.end(m_context.now(),
            static_cast<std::uint8_t>(EventFlag::Failed | (retry ? EventFlag::Abandoned : 0)));
    // The task it held, started or not, is charged with its death; a worker that dies before it
    // is ready, or holding nothing, counts against the run. Either way restarts end.
    if (retry && slot.ready && !slot.assigned.empty()) {
        const std::size_t task = slot.assigned.front();
        if (++m_attempts[task] >= ProcessPoolStrategy::MaxAttempts) {
            m_context.fail({code,
                QStringLiteral("%1; task %2 has now taken down %3 workers and is not "
                               "tried again")
                    .arg(what)
                    .arg(m_context.tasks()[task].id)
                    .arg(ProcessPoolStrategy::MaxAttempts)});
            return;
        }
    } else if (retry && ++m_idleDeaths >= ProcessPoolStrategy::MaxAttempts) {
        m_context.fail({code,
            QStringLiteral("%1; %2 workers have now died before they were ready or without a "
                           "task, and none is started again")
                .arg(what)
                .arg(ProcessPoolStrategy::MaxAttempts)});
        return;
    }
    if (!retry) {
        m_context.fail({code, what});
        return;
    }
    restart(slot);
}

void PoolRun::restart(Slot &slot)
{
    // Its tasks go back to the front of the queue, in order and in the groups they were sent
    // in, and a new worker takes the row (a second spawn, a new pid).
    std::vector<PoolFeed::Group> groups;
    auto task = slot.assigned.begin();
    for (const Chunk &chunk : slot.chunks) {
        PoolFeed::Group group{{}, chunk.tag};
        for (std::size_t i = 0; i < chunk.left && task != slot.assigned.end(); ++i)
            group.tasks.push_back(*task++);
        groups.push_back(std::move(group));
    }
    for (auto group = groups.rbegin(); group != groups.rend(); ++group)
        m_feed.putBack(std::move(*group));
    slot.assigned.clear();
    slot.chunks.clear();
    spawn(slot);
}

std::optional<std::int64_t> PoolRun::stallDeadline(const Slot &slot) const
{
    // Only a ready worker that holds a task owes a report; one still starting has its own
    // timeout, and one that is going is being reaped.
    if (!slot.process || !slot.ready || slot.going() || slot.stalled || slot.assigned.empty())
        return std::nullopt;
    const TaskSpec &task = m_context.tasks()[slot.assigned.front()];
    return slot.lastHeardNs + m_context.plan().options.stallBoundNs(task.durationNs);
}

void PoolRun::checkStalled(Slot &slot, std::int64_t now)
{
    const auto deadline = stallDeadline(slot);
    if (!deadline || now < *deadline)
        return;
    const TaskSpec &task = m_context.tasks()[slot.assigned.front()];
    slot.stalled =
        QStringLiteral("sent nothing for %1 %2, planned to take %3 (a worker is stalled after "
                       "%4 of silence: ten times its task's plan, or the stall timeout)")
            .arg(formatDuration(now - slot.lastHeardNs),
                slot.running ? QStringLiteral("while running task %1").arg(task.id)
                             : QStringLiteral("before starting task %1").arg(task.id),
                formatDuration(task.durationNs),
                formatDuration(m_context.plan().options.stallBoundNs(task.durationNs)));
    slot.process->kill(SIGKILL);
}

void PoolRun::beginStop()
{
    m_stopping = true;
    m_killAtNs = m_context.now() + ProcessPoolStrategy::StopGraceNs;
    for (Slot &slot : m_slots) {
        if (!slot.process || slot.process->exit())
            continue;
        slot.expectedToExit = true;
        slot.process->send(protocol::encodeStop());
        slot.process->closeInput();
    }
}

void PoolRun::endWhenDone()
{
    if (m_stopping || m_context.stopRequested() || !m_feed.exhausted())
        return;
    for (const Slot &slot : m_slots) {
        if (!slot.assigned.empty())
            return;
    }
    // Every task is done. Workers that are kept wait, idle, for the next run; the others, like
    // shutdown(wait=True), see the end of their input.
    std::vector<std::unique_ptr<WorkerProcess>> kept;
    for (Slot &slot : m_slots) {
        if (!slot.process || slot.expectedToExit)
            continue;
        if (m_workers == PoolWorkers::Reused && slot.ready && !slot.going() && !slot.protocolProblem
            && !slot.process->hasOutput()) {
            kept.push_back(std::move(slot.process));
            continue;
        }
        slot.expectedToExit = true;
        slot.process->closeInput();
    }
    if (!kept.empty())
        ReusableWorkers::instance().keep(m_workerPath, m_arguments, std::move(kept));
    if (allExited())
        return;
    // Workers leave within milliseconds; give one still starting up as long as it may take.
    if (m_killAtNs == 0)
        m_killAtNs = m_context.now() + m_context.plan().options.workerStartTimeoutNs;
}

bool PoolRun::allExited() const
{
    return std::all_of(m_slots.begin(), m_slots.end(), [](const Slot &slot) {
        return !slot.process || slot.process->exit();
    });
}

std::int64_t PoolRun::pollTimeoutMs() const
{
    const std::int64_t now = m_context.now();
    std::int64_t next = now + 1'000'000'000;
    const std::int64_t startTimeout = m_context.plan().options.workerStartTimeoutNs;
    for (const Slot &slot : m_slots) {
        if (!slot.process || slot.process->exit())
            continue;
        if (!slot.ready)
            next = std::min(next, slot.requestedNs + startTimeout);
        if (const auto deadline = stallDeadline(slot); deadline && !m_stopping)
            next = std::min(next, *deadline);
        // Reap soon; a worker's exit descriptor, where there is one, wakes the poll at once.
        if (slot.going() && slot.process->exitFd() < 0)
            next = std::min(next, now + 2'000'000);
    }
    if (m_killAtNs > 0)
        next = std::min(next, m_killAtNs);
    return std::clamp<std::int64_t>((next - now + 999'999) / 1'000'000, 0, 1000);
}

void PoolRun::run()
{
    CallerRow caller(m_context);
    std::stop_callback wake(m_context.stopToken(), [this] {
        const std::uint64_t one = 1;
        [[maybe_unused]] const auto written = ::write(m_wakeFd, &one, sizeof one);
    });
    std::vector<std::unique_ptr<WorkerProcess>> reused;
    if (m_workers == PoolWorkers::Reused)
        reused = ReusableWorkers::instance().take(m_workerPath, m_arguments, m_slots.size());
    for (std::size_t i = 0; i < m_slots.size(); ++i) {
        if (m_context.stopRequested())
            break;
        if (i < reused.size())
            adopt(m_slots[i], std::move(reused[i]));
        else if (!spawn(m_slots[i]))
            break;
    }
    caller.startWaiting();

    std::vector<pollfd> fds;
    std::vector<Slot *> polled;
    while (!allExited()) {
        if (m_context.stopRequested() && !m_stopping)
            beginStop();
        endWhenDone();
        if (allExited())
            break; // every worker was kept for the next run

        fds.assign(1, pollfd{m_wakeFd, POLLIN, 0});
        polled.clear();
        for (Slot &slot : m_slots) {
            if (!slot.process || slot.process->exit() || slot.endOfOutput)
                continue;
            fds.push_back(
                {slot.process->fd(), short(POLLIN | (slot.process->hasOutput() ? POLLOUT : 0)), 0});
            polled.push_back(&slot);
        }
        // Those going (their output ended, or they were killed): their exit wakes the poll, so
        // that the last one's ends the run without waiting for a timer.
        for (Slot &slot : m_slots) {
            if (slot.process && !slot.process->exit() && slot.process->exitFd() >= 0
                && slot.going())
                fds.push_back({slot.process->exitFd(), POLLIN, 0});
        }
        const int ready = ::poll(fds.data(), fds.size(), static_cast<int>(pollTimeoutMs()));
        if (ready < 0 && errno != EINTR) {
            m_context.fail({QStringLiteral("poll-failed"),
                QStringLiteral("cannot wait for the worker processes")});
            beginStop();
        }
        if (fds[0].revents & POLLIN) {
            std::uint64_t count = 0;
            [[maybe_unused]] const auto read = ::read(m_wakeFd, &count, sizeof count);
        }
        for (std::size_t i = 0; i < polled.size(); ++i) {
            Slot &slot = *polled[i];
            const short events = fds[i + 1].revents;
            if (events & POLLOUT)
                slot.process->flush();
            if (events & (POLLIN | POLLHUP | POLLERR)) {
                const auto bytes = slot.process->read();
                if (bytes && !bytes->empty())
                    handleOutput(slot, *bytes);
                if (!bytes) {
                    slot.endOfOutput = true;
                    slot.endOfOutputNs = m_context.now();
                    // Cut off mid-message: it died or is dying, which handleExit reports.
                    const auto truncated = slot.reader.finish();
                    if (const auto *error = std::get_if<protocol::ParseError>(&truncated))
                        slot.cutOff = *error;
                }
            }
        }

        const std::int64_t now = m_context.now();
        for (Slot &slot : m_slots) {
            if (!slot.process || slot.process->exit())
                continue;
            if (!slot.ready && !m_stopping
                && now - slot.requestedNs > m_context.plan().options.workerStartTimeoutNs) {
                m_context.fail({QStringLiteral("worker-start-timeout"),
                    QStringLiteral("%1 did not report ready within %2 ms, the start-up timeout; "
                                   "it was killed")
                        .arg(describe(slot))
                        .arg(m_context.plan().options.workerStartTimeoutNs / 1'000'000)});
                slot.process->kill(SIGKILL);
            }
            if (!m_stopping)
                checkStalled(slot, now);
            // The end of its output means it exited or is about to; one that lingers is killed.
            if (slot.endOfOutput && now - slot.endOfOutputNs > ProcessPoolStrategy::StopGraceNs)
                slot.process->kill(SIGKILL);
            if (m_killAtNs > 0 && now >= m_killAtNs)
                slot.process->kill(SIGKILL);
            if (slot.going() && slot.process->tryReap())
                handleExit(slot);
        }
    }
}

} // namespace

StrategyInfo ProcessPoolStrategy::describe()
{
    return {
        QStringLiteral("process-pool"),
        QStringLiteral("Process pool"),
        QStringLiteral(
            "with ProcessPoolExecutor(max_workers=W) as ex: list(ex.map(f, tasks, chunksize=C))"),
        QStringLiteral(
            "W separate worker processes, each with its own memory and its own interpreter in "
            "Python, so CPU-bound work runs truly in parallel: no GIL is shared. The price is "
            "visible on every row: a spawn segment while the process starts, and a dispatch "
            "segment before each chunk of C tasks. While plenty of work is queued, a worker is "
            "sent its next chunk as it starts the last one, so the segment is a sliver; near the "
            "end, or when tasks are shorter than a message's round trip, the worker waits for "
            "the parent. Bigger chunks mean fewer hand-overs. Each row is labelled with its "
            "process id; a worker that dies ends the run, as BrokenProcessPool does, or is "
            "replaced."),
        /*usesWorkerCount=*/true,
        /*hasCaller=*/true,
        WorkerKind::Processes,
        HandOut::Chunks,
    };
}

void runInWorkerProcesses(RunContext &context, PoolFeed &feed, PoolWorkers workers)
{
    auto worker = locateWorker();
    if (!worker) {
        context.fail(worker.error());
        return;
    }
    PoolRun pool(context, std::move(worker).value(), feed, workers);
    pool.run();
}

void ProcessPoolStrategy::run(RunContext &context)
{
    ChunkFeed feed(
        context.tasks().size(), static_cast<std::size_t>(context.plan().options.chunkSize));
    runInWorkerProcesses(context, feed, PoolWorkers::PerRun);
}

} // namespace parviz
