#pragma once

#include <QByteArray>
#include <QStringView>

#include <cstdint>
#include <string_view>

class QIODevice;

namespace parviz {

// Writes JSON text to a device through a buffer, token by token, so a run of a million events
// is never held in memory as a document. The caller places the punctuation; this class gets
// strings escaped and numbers exact. Not thread-safe.
class JsonStream
{
public:
    explicit JsonStream(QIODevice &device);
    ~JsonStream();

    JsonStream &raw(std::string_view text);
    JsonStream &string(QStringView text); // quoted and escaped
    JsonStream &number(std::int64_t value);
    JsonStream &number(std::uint64_t value);
    JsonStream &number(double value); // shortest exact form; NaN and infinities become null
    // "name": with a leading comma unless `first`.
    JsonStream &key(std::string_view name, bool first = false);

    // Writes out the buffer; false if the device refused at any point.
    bool flush();
    bool ok() const { return m_ok; }

private:
    void flushIfFull();

    QIODevice &m_device;
    QByteArray m_buffer;
    bool m_ok = true;
};

} // namespace parviz
