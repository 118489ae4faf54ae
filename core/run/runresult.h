#pragma once

#include "metrics/runmetrics.h"
#include "plan/runcontext.h"
#include "plan/runplan.h"
#include "run/machineload.h"
#include "strategies/strategy.h"
#include "trace/tracesnapshot.h"
#include "util/result.h"

#include <memory>
#include <optional>
#include <vector>

namespace parviz {

// Everything one run produced: passed by value (CP.31), the trace shared and immutable.
struct RunResult
{
    RunPlan plan;
    StrategyInfo strategy;
    int workers = 0; // worker rows: the plan's workers, or one per task for thread-per-task
    std::shared_ptr<const TraceSnapshot> trace;
    RunMetrics metrics;
    std::optional<Error> error; // a task that threw, a thread the system refused, ...
    bool stopped = false; // Stop was requested before the run ended
    std::vector<std::int32_t> resultOrder; // pool-map: task ids in the order results arrived
    // What ran it: empty for ParViz itself, "CPython 3.11.2" for the strategy's Python program.
    QString engine;
    // What other processes took of the machine while it ran: unknown for a run read from a
    // file written before it was measured.
    MachineLoad machineLoad;
    // The clocks of the worker processes, where they are not ParViz's own (a Dask cluster's).
    std::vector<WorkerClock> workerClocks;

    bool ok() const { return !error && !stopped; }
    // "thread-pool", or "thread-pool (CPython 3.11.2)": tells runs apart in a comparison. A
    // traced program's run is named by its program: "pool.py 4 (CPython 3.11.2)".
    QString label() const
    {
        const QString what = plan.program ? workLabel(plan) : strategy.id;
        return engine.isEmpty() ? what : QStringLiteral("%1 (%2)").arg(what, engine);
    }
};

} // namespace parviz
