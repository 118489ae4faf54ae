#include "pictures/picturecaption.h"

#include "runstrategy.h"
#include "util/format.h"

#include <QApplication>
#include <QFontInfo>
#include <QFontMetrics>
#include <QPainter>
#include <QPalette>

#include <algorithm>

namespace parviz {

namespace {

constexpr int Padding = 4; // above and below the text, in pixels

QString joined(const QStringList &parts)
{
    QStringList present;
    for (const QString &part : parts)
        if (!part.isEmpty())
            present << part;
    return present.join(QStringLiteral(" · "));
}

QString machine(int cpus)
{
    return QStringLiteral("on %1").arg(countOf(cpus, "logical CPU", "logical CPUs"));
}

} // namespace

PictureCaption PictureCaption::fromPalette(const QString &text, const QPalette &palette)
{
    PictureCaption caption;
    caption.text = text;
    caption.color = palette.color(QPalette::PlaceholderText);
    return caption;
}

QFont PictureCaption::font()
{
    // A little smaller than the picture's own text: it says what, the chart says how much.
    QFont font = QApplication::font();
    font.setPixelSize(std::max(9, QFontInfo(font).pixelSize() * 5 / 6));
    return font;
}

int PictureCaption::height() const
{
    return text.isEmpty() ? 0 : QFontMetrics(usedFont()).height() + 2 * Padding;
}

void PictureCaption::paint(QPainter &painter, const QRect &area) const
{
    if (text.isEmpty())
        return;
    const QFont captionFont = usedFont();
    const QRect line = area.adjusted(indent, Padding, -indent, -Padding);
    painter.save();
    painter.setFont(captionFont);
    painter.setPen(color);
    painter.drawText(line,
        Qt::AlignLeft | Qt::AlignVCenter,
        QFontMetrics(captionFont).elidedText(text, Qt::ElideRight, line.width()));
    painter.restore();
}

QString runCaption(const RunResult &run)
{
    if (run.plan.program) {
        // A traced program has no workload to name: the program, and the work found in it
        // ("primes.py · 12 units of work · python-program · 2 rows · on 2 logical CPUs").
        const int units = run.trace ? run.trace->taskCount() : 0;
        return joined({workLabel(run.plan),
            countOf(units, "unit of work", "units of work"),
            run.plan.strategy,
            rowsOf(run),
            machine(run.plan.cpus)});
    }
    return joined({workLabel(run.plan), run.plan.strategy, rowsOf(run), machine(run.plan.cpus)});
}

QString comparisonCaption(std::span<const RunResult> runs)
{
    if (runs.empty())
        return {};
    if (runs.size() == 1)
        return runCaption(runs.front());
    const QString work = workLabel(runs.front().plan);
    const bool sameWorkload = std::all_of(runs.begin(), runs.end(), [&](const RunResult &run) {
        return run.plan.workload == runs.front().plan.workload && workLabel(run.plan) == work;
    });
    // Each run's heading names its own workload when they differ.
    return joined({sameWorkload ? work : QString(), machine(runs.front().plan.cpus)});
}

QString sweepCaption(
    const QString &workload, const QStringList &strategies, int maxWorkers, int cpus)
{
    const QString range = maxWorkers <= 1 ? countOf(1, "worker", "workers")
                                          : QStringLiteral("1 to %1 workers").arg(maxWorkers);
    return joined({workload, strategies.join(QStringLiteral(", ")), range, machine(cpus)});
}

} // namespace parviz
