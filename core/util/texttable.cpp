#include "util/texttable.h"

#include <algorithm>
#include <cmath>

namespace parviz {

TextTable::TextTable(QStringList header)
    : m_rows{std::move(header)}
{ }

void TextTable::add(QStringList row)
{
    m_rows.push_back(std::move(row));
}

QString TextTable::text() const
{
    std::vector<qsizetype> widths;
    for (const QStringList &row : m_rows) {
        for (qsizetype i = 0; i < row.size(); ++i) {
            if (std::size_t(i) >= widths.size())
                widths.push_back(0);
            widths[std::size_t(i)] = std::max(widths[std::size_t(i)], row[i].size());
        }
    }
    QString text;
    for (const QStringList &row : m_rows) {
        QString line;
        for (qsizetype i = 0; i < row.size(); ++i) {
            const int width = static_cast<int>(widths[std::size_t(i)]);
            line += i == 0 ? row[i].leftJustified(width) : row[i].rightJustified(width);
            line += QStringLiteral("  ");
        }
        // Trailing spaces only: a name may be indented under the row it is a part of.
        while (line.endsWith(u' '))
            line.chop(1);
        text += line;
        text += u'\n';
    }
    return text;
}

QString TextTable::number(double value, int decimals)
{
    return std::isfinite(value) ? QString::number(value, 'f', decimals) : QStringLiteral("-");
}

} // namespace parviz
