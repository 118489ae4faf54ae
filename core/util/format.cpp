#include "util/format.h"

#include <cmath>
#include <cstdlib>

namespace parviz {

namespace {

QString threeDigits(double value, const char *unit)
{
    const double magnitude = std::fabs(value);
    const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
    return QString::number(value, 'f', decimals) + QLatin1Char(' ') + QString::fromUtf8(unit);
}

} // namespace

QString formatDuration(std::int64_t ns)
{
    const auto magnitude = std::llabs(ns);
    if (magnitude >= 1'000'000'000)
        return threeDigits(ns / 1e9, "s");
    if (magnitude >= 1'000'000)
        return threeDigits(ns / 1e6, "ms");
    if (magnitude >= 1'000)
        return threeDigits(ns / 1e3, "µs");
    return QString::number(ns) + QStringLiteral(" ns");
}

QString countOf(long long count, const char *singular, const char *plural)
{
    return QStringLiteral("%1 %2").arg(count).arg(QString::fromUtf8(count == 1 ? singular : plural));
}

QString formatPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("n/a");
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

} // namespace parviz
