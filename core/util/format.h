#pragma once

#include <QString>
#include <QStringView>

#include <cstdint>
#include <string_view>

namespace parviz {

// "1.40 s", "10.2 ms", "350 µs", "80 ns": three significant digits, for people.
QString formatDuration(std::int64_t ns);

// "12.5%" from 0.125.
QString formatPercent(double fraction);

// "1 worker", "8 workers".
QString countOf(long long count, const char *singular, const char *plural);

// At most this many UTF-16 code units (or, of UTF-8, bytes) of a value that a message quotes.
inline constexpr qsizetype MaxQuoted = 40;
// `text` for a message that quotes it: whole when short, else its first MaxQuoted units and
// "...", never cutting a character in two, so that a message stays one short line however
// long the value was (a flag's value, a run file's string).
QString excerpt(QStringView text);
// The same for UTF-8 bytes. A byte order mark that starts them is a character of the text,
// quoted as such.
QString excerpt(std::string_view utf8);

} // namespace parviz
