#include "run/runsession.h"

#include "strategies/strategyregistry.h"
#include "workload/cpuwork.h"

#include <QtGlobal>

#include <algorithm>

namespace parviz {

RunSession::RunSession(RunPlan plan)
    : m_plan(std::move(plan))
{
    const StrategyEntry *entry = findStrategy(m_plan.strategy);
    Q_ASSERT_X(entry, "RunSession", "the plan names a strategy that does not exist");
    m_strategy = entry->create();
    m_result.strategy = entry->info;
    m_recorder =
        std::make_unique<TraceRecorder>(m_strategy->laneCount(m_plan), m_strategy->hasGilLane());
}

RunSession::~RunSession()
{
    if (m_thread.joinable()) {
        requestStop();
        m_thread.join();
    }
}

int RunSession::laneCount() const
{
    return m_recorder->workerCount();
}

void RunSession::run()
{
    execute();
}

void RunSession::start()
{
    Q_ASSERT(!m_thread.joinable());
    m_thread = std::jthread([this] { execute(); });
}

bool RunSession::wait(std::chrono::milliseconds timeout)
{
    {
        std::unique_lock lock(m_finishedMutex);
        const auto finished = [this] { return isFinished(); };
        if (timeout == std::chrono::milliseconds::max())
            m_finishedChanged.wait(lock, finished);
        else if (!m_finishedChanged.wait_for(lock, timeout, finished))
            return false;
    }
    if (m_thread.joinable())
        m_thread.join();
    return true;
}

void RunSession::execute()
{
    // Calibrate before the clock starts, so the first CPU task does not pay for it.
    const bool hasCpuWork = std::any_of(m_plan.tasks->begin(),
        m_plan.tasks->end(),
        [](const TaskSpec &task) { return task.cpuNs() > 0; });
    if (hasCpuWork)
        CpuWork::calibrated();

    // Room for each worker's share of the tasks, plus its spawn and a few more, so recording
    // allocates nothing while the clock runs.
    const std::size_t lanes = static_cast<std::size_t>(std::max(1, m_recorder->workerCount()));
    m_recorder->reserve((m_plan.tasks->size() + lanes - 1) / lanes + 8);

    RunContext context(m_plan, *m_recorder, m_stop.get_token());
    m_recorder->startClock();
    m_strategy->run(context);

    RunResult &result = m_result;
    result.plan = m_plan;
    result.workers = m_recorder->workerCount();
    result.trace = m_recorder->snapshot();
    result.metrics = computeRunMetrics(*result.trace, *m_plan.tasks, m_sequentialNs);
    result.error = context.failure();
    result.stopped = m_stop.stop_requested();
    result.resultOrder = context.takeResultOrder();

    {
        std::scoped_lock lock(m_finishedMutex);
        // Pairs with isFinished()'s acquire load: m_result is complete.
        m_finished.store(true, std::memory_order_release);
    }
    m_finishedChanged.notify_all();
}

RunResult executeRun(const RunPlan &plan)
{
    RunSession session(plan);
    session.run();
    return session.takeResult();
}

} // namespace parviz
