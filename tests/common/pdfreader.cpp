#include "pdfreader.h"

#include <QList>
#include <QRegularExpression>

#include <optional>
#include <zlib.h>

namespace parviz::test {

namespace {

std::optional<QByteArray> inflated(const QByteArray &data)
{
    z_stream stream{};
    if (inflateInit(&stream) != Z_OK)
        return std::nullopt;
    stream.next_in = reinterpret_cast<Bytef *>(const_cast<char *>(data.data()));
    stream.avail_in = static_cast<uInt>(data.size());
    QByteArray out;
    char buffer[16384];
    int status = Z_OK;
    while (status != Z_STREAM_END) {
        stream.next_out = reinterpret_cast<Bytef *>(buffer);
        stream.avail_out = sizeof buffer;
        status = inflate(&stream, Z_NO_FLUSH);
        if (status != Z_OK && status != Z_STREAM_END) {
            inflateEnd(&stream);
            return std::nullopt;
        }
        out.append(buffer, static_cast<qsizetype>(sizeof buffer - stream.avail_out));
    }
    inflateEnd(&stream);
    return out;
}

// UTF-16BE in hex, as a ToUnicode map gives it: "00B7".
QString fromHexUtf16(const QByteArray &hex)
{
    const QByteArray bytes = QByteArray::fromHex(hex);
    QString text;
    for (qsizetype i = 0; i + 1 < bytes.size(); i += 2)
        text += QChar(static_cast<char16_t>((quint8(bytes[i]) << 8) | quint8(bytes[i + 1])));
    return text;
}

int hexNumber(const QByteArray &hex)
{
    return hex.trimmed().toInt(nullptr, 16);
}

} // namespace

PdfReader::PdfReader(const QByteArray &file)
{
    m_valid = read(file);
}

bool PdfReader::read(const QByteArray &file)
{
    if (!file.startsWith("%PDF-")) {
        m_error = QStringLiteral("no %PDF- header");
        return false;
    }
    // The cross-reference table: where each object starts.
    const qsizetype startXref = file.lastIndexOf("startxref");
    if (startXref < 0) {
        m_error = QStringLiteral("no startxref");
        return false;
    }
    const qsizetype xref =
        file.mid(startXref + 9, 32).trimmed().split('\n').value(0).trimmed().toLongLong();
    if (xref <= 0 || file.mid(xref, 4) != "xref") {
        m_error = QStringLiteral("no cross-reference table at %1").arg(xref);
        return false;
    }
    const QList<QByteArray> lines = file.mid(xref).split('\n');
    int number = 0;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QList<QByteArray> fields = lines[i].simplified().split(' ');
        if (fields.value(0) == "trailer")
            break;
        if (fields.size() == 2) { // a subsection: first number and count
            number = fields[0].toInt();
        } else if (fields.size() == 3) {
            if (fields[2] == "n")
                m_offsets[number] = fields[0].toLongLong();
            ++number;
        } else {
            m_error = QStringLiteral("unreadable cross-reference line '%1'")
                          .arg(QString::fromLatin1(lines[i]));
            return false;
        }
    }
    if (m_offsets.empty()) {
        m_error = QStringLiteral("no objects");
        return false;
    }
    for (const auto &[objectNumber, offset] : m_offsets)
        if (!readObject(file, objectNumber, offset))
            return false;
    return true;
}

