#pragma once

#include "metrics/amdahl.h"
#include "plan/runplan.h"
#include "run/machineload.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <memory>
#include <optional>
#include <stop_token>
#include <vector>

namespace parviz {

struct RunResult;

// The same workload on 1..maxWorkers workers, each `repeat` times, against a measured
// sequential baseline.
struct SweepPlan
{
    QString strategy;
    WorkloadSpec workload;
    int maxWorkers = 1;
    int repeat = 1;
    StrategyOptions options;
    std::shared_ptr<const PythonInterpreter> python = nullptr; // each run's (RunPlan::python)
};

struct SweepPoint
{
    int workers = 1;
    std::vector<std::int64_t> makespansNs; // one per repeat
    std::int64_t medianNs = 0;
    double speedup = 0.0; // sequential median / this median
    double efficiency = 0.0;
    double karpFlatt = 0.0;
    // The most that other processes took of the machine in one of the point's runs (cores, on
    // average over the run; NaN unknown), and whether one of them was disturbed by it.
    double otherCores = std::numeric_limits<double>::quiet_NaN();
    bool disturbed = false;
};

struct SweepResult
{
    QString strategy;
    int taskCount = 0;
    std::vector<std::int64_t> sequentialNs; // one per repeat
    std::int64_t sequentialMedianNs = 0;
    bool sequentialDisturbed = false; // a sequential run was (see SweepPoint::disturbed)
    std::vector<SweepPoint> points;
    AmdahlFit amdahl;
    std::optional<Error> error; // the first run that failed; the sweep stops there
    bool stopped = false;
};

std::int64_t medianOf(std::vector<std::int64_t> values);

// The runs of a sweep, in order: the sequential baseline, then 1..maxWorkers workers, each
// repeated. Whoever runs them asks next() for a plan, runs it, and hands the result to
// record(), which says when a point of the curve is complete. runSweep() drives it on one
// thread; the desktop program drives it one run at a time, so each run can be watched.
// Not thread-safe: one driver.
class SweepSchedule
{
public:
    static Result<SweepSchedule> make(const SweepPlan &plan);

    // The plan of the next run; nullopt once the sweep is complete, failed or stopped.
    std::optional<RunPlan> next() const;
    // The run that next() planned has finished: returns the point it completed, if any.
    std::optional<SweepPoint> record(const RunResult &run);

    const SweepResult &result() const { return m_result; }
    bool finished() const;
    int runsDone() const { return m_runsDone; }
    int runsTotal() const { return (m_plan.maxWorkers + 1) * m_plan.repeat; }
    const SweepPlan &plan() const { return m_plan; }

private:
    explicit SweepSchedule(SweepPlan plan);

    SweepPlan m_plan;
    SweepResult m_result;
    int m_runsDone = 0;
    std::vector<std::int64_t> m_makespans; // of the point being measured
    MachineLoad m_load; // the worst of the point's runs so far
    std::vector<SpeedupPoint> m_speedups;
};

// Runs a whole sweep on the calling thread. `onPoint` is called on it after each point.
Result<SweepResult> runSweep(const SweepPlan &plan,
    std::stop_token stop = {},
    const std::function<void(const SweepPoint &)> &onPoint = {});

} // namespace parviz
