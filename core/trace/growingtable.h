#pragma once

#include <QtGlobal>

#include <array>
#include <atomic>
#include <bit>
#include <cstddef>
#include <memory>
#include <stdexcept>

namespace parviz {

// A table that one thread appends to while any thread reads the entries appended so far.
//
// Entries live in chunks that never move: chunk k holds (1 << FirstBits) << k entries, so the
// directory of chunks is a fixed array of Chunks pointers and a reader needs no lock. The
// writer fills an entry, then publishes it with one release store of the count; a reader that
// loads the count with acquire may read every entry below it, which never changes again.
//
// Thread affinity: push() and writerSize() belong to one writing thread at a time; size() and
// operator[] (below a size() read) to any thread.
template <typename T, unsigned FirstBits, std::size_t Chunks>
class GrowingTable
{
public:
    static constexpr std::size_t Capacity = ((std::size_t{1} << Chunks) - 1) << FirstBits;

    GrowingTable() = default;
    GrowingTable(const GrowingTable &) = delete;
    GrowingTable &operator=(const GrowingTable &) = delete;

    // --- writer ---
    // Appends `value` and publishes it; returns its index. Throws std::length_error when full.
    std::size_t push(T value)
    {
        const std::size_t index = m_writerSize;
        if (index >= Capacity)
            throw std::length_error("a table of the trace holds as many entries as it can");
        const auto [chunk, offset] = locate(index);
        // Readers look at a chunk's pointer only for published indices, which the release
        // store below orders after this assignment.
        if (!m_chunks[chunk])
            m_chunks[chunk] = std::make_unique<T[]>(chunkSize(chunk));
        m_chunks[chunk][offset] = std::move(value);
        m_writerSize = index + 1;
        m_size.store(m_writerSize, std::memory_order_release);
        return index;
    }
    // The entries appended so far, without a fence: for the writer's own thread.
    std::size_t writerSize() const { return m_writerSize; }

    // --- reader ---
    std::size_t size() const { return m_size.load(std::memory_order_acquire); }
    // `index` below a size() this thread has read.
    const T &operator[](std::size_t index) const
    {
        Q_ASSERT(index < m_size.load(std::memory_order_relaxed));
        const auto [chunk, offset] = locate(index);
        return m_chunks[chunk][offset];
    }

    // Calls f(const T &) for entries [0, count), chunk by chunk; `count` as for operator[].
    template <typename F>
    void visit(std::size_t count, F &&f) const
    {
        std::size_t from = 0;
        for (std::size_t chunk = 0; from < count; ++chunk) {
            const T *entries = m_chunks[chunk].get();
            const std::size_t stop = std::min(chunkSize(chunk), count - from);
            for (std::size_t i = 0; i < stop; ++i)
                f(entries[i]);
            from += stop;
        }
    }

private:
    struct Location
    {
        std::size_t chunk;
        std::size_t offset;
    };
    static Location locate(std::size_t index)
    {
        const std::size_t block = (index >> FirstBits) + 1;
        const std::size_t chunk = static_cast<std::size_t>(std::bit_width(block)) - 1;
        const std::size_t first = ((std::size_t{1} << chunk) - 1) << FirstBits;
        return {chunk, index - first};
    }
    static constexpr std::size_t chunkSize(std::size_t chunk)
    {
        return std::size_t{1} << (FirstBits + chunk);
    }

    std::array<std::unique_ptr<T[]>, Chunks> m_chunks;
    std::size_t m_writerSize = 0; // writer only
    std::atomic<std::size_t> m_size{0};
};

} // namespace parviz
