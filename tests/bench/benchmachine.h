#pragma once

#include <QString>

namespace parviz::bench {

// The processor the benchmarks' tables were measured on, as /proc/cpuinfo names it ("model
// name"); "unknown CPU" where it does not.
QString cpuModel();

} // namespace parviz::bench
