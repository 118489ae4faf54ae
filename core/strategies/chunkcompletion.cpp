#include "strategies/chunkcompletion.h"

namespace parviz {

ChunkCompletion::ChunkCompletion(std::size_t chunks)
    : m_ended(chunks)
{ }

void ChunkCompletion::markEnded(std::size_t chunk)
{
    // seq_cst with the waiter's store of m_waitingFor and load of m_ended (a Dekker pair):
    // either the waiter sees the chunk ended, or we see that it waits for it.
    m_ended[chunk].store(1, std::memory_order_seq_cst);
    if (m_waitingFor.load(std::memory_order_seq_cst) == static_cast<std::int64_t>(chunk)) {
        {
            std::scoped_lock lock(m_mutex);
        }
        m_wakeUp.notify_all();
    }
}

bool ChunkCompletion::waitFor(std::size_t chunk, std::stop_token stop)
{
    if (m_ended[chunk].load(std::memory_order_acquire))
        return true;
    std::unique_lock lock(m_mutex);
    m_waitingFor.store(static_cast<std::int64_t>(chunk), std::memory_order_seq_cst);
    const bool ended = m_wakeUp.wait(
        lock, stop, [this, chunk] { return m_ended[chunk].load(std::memory_order_seq_cst) != 0; });
    m_waitingFor.store(-1, std::memory_order_relaxed);
    return ended;
}

} // namespace parviz
