#pragma once

#include <cstdint>

namespace parviz {

// CPU-bound work: a fixed number of iterations of real integer arithmetic. The number is
// calibrated once per process (iterations per millisecond on one idle core), so a CPU task
// takes its planned duration when it has a core to itself and longer when more workers than
// cores compete, exactly as real work does. It never waits for the clock.
//
// Any thread; calibrated() is computed once, on first use, and then shared.
class CpuWork
{
public:
    explicit CpuWork(double iterationsPerMs);

    // The calibrations a process accepts from outside (useCalibration(), parviz-worker's
    // --calibration): a dependent chain of multiplies runs near a million iterations per ms on
    // today's cores, and a hundred times more than the upper bound on none. Beyond it, a 1 ms
    // task would compute for minutes, or (infinity) for ever.
    static constexpr double MinIterationsPerMs = 1.0;
    static constexpr double MaxIterationsPerMs = 1e8;

    // The process-wide calibration: measured on first use (about 20 ms), unless
    // useCalibration() gave one first.
    static const CpuWork &calibrated();
    // Makes `iterationsPerMs` the process-wide calibration: a worker process uses its parent's,
    // so that both do the same work per millisecond and the worker need not measure. Only
    // before the first call of calibrated(), and only within Min/MaxIterationsPerMs; false, and
    // ignored, otherwise.
    static bool useCalibration(double iterationsPerMs);

    double iterationsPerMs() const { return m_iterationsPerMs; }
    std::uint64_t iterationsFor(std::int64_t ns) const;

    // Runs `iterations` steps of a dependent chain of multiplies, shifts and xors seeded by
    // `state` and returns the final state. Each step needs the previous one, and the state is
    // forced through a register every step, so the compiler can neither fold nor drop it.
    static std::uint64_t crunch(std::uint64_t iterations, std::uint64_t state);

    // Measures this core now: the best of several rounds of about 2 ms each, so that a
    // moment of interference from other processes cannot make CPU tasks too short.
    static double measureIterationsPerMs();

private:
    double m_iterationsPerMs;
};

} // namespace parviz
