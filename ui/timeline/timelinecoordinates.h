#pragma once

#include <cmath>
#include <cstdint>

namespace parviz {

// Maps run time (ns) to x (pixels) and back, for a time window drawn from `left` onwards.
// Pure and cheap: every painter and every mouse handler uses the same mapping.
struct TimelineCoordinates
{
    std::int64_t t0Ns = 0;
    double nsPerPixel = 1.0;
    double left = 0.0;

    double x(std::int64_t timeNs) const
    {
        return left + static_cast<double>(timeNs - t0Ns) / nsPerPixel;
    }
    std::int64_t time(double x) const { return t0Ns + std::llround((x - left) * nsPerPixel); }

    static TimelineCoordinates fit(std::int64_t t0Ns, std::int64_t t1Ns, double left, double width)
    {
        return {
            t0Ns, width > 0 ? std::max(1e-3, static_cast<double>(t1Ns - t0Ns) / width) : 1.0, left};
    }
};

} // namespace parviz
