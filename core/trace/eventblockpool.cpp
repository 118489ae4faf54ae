#include "trace/eventblockpool.h"

namespace parviz {

void EventBlockPool::reserve(std::size_t blocks)
{
    std::vector<Block> reserved;
    reserved.reserve(blocks);
    for (std::size_t i = 0; i < blocks; ++i)
        reserved.push_back(std::make_unique<TaskEvent[]>(BlockEvents)); // zeroed: touched
    std::scoped_lock lock(m_mutex);
    for (Block &block : reserved)
        m_blocks.push_back(std::move(block));
}

EventBlockPool::Block EventBlockPool::take()
{
    {
        std::scoped_lock lock(m_mutex);
        if (!m_blocks.empty()) {
            Block block = std::move(m_blocks.back());
            m_blocks.pop_back();
            return block;
        }
    }
    return std::make_unique_for_overwrite<TaskEvent[]>(BlockEvents);
}

void EventBlockPool::releaseSpare()
{
    std::vector<Block> spare;
    {
        std::scoped_lock lock(m_mutex);
        spare.swap(m_blocks);
    }
    // Freed here, outside the lock.
}

std::size_t EventBlockPool::spareBytes() const
{
    std::scoped_lock lock(m_mutex);
    return m_blocks.size() * BlockEvents * sizeof(TaskEvent);
}

} // namespace parviz
