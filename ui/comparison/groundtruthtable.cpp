#include "comparison/groundtruthtable.h"

#include "util/format.h"

#include <QHeaderView>

#include <cmath>
#include <limits>

namespace parviz {

namespace {
double ratioOf(double cpython, double parviz)
{
    return parviz > 0 ? cpython / parviz : std::numeric_limits<double>::quiet_NaN();
}

QString speedupText(double speedup)
{
    return GroundTruthTable::tr("%1x").arg(speedup, 0, 'f', 2);
}
} // namespace

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
           "of the worker time, on either side, has no ratio: at that size it is noise."));
}

std::vector<GroundTruthTable::Line> GroundTruthTable::linesOf(
    const RunResult &parviz, const RunResult &cpython)
{
    const RunMetrics &p = parviz.metrics;
    const RunMetrics &c = cpython.metrics;
    std::vector<Line> lines;
    const auto duration = [&lines](const QString &name, std::int64_t pNs, std::int64_t cNs) {
        lines.push_back({name,
            formatDuration(pNs),
            formatDuration(cNs),
            ratioOf(static_cast<double>(cNs), static_cast<double>(pNs))});
    };
    duration(tr("makespan"), p.makespanNs, c.makespanNs);
    // A part of the loss budget: no ratio where either is as small as noise.
    const auto part = [&lines](
                          const QString &name, std::int64_t pNs, std::int64_t cNs, bool noise) {
        lines.push_back({name,
            formatDuration(pNs),
            formatDuration(cNs),
            noise ? std::numeric_limits<double>::quiet_NaN()
                  : ratioOf(static_cast<double>(cNs), static_cast<double>(pNs))});
    };
    const auto noise = [&](std::int64_t LossBudget::*member) {
        return isNoise(p.loss.*member, p) || isNoise(c.loss.*member, c);
    };
    lines.push_back({tr("speedup"),
        speedupText(p.speedup),
        speedupText(c.speedup),
        ratioOf(c.speedup, p.speedup)});
    lines.push_back({tr("efficiency"),
        formatPercent(p.efficiency),
        formatPercent(c.efficiency),
        ratioOf(c.efficiency, p.efficiency)});
    part(tr("spawn"), p.loss.spawnNs, c.loss.spawnNs, noise(&LossBudget::spawnNs));
    part(tr("dispatch"), p.loss.dispatchNs, c.loss.dispatchNs, noise(&LossBudget::dispatchNs));
    // CPython's GIL cannot be watched from outside: its threads' waits are inside their
    // tasks' bars, and so in its contention.
    lines.push_back({tr("GIL wait"),
        formatDuration(p.loss.gilWaitNs),
        tr("not seen (in contention)"),
        std::numeric_limits<double>::quiet_NaN()});
    part(tr("idle, work queued"),
        p.loss.idleQueuedNs,
        c.loss.idleQueuedNs,
        noise(&LossBudget::idleQueuedNs));
    part(tr("tail idle"), p.loss.tailIdleNs, c.loss.tailIdleNs, noise(&LossBudget::tailIdleNs));
    part(tr("contention"),
        p.loss.contentionNs,
        c.loss.contentionNs,
        noise(&LossBudget::contentionNs));
    return lines;
}

QString GroundTruthTable::ratioText(double ratio)
{
    return std::isfinite(ratio) ? QString::number(ratio, 'f', 2) : QStringLiteral("–");
}

bool GroundTruthTable::samePlan(const RunResult &parviz, const RunResult &cpython)
{
    if (!parviz.engine.isEmpty() || cpython.engine.isEmpty() || !parviz.ok() || !cpython.ok())
        return false;
    const RunPlan &a = parviz.plan;
    const RunPlan &b = cpython.plan;
    if (a.strategy != b.strategy || parviz.workers != cpython.workers || !a.tasks || !b.tasks)
        return false;
    // Runs of one Run in CPython Too share their tasks; runs opened from files have equal ones.
    return a.tasks == b.tasks
        || (a.workload == b.workload && a.options == b.options
            && a.tasks->size() == b.tasks->size());
}

std::optional<std::pair<std::size_t, std::size_t>> GroundTruthTable::findPair(
    const std::vector<RunResult> &runs)
{
    for (std::size_t c = 0; c < runs.size(); ++c) {
        if (runs[c].engine.isEmpty())
            continue;
        for (std::size_t p = 0; p < runs.size(); ++p) {
            if (samePlan(runs[p], runs[c]))
                return std::pair{p, c};
        }
    }
    return std::nullopt;
}

void GroundTruthTable::setRuns(const RunResult &parviz, const RunResult &cpython)
{
    m_lines = linesOf(parviz, cpython);
    setRowCount(static_cast<int>(m_lines.size()));
    setHorizontalHeaderLabels({parviz.label(), cpython.label(), tr("CPython / ParViz")});
    QStringList names;
    for (int row = 0; row < rowCount(); ++row) {
        const Line &line = m_lines[static_cast<std::size_t>(row)];
        names << line.name;
        const QString cells[] = {line.parviz, line.cpython, ratioText(line.ratio)};
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
