// JsonStream::string(), the escaping every JSON export (run, sweep, comparison, Chrome trace)
// shares, on any text: written, then read back by Qt's JSON parser and by ParViz's own run
// reader, it must come back as the same text.
//
// What "the same" means. ParViz escapes a QString (UTF-16), so bytes reach it as Qt decodes
// them: invalid UTF-8 has already become U+FFFD by then (QString::fromUtf8()), and that is the
// text which must come back exactly. The input is also taken as raw UTF-16, which may hold
// unpaired surrogates that no UTF-8 can carry: those come back as QString::toUtf8() encodes them
// (its replacement), every other character exactly. In every case the output is valid UTF-8 with
// no raw control character, as RFC 8259 requires.

#include "export/jsonstream.h"
#include "export/runjsonreader.h"
#include "fuzzcheck.h"

#include <QBuffer>
#include <QByteArray>
#include <QJsonArray>
#include <QJsonDocument>
#include <QString>
#include <QStringDecoder>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstring>

using namespace parviz;

namespace {

// A run file that ParViz reads, with the escaped text as its error's message.
constexpr char RunBefore[] = R"({"format":1,"strategy":"sequential","workers":1,
"worker_count":{"explicit":1},"cpus":1,"tasks":1,"workload":{"kind":"sleep","duration":"1ms"},
"options":{},"stopped":true,"error":{"code":"x","message":)";
constexpr char RunAfter[] = R"(},"events":[]})";

QByteArray escaped(const QString &text)
{
    QByteArray out;
    QBuffer buffer(&out);
    FUZZ_CHECK(buffer.open(QIODevice::WriteOnly));
    JsonStream json(buffer);
    json.string(text);
    FUZZ_CHECK(json.flush());
    return out;
}

void roundTrip(const QString &text)
{
    // The text as it can come back: itself when it is valid UTF-16.
    // (Decoded keeping a U+FEFF at the start, which QString::fromUtf8() would drop.)
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::ConvertInitialBom);
    const QString expected =
        QStringView(text).isValidUtf16() ? text : QString(decoder(text.toUtf8()));
    const QByteArray json = escaped(text);

    FUZZ_CHECK(json.size() >= 2 && json.front() == '"' && json.back() == '"');
    for (const char c : json)
        FUZZ_CHECK(static_cast<unsigned char>(c) >= 0x20);
    QStringDecoder utf8(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    (void)utf8(json);
    FUZZ_CHECK(!utf8.hasError());

    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson("[" + json + "]", &error);
    if (error.error != QJsonParseError::NoError)
        std::fprintf(stderr, "QJsonDocument: %s\n", qPrintable(error.errorString()));
    FUZZ_CHECK(error.error == QJsonParseError::NoError);
    FUZZ_CHECK(document.isArray() && document.array().size() == 1);
    FUZZ_CHECK(document.array().at(0).toString() == expected);

    const auto run = readRunJson(RunBefore + json + RunAfter);
    if (!run)
        std::fprintf(stderr, "readRunJson: %s\n", qPrintable(run.error().message));
    FUZZ_CHECK(run.ok() && run->error.has_value());
    FUZZ_CHECK(run->error->message == expected);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const auto *bytes = reinterpret_cast<const char *>(data);
    roundTrip(QString::fromUtf8(bytes, static_cast<qsizetype>(size)));
    // The same bytes as UTF-16 code units, in this machine's byte order.
    QString units(static_cast<qsizetype>(size / 2), Qt::Uninitialized);
    std::memcpy(units.data(), data, size / 2 * 2);
    roundTrip(units);
    return 0;
}
