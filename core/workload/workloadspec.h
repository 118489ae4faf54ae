#pragma once

#include "util/result.h"
#include "workload/durationspec.h"
#include "workload/taskspec.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace parviz {

QString taskKindName(TaskKind kind);
std::optional<TaskKind> taskKindFromName(QStringView name);
QString taskGilName(TaskGil gil);
std::optional<TaskGil> taskGilFromName(QStringView name);

// A workload as a person chooses it: how many tasks, of which kind, how long each. makeTasks()
// turns it into the same list of tasks every time for the same seed.
struct WorkloadSpec
{
    static constexpr int MaxTasks = 1'000'000;

    int taskCount = 10;
    TaskKind kind = TaskKind::Sleep;
    double ioShare = 0.5; // Mixed only: the share of each task spent sleeping, 0..1
    // Whether the tasks' computing holds the GIL. It matters where tasks run as threads of one
    // process; every program ParViz shows is Python, so pure Python is the default.
    TaskGil gil = TaskGil::Held;
    DurationSpec duration;
    std::uint64_t seed = 1;
    std::optional<int> throwingTask; // test-only: this task throws instead of finishing
    std::optional<int> crashingTask; // test-only: the process running this task dies

    Result<void> validate() const;
    std::vector<TaskSpec> makeTasks() const;
    // In a few words, for titles and legends: "8 cpu x 100ms", "8 cpu x 100ms, GIL released".
    QString label() const;

    bool operator==(const WorkloadSpec &) const = default;
};

} // namespace parviz
