#include "util/format.h"

#include <QStringDecoder>

#include <cmath>
#include <cstdlib>

namespace parviz {

namespace {

QString threeDigits(double value, const char *unit)
{
    const double magnitude = std::fabs(value);
    const int decimals = magnitude >= 100 ? 0 : magnitude >= 10 ? 1 : 2;
    return QString::number(value, 'f', decimals) + QLatin1Char(' ') + QString::fromUtf8(unit);
}

} // namespace

QString formatDuration(std::int64_t ns)
{
    const auto magnitude = std::llabs(ns);
    if (magnitude >= 1'000'000'000)
        return threeDigits(ns / 1e9, "s");
    if (magnitude >= 1'000'000)
        return threeDigits(ns / 1e6, "ms");
    if (magnitude >= 1'000)
        return threeDigits(ns / 1e3, "µs");
    return QString::number(ns) + QStringLiteral(" ns");
}

QString countOf(long long count, const char *singular, const char *plural)
{
    return QStringLiteral("%1 %2").arg(count).arg(
        QString::fromUtf8(count == 1 ? singular : plural));
}

QString formatPercent(double fraction)
{
    if (!std::isfinite(fraction))
        return QStringLiteral("n/a");
    return QString::number(fraction * 100.0, 'f', 1) + QLatin1Char('%');
}

QString excerpt(QStringView text)
{
    if (text.size() <= MaxQuoted)
        return text.toString();
    qsizetype cut = MaxQuoted;
    if (text[cut - 1].isHighSurrogate())
        --cut;
    return text.left(cut).toString() + QStringLiteral("...");
}

QString excerpt(std::string_view utf8)
{
    // QString::fromUtf8() would drop a U+FEFF (byte order mark) that starts the text.
    const auto decode = [](std::string_view bytes) {
        QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
        return QString(decoder(QByteArrayView(bytes.data(), qsizetype(bytes.size()))));
    };
    if (utf8.size() <= std::size_t(MaxQuoted))
        return decode(utf8);
    std::size_t cut = std::size_t(MaxQuoted);
    // Back to the first byte of the character the cut falls in (continuation bytes: 10xxxxxx).
    while (cut > 0 && (static_cast<unsigned char>(utf8[cut]) & 0xC0) == 0x80)
        --cut;
    return decode(utf8.substr(0, cut)) + QStringLiteral("...");
}

} // namespace parviz
