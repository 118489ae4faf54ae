#pragma once

#include <QString>

#include <cstdint>

namespace parviz {

// "1.40 s", "10.2 ms", "350 µs", "80 ns": three significant digits, for people.
QString formatDuration(std::int64_t ns);

// "12.5%" from 0.125.
QString formatPercent(double fraction);

// "1 worker", "8 workers".
QString countOf(long long count, const char *singular, const char *plural);

} // namespace parviz
