#pragma once

#include "trace/taskevent.h"

#include <cstddef>
#include <memory>
#include <mutex>
#include <vector>

namespace parviz {

// Blocks of BlockEvents events, reserved up front for a whole run and handed to its lanes as
// they grow past their first segments (see TraceLane). Reserving per run rather than per lane
// means a lane that records more than its share takes the room a slower lane did not use:
// the room reserved is what the run needs, however unevenly its workers share the tasks.
//
// Any thread: a lane takes a block once every BlockEvents events, under a mutex.
class EventBlockPool
{
public:
    static constexpr std::size_t BlockEvents = 16384; // 512 KiB

    using Block = std::unique_ptr<TaskEvent[]>;

    // Allocates and touches `blocks` more blocks, so that taking them neither allocates nor
    // faults a page in.
    void reserve(std::size_t blocks);
    // A reserved block, or a new one when none is left.
    Block take();
    // Frees the reserved blocks that no lane took: once the run is over.
    void releaseSpare();
    // Bytes held in blocks not yet taken.
    std::size_t spareBytes() const;

private:
    mutable std::mutex m_mutex; // guards m_blocks
    std::vector<Block> m_blocks;
};

} // namespace parviz
