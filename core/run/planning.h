#pragma once

#include "plan/runplan.h"
#include "util/result.h"

#include <QString>

#include <optional>

namespace parviz {

// Plans checked against the strategy registry: the run floor asks the strategies whether
// they can run a plan, so that the plan itself knows nothing of them.

// Validates everything, but makes no tasks (plan.tasks stays null): cheap enough to call
// on every keystroke, even for a million tasks. `cpus` is this machine's unless given. The
// plan's strategy is the registry's id: an older alias ("gil-threads") becomes the strategy
// it stands for, with the workload's GIL use it implied.
Result<RunPlan> checkRunPlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workerCount,
    const StrategyOptions &options = {},
    std::optional<int> cpus = std::nullopt);
// As checkRunPlan(), and makes the tasks.
Result<RunPlan> makeRunPlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workerCount,
    const StrategyOptions &options = {},
    std::optional<int> cpus = std::nullopt);

} // namespace parviz
