#pragma once

#include <limits>
#include <vector>

namespace parviz {

// The Karp-Flatt metric: the serial fraction implied by a speedup on p workers,
// e = (1/S - 1/p) / (1 - 1/p). NaN for p < 2.
double karpFlatt(double speedup, int workers);

struct SpeedupPoint
{
    int workers = 1;
    double speedup = 1.0;
};

// Amdahl's law fitted to measured speedups: S(p) = 1 / (s + (1 - s) / p).
struct AmdahlFit
{
    // s in [0, 1]; NaN when no point has more than one worker, as before any fit.
    double serialFraction = std::numeric_limits<double>::quiet_NaN();

    double speedupAt(double workers) const;
    // The ceiling 1 / s that no number of workers can pass.
    double maxSpeedup() const;
};

// Least squares on 1/S - 1/p = s (1 - 1/p), which is linear in s.
AmdahlFit fitAmdahl(const std::vector<SpeedupPoint> &points);

} // namespace parviz
