#pragma once

#include <QString>

#include <cstdint>
#include <optional>

namespace parviz {

// What a task does with its duration.
enum class TaskKind : std::uint8_t {
    Sleep, // I/O-bound: waits, as time.sleep() in the seed; interruptible
    Cpu, // CPU-bound: a fixed amount of real arithmetic, calibrated to take the duration alone
    Mixed, // first sleeps ioShare of the duration, then computes the rest
};

QString taskKindName(TaskKind kind);
std::optional<TaskKind> taskKindFromName(QStringView name);

// One task of a workload: everything needed to run it, on a thread or in a worker process.
struct TaskSpec
{
    std::int32_t id = 0;
    std::int64_t durationNs = 0; // planned: on an idle core, the task takes this long
    TaskKind kind = TaskKind::Sleep;
    double ioShare = 0.0; // Mixed only: the share of durationNs spent sleeping, 0..1
    bool throws = false; // test-only: the task throws instead of finishing

    std::int64_t sleepNs() const;
    std::int64_t cpuNs() const { return durationNs - sleepNs(); }
};

} // namespace parviz
