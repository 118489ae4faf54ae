#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <vector>

namespace parviz {

// The FIFO queue of a pool, as the one behind ThreadPoolExecutor: items (task, chunk or batch
// indices) are taken in the order they were pushed. Its capacity is known up front (a run knows
// its tasks), so it is an array with a published tail and a claimed head: pop() is one
// compare-and-swap when work is waiting, and a consumer sleeps only when the queue is empty.
//
// Thread affinity: push() and close() from one producer at a time (callers that push from
// several threads serialise with their own mutex); pop() from any number of consumers.
class TaskQueue
{
public:
    explicit TaskQueue(std::size_t capacity);

    void push(std::int64_t item);
    // No more items: consumers drain what is left, then pop() returns nullopt.
    void close();
    // The next item in FIFO order; waits while the queue is empty and open. nullopt once the
    // queue is closed and drained, or as soon as `stop` is requested.
    std::optional<std::int64_t> pop(std::stop_token stop);

    std::size_t pushedCount() const { return m_tail.load(std::memory_order_acquire); }

private:
    void wakeSleepers(bool all);

    std::vector<std::int64_t> m_items;
    // Producer's index and consumers' index on separate cache lines.
    alignas(64) std::atomic<std::size_t> m_tail{0};
    alignas(64) std::atomic<std::size_t> m_head{0};
    alignas(64) std::atomic<int> m_sleepers{0};
    std::atomic<bool> m_closed{false};
    std::mutex m_sleepMutex; // with m_wakeUp: where consumers sleep while the queue is empty
    std::condition_variable_any m_wakeUp;
};

} // namespace parviz
