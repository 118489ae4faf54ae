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
    for (qsizetype i = 0; i < utf8.size(); ++i) {
        const char c = utf8[i];
        const auto byte = static_cast<unsigned char>(c);
        // U+FEFF (a byte order mark), U+2028 and U+2029 are valid in a JSON string, but some
        // readers lose them: Qt 6.4's QJsonDocument drops a U+FEFF that starts a string, and
        // JavaScript before ES2019 (old chrome://tracing) ends a line at the other two. As
        // escapes they read back the same everywhere. toUtf8() made valid UTF-8, so these three
        // bytes are those characters.
        if (byte == 0xEF || byte == 0xE2) {
            const auto next = [&](qsizetype at) {
                return at < utf8.size() ? static_cast<unsigned char>(utf8[at]) : 0;
            };
            const char *escape = nullptr;
            if (byte == 0xEF && next(i + 1) == 0xBB && next(i + 2) == 0xBF)
                escape = "\\ufeff";
            else if (byte == 0xE2 && next(i + 1) == 0x80 && next(i + 2) == 0xA8)
                escape = "\\u2028";
            else if (byte == 0xE2 && next(i + 1) == 0x80 && next(i + 2) == 0xA9)
                escape = "\\u2029";
            if (escape) {
                m_buffer.append(escape);
                i += 2;
                continue;
            }
        }
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
