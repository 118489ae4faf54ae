#include "strategies/threadgil.h"

#include "strategies/strategyregistry.h"

namespace parviz {

namespace {

// One worker's side of the GIL during one task: takes it before the task, releases it around
// sleeps (and, for `released` tasks, around computing), and switches out between CPU slices
// when asked. Keeps the worker's lane truthful: the task's `run` event is split wherever the
// thread waited for the lock, which is `gil-wait`.
// The worker's thread only.
class GilGate : public CpuGate
{
public:
    GilGate(Gil &gil, RunContext &context, int worker, TaskGil use)
        : m_gil(gil)
        , m_context(context)
        , m_lane(context.recorder().worker(worker))
        , m_worker(worker)
        , m_releasesToCompute(use == TaskGil::Released)
    { }

    // Before the task's run event: takes the GIL, recording the wait. False if stopped.
    bool enter(const TaskSpec &task)
    {
        m_task = task.id;
        if (m_gil.tryTake(m_worker, m_task)) {
            m_holding = true;
            return true;
        }
        m_lane.begin(m_task, EventKind::GilWait, m_context.now());
        m_holding = m_gil.take(m_worker, m_task);
        m_lane.end(m_context.now(), m_holding ? 0 : EventFlag::Interrupted);
        return m_holding;
    }

    // After the task's run event has ended.
    void leave()
    {
        if (m_holding)
            m_gil.drop(m_worker);
        m_holding = false;
    }

    // time.sleep() and blocking I/O release the GIL (Py_BEGIN_ALLOW_THREADS) ...
    void beforeSleep() override { leave(); }
    // ... and take it back afterwards (Py_END_ALLOW_THREADS).
    void afterSleep() override { takeBack(); }

    // A C call that releases the GIL while it computes does the same around its work.
    void beforeCompute() override
    {
        if (m_releasesToCompute)
            leave();
    }
    void afterCompute() override
    {
        if (m_releasesToCompute)
            takeBack();
    }

    // Between two calls that release the GIL the thread takes it back for its own code; a
    // wait for it is drawn, the moment it holds it is not (Gil::Drawn::No).
    bool enterCallerCode() override
    {
        if (!m_releasesToCompute)
            return false;
        takeBack(Gil::Drawn::No);
        return m_holding;
    }
    void leaveCallerCode() override { leave(); }

    void checkpoint() override
    {
        if (!m_holding || !m_gil.dropRequested())
            return;
        // Asked to let go: drop() waits until another thread has the lock, which is waiting too.
        waitMidTask([this] {
            m_gil.drop(m_worker);
            m_holding = false;
        });
    }

private:
    void takeBack(Gil::Drawn drawn = Gil::Drawn::Yes)
    {
        if (m_gil.tryTake(m_worker, m_task, drawn))
            m_holding = true;
        else
            waitMidTask([] {}, drawn);
    }

    // Ends the open `run` event, records a `gil-wait` while `release` runs and the lock is
    // taken again, then reopens `run`. If the run is stopped while waiting, the gil-wait stays
    // open for RunContext::runTask() to close as interrupted.
    template <typename Release>
    void waitMidTask(Release release, Gil::Drawn drawn = Gil::Drawn::Yes)
    {
        const std::int64_t waitStart = m_context.now();
        m_lane.end(waitStart);
        m_lane.begin(m_task, EventKind::GilWait, waitStart);
        release();
        if (!m_gil.take(m_worker, m_task, drawn))
            return;
        m_holding = true;
        const std::int64_t runStart = m_context.now();
        m_lane.end(runStart);
        m_lane.begin(m_task, EventKind::Run, runStart);
    }

    Gil &m_gil;
    RunContext &m_context;
    TraceLane &m_lane;
    const int m_worker;
    const bool m_releasesToCompute;
    std::int32_t m_task = -1;
    bool m_holding = false;
};

} // namespace

ThreadGil::ThreadGil(RunContext &context)
    : m_context(context)
    , m_use(context.plan().workload.gil)
{
    if (tasksShareOneGil(context.plan()))
        m_gil.emplace(
            context.recorder(), context.plan().options.switchIntervalNs, context.stopToken());
}

RunContext::TaskEnd ThreadGil::runTask(int worker, const TaskSpec &task, std::uint8_t firstRunFlags)
{
    if (!m_gil)
        return m_context.runTask(worker, task, nullptr, firstRunFlags);
    GilGate gate(*m_gil, m_context, worker, m_use);
    if (!gate.enter(task))
        return RunContext::TaskEnd::Interrupted;
    const RunContext::TaskEnd end = m_context.runTask(worker, task, &gate, firstRunFlags);
    gate.leave();
    return end;
}

} // namespace parviz
