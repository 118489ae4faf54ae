#pragma once

#include "trace/tracesnapshot.h"
#include "workload/taskspec.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace parviz {

// Where the missing speedup went: the worker time W x makespan that did not go into the tasks'
// effective work, in parts that sum to it exactly.
struct LossBudget
{
    std::int64_t spawnNs = 0; // workers starting
    std::int64_t dispatchNs = 0; // handing batches out
    std::int64_t gilWaitNs = 0; // waiting for the GIL
    std::int64_t idleQueuedNs = 0; // idle while tasks were still waiting to start
    std::int64_t tailIdleNs = 0; // idle after the last task started: imbalance at the end
    // Run time of CPU and mixed tasks beyond their planned durations: cores shared by more
    // workers than there are cores.
    std::int64_t contentionNs = 0;

    // W x makespan - total work: everything but contention.
    std::int64_t overheadNs() const
    {
        return spawnNs + dispatchNs + gilWaitNs + idleQueuedNs + tailIdleNs;
    }
    // W x makespan - effective work.
    std::int64_t totalNs() const { return overheadNs() + contentionNs; }
};

// What one run achieved. Computed from a trace; any thread.
struct RunMetrics
{
    int workers = 0;
    std::int64_t makespanNs = 0; // from the run's start to its last event
    // When the caller's program went on: the end of its `main` row (the makespan when it joins
    // its workers, far less when it does not; 0 without a main row).
    std::int64_t callerDoneNs = 0;
    std::int64_t totalWorkNs = 0; // the sum of the tasks' run times, as measured
    std::int64_t plannedWorkNs = 0; // the sum of the started tasks' planned durations
    // The work itself, without the stretching that comes from sharing cores: each task's run
    // time, CPU and mixed tasks counted at no more than their planned duration.
    std::int64_t effectiveWorkNs = 0;
    std::int64_t longestTaskNs = 0;
    std::int64_t lowerBoundNs = 0; // max(total work / workers, longest task)
    double boundRatio = 0.0; // makespan / lower bound
    // The time the work takes one task after another: a measured sequential run when one is
    // given, else the effective work.
    std::int64_t baselineNs = 0;
    bool baselineMeasured = false;
    double speedup = 0.0; // baseline / makespan
    double efficiency = 0.0; // speedup / workers
    double karpFlatt = 0.0; // experimentally determined serial fraction; NaN for one worker
    std::vector<double> utilisation; // per worker: run time / makespan
    LossBudget loss;

    int tasksCompleted = 0;
    int tasksRunning = 0; // live metrics only: started and not yet ended
    int tasksInterrupted = 0;
    int tasksFailed = 0;
    int tasksNotStarted = 0;
};

// A part of a run's loss budget under this share of its worker time (workers x makespan) is
// the size of the clock's and the scheduler's noise (a few microseconds on a run of
// milliseconds): the ratio of two such parts, say 256.37, is noise too and is not shown.
inline constexpr double NoiseShareOfWorkerTime = 0.01;
bool isNoise(std::int64_t partNs, const RunMetrics &metrics);
// A lower bound this short is made of microseconds, the size of starting a thread or of a
// sleep's overshoot: the makespan's ratio to it (x256.37 for tasks of a microsecond) says how
// large those costs are, not how well the tasks were scheduled, and is not shown as a finding.
inline constexpr std::int64_t MinComparableBoundNs = 1'000'000;
bool boundRatioIsNoise(const RunMetrics &metrics);

// A task's share of the effective work, given its measured run time.
std::int64_t effectiveWorkNs(const TaskSpec &task, std::int64_t runNs);

RunMetrics computeRunMetrics(const TraceSnapshot &trace,
    const std::vector<TaskSpec> &tasks,
    std::optional<std::int64_t> sequentialNs = std::nullopt);
// The same for a run still going on: events in flight count up to the snapshot's time (their
// tasks are running, not idle), so the makespan so far is that time.
RunMetrics computeLiveRunMetrics(const TraceSnapshot &trace, const std::vector<TaskSpec> &tasks);

// Fills in what follows from the sums already in `metrics` (workers, makespan, total, effective
// and longest work) and each worker's run time: the lower bound, utilisation, baseline, speedup,
// efficiency, Karp-Flatt. Shared by the batch computation and LiveRunMetrics.
void completeRunMetrics(RunMetrics &metrics,
    const std::vector<std::int64_t> &runPerWorker,
    std::optional<std::int64_t> sequentialNs);

// The lower bound a plan promises before it runs: max(planned work / workers, longest planned
// task). The measured one can only be higher.
std::int64_t plannedLowerBoundNs(const std::vector<TaskSpec> &tasks, int workers);

} // namespace parviz
