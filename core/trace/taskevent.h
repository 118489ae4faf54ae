#pragma once

#include <QString>

#include <cstdint>
#include <optional>
#include <string_view>

namespace parviz {

// What a lane was doing during an event. Every moment of a worker is one of these or idle.
enum class EventKind : std::uint8_t {
    Run, // a task executing (for GIL threads: executing while holding the GIL, or sleeping)
    Spawn, // a worker starting: from the moment it was asked for to its first instruction
    GilWait, // a GIL thread waiting for the global lock
    Dispatch, // handing a batch of tasks out (joblib-style batching)
    Submit, // main row: starting workers and handing tasks over
    Wait, // main row: waiting for the workers (join, result collection)
    GilHold, // GIL lane: the lock held on behalf of `task`
};

inline constexpr int EventKindCount = 7;

// "run", "spawn", "gil-wait", "dispatch", "submit", "wait", "gil-hold": the names used in
// every export.
constexpr std::string_view eventKindId(EventKind kind)
{
    switch (kind) {
    case EventKind::Run:
        return "run";
    case EventKind::Spawn:
        return "spawn";
    case EventKind::GilWait:
        return "gil-wait";
    case EventKind::Dispatch:
        return "dispatch";
    case EventKind::Submit:
        return "submit";
    case EventKind::Wait:
        return "wait";
    case EventKind::GilHold:
        return "gil-hold";
    }
    return "unknown";
}

QString eventKindName(EventKind kind);
std::optional<EventKind> eventKindFromName(QStringView name);

namespace EventFlag {
inline constexpr std::uint8_t Interrupted = 1; // cut short by Stop
inline constexpr std::uint8_t Failed = 2; // the task threw, or its worker process died
inline constexpr std::uint8_t Abandoned = 4; // its worker died and the task was queued again
// The first task of a chunk or batch that its worker received at once; on the task's first `run`
// event only. Set only by strategies that hand tasks out in groups (pool-map and process-pool
// with a chunk size above 1, joblib batches), so the tasks from one GroupStart to the next on a
// worker's row are one group.
inline constexpr std::uint8_t GroupStart = 8;
} // namespace EventFlag

// Lanes that are not workers.
inline constexpr int MainLane = -1; // the caller: submitting and waiting
inline constexpr int GilLane = -2; // who held the GIL when

// Whether events of `kind` are recorded on `lane`: submit and wait on the main row, gil-hold
// on the GIL row, everything else on workers' rows.
constexpr bool eventKindBelongsOn(int lane, EventKind kind)
{
    if (lane == MainLane)
        return kind == EventKind::Submit || kind == EventKind::Wait;
    if (lane == GilLane)
        return kind == EventKind::GilHold;
    return kind == EventKind::Run || kind == EventKind::Spawn || kind == EventKind::GilWait
        || kind == EventKind::Dispatch;
}

// One interval on one lane, in nanoseconds since the run started. 32 bytes.
struct TaskEvent
{
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::int32_t task = -1; // -1 for events that belong to no single task
    std::int32_t worker = 0; // the lane: a worker index, MainLane or GilLane
    std::int32_t pid = 0; // the process the event happened in
    EventKind kind = EventKind::Run;
    std::uint8_t flags = 0; // EventFlag bits

    std::int64_t durationNs() const { return endNs - startNs; }
    bool interrupted() const { return flags & EventFlag::Interrupted; }
    bool failed() const { return flags & EventFlag::Failed; }
    bool abandoned() const { return flags & EventFlag::Abandoned; }
    bool groupStart() const { return flags & EventFlag::GroupStart; }

    bool operator==(const TaskEvent &) const = default;
};

static_assert(sizeof(TaskEvent) == 32, "TaskEvent is stored by the million; keep it compact");

} // namespace parviz
