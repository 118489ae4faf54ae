#include "python/programoutput.h"

#include <utility>

namespace parviz {

void ProgramOutput::append(Channel channel, const QByteArray &bytes)
{
    if (bytes.isEmpty())
        return;
    std::lock_guard lock(m_mutex);
    if (!m_chunks.empty() && m_chunks.back().channel == channel)
        m_chunks.back().bytes += bytes;
    else
        m_chunks.push_back({channel, bytes});
    m_keptBytes += bytes.size();
    // The oldest unread bytes go first, whole chunks while they can.
    while (m_keptBytes > MaxKeptBytes) {
        Chunk &oldest = m_chunks.front();
        const qsizetype excess = m_keptBytes - MaxKeptBytes;
        if (oldest.bytes.size() <= excess) {
            m_keptBytes -= oldest.bytes.size();
            m_droppedBytes += oldest.bytes.size();
            m_chunks.erase(m_chunks.begin());
            continue;
        }
        oldest.bytes.remove(0, excess);
        m_keptBytes -= excess;
        m_droppedBytes += excess;
    }
}

std::vector<ProgramOutput::Chunk> ProgramOutput::take()
{
    std::lock_guard lock(m_mutex);
    m_keptBytes = 0;
    return std::exchange(m_chunks, {});
}

qint64 ProgramOutput::takeDroppedBytes()
{
    std::lock_guard lock(m_mutex);
    return std::exchange(m_droppedBytes, 0);
}

} // namespace parviz
