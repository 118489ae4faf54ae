#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <vector>

namespace parviz {

// Which chunks of a map have ended, so that the caller can collect their results in input order,
// as executor.map() yields them, while workers finish them in any order.
//
// The caller sleeps once, until every chunk has ended (or Stop), and then reads the chunks in
// order. Waking it chunk by chunk would put a futex wake on a worker's path for each chunk,
// several microseconds against a chunk of empty tasks that takes a few, and the trace could
// not tell the difference: the main row is one wait either way.
//
// Thread affinity: markEnded() from any worker; waitForAll() from one waiting thread; ended()
// from any thread once the workers that ended chunks have been joined.
class ChunkCompletion
{
public:
    explicit ChunkCompletion(std::size_t chunks);

    void markEnded(std::size_t chunk);
    bool ended(std::size_t chunk) const { return m_ended[chunk].load(std::memory_order_acquire); }
    // Waits until every chunk has ended; false if `stop` came first.
    bool waitForAll(const std::stop_token &stop);

private:
    std::vector<std::atomic<std::uint8_t>> m_ended;
    std::atomic<std::size_t> m_remaining;
    std::mutex m_mutex; // with m_wakeUp: where the caller sleeps
    std::condition_variable_any m_wakeUp;
};

} // namespace parviz
