#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>
#include <vector>

namespace parviz {

// Lets the caller wait for chunks in their order while workers finish them in any order,
// as executor.map() yields results in input order.
//
// Thread affinity: markEnded() from any worker; waitFor() from one waiting thread.
class ChunkCompletion
{
public:
    explicit ChunkCompletion(std::size_t chunks);

    void markEnded(std::size_t chunk);
    // Waits until `chunk` has ended; false if `stop` came first.
    bool waitFor(std::size_t chunk, std::stop_token stop);

private:
    std::vector<std::atomic<std::uint8_t>> m_ended;
    std::atomic<std::int64_t> m_waitingFor{-1};
    std::mutex m_mutex; // with m_wakeUp: where the caller sleeps
    std::condition_variable_any m_wakeUp;
};

} // namespace parviz