bool PdfReader::readObject(const QByteArray &file, int number, qsizetype offset)
{
    static const QRegularExpression header(QStringLiteral("^(\\d+)\\s+\\d+\\s+obj\\s*"));
    const QString start = QString::fromLatin1(file.mid(offset, 32));
    const auto match = header.match(start);
    if (!match.hasMatch() || match.captured(1).toInt() != number) {
        m_error = QStringLiteral("object %1 is not at %2").arg(number).arg(offset);
        return false;
    }
    const qsizetype body = offset + match.capturedLength(0);
    const qsizetype end = file.indexOf("endobj", body);
    const qsizetype stream = file.indexOf("stream", body);
    if (end < 0) {
        m_error = QStringLiteral("object %1 has no end").arg(number);
        return false;
    }
    Object object;
    if (stream < 0 || stream > end) {
        object.dictionary = file.mid(body, end - body).trimmed();
        m_objects[number] = object;
        return true;
    }
    object.dictionary = file.mid(body, stream - body).trimmed();
    qsizetype data = stream + 6;
    if (file.mid(data, 2) == "\r\n")
        data += 2;
    else if (file.at(data) == '\n')
        data += 1;
    // The length is a number, or another object holding it.
    static const QRegularExpression lengthKey(QStringLiteral("/Length\\s+(\\d+)(\\s+\\d+\\s+R)?"));
    const auto length = lengthKey.match(QString::fromLatin1(object.dictionary));
    if (!length.hasMatch()) {
        m_error = QStringLiteral("object %1 has a stream without a length").arg(number);
        return false;
    }
    qsizetype bytes = length.captured(1).toLongLong();
    if (!length.captured(2).isEmpty()) {
        const auto found = m_offsets.find(static_cast<int>(bytes));
        if (found == m_offsets.end()) {
            m_error = QStringLiteral("object %1's length is missing").arg(number);
            return false;
        }
        const qsizetype lengthBody = file.indexOf("obj", found->second) + 3;
        bytes = file.mid(lengthBody, file.indexOf("endobj", lengthBody) - lengthBody)
                    .trimmed()
                    .toLongLong();
    }
    // Compressed data may hold "endobj" by chance: the stream's end is found by its length.
    if (bytes <= 0 || data + bytes > file.size()
        || !file.mid(data + bytes, 16).trimmed().startsWith("endstream")) {
        m_error = QStringLiteral("object %1's stream has a bad length").arg(number);
        return false;
    }
    object.stream = file.mid(data, bytes);
    if (object.dictionary.contains("/FlateDecode")) {
        const auto raw = inflated(object.stream);
        if (!raw) {
            m_error = QStringLiteral("object %1's stream does not inflate").arg(number);
            return false;
        }
        object.stream = *raw;
    }
    m_objects[number] = object;
    return true;
}

const PdfReader::Object *PdfReader::object(int number) const
{
    const auto found = m_objects.find(number);
    return found == m_objects.end() ? nullptr : &found->second;
}

const PdfReader::Object *PdfReader::reference(const QByteArray &dictionary, const char *key) const
{
    const QRegularExpression pattern(
        QStringLiteral("/%1\\s+(\\d+)\\s+\\d+\\s+R").arg(QLatin1String(key)));
    const auto match = pattern.match(QString::fromLatin1(dictionary));
    return match.hasMatch() ? object(match.captured(1).toInt()) : nullptr;
}

int PdfReader::pageCount() const
{
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![A-Za-z])"));
    int pages = 0;
    for (const auto &[number, object] : m_objects)
        pages += page.match(QString::fromLatin1(object.dictionary)).hasMatch();
    return pages;
}

QRectF PdfReader::mediaBox() const
{
    static const QRegularExpression box(QStringLiteral(
        "/MediaBox\\s*\\[\\s*([-\\d.]+)\\s+([-\\d.]+)\\s+([-\\d.]+)\\s+([-\\d.]+)\\s*\\]"));
    for (const auto &[number, object] : m_objects) {
        const auto match = box.match(QString::fromLatin1(object.dictionary));
        if (match.hasMatch())
            return QRectF(QPointF(match.captured(1).toDouble(), match.captured(2).toDouble()),
                QPointF(match.captured(3).toDouble(), match.captured(4).toDouble()));
    }
    return {};
}

bool PdfReader::hasImages() const
{
    static const QRegularExpression image(QStringLiteral("/Subtype\\s*/Image"));
    for (const auto &[number, object] : m_objects)
        if (image.match(QString::fromLatin1(object.dictionary)).hasMatch())
            return true;
    return false;
}

QByteArray PdfReader::contents() const
{
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![A-Za-z])"));
    QByteArray contents;
    for (const auto &[number, object] : m_objects) {
        if (!page.match(QString::fromLatin1(object.dictionary)).hasMatch())
            continue;
        if (const Object *content = reference(object.dictionary, "Contents"))
            contents += content->stream + '\n';
    }
    return contents;
}

