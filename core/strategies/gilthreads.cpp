#include "strategies/gilthreads.h"

#include "strategies/gil.h"
#include "strategies/taskqueue.h"
#include "strategies/threadpool.h"

namespace parviz {

namespace {

// One worker's side of the GIL: takes it before a task, releases it around sleeps, and
// switches out between CPU slices when asked. Keeps the worker's lane truthful: the task's
// `run` event is split wherever the thread waited for the lock, which is `gil-wait`.
// The worker's thread only.
class GilGate : public CpuGate
{
public:
    GilGate(Gil &gil, RunContext &context, int worker)
        : m_gil(gil)
        , m_context(context)
        , m_lane(context.recorder().worker(worker))
        , m_worker(worker)
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
    // ... and take it back afterwards.
    void afterSleep() override
    {
        if (m_gil.tryTake(m_worker, m_task))
            m_holding = true;
        else
            waitMidTask([] {});
    }

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
    // Ends the open `run` event, records a `gil-wait` while `release` runs and the lock is
    // taken again, then reopens `run`. If the run is stopped while waiting, the gil-wait stays
    // open for runTask() to close as interrupted.
    template <typename Release>
    void waitMidTask(Release release)
    {
        const std::int64_t waitStart = m_context.now();
        m_lane.end(waitStart);
        m_lane.begin(m_task, EventKind::GilWait, waitStart);
        release();
        if (!m_gil.take(m_worker, m_task))
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
    std::int32_t m_task = -1;
    bool m_holding = false;
};

} // namespace

StrategyInfo GilThreadsStrategy::describe()
{
    return {
        QStringLiteral("gil-threads"),
        QStringLiteral("Python threads (GIL)"),
        QStringLiteral("ThreadPoolExecutor(max_workers=W) running pure-Python code under the GIL"),
        QStringLiteral(
            "CPython's threads share one global interpreter lock: only the thread holding it runs "
            "Python code. A waiting thread asks for the lock after each switch interval (5 ms, "
            "sys.getswitchinterval()), and the holder hands it over. CPU-bound tasks therefore "
            "take turns and gain nothing from more threads (the rows fill with gil-wait, and the "
            "GIL row shows who held it), while sleeps and I/O release the lock and overlap. This "
            "is why the seed reaches for processes for CPU-bound work."),
    };
}

void GilThreadsStrategy::run(RunContext &context)
{
    const auto &tasks = context.tasks();
    Gil gil(context.recorder(), context.plan().options.switchIntervalNs, context.stopToken());
    runThreadPoolExecutor(context, [&](int worker, TaskQueue &queue) {
        GilGate gate(gil, context, worker);
        const std::stop_token &stop = context.stopToken();
        while (const auto index = queue.pop(stop)) {
            const TaskSpec &task = tasks[static_cast<std::size_t>(*index)];
            if (!gate.enter(task))
                break;
            context.runTask(worker, task, &gate);
            gate.leave();
        }
    });
}

} // namespace parviz
