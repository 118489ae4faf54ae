#pragma once

#include "metrics/amdahl.h"
#include "run/runplan.h"
#include "util/result.h"

#include <cstdint>
#include <functional>
#include <optional>
#include <stop_token>
#include <vector>

namespace parviz {

// The same workload on 1..maxWorkers workers, each `repeat` times, against a measured
// sequential baseline.
struct SweepPlan
{
    QString strategy;
    WorkloadSpec workload;
    int maxWorkers = 1;
    int repeat = 1;
    StrategyOptions options;
};

struct SweepPoint
{
    int workers = 1;
    std::vector<std::int64_t> makespansNs; // one per repeat
    std::int64_t medianNs = 0;
    double speedup = 0.0; // sequential median / this median
    double efficiency = 0.0;
    double karpFlatt = 0.0;
};

struct SweepResult
{
    QString strategy;
    std::vector<std::int64_t> sequentialNs; // one per repeat
    std::int64_t sequentialMedianNs = 0;
    std::vector<SweepPoint> points;
    AmdahlFit amdahl;
    std::optional<Error> error; // the first run that failed; the sweep stops there
    bool stopped = false;
};

std::int64_t medianOf(std::vector<std::int64_t> values);

// Runs the sweep on the calling thread. `onPoint` is called on it after each point.
Result<SweepResult> runSweep(const SweepPlan &plan,
    std::stop_token stop = {},
    const std::function<void(const SweepPoint &)> &onPoint = {});

} // namespace parviz
