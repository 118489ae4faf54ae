#include "workload/taskspec.h"

#include <cmath>

namespace parviz {

std::int64_t TaskSpec::sleepNs() const
{
    switch (kind) {
    case TaskKind::Sleep:
        return durationNs;
    case TaskKind::Cpu:
        return 0;
    case TaskKind::Mixed:
        return std::llround(static_cast<double>(durationNs) * ioShare);
    }
    return 0;
}

} // namespace parviz
