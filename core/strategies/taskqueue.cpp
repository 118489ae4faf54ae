#include "strategies/taskqueue.h"

#include <QtGlobal>

namespace parviz {

TaskQueue::TaskQueue(std::size_t capacity)
    : m_items(capacity)
{ }

void TaskQueue::push(std::int64_t item)
{
    const std::size_t tail = m_tail.load(std::memory_order_relaxed);
    Q_ASSERT(tail < m_items.size());
    m_items[tail] = item;
    // seq_cst: publishes the item to pop()'s acquire load of m_tail, and orders this store
    // before the load of m_sleepers below against the consumer's increment of m_sleepers and
    // its load of m_tail (a Dekker pair): either the consumer sees the item, or we see it asleep.
    m_tail.store(tail + 1, std::memory_order_seq_cst);
    if (m_sleepers.load(std::memory_order_seq_cst) > 0)
        wakeSleepers(false);
}

void TaskQueue::close()
{
    m_closed.store(true, std::memory_order_seq_cst); // the same Dekker pair as in push()
    if (m_sleepers.load(std::memory_order_seq_cst) > 0)
        wakeSleepers(true);
}

void TaskQueue::wakeSleepers(bool all)
{
    // Taking the mutex orders us after a consumer that counted itself a sleeper and is
    // between its last check and its wait: it is waiting by the time we can lock.
    {
        std::scoped_lock lock(m_sleepMutex);
    }
    if (all)
        m_wakeUp.notify_all();
    else
        m_wakeUp.notify_one();
}

std::optional<std::int64_t> TaskQueue::pop(std::stop_token stop)
{
    for (;;) {
        if (stop.stop_requested())
            return std::nullopt;
        std::size_t head = m_head.load(std::memory_order_relaxed);
        // Pairs with the release (seq_cst) store in push(): m_items[head] is written.
        const std::size_t tail = m_tail.load(std::memory_order_acquire);
        if (head < tail) {
            if (m_head.compare_exchange_weak(head, head + 1, std::memory_order_relaxed))
                return m_items[head];
            continue;
        }
        if (m_closed.load(std::memory_order_acquire)
            && head >= m_tail.load(std::memory_order_acquire))
            return std::nullopt;

        std::unique_lock lock(m_sleepMutex);
        m_sleepers.fetch_add(1, std::memory_order_seq_cst);
        m_wakeUp.wait(lock, stop, [this] {
            return m_head.load(std::memory_order_relaxed) < m_tail.load(std::memory_order_seq_cst)
                || m_closed.load(std::memory_order_seq_cst);
        });
        m_sleepers.fetch_sub(1, std::memory_order_relaxed);
    }
}

} // namespace parviz
