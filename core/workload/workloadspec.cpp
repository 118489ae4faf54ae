#include "workload/workloadspec.h"

#include <cmath>
#include <random>

namespace parviz {

namespace {

// A uniform double in [0, 1) from the top 53 bits: the same on every standard library,
// unlike std::uniform_real_distribution, so a seed means the same tasks everywhere.
double unitInterval(std::mt19937_64 &engine)
{
    return static_cast<double>(engine() >> 11) * 0x1.0p-53;
}

std::int64_t clampDuration(double ns)
{
    if (!(ns > 0.0))
        return 0;
    return std::llround(std::fmin(ns, static_cast<double>(DurationSpec::MaxDurationNs)));
}

} // namespace

QString taskKindName(TaskKind kind)
{
    const std::string_view id = taskKindId(kind);
    return QString::fromLatin1(id.data(), static_cast<qsizetype>(id.size()));
}

std::optional<TaskKind> taskKindFromName(QStringView name)
{
    return taskKindFromId(name.toLatin1().toStdString());
}

QString taskGilName(TaskGil gil)
{
    const std::string_view id = taskGilId(gil);
    return QString::fromLatin1(id.data(), static_cast<qsizetype>(id.size()));
}

std::optional<TaskGil> taskGilFromName(QStringView name)
{
    return taskGilFromId(name.toLatin1().toStdString());
}

Result<void> WorkloadSpec::validate() const
{
    if (taskCount < 1 || taskCount > MaxTasks)
        return Error{QStringLiteral("bad-tasks"),
            QStringLiteral("the task count must lie between 1 and %1, not %2")
                .arg(MaxTasks)
                .arg(taskCount)};
    if (kind == TaskKind::Mixed && !(ioShare >= 0.0 && ioShare <= 1.0))
        return Error{QStringLiteral("bad-io-share"),
            QStringLiteral("the I/O share of mixed tasks must lie between 0 and 1")};
    for (const auto &special : {throwingTask, crashingTask}) {
        if (special && (*special < 0 || *special >= taskCount))
            return Error{QStringLiteral("bad-tasks"),
                QStringLiteral("task %1 is not a task of this workload").arg(*special)};
    }
    return duration.validate();
}

std::vector<TaskSpec> WorkloadSpec::makeTasks() const
{
    std::vector<TaskSpec> tasks(static_cast<std::size_t>(std::max(taskCount, 0)));
    std::mt19937_64 engine(seed);
    for (std::size_t i = 0; i < tasks.size(); ++i) {
        TaskSpec &task = tasks[i];
        task.id = static_cast<std::int32_t>(i);
        task.kind = kind;
        task.ioShare = kind == TaskKind::Mixed ? ioShare : (kind == TaskKind::Sleep ? 1.0 : 0.0);
        task.throws = throwingTask && *throwingTask == static_cast<int>(i);
        task.crashes = crashingTask && *crashingTask == static_cast<int>(i);
        switch (duration.distribution) {
        case DurationSpec::Distribution::Fixed:
            task.durationNs = duration.valueNs;
            break;
        case DurationSpec::Distribution::Uniform: {
            const double span = static_cast<double>(duration.upperNs - duration.valueNs);
            task.durationNs = duration.valueNs + std::llround(unitInterval(engine) * span);
            break;
        }
        case DurationSpec::Distribution::Exponential:
            task.durationNs = clampDuration(
                -static_cast<double>(duration.valueNs) * std::log1p(-unitInterval(engine)));
            break;
        case DurationSpec::Distribution::List:
            task.durationNs = duration.listNs[i % duration.listNs.size()];
            break;
        }
    }
    return tasks;
}

QString WorkloadSpec::label() const
{
    QString text =
        QStringLiteral("%1 %2 x %3").arg(taskCount).arg(taskKindName(kind), duration.toString());
    // Pure Python is what every program shows; only the other two are worth a word.
    if (gil == TaskGil::Released)
        text += QStringLiteral(", GIL released");
    else if (gil == TaskGil::None)
        text += QStringLiteral(", no GIL");
    return text;
}

} // namespace parviz
