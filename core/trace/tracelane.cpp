#include "trace/tracelane.h"

#include <QtGlobal>

#include <stdexcept>

namespace parviz {

TraceLane::TraceLane(int worker, std::int32_t pid, EventBlockPool *pool)
    : m_pool(pool)
    , m_worker(worker)
    , m_pid(pid)
{ }

void TraceLane::startSegment()
{
    const auto [segment, offset] = locate(m_size);
    Q_ASSERT(offset == 0);
    // Readers look at these pointers only for published indices, which the release stores in
    // begin(), end() and append() order after these assignments.
    TaskEvent *events = nullptr;
    if (segment < HeadSegments) {
        if (!m_head[segment])
            m_head[segment] = std::make_unique_for_overwrite<TaskEvent[]>(segmentSize(segment));
        events = m_head[segment].get();
    } else {
        const std::size_t block = segment - HeadSegments;
        if (block >= MaxBlocks)
            throw std::length_error("a lane of the trace holds as many events as it can");
        if (!m_blocks)
            m_blocks = std::make_unique<EventBlockPool::Block[]>(MaxBlocks);
        if (!m_blocks[block])
            m_blocks[block] =
                m_pool ? m_pool->take() : std::make_unique_for_overwrite<TaskEvent[]>(BlockEvents);
        events = m_blocks[block].get();
    }
    m_next = events;
    m_segmentEnd = m_next + segmentSize(segment);
}

void TraceLane::reserve(std::size_t events)
{
    Q_ASSERT(m_size == 0 && !m_open);
    for (std::size_t segment = 0; segment < HeadSegments; ++segment) {
        const std::size_t first = ((std::size_t{1} << segment) - 1) << FirstSegmentBits;
        if (first >= events)
            break;
        if (!m_head[segment])
            m_head[segment] =
                std::make_unique<TaskEvent[]>(segmentSize(segment)); // zeroed: touched
    }
    if (events > HeadEvents && !m_blocks)
        m_blocks = std::make_unique<EventBlockPool::Block[]>(MaxBlocks);
}

void TraceLane::begin(std::int32_t task, EventKind kind, std::int64_t startNs, std::uint8_t flags)
{
    Q_ASSERT(!m_open);
    TaskEvent &event = nextSlot();
    event.startNs = startNs;
    event.endNs = 0;
    event.task = task;
    event.worker = m_worker;
    event.pid = m_pid;
    event.kind = kind;
    event.flags = flags;
    m_open = true;
    // Pairs with view()'s acquire load of m_openFlags: a reader that sees the flags of a later
    // event than the open one it found also sees that event's predecessor published.
    m_openFlags.store(flags, std::memory_order_release);
    // Publishes the fields above (not endNs) and m_openFlags to view()'s acquire load of
    // m_started.
    m_started.store(m_size + 1, std::memory_order_release);
}

void TraceLane::end(std::int64_t endNs, std::uint8_t flags)
{
    Q_ASSERT(m_open);
    TaskEvent &event = *m_next;
    event.endNs = endNs;
    event.flags |= flags;
    m_open = false;
    ++m_next;
    ++m_size;
    // Publishes the whole event to the acquire load of m_published in view()/publishedCount().
    m_published.store(m_size, std::memory_order_release);
}

void TraceLane::append(
    std::int32_t task, EventKind kind, std::int64_t startNs, std::int64_t endNs, std::uint8_t flags)
{
    Q_ASSERT(!m_open);
    nextSlot() = TaskEvent{startNs, endNs, task, m_worker, m_pid, kind, flags};
    ++m_next;
    ++m_size;
    // Pairs with the acquire loads of m_published.
    m_published.store(m_size, std::memory_order_release);
}

void TraceLane::countCompletedTask()
{
    // One writer: a plain load and store, no read-modify-write on the hot path.
    m_completedTasks.store(
        m_completedTasks.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
}

std::size_t TraceLane::publishedCount() const
{
    // Pairs with the release stores in end() and append().
    return m_published.load(std::memory_order_acquire);
}

std::size_t TraceLane::allocatedBytes() const
{
    std::size_t events = 0;
    for (std::size_t segment = 0; segment < HeadSegments; ++segment) {
        if (m_head[segment])
            events += segmentSize(segment);
    }
    std::size_t bytes = sizeof(TraceLane);
    if (m_blocks) {
        bytes += MaxBlocks * sizeof(EventBlockPool::Block);
        for (std::size_t block = 0; block < MaxBlocks && m_blocks[block]; ++block)
            events += BlockEvents;
    }
    return bytes + events * sizeof(TaskEvent);
}

const TaskEvent &TraceLane::at(std::size_t index) const
{
    const auto [segment, offset] = locate(index);
    return segmentData(segment)[offset];
}

TraceLane::View TraceLane::view() const
{
    // m_started first: if it says slot k is open and m_published, read after it, is still k,
    // then slot k was open at some moment between the two loads. The other order could pair a
    // stale count with a newer begin and call a finished event open.
    const std::size_t started = m_started.load(std::memory_order_acquire); // pairs with begin()
    // Between the two: the open event's flags, or a later event's, and then m_published shows
    // the open one ended (both stores are begin()'s, after the end() before them).
    const std::uint8_t openFlags = m_openFlags.load(std::memory_order_acquire);
    View view;
    view.published = m_published.load(std::memory_order_acquire); // pairs with end()/append()
    if (started == view.published + 1) {
        // Only the fields begin() wrote, flags aside: end() may be writing endNs and flags
        // right now.
        const auto [segment, offset] = locate(view.published);
        const TaskEvent &slot = segmentData(segment)[offset];
        TaskEvent open;
        open.startNs = slot.startNs;
        open.task = slot.task;
        open.worker = slot.worker;
        open.pid = slot.pid;
        open.kind = slot.kind;
        open.flags = openFlags;
        view.open = open;
    }
    return view;
}

void TraceLane::setLabel(const QString &label)
{
    m_label.store(std::make_shared<const QString>(label), std::memory_order_release);
}

QString TraceLane::label() const
{
    const std::shared_ptr<const QString> label = m_label.load(std::memory_order_acquire);
    return label ? *label : QString();
}

} // namespace parviz
