#pragma once

#include "run/runcontext.h"
#include "run/runplan.h"

#include <QString>

namespace parviz {

// Who a strategy is, for people: shown in the program, the command line and the exports.
struct StrategyInfo
{
    QString id; // "thread-pool"
    QString name; // "Thread pool"
    QString mirrors; // the Python it mirrors, in one line
    QString explanation; // one paragraph: what it does and what the timeline shows
    // Whether the worker count matters: not for a plain loop, nor for a thread per task.
    bool usesWorkerCount = true;
    // Whether a caller starts workers and then waits for them (a `main` row of submit and wait):
    // everything but a plain loop. Only such strategies run without join; for the others the
    // plan's join is always on.
    bool hasCaller = true;
};

// One way of running a workload's tasks in parallel. Plain C++: run() is called on the run's
// own thread (which is the `main` lane), starts whatever threads it needs, records into the
// context's recorder, and joins them all before it returns.
class Strategy
{
public:
    virtual ~Strategy() = default;

    // Whether this strategy can run the plan at all (beyond the checks every plan gets). The
    // plan's tasks may not be made yet: use plan.workload.
    virtual Result<void> checkPlan(const RunPlan &) const { return {}; }
    // How many worker lanes the run shows: usually the plan's workers. The plan's tasks may not
    // be made yet.
    virtual int laneCount(const RunPlan &plan) const { return plan.workers; }
    virtual bool hasGilLane() const { return false; }

    // Runs every task once, or until context.stopToken() is set. Failures go to context.fail().
    virtual void run(RunContext &context) = 0;
};

} // namespace parviz
