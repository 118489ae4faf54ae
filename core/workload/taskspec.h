#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace parviz {

// What a task does with its duration.
enum class TaskKind : std::uint8_t {
    Sleep, // I/O-bound: waits, as time.sleep() in the seed; interruptible
    Cpu, // CPU-bound: a fixed amount of real arithmetic, calibrated to take the duration alone
    Mixed, // first sleeps ioShare of the duration, then computes the rest
};

// "sleep", "cpu", "mixed": the names used on the command line and in every export.
constexpr std::string_view taskKindId(TaskKind kind)
{
    switch (kind) {
    case TaskKind::Sleep:
        return "sleep";
    case TaskKind::Cpu:
        return "cpu";
    case TaskKind::Mixed:
        return "mixed";
    }
    return "unknown";
}

constexpr std::optional<TaskKind> taskKindFromId(std::string_view id)
{
    for (auto kind : {TaskKind::Sleep, TaskKind::Cpu, TaskKind::Mixed}) {
        if (id == taskKindId(kind))
            return kind;
    }
    return std::nullopt;
}

// How a task's code relates to CPython's global interpreter lock, which decides whether
// threads of one process can compute at the same time. Sleeps and blocking I/O release it in
// every case.
enum class TaskGil : std::uint8_t {
    Held, // pure Python: holds the GIL while it computes
    Released, // C code that drops it while computing (hashlib, NumPy, zlib): threads overlap
    None, // a free-threaded CPython (3.13t, PEP 703): there is no GIL
};

// "held", "released", "none": the names used on the command line and in every export.
constexpr std::string_view taskGilId(TaskGil gil)
{
    switch (gil) {
    case TaskGil::Held:
        return "held";
    case TaskGil::Released:
        return "released";
    case TaskGil::None:
        return "none";
    }
    return "unknown";
}

constexpr std::optional<TaskGil> taskGilFromId(std::string_view id)
{
    for (auto gil : {TaskGil::Held, TaskGil::Released, TaskGil::None}) {
        if (id == taskGilId(gil))
            return gil;
    }
    return std::nullopt;
}

// One task of a workload: everything needed to run it, on a thread or in a worker process.
// Plain data without Qt, so the worker process can be small.
struct TaskSpec
{
    std::int32_t id = 0;
    std::int64_t durationNs = 0; // planned: on an idle core, the task takes this long
    TaskKind kind = TaskKind::Sleep;
    double ioShare = 0.0; // Mixed only: the share of durationNs spent sleeping, 0..1
    bool throws = false; // test-only: the task throws instead of finishing
    bool crashes = false; // test-only: the process running the task dies of SIGSEGV

    std::int64_t sleepNs() const;
    std::int64_t cpuNs() const { return durationNs - sleepNs(); }
};

} // namespace parviz
