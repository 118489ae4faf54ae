#include "metrics/amdahl.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace parviz {

double karpFlatt(double speedup, int workers)
{
    if (workers < 2 || !(speedup > 0.0))
        return std::numeric_limits<double>::quiet_NaN();
    const double p = workers;
    return (1.0 / speedup - 1.0 / p) / (1.0 - 1.0 / p);
}

double AmdahlFit::speedupAt(double workers) const
{
    if (std::isnan(serialFraction) || !(workers > 0.0))
        return std::numeric_limits<double>::quiet_NaN();
    return 1.0 / (serialFraction + (1.0 - serialFraction) / workers);
}

double AmdahlFit::maxSpeedup() const
{
    if (std::isnan(serialFraction))
        return std::numeric_limits<double>::quiet_NaN();
    return serialFraction > 0.0 ? 1.0 / serialFraction : std::numeric_limits<double>::infinity();
}

AmdahlFit fitAmdahl(const std::vector<SpeedupPoint> &points)
{
    double xy = 0.0;
    double xx = 0.0;
    for (const SpeedupPoint &point : points) {
        if (point.workers < 2 || !(point.speedup > 0.0))
            continue;
        const double inverseP = 1.0 / point.workers;
        const double x = 1.0 - inverseP;
        const double y = 1.0 / point.speedup - inverseP;
        xy += x * y;
        xx += x * x;
    }
    AmdahlFit fit;
    fit.serialFraction =
        xx > 0.0 ? std::clamp(xy / xx, 0.0, 1.0) : std::numeric_limits<double>::quiet_NaN();
    return fit;
}

QString karpFlattNote(double e)
{
    if (!std::isfinite(e))
        return {};
    if (e > 1.0)
        return QStringLiteral("above 1: slower than one worker alone, so no serial fraction "
                              "explains it");
    if (e < 0.0)
        return QStringLiteral("below 0: faster than the workers can share the work "
                              "(superlinear), so not a serial fraction");
    return {};
}

QString describeKarpFlatt(double e)
{
    if (!std::isfinite(e))
        return QStringLiteral("-");
    const QString value = QString::number(e, 'f', 3);
    const QString note = karpFlattNote(e);
    return note.isEmpty() ? value : QStringLiteral("%1 (%2)").arg(value, note);
}

} // namespace parviz
