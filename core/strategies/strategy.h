#pragma once

#include "plan/runcontext.h"
#include "plan/runplan.h"

#include <QString>

#include <cstdint>

namespace parviz {

// What runs a strategy's tasks.
enum class WorkerKind : std::uint8_t {
    Caller, // the caller's own thread, one task after another
    Threads, // threads of the caller's process, which share one GIL
    Processes, // worker processes, each with an interpreter and a GIL of its own
    // the threads of a Dask cluster's worker processes (StrategyOptions::threadsPerWorker each),
    // on this machine or others; only CPython runs them
    Cluster,
};

// How tasks reach the workers.
enum class HandOut : std::uint8_t {
    Loop, // the caller runs them in order
    ThreadEach, // a thread of its own for every task: a worker row per task
    Queue, // one at a time from a shared queue
    Chunks, // StrategyOptions::chunkSize consecutive tasks at a time (executor.map's chunksize)
    AutoBatches, // joblib's batch_size='auto': batches that grow and shrink with their duration
};

// Who a strategy is, for people: shown in the program, the command line and the exports; and
// what it is, for the code that treats strategies alike, so that none compares ids.
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
    WorkerKind workers = WorkerKind::Threads; // with the default options: see workersWith()
    HandOut handOut = HandOut::Queue;

    // What runs the tasks with these options: joblib's batches run on threads or in processes
    // as its backend says; every other strategy's workers are what `workers` says.
    WorkerKind workersWith(const StrategyOptions &options) const
    {
        if (handOut == HandOut::AutoBatches) {
            switch (options.backend) {
            case JoblibBackend::Loky:
                return WorkerKind::Processes;
            case JoblibBackend::Threading:
                return WorkerKind::Threads;
            case JoblibBackend::Dask:
                return WorkerKind::Cluster;
            }
        }
        return workers;
    }
    bool rowPerTask() const { return handOut == HandOut::ThreadEach; }
    bool chunks() const { return handOut == HandOut::Chunks; }
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
    // Whether the run has a GIL row: its tasks run as threads of one process and use the GIL
    // (see tasksShareOneGil()). An engine that runs real CPython has no model of it to show.
    virtual bool hasGilLane(const RunPlan &plan) const;

    // Runs every task once, or until context.stopToken() is set. Failures go to context.fail().
    virtual void run(RunContext &context) = 0;
};

} // namespace parviz
