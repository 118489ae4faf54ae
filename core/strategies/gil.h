#pragma once

#include "trace/tracerecorder.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <stop_token>

namespace parviz {

// A model of CPython's global interpreter lock (Python/ceval_gil.c), close enough that its
// timeline looks like the real one:
// - a thread that wants the lock waits; if a whole switch interval (5 ms by default) passes
//   without any switch, it sets a drop request;
// - the holder checks for the request between slices of CPU work and drops the lock, then,
//   as CPython's FORCE_SWITCHING does, waits until another thread has taken it, so a busy
//   thread cannot grab it straight back;
// - blocking calls (sleep, I/O) release the lock.
// Who held the lock when is recorded on the recorder's GIL lane, one `gil-hold` event per hold,
// except the moments a thread holds it between two calls that release it (Drawn::No): a few
// microseconds each, thousands a second, too short to see and too many to keep.
//
// Any thread; the recorder's GIL lane is written only under m_mutex, by the holder.
class Gil
{
public:
    enum class Drawn : bool { No, Yes };

    Gil(TraceRecorder &recorder, std::int64_t switchIntervalNs, std::stop_token stop);

    // Takes the lock if it is free, without waiting.
    bool tryTake(int worker, std::int32_t task, Drawn drawn = Drawn::Yes);
    // Takes the lock for `worker` running `task`, waiting as take_gil() does.
    // Returns false if the run was stopped first.
    bool take(int worker, std::int32_t task, Drawn drawn = Drawn::Yes);
    // Releases the lock, as drop_gil(); if the holder was asked to drop it, waits until
    // another thread has it (or the run is stopped).
    void drop(int worker);
    // Whether a waiter asked the holder to drop the lock. Cheap: checked between CPU slices.
    bool dropRequested() const { return m_dropRequest.load(std::memory_order_relaxed); }

    std::uint64_t switchCount() const;

private:
    void acquireLocked(int worker, std::int32_t task, Drawn drawn);

    TraceRecorder &m_recorder;
    const std::chrono::nanoseconds m_interval;
    const std::stop_token m_stop;

    mutable std::mutex m_mutex; // guards everything below but m_dropRequest
    std::condition_variable_any m_released; // the lock became free
    std::condition_variable_any m_switched; // another thread took the lock
    bool m_locked = false;
    bool m_holdDrawn = false; // the current hold has an open event on the GIL lane
    int m_lastHolder = -1;
    std::uint64_t m_switchNumber = 0;
    // Set by a waiter under m_mutex, read by the holder without it (as CPython's eval_breaker).
    std::atomic<bool> m_dropRequest{false};
};

} // namespace parviz
