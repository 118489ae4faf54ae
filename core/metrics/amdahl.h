#pragma once

#include <QString>

#include <limits>
#include <vector>

namespace parviz {

// The Karp-Flatt metric: the serial fraction implied by a speedup on p workers,
// e = (1/S - 1/p) / (1 - 1/p). NaN for p < 2.
double karpFlatt(double speedup, int workers);

// What a Karp-Flatt value means where the number alone would puzzle a reader, who expects a
// fraction between 0 and 1: above 1, the run was slower than one worker doing all the work
// (a GIL, contention or overheads cost more than the workers gave), and no serial fraction
// can explain that; below 0, it was faster than the workers can share (superlinear: caches,
// or a baseline slowed down). Empty for a value from 0 to 1, or NaN.
QString karpFlattNote(double serialFraction);
// The value, with its note in brackets when it has one: "1.190 (above 1: ...)".
QString describeKarpFlatt(double serialFraction);

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
