#include "workload/taskspec.h"

#include <cmath>

namespace parviz {

QString taskKindName(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Sleep:
        return QStringLiteral("sleep");
    case TaskKind::Cpu:
        return QStringLiteral("cpu");
    case TaskKind::Mixed:
        return QStringLiteral("mixed");
    }
    return {};
}

std::optional<TaskKind> taskKindFromName(QStringView name)
{
    for (auto kind : {TaskKind::Sleep, TaskKind::Cpu, TaskKind::Mixed}) {
        if (name == taskKindName(kind))
            return kind;
    }
    return std::nullopt;
}

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
