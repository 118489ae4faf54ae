#pragma once

#include <QByteArray>
#include <QRectF>
#include <QString>

#include <map>

namespace parviz::test {

// Just enough of a PDF reader to check the files ParViz writes (Qt's PDF engine): the objects
// found through the cross-reference table, their streams inflated, and the text drawn on the
// pages decoded through each font's ToUnicode map. Not a general PDF parser: a file it cannot
// follow is reported as not valid, so a test fails rather than passes by accident.
class PdfReader
{
public:
    explicit PdfReader(const QByteArray &file);

    // Starts with "%PDF-", and every object of the cross-reference table was read.
    bool isValid() const { return m_valid; }
    QString error() const { return m_error; }
    // Objects whose dictionary says /Type /Page.
    int pageCount() const;
    // The first page's /MediaBox, in points.
    QRectF mediaBox() const;
    // Any image XObject: a vector picture has none.
    bool hasImages() const;
    // The pages' content streams, inflated.
    QByteArray contents() const;
    // The characters drawn on the pages, in the order drawn, through the fonts' ToUnicode maps.
    // Blanks read as spaces; separate pieces of text follow one another without one.
    QString text() const;

private:
    struct Object
    {
        QByteArray dictionary; // or the whole value, for an object that is not a dictionary
        QByteArray stream; // inflated
    };
    bool read(const QByteArray &file);
    bool readObject(const QByteArray &file, int number, qsizetype offset);
    const Object *object(int number) const;
    // The object a key of a dictionary refers to: "/Contents 11 0 R".
    const Object *reference(const QByteArray &dictionary, const char *key) const;
    std::map<QByteArray, std::map<int, QString>> fontMaps() const;

    bool m_valid = false;
    QString m_error;
    std::map<int, qsizetype> m_offsets;
    std::map<int, Object> m_objects;
};

} // namespace parviz::test
