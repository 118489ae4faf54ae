#include "workload/cpuwork.h"

#include "util/clock.h"

#include <algorithm>
#include <atomic>
#include <cmath>

namespace parviz {

namespace {

constexpr int CalibrationRounds = 7;
constexpr double CalibrationRoundMs = 2.0;

} // namespace

CpuWork::CpuWork(double iterationsPerMs)
    : m_iterationsPerMs(std::max(iterationsPerMs, 1.0))
{ }

namespace {
// A calibration given by useCalibration(), 0 for none; and whether calibrated() was used.
std::atomic<double> s_givenIterationsPerMs{0.0};
std::atomic<bool> s_calibrationUsed{false};
} // namespace

const CpuWork &CpuWork::calibrated()
{
    static const CpuWork work = [] {
        s_calibrationUsed.store(true);
        const double given = s_givenIterationsPerMs.load();
        return CpuWork(given > 0.0 ? given : measureIterationsPerMs());
    }();
    return work;
}

bool CpuWork::useCalibration(double iterationsPerMs)
{
    // Written so that NaN fails too.
    if (s_calibrationUsed.load()
        || !(iterationsPerMs >= MinIterationsPerMs && iterationsPerMs <= MaxIterationsPerMs))
        return false;
    s_givenIterationsPerMs.store(iterationsPerMs);
    return true;
}

std::uint64_t CpuWork::iterationsFor(std::int64_t ns) const
{
    if (ns <= 0)
        return 0;
    return static_cast<std::uint64_t>(
        std::llround(static_cast<double>(ns) / 1e6 * m_iterationsPerMs));
}

std::uint64_t CpuWork::crunch(std::uint64_t iterations, std::uint64_t state)
{
    for (std::uint64_t i = 0; i < iterations; ++i) {
        // xorshift64* with a counter mixed in: no closed form, every step depends on the last.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        state = state * 0x2545F4914F6CDD1DULL + i;
        // An empty asm that claims to read and change `state`: the loop must really run.
        __asm__ __volatile__("" : "+r"(state));
    }
    return state;
}

double CpuWork::measureIterationsPerMs()
{
    auto timeNs = [](std::uint64_t iterations) {
        const auto start = monotonicNowNs();
        const auto result = crunch(iterations, 0x9E3779B97F4A7C15ULL);
        const auto elapsed = monotonicNowNs() - start;
        __asm__ __volatile__("" : : "r"(result));
        return std::max<std::int64_t>(elapsed, 1);
    };

    // Warm up (caches, frequency) and size a round to about CalibrationRoundMs.
    std::uint64_t iterations = 100'000;
    double rate = static_cast<double>(iterations) / (static_cast<double>(timeNs(iterations)) / 1e6);
    iterations = static_cast<std::uint64_t>(std::max(1000.0, rate * CalibrationRoundMs));

    double best = 0.0;
    for (int round = 0; round < CalibrationRounds; ++round) {
        const double ms = static_cast<double>(timeNs(iterations)) / 1e6;
        best = std::max(best, static_cast<double>(iterations) / ms);
    }
    return best;
}

} // namespace parviz
