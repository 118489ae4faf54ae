#include "comparison/groundtruthtable.h"

#include <QHeaderView>

namespace parviz {

GroundTruthTable::GroundTruthTable(QWidget *parent)
    : QTableWidget(parent)
{
    setColumnCount(3);
    setEditTriggers(QAbstractItemView::NoEditTriggers);
    setSelectionMode(QAbstractItemView::ContiguousSelection); // to copy numbers out
    setFocusPolicy(Qt::NoFocus);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    setVerticalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    // ParViz's label and the ratios are short; CPython's ("thread-pool (CPython 3.11.2)") takes
    // what is left.
    horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    horizontalHeader()->setSectionResizeMode(1, QHeaderView::Stretch);
    // Compact lines: the table sits beside the makespans, under the Gantts.
    verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setToolTip(
        tr("The same workload run by ParViz and by CPython, one after the other. The "
           "loss budget's parts are worker time (workers x makespan) not spent on the "
           "work. A ratio above 1: CPython took longer, or lost more, than ParViz. A part under 1% "
           "of the worker time, on either side, has no ratio (noise): at that size it is noise. "
           "CPython's GIL cannot be watched: its threads' waits are in its contention."));
}

void GroundTruthTable::setLines(
    const QString &parviz, const QString &cpython, std::vector<TruthLine> lines)
{
    m_lines = std::move(lines);
    setRowCount(static_cast<int>(m_lines.size()));
    setHorizontalHeaderLabels({parviz, cpython, tr("CPython / ParViz")});
    QStringList names;
    for (int row = 0; row < rowCount(); ++row) {
        const TruthLine &line = m_lines[static_cast<std::size_t>(row)];
        names << line.label();
        const QString cells[] = {line.parviz, line.cpython, line.ratioText};
        for (int column = 0; column < 3; ++column) {
            auto *item = new QTableWidgetItem(cells[column]);
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            setItem(row, column, item);
        }
    }
    setVerticalHeaderLabels(names);
    updateGeometry();
}

QSize GroundTruthTable::sizeHint() const
{
    // Every line shown, none scrolled: the table is short and sits under the Gantts.
    int height = horizontalHeader()->sizeHint().height() + 2 * frameWidth();
    for (int row = 0; row < rowCount(); ++row)
        height += rowHeight(row);
    return {QTableWidget::sizeHint().width(), height};
}

} // namespace parviz
