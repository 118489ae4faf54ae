#include "export/jsonstream.h"

#include <QIODevice>

#include <charconv>
#include <cmath>

namespace parviz {

namespace {

constexpr qsizetype FlushThreshold = 64 * 1024;

} // namespace

JsonStream::JsonStream(QIODevice &device)
    : m_device(device)
{
    m_buffer.reserve(FlushThreshold + 1024);
}

JsonStream::~JsonStream()
{
    flush();
}

JsonStream &JsonStream::raw(std::string_view text)
{
    m_buffer.append(text.data(), static_cast<qsizetype>(text.size()));
    flushIfFull();
    return *this;
}

JsonStream &JsonStream::string(QStringView text)
{
    static constexpr char Hex[] = "0123456789abcdef";
    m_buffer.append('"');
    const QByteArray utf8 = text.toUtf8();
    for (const char c : utf8) {
        const auto byte = static_cast<unsigned char>(c);
        switch (c) {
        case '"':
            m_buffer.append("\\\"");
            break;
        case '\\':
            m_buffer.append("\\\\");
            break;
        case '\n':
            m_buffer.append("\\n");
            break;
        case '\r':
            m_buffer.append("\\r");
            break;
        case '\t':
            m_buffer.append("\\t");
            break;
        default:
            if (byte < 0x20) {
                m_buffer.append("\\u00");
                m_buffer.append(Hex[byte >> 4]);
                m_buffer.append(Hex[byte & 0xF]);
            } else {
                m_buffer.append(c);
            }
        }
    }
    m_buffer.append('"');
    flushIfFull();
    return *this;
}

JsonStream &JsonStream::number(std::int64_t value)
{
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    m_buffer.append(text, static_cast<qsizetype>(end - text));
    flushIfFull();
    return *this;
}

JsonStream &JsonStream::number(std::uint64_t value)
{
    char text[24];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    m_buffer.append(text, static_cast<qsizetype>(end - text));
    flushIfFull();
    return *this;
}

JsonStream &JsonStream::number(double value)
{
    if (!std::isfinite(value))
        return raw("null");
    char text[32];
    const auto end = std::to_chars(text, text + sizeof text, value).ptr;
    m_buffer.append(text, static_cast<qsizetype>(end - text));
    flushIfFull();
    return *this;
}

JsonStream &JsonStream::key(std::string_view name, bool first)
{
    if (!first)
        m_buffer.append(',');
    m_buffer.append('"');
    m_buffer.append(name.data(), static_cast<qsizetype>(name.size()));
    m_buffer.append("\":");
    return *this;
}

void JsonStream::flushIfFull()
{
    if (m_buffer.size() >= FlushThreshold)
        flush();
}

bool JsonStream::flush()
{
    if (!m_buffer.isEmpty()) {
        if (m_ok && m_device.write(m_buffer) != m_buffer.size())
            m_ok = false;
        m_buffer.resize(0); // keeps the capacity: the next 64 KB need no allocation
    }
    return m_ok;
}

} // namespace parviz
