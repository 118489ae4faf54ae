#include "strategies/sequential.h"

namespace parviz {

StrategyInfo SequentialStrategy::describe()
{
    return {
        QStringLiteral("sequential"),
        QStringLiteral("Sequential"),
        QStringLiteral("for t in tasks: f(t)"),
        QStringLiteral(
            "One task after another on the calling thread, as a plain for loop. Nothing overlaps, "
            "so the makespan is the sum of the task times: the baseline that every speedup is "
            "measured against. The seed's three calls of 0.1 s, 1 s and 0.3 s take 1.40 s."),
        /*usesWorkerCount=*/false,
        /*hasCaller=*/false,
        WorkerKind::Caller,
        HandOut::Loop,
    };
}

void SequentialStrategy::run(RunContext &context)
{
    // The loop runs on the caller's own thread; its tasks are drawn on worker row 0.
    for (const TaskSpec &task : context.tasks()) {
        if (context.stopRequested())
            return;
        if (context.runTask(0, task) == RunContext::TaskEnd::Failed)
            return;
    }
}

} // namespace parviz
