#pragma once

#include "trace/eventblockpool.h"
#include "trace/taskevent.h"

#include <QString>

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <optional>

namespace parviz {

// The events of one lane (a worker, the main row or the GIL holder), written by one thread at a
// time and read by any thread while it is written.
//
// Events live in segments that never move, so a lane grows without copying and a reader may
// hold on to an event while the writer appends. The first HeadSegments segments double in
// size (16, 32, ... 16384 events), so short lanes stay small; after them every segment is a
// block of EventBlockPool::BlockEvents events, taken from the run's pool, so a long lane holds
// at most one block it has not filled (where doubling could leave half of it unused).
// The writer fills a slot, then publishes it with one release store; readers pair it with an
// acquire load and read only published slots. The slot being written is the open event: its
// start is published when it begins (m_started), its end when it ends (m_published), and a
// reader of the open event reads only the fields written before m_started, and its flags from
// m_openFlags.
//
// Thread affinity: the writer half (begin/end/append/...) belongs to the thread that owns the
// lane; for the GIL lane, to whoever holds the GIL (the GIL's mutex orders the writers). The
// reader half is for any thread.
class alignas(64) TraceLane
{
public:
    // `pool`, which must outlive the lane, supplies its blocks; null: it allocates its own.
    TraceLane(int worker, std::int32_t pid, EventBlockPool *pool = nullptr);
    TraceLane(const TraceLane &) = delete;
    TraceLane &operator=(const TraceLane &) = delete;

    int worker() const { return m_worker; }

    // --- writer ---
    // Opens an event; it is visible as "in flight" until end() closes it. `flags`: what is known
    // as it starts (EventFlag::GroupStart), shown with it while it is open.
    void begin(std::int32_t task, EventKind kind, std::int64_t startNs, std::uint8_t flags = 0);
    // Closes the open event, whatever its kind, adding `flags` to those it began with.
    void end(std::int64_t endNs, std::uint8_t flags = 0);
    // Records a finished event at once.
    void append(std::int32_t task,
        EventKind kind,
        std::int64_t startNs,
        std::int64_t endNs,
        std::uint8_t flags = 0);
    bool isOpen() const { return m_open; }
    // Allocates and touches room for `events` events before the lane is used, so that
    // recording them neither allocates nor faults a page in: the doubling segments, and the
    // table of blocks if `events` reaches past them (the blocks themselves are reserved in the
    // pool, see TraceRecorder::reserve()). Before the first event only.
    void reserve(std::size_t events);
    // Events the doubling segments hold; beyond them, events are in blocks.
    static constexpr std::size_t headEvents() { return HeadEvents; }
    // Events recorded from now on belong to this process (a worker process that was replaced).
    void setPid(std::int32_t pid) { m_pid = pid; }
    void countCompletedTask();
    // What the row is called where its number and pid do not say enough: "127.0.0.1:39041
    // thread 2" for a Dask worker's thread. The writer's thread, at any time.
    void setLabel(const QString &label);

    // --- reader ---
    // Events [0, publishedCount()) are complete and never change again.
    std::size_t publishedCount() const;
    const TaskEvent &at(std::size_t index) const;
    // Calls f(const TaskEvent &) for events [from, to), segment by segment.
    template <typename F>
    void visit(std::size_t from, std::size_t to, F &&f) const;
    // The published count and the open event (started, not yet ended), read consistently.
    struct View
    {
        std::size_t published = 0;
        std::optional<TaskEvent> open; // endNs unset (0)
    };
    View view() const;
    std::int64_t completedTasks() const { return m_completedTasks.load(std::memory_order_relaxed); }
    // The label last set, or empty. Any thread.
    QString label() const;
    // The memory the lane holds: itself, its segments and blocks (used or not), and its table
    // of blocks. The writer's thread, or any thread once the writer is done.
    std::size_t allocatedBytes() const;

private:
    static constexpr unsigned FirstSegmentBits = 4; // 16 events: thread-per-task lanes stay small
    static constexpr std::size_t HeadSegments = 11; // 16 << 10 == BlockEvents
    static constexpr std::size_t HeadEvents = ((std::size_t{1} << HeadSegments) - 1)
        << FirstSegmentBits;
    static constexpr std::size_t BlockEvents = EventBlockPool::BlockEvents;
    static constexpr unsigned BlockBits = 14;
    static_assert(std::size_t{1} << BlockBits == BlockEvents);
    static_assert(std::size_t{1} << (FirstSegmentBits + HeadSegments - 1) == BlockEvents);
    // 8192 blocks: 134 million events a lane (4 GiB of them), far beyond a million tasks.
    static constexpr std::size_t MaxBlocks = 8192;

    // Segments are numbered on: 0 .. HeadSegments-1 double, the rest are blocks.
    struct Location
    {
        std::size_t segment;
        std::size_t offset;
    };
    static Location locate(std::size_t index)
    {
        if (index >= HeadEvents) {
            const std::size_t beyond = index - HeadEvents;
            return {HeadSegments + (beyond >> BlockBits), beyond & (BlockEvents - 1)};
        }
        const std::size_t block = (index >> FirstSegmentBits) + 1;
        const std::size_t segment = static_cast<std::size_t>(std::bit_width(block)) - 1;
        const std::size_t first = ((std::size_t{1} << segment) - 1) << FirstSegmentBits;
        return {segment, index - first};
    }
    static std::size_t segmentSize(std::size_t segment)
    {
        return segment < HeadSegments ? std::size_t{1} << (FirstSegmentBits + segment)
                                      : BlockEvents;
    }
    const TaskEvent *segmentData(std::size_t segment) const
    {
        return segment < HeadSegments ? m_head[segment].get()
                                      : m_blocks[segment - HeadSegments].get();
    }
    // The slot at m_size, allocating its segment when the last one is full.
    TaskEvent &nextSlot()
    {
        if (m_next == m_segmentEnd)
            startSegment();
        return *m_next;
    }
    void startSegment();

    std::array<std::unique_ptr<TaskEvent[]>, HeadSegments> m_head;
    // MaxBlocks entries, allocated when the lane first reaches past its head.
    std::unique_ptr<EventBlockPool::Block[]> m_blocks;
    EventBlockPool *const m_pool;
    // Writer-only state.
    const int m_worker;
    std::int32_t m_pid;
    std::size_t m_size = 0; // closed events; the open one, if any, sits at m_size
    TaskEvent *m_next = nullptr; // the slot at m_size, within the current segment
    TaskEvent *m_segmentEnd = nullptr;
    bool m_open = false;
    // Shared with readers. Each release store below pairs with the acquire loads in view().
    std::atomic<std::size_t> m_started{0}; // m_size + 1 while an event is open
    std::atomic<std::size_t> m_published{0}; // == m_size
    // The flags the open event began with, for readers: the slot's own flags are end()'s to
    // write while a reader may be looking at the open event.
    std::atomic<std::uint8_t> m_openFlags{0};
    std::atomic<std::int64_t> m_completedTasks{0};
    std::atomic<std::shared_ptr<const QString>> m_label;
};

template <typename F>
void TraceLane::visit(std::size_t from, std::size_t to, F &&f) const
{
    while (from < to) {
        const auto [segment, offset] = locate(from);
        const TaskEvent *events = segmentData(segment);
        const std::size_t stop = std::min(segmentSize(segment), offset + (to - from));
        for (std::size_t i = offset; i < stop; ++i)
            f(events[i]);
        from += stop - offset;
    }
}

} // namespace parviz
