#include "run/sweep.h"

#include "run/planning.h"
#include "run/runsession.h"

#include <algorithm>

namespace parviz {

std::int64_t medianOf(std::vector<std::int64_t> values)
{
    if (values.empty())
        return 0;
    const auto middle = values.begin() + static_cast<std::ptrdiff_t>(values.size() / 2);
    std::nth_element(values.begin(), middle, values.end());
    if (values.size() % 2 == 1)
        return *middle;
    const auto below = *std::max_element(values.begin(), middle);
    return below + (*middle - below) / 2;
}

SweepSchedule::SweepSchedule(SweepPlan plan)
    : m_plan(std::move(plan))
{
    m_result.strategy = m_plan.strategy;
    m_result.taskCount = m_plan.workload.taskCount;
}

Result<SweepSchedule> SweepSchedule::make(const SweepPlan &plan)
{
    if (plan.maxWorkers < 1 || plan.maxWorkers > WorkerCount::MaxWorkers)
        return Error{QStringLiteral("bad-workers"),
            QStringLiteral("the sweep's worker count must lie between 1 and %1")
                .arg(WorkerCount::MaxWorkers)};
    if (plan.repeat < 1)
        return Error{QStringLiteral("bad-repeat"), QStringLiteral("repeat at least once")};
    // Everything else is checked by making the plans a sweep runs.
    for (const auto &[strategy, workers] :
        {std::pair{QStringLiteral("sequential"), 1}, std::pair{plan.strategy, plan.maxWorkers}}) {
        if (auto check =
                makeRunPlan(strategy, plan.workload, WorkerCount::exactly(workers), plan.options);
            !check)
            return check.error();
    }
    return SweepSchedule(plan);
}

bool SweepSchedule::finished() const
{
    return m_result.error || m_result.stopped || m_runsDone >= runsTotal();
}

std::optional<RunPlan> SweepSchedule::next() const
{
    if (finished())
        return std::nullopt;
    const int round = m_runsDone / m_plan.repeat; // 0: sequential, then 1..maxWorkers
    const QString strategy = round == 0 ? QStringLiteral("sequential") : m_plan.strategy;
    const int workers = std::max(round, 1);
    auto plan =
        makeRunPlan(strategy, m_plan.workload, WorkerCount::exactly(workers), m_plan.options);
    if (!plan)
        return std::nullopt;
    plan->python = m_plan.python;
    return std::move(plan).value();
}

std::optional<SweepPoint> SweepSchedule::record(const RunResult &run)
{
    if (finished())
        return std::nullopt;
    if (run.error || run.stopped) {
        m_result.error = run.error;
        m_result.stopped = run.stopped;
        return std::nullopt;
    }
    const int round = m_runsDone / m_plan.repeat;
    ++m_runsDone;
    m_makespans.push_back(run.metrics.makespanNs);
    if (run.machineLoad.known()
        && (!m_load.known() || run.machineLoad.otherCores > m_load.otherCores))
        m_load.otherCores = run.machineLoad.otherCores;
    m_load.disturbed = m_load.disturbed || run.machineLoad.disturbed;
    if (static_cast<int>(m_makespans.size()) < m_plan.repeat)
        return std::nullopt;

    std::vector<std::int64_t> makespans = std::exchange(m_makespans, {});
    const MachineLoad load = std::exchange(m_load, {});
    if (round == 0) {
        m_result.sequentialNs = std::move(makespans);
        m_result.sequentialMedianNs = medianOf(m_result.sequentialNs);
        m_result.sequentialDisturbed = load.disturbed;
        return std::nullopt;
    }
    SweepPoint point;
    point.workers = round;
    point.makespansNs = std::move(makespans);
    point.medianNs = medianOf(point.makespansNs);
    if (point.medianNs > 0) {
        point.speedup =
            static_cast<double>(m_result.sequentialMedianNs) / static_cast<double>(point.medianNs);
        point.efficiency = point.speedup / point.workers;
    }
    point.karpFlatt = karpFlatt(point.speedup, point.workers);
    point.otherCores = load.otherCores;
    point.disturbed = load.disturbed;
    m_speedups.push_back({point.workers, point.speedup});
    m_result.points.push_back(point);
    m_result.amdahl = fitAmdahl(m_speedups);
    return point;
}

Result<SweepResult> runSweep(const SweepPlan &plan,
    std::stop_token stop,
    const std::function<void(const SweepPoint &)> &onPoint)
{
    auto made = SweepSchedule::make(plan);
    if (!made)
        return made.error();
    SweepSchedule &schedule = made.value();
    while (const auto runPlan = schedule.next()) {
        RunSession session(*runPlan);
        std::stop_callback forward(stop, [&session] { session.requestStop(); });
        session.run();
        if (const auto point = schedule.record(session.result()); point && onPoint)
            onPoint(*point);
    }
    return schedule.result();
}

} // namespace parviz
