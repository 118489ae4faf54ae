#include "run/sweep.h"

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

namespace {

struct RunOutcome
{
    std::int64_t makespanNs = 0;
    std::optional<Error> error;
    bool stopped = false;
};

RunOutcome runOnce(const RunPlan &plan, std::stop_token stop)
{
    RunSession session(plan);
    std::stop_callback forward(stop, [&session] { session.requestStop(); });
    session.run();
    const RunResult &result = session.result();
    return {result.metrics.makespanNs, result.error, result.stopped};
}

} // namespace

Result<SweepResult> runSweep(const SweepPlan &plan,
    std::stop_token stop,
    const std::function<void(const SweepPoint &)> &onPoint)
{
    if (plan.maxWorkers < 1 || plan.maxWorkers > WorkerCount::MaxWorkers)
        return Error{QStringLiteral("bad-workers"),
            QStringLiteral("the sweep's worker count must lie between 1 and %1")
                .arg(WorkerCount::MaxWorkers)};
    if (plan.repeat < 1)
        return Error{QStringLiteral("bad-repeat"), QStringLiteral("repeat at least once")};

    auto sequentialPlan = RunPlan::make(
        QStringLiteral("sequential"), plan.workload, WorkerCount::exactly(1), plan.options);
    if (!sequentialPlan)
        return sequentialPlan.error();
    // Validates the strategy and options before anything runs.
    if (auto check =
            RunPlan::make(plan.strategy, plan.workload, WorkerCount::exactly(1), plan.options);
        !check)
        return check.error();

    SweepResult sweep;
    sweep.strategy = plan.strategy;
    // Runs `runPlan` plan.repeat times into `makespans`; false, with the sweep's error or
    // stop set, if a run failed or was stopped.
    auto repeat = [&](const RunPlan &runPlan, std::vector<std::int64_t> &makespans) {
        for (int i = 0; i < plan.repeat; ++i) {
            const RunOutcome outcome = runOnce(runPlan, stop);
            sweep.error = outcome.error;
            sweep.stopped = outcome.stopped;
            if (sweep.error || sweep.stopped)
                return false;
            makespans.push_back(outcome.makespanNs);
        }
        return true;
    };

    if (!repeat(*sequentialPlan, sweep.sequentialNs))
        return sweep;
    sweep.sequentialMedianNs = medianOf(sweep.sequentialNs);

    std::vector<SpeedupPoint> speedups;
    for (int workers = 1; workers <= plan.maxWorkers; ++workers) {
        auto runPlan = RunPlan::make(
            plan.strategy, plan.workload, WorkerCount::exactly(workers), plan.options);
        if (!runPlan)
            return runPlan.error();
        SweepPoint point;
        point.workers = workers;
        if (!repeat(*runPlan, point.makespansNs))
            return sweep;
        point.medianNs = medianOf(point.makespansNs);
        if (point.medianNs > 0) {
            point.speedup =
                static_cast<double>(sweep.sequentialMedianNs) / static_cast<double>(point.medianNs);
            point.efficiency = point.speedup / workers;
        }
        point.karpFlatt = karpFlatt(point.speedup, workers);
        speedups.push_back({workers, point.speedup});
        sweep.points.push_back(point);
        sweep.amdahl = fitAmdahl(speedups);
        if (onPoint)
            onPoint(point);
    }
    return sweep;
}

} // namespace parviz
