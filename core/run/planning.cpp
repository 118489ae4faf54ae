#include "run/planning.h"

#include "strategies/strategyregistry.h"
#include "trace/tracerecorder.h"
#include "util/format.h"

#include <QStringList>

#include <memory>

namespace parviz {

Result<RunPlan> checkRunPlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workerCount,
    const StrategyOptions &options,
    std::optional<int> cpus)
{
    const StrategyEntry *entry = findStrategy(strategy);
    if (!entry) {
        QStringList ids;
        for (const auto &entry : strategyRegistry())
            ids << entry.info.id;
        return Error{QStringLiteral("unknown-strategy"),
            QStringLiteral("there is no strategy '%1' (choose one of: %2)")
                .arg(excerpt(strategy), ids.join(QStringLiteral(", ")))};
    }
    if (auto valid = workload.validate(); !valid)
        return valid.error();
    if (auto valid = workerCount.validate(); !valid)
        return valid.error();
    if (auto valid = options.validate(); !valid)
        return valid.error();

    RunPlan plan;
    plan.strategy = entry->info.id;
    plan.workload = workload;
    // An older id that also said how the tasks use the GIL ("gil-threads").
    if (const auto gil = gilImpliedBy(strategy))
        plan.workload.gil = *gil;
    plan.workerCount = workerCount;
    plan.cpus = cpus.value_or(logicalCpus());
    plan.workers = workerCount.resolve(plan.cpus);
    plan.options = options;
    // A plain loop runs every task on the caller's own thread: there is nothing to join, and
    // its baseline runs in a sweep or a comparison without join are the same as with it.
    if (!entry->info.hasCaller)
        plan.options.join = true;
    if (auto possible = entry->create()->checkPlan(plan); !possible)
        return possible.error();
    // Only a cluster's workers x threads can get here with too many rows.
    static_assert(RunPlan::MaxLanes == TraceStore::MaxWorkerLanes,
        "a plan has no more rows than a recording can hold");
    if (const int lanes = laneCountOf(plan); lanes > RunPlan::MaxLanes)
        return Error{QStringLiteral("bad-workers"),
            QStringLiteral("%1 workers of %2 threads each are %3 rows, more than ParViz draws "
                           "(%4); use fewer workers or threads per worker")
                .arg(plan.workers)
                .arg(plan.options.threadsPerWorker)
                .arg(lanes)
                .arg(RunPlan::MaxLanes)};
    return plan;
}

Result<RunPlan> makeRunPlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workerCount,
    const StrategyOptions &options,
    std::optional<int> cpus)
{
    auto plan = checkRunPlan(strategy, workload, workerCount, options, cpus);
    if (plan)
        plan.value().tasks = std::make_shared<const std::vector<TaskSpec>>(workload.makeTasks());
    return plan;
}

} // namespace parviz
