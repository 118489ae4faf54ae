#pragma once

#include "plan/runplan.h"
#include "run/sweep.h"
#include "workload/taskspec.h"

#include <cstdint>
#include <vector>

class QSettings;

namespace parviz {

struct RunResult;

// What this machine charges for going parallel, as the prediction uses it. Every field is
// measured from the runs ParViz makes here (learnFrom()); until a run has shown it, it keeps its
// default, which is what a 2-core Debian 12 virtual machine measured. Assumed, not measured:
// that these costs are the same for every run (they are medians of the latest run that showed
// them), and that the work itself takes its planned duration on an idle core.
//
// A value type: any thread, one at a time.
struct MachineCosts
{
    // Threads: the caller starts them one after another (the spawn events' starts), and each
    // runs after a start-up latency (the spawn events' length).
    std::int64_t threadStartIntervalNs = 40'000;
    std::int64_t threadStartLatencyNs = 80'000;
    // Worker processes (process-pool): posix_spawn calls one after another, then each process
    // starts its program until it says "ready" (the spawn events).
    std::int64_t processStartIntervalNs = 500'000;
    std::int64_t processStartLatencyNs = 3'000'000;
    // process-pool: a chunk's hand-over, from the worker ending a chunk to its next task starting
    // (the dispatch events): taken from its input when the chunk was sent ahead, else a round
    // trip to the parent.
    std::int64_t processRoundTripNs = 50'000;
    // process-pool: from the last task's end to the workers reaped and the caller back.
    std::int64_t processExitNs = 1'000'000;
    // Thread pools: taking the next task from the queue (the gap between one task's end and the
    // next one's start on a thread-pool worker).
    std::int64_t taskDispatchNs = 1'000;
    // batched: dispatching the next batch after a completion (the dispatch events).
    std::int64_t batchDispatchNs = 5'000;
    // A sleep lasts this much longer than asked: timer slack and the wake-up (a sleep task's
    // measured run time against its planned duration).
    std::int64_t sleepOvershootNs = 90'000;
    // gil-threads: the GIL handed from one thread to another (the gap between two holds on the
    // GIL row). Paid once per switch interval while threads compete for it.
    std::int64_t gilSwitchNs = 30'000;

    // Takes whatever the run shows of this machine's costs; a run that failed or was stopped
    // teaches nothing. Fields the run says nothing about keep their values.
    void learnFrom(const RunResult &run);
    // Kept between sessions, in a settings group of their own; a value that is missing or not
    // a positive number keeps its default.
    void writeTo(QSettings &settings) const;
    void readFrom(QSettings &settings);

    bool operator==(const MachineCosts &) const = default;
};

// How long `plan` should take: its planned task durations scheduled onto its workers in the
// strategy's own order (the earliest free worker takes the next task, chunk or batch), with
// the machine's costs for starting workers and handing work out. CPU work progresses at
// min(1, cores / CPU tasks running), and where the tasks hold the GIL of threads they share
// (tasksShareOneGil(), `held`) at most one CPU part runs at a time; sleeps overlap freely.
// Makes the plan's tasks if it has none.
//
// Costs O(tasks x log(workers)). Any thread.
std::int64_t predictMakespanNs(const RunPlan &plan, const MachineCosts &costs);
// The same with the tasks given, for the many worker counts of one sweep.
std::int64_t predictMakespanNs(const QString &strategy,
    TaskGil gil,
    const std::vector<TaskSpec> &tasks,
    int workers,
    int cpus,
    const StrategyOptions &options,
    const MachineCosts &costs);

// The speedup curve a sweep should draw: the predicted makespan on 1..maxWorkers workers,
// against the predicted sequential time, as the sweep's own runs are measured.
struct SweepPrediction
{
    std::int64_t sequentialNs = 0;
    std::vector<std::int64_t> makespansNs; // [w - 1] for w workers
    std::vector<double> speedups; // sequentialNs / makespansNs[w - 1]
};

// Predicts every point of `plan` on a machine of `cpus` logical CPUs. Costs
// O(tasks x maxWorkers x log(maxWorkers)): see SweepPredictionBudget.
SweepPrediction predictSweep(const SweepPlan &plan, int cpus, const MachineCosts &costs);
// A sweep whose prediction would schedule more tasks than this in all (tasks x worker counts)
// would keep the GUI thread for over a second: the desktop program predicts no curve for it.
inline constexpr std::int64_t SweepPredictionBudget = 20'000'000;

} // namespace parviz
