#pragma once

#include "run/runresult.h"

#include <QTableWidget>

#include <optional>
#include <utility>
#include <vector>

namespace parviz {

// ParViz's run of a plan beside CPython's run of the same plan, as numbers: makespan, speedup,
// efficiency and each part of the loss budget (spawn, dispatch, GIL wait, idle while work was
// queued, tail idle, contention) for each, and CPython's value over ParViz's on every line. A
// true picture has ratios near 1; where one is far from it, the line says which cost ParViz
// models wrongly on this machine.
//
// GUI thread.
class GroundTruthTable : public QTableWidget
{
    Q_OBJECT

public:
    struct Line
    {
        QString name; // "makespan"
        QString parviz; // "31.2 ms"
        QString cpython;
        // CPython's value over ParViz's; NaN where ParViz's is zero or CPython's is not seen.
        double ratio = 0.0;
    };

    explicit GroundTruthTable(QWidget *parent = nullptr);

    // The lines for a ParViz run and CPython's run of the same plan.
    static std::vector<Line> linesOf(const RunResult &parviz, const RunResult &cpython);
    // "1.04", or a dash where there is no ratio.
    static QString ratioText(double ratio);
    // Whether `parviz` (ParViz's own) and `cpython` (another engine's) both finished the same
    // plan: the same strategy, workers and tasks.
    static bool samePlan(const RunResult &parviz, const RunResult &cpython);
    // The first CPython run among `runs` with a ParViz run of the same plan: their indices
    // (ParViz's, CPython's), if any.
    static std::optional<std::pair<std::size_t, std::size_t>> findPair(
        const std::vector<RunResult> &runs);

    void setRuns(const RunResult &parviz, const RunResult &cpython);
    const std::vector<Line> &lines() const { return m_lines; }

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

private:
    std::vector<Line> m_lines;
};

} // namespace parviz