std::map<QByteArray, std::map<int, QString>> PdfReader::fontMaps() const
{
    // /Font << /F7 7 0 R >> in each page's resources; each font's /ToUnicode CMap.
    static const QRegularExpression page(QStringLiteral("/Type\\s*/Page(?![A-Za-z])"));
    static const QRegularExpression fonts(QStringLiteral("/Font\\s*<<([^>]*)>>"));
    static const QRegularExpression font(QStringLiteral("/([A-Za-z0-9]+)\\s+(\\d+)\\s+\\d+\\s+R"));
    static const QRegularExpression section(QStringLiteral("begin(bfchar|bfrange)(.*?)end\\1"),
        QRegularExpression::DotMatchesEverythingOption);
    static const QRegularExpression hex(QStringLiteral("<([0-9A-Fa-f]+)>"));
    std::map<QByteArray, std::map<int, QString>> maps;
    for (const auto &[number, pageObject] : m_objects) {
        if (!page.match(QString::fromLatin1(pageObject.dictionary)).hasMatch())
            continue;
        const Object *resources = reference(pageObject.dictionary, "Resources");
        if (!resources)
            continue;
        const auto fontList = fonts.match(QString::fromLatin1(resources->dictionary));
        for (auto it = font.globalMatch(fontList.captured(1)); it.hasNext();) {
            const auto entry = it.next();
            const Object *fontObject = object(entry.captured(2).toInt());
            const Object *cmap =
                fontObject ? reference(fontObject->dictionary, "ToUnicode") : nullptr;
            if (!cmap)
                continue;
            std::map<int, QString> &map = maps[entry.captured(1).toLatin1()];
            for (auto sections = section.globalMatch(QString::fromLatin1(cmap->stream));
                 sections.hasNext();) {
                const auto part = sections.next();
                for (const QString &line : part.captured(2).split(QLatin1Char('\n'))) {
                    QList<QByteArray> values;
                    for (auto h = hex.globalMatch(line); h.hasNext();)
                        values << h.next().captured(1).toLatin1();
                    if (part.captured(1) == QLatin1String("bfchar") && values.size() == 2) {
                        map[hexNumber(values[0])] = fromHexUtf16(values[1]);
                    } else if (part.captured(1) == QLatin1String("bfrange") && values.size() >= 3) {
                        const int low = hexNumber(values[0]);
                        const int high = hexNumber(values[1]);
                        const bool array = line.contains(QLatin1Char('['));
                        for (int code = low; code <= high; ++code) {
                            if (array) {
                                map[code] = fromHexUtf16(values.value(2 + code - low));
                            } else {
                                // One start, counting up in its last character.
                                QString text = fromHexUtf16(values[2]);
                                if (!text.isEmpty())
                                    text.back() = QChar(text.back().unicode() + (code - low));
                                map[code] = text;
                            }
                        }
                    }
                }
            }
        }
    }
    return maps;
}

QString PdfReader::text() const
{
    // "/F7 9 Tf" chooses a font; "<0001> Tj" and "[<0001> -12 <0002>] TJ" draw its glyphs,
    // two bytes a code (Identity-H).
    static const QRegularExpression operators(QStringLiteral(
        "/([A-Za-z0-9]+)\\s+[-\\d.]+\\s+Tf|<([0-9A-Fa-f\\s]*)>\\s*Tj|\\[([^\\]]*)\\]\\s*TJ"));
    static const QRegularExpression hex(QStringLiteral("<([0-9A-Fa-f\\s]*)>"));
    const auto maps = fontMaps();
    const std::map<int, QString> none;
    const std::map<int, QString> *map = &none;
    QString text;
    const auto decode = [&](const QString &codes) {
        const QByteArray bytes = QByteArray::fromHex(codes.toLatin1());
        for (qsizetype i = 0; i + 1 < bytes.size(); i += 2) {
            const int code = (quint8(bytes[i]) << 8) | quint8(bytes[i + 1]);
            const auto found = map->find(code);
            const QString character = found == map->end() ? QStringLiteral("?") : found->second;
            // Qt's engine maps the space to a tab: read any blank as a space.
            text += character.trimmed().isEmpty() ? QStringLiteral(" ") : character;
        }
    };
    for (auto it = operators.globalMatch(QString::fromLatin1(contents())); it.hasNext();) {
        const auto match = it.next();
        if (!match.captured(1).isEmpty()) {
            const auto found = maps.find(match.captured(1).toLatin1());
            map = found == maps.end() ? &none : &found->second;
        } else if (match.capturedStart(2) >= 0) {
            decode(match.captured(2));
        } else {
            for (auto h = hex.globalMatch(match.captured(3)); h.hasNext();)
                decode(h.next().captured(1));
        }
    }
    return text;
}

} // namespace parviz::test
