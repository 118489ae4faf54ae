#pragma once

#include "run/truthlines.h"

#include <QTableWidget>

#include <vector>

namespace parviz {

// ParViz's run of a plan beside CPython's run of the same plan, as numbers: the truth lines
// that parviz-cli truth prints (makespan, its ratio to the lower bound, speedup, efficiency,
// the rows that ran tasks, the loss budget and each of its parts, the tasks completed), a
// column for each run and CPython's value over ParViz's. A true picture has ratios near 1;
// where one is far from it, the line says which cost ParViz models wrongly on this machine.
//
// GUI thread.
class GroundTruthTable : public QTableWidget
{
    Q_OBJECT

public:
    explicit GroundTruthTable(QWidget *parent = nullptr);

    // Shows `lines` (see truthLines()) under the runs' labels: "thread-pool" and
    // "thread-pool (CPython 3.11.2)".
    void setLines(const QString &parviz, const QString &cpython, std::vector<TruthLine> lines);
    const std::vector<TruthLine> &lines() const { return m_lines; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

private:
    std::vector<TruthLine> m_lines;
};

} // namespace parviz
