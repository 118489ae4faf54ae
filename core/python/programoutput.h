#pragma once

#include <QByteArray>

#include <cstdint>
#include <mutex>
#include <vector>

namespace parviz {

// A traced program's standard output and error, kept for a front end that shows them (the
// window's output panel), in the order they were read. The engine appends from the run's thread;
// the front end takes what is new on its timer. A program that prints without end keeps only
// its last MaxKeptBytes unread: what was dropped is counted, never silently lost.
//
// Any thread.
class ProgramOutput
{
public:
    enum class Channel : std::uint8_t { Output, Error };
    struct Chunk
    {
        Channel channel;
        QByteArray bytes;
    };
    static constexpr qsizetype MaxKeptBytes = 4 * 1024 * 1024;

    void append(Channel channel, const QByteArray &bytes);
    // What was appended since the last take, oldest first; consecutive chunks of a channel are
    // joined.
    std::vector<Chunk> take();
    // Bytes dropped unread since the last take, because more than MaxKeptBytes waited.
    qint64 takeDroppedBytes();

private:
    std::mutex m_mutex;
    std::vector<Chunk> m_chunks;
    qsizetype m_keptBytes = 0;
    qint64 m_droppedBytes = 0;
};

} // namespace parviz
