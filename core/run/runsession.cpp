#include "run/runsession.h"

#include "strategies/strategyregistry.h"
#include "workload/cpuwork.h"

#include <QtGlobal>

#include <algorithm>

namespace parviz {

namespace {
// Below this many events a lane's first segment, allocated as it starts, is enough.
constexpr std::size_t MinReservedEvents = 64;
} // namespace

RunSession::RunSession(RunPlan plan)
    : RunSession(plan, makeEngine(plan), QString())
{ }

RunSession::RunSession(RunPlan plan, std::unique_ptr<Strategy> engine, QString engineName)
    : m_plan(std::move(plan))
    , m_strategy(std::move(engine))
{
    const StrategyEntry *entry = findStrategy(m_plan.strategy);
    Q_ASSERT_X(entry, "RunSession", "the plan names a strategy that does not exist");
    m_result.strategy = entry->info;
    m_result.engine = std::move(engineName);
    m_recorder = std::make_unique<TraceRecorder>(
        m_strategy->laneCount(m_plan), m_strategy->hasGilLane(m_plan));
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
    if (m_used.exchange(true))
        return;
    execute();
}

void RunSession::start()
{
    if (m_used.exchange(true))
        return;
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
    RunContext context(m_plan, *m_recorder, m_stop.get_token());
    // Nothing above this thread would catch an exception: it would end the program
    // (std::terminate). Memory can run out anywhere here, from the room reserved for a million
    // tasks to their metrics, so every part of the run is guarded, and what throws becomes the
    // run's error.
    context.guard([&] {
        // Calibrate before the clock starts, so the first CPU task does not pay for it.
        const bool hasCpuWork = std::any_of(m_plan.tasks->begin(),
            m_plan.tasks->end(),
            [](const TaskSpec &task) { return task.cpuNs() > 0; });
        if (hasCpuWork)
            CpuWork::calibrated();

        // Room for each worker's share of the tasks, plus its spawn and a few more, so
        // recording allocates nothing while the clock runs. Lanes with a handful of events (a
        // thread per task) allocate their first small segment on their own thread instead.
        const std::size_t lanes = static_cast<std::size_t>(std::max(1, m_recorder->workerCount()));
        const std::size_t share = (m_plan.tasks->size() + lanes - 1) / lanes + 8;
        if (share >= MinReservedEvents)
            m_recorder->reserve(share);

        // Two samples of the machine's CPU time, around the run: what others took meanwhile.
        const CpuSample before = sampleCpu();
        m_recorder->startClock();
        // Tasks' own exceptions are caught where they run, and every thread the strategy
        // started has been stopped and joined by the time one leaves run().
        m_strategy->run(context);
        m_result.machineLoad = machineLoadBetween(before, sampleCpu());
    });
    // Sampled at once: a Stop that arrives after the last task does not mark a complete run.
    const bool stopped = m_stop.stop_requested();
    // Every thread that recorded has been joined: room reserved and not used goes back.
    m_recorder->releaseSpareRoom();

    RunResult &result = m_result;
    result.plan = m_plan;
    result.workers = m_recorder->workerCount();
    context.guard([&] {
        result.trace = m_recorder->snapshot();
        result.metrics = computeRunMetrics(*result.trace, *m_plan.tasks);
        result.resultOrder = context.takeResultOrder();
        result.workerClocks = context.takeWorkerClocks();
    });
    result.error = context.failure();
    result.stopped = stopped;

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
