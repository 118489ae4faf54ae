#pragma once

#include <chrono>
#include <cstdint>

namespace parviz {

// The one clock of ParViz: CLOCK_MONOTONIC (std::chrono::steady_clock on Linux), in nanoseconds.
// It is shared by every process on the machine, so a worker process's timestamps need no
// translation. Any thread.
inline std::int64_t monotonicNowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
        std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

} // namespace parviz
