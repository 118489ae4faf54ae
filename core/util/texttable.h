#pragma once

#include <QString>
#include <QStringList>

#include <vector>

namespace parviz {

// A table for a terminal, as parviz-cli prints it: a header, then rows, in columns two spaces
// apart; the first column is a name, left-aligned, the others numbers, right-aligned. Any
// thread.
class TextTable
{
public:
    explicit TextTable(QStringList header);

    void add(QStringList row);
    // Every line, each ending with a newline; no line ends with spaces.
    QString text() const;

    // A number for a cell: `decimals` places; "-" for NaN or infinity.
    static QString number(double value, int decimals);

private:
    std::vector<QStringList> m_rows;
};

} // namespace parviz
