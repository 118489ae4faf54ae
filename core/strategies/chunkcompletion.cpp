#include "strategies/chunkcompletion.h"

namespace parviz {

ChunkCompletion::ChunkCompletion(std::size_t chunks)
    : m_ended(chunks)
    , m_remaining(chunks)
{ }

void ChunkCompletion::markEnded(std::size_t chunk)
{
    m_ended[chunk].store(1, std::memory_order_release);
    if (m_remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        // Taking the mutex orders this notification after the caller's check of m_remaining.
        {
            std::scoped_lock lock(m_mutex);
        }
        m_wakeUp.notify_all();
    }
}

bool ChunkCompletion::waitForAll(const std::stop_token &stop)
{
    if (m_remaining.load(std::memory_order_acquire) == 0)
        return true;
    std::unique_lock lock(m_mutex);
    return m_wakeUp.wait(
        lock, stop, [this] { return m_remaining.load(std::memory_order_acquire) == 0; });
}

} // namespace parviz
