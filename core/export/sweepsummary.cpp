#include "export/sweepsummary.h"

#include "metrics/amdahl.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"
#include "util/texttable.h"

#include <cmath>

namespace parviz {

QString sweepSummary(const SweepPlan &plan, const SweepResult &sweep)
{
    const StrategyEntry *entry = findStrategy(plan.strategy);
    QString text = QStringLiteral("%1 (%2) on %3, median of %4 per point\n")
                       .arg(entry ? entry->info.name : plan.strategy,
                           entry ? entry->info.mirrors : QString(),
                           plan.workload.label(),
                           countOf(plan.repeat, "run", "runs"));
    TextTable table({QStringLiteral("workers"),
        QStringLiteral("makespan"),
        QStringLiteral("speedup"),
        QStringLiteral("efficiency"),
        QStringLiteral("karp-flatt"),
        QStringLiteral("others")});
    // The cores other processes kept busy meanwhile: the most in one of the point's runs.
    const auto others = [](double cores, bool disturbed) {
        if (!std::isfinite(cores))
            return QStringLiteral("-");
        return disturbed ? QStringLiteral("%1 disturbed").arg(TextTable::number(cores, 2))
                         : TextTable::number(cores, 2);
    };
    if (!sweep.sequentialNs.empty())
        table.add({QStringLiteral("sequential"),
            formatDuration(sweep.sequentialMedianNs),
            QStringLiteral("1.00"),
            QStringLiteral("-"),
            QStringLiteral("-"),
            sweep.sequentialDisturbed ? QStringLiteral("disturbed") : QString()});
    bool outOfRange = false;
    bool disturbed = sweep.sequentialDisturbed;
    for (const SweepPoint &point : sweep.points) {
        outOfRange = outOfRange || !karpFlattNote(point.karpFlatt).isEmpty();
        disturbed = disturbed || point.disturbed;
        table.add({QString::number(point.workers),
            formatDuration(point.medianNs),
            TextTable::number(point.speedup, 2),
            formatPercent(point.efficiency),
            TextTable::number(point.karpFlatt, 3),
            others(point.otherCores, point.disturbed)});
    }
    text += table.text();
    if (outOfRange)
        text += QStringLiteral("karp-flatt out of 0..1: above 1, slower than one worker alone; "
                               "below 0, superlinear. Neither is a serial fraction.\n");
    if (disturbed)
        text += QStringLiteral("disturbed: other processes kept more than %1 of a core busy "
                               "during a run of that point; its times are not this machine's "
                               "alone, measure it again\n")
                    .arg(TextTable::number(DisturbedCores, 2));
    const double s = sweep.amdahl.serialFraction;
    if (std::isfinite(s) && s > 0.0)
        text += QStringLiteral("Amdahl fit: serial fraction s = %1, so at most %2x on any number "
                               "of workers\n")
                    .arg(TextTable::number(s, 3), TextTable::number(sweep.amdahl.maxSpeedup(), 1));
    else if (std::isfinite(s))
        text += QStringLiteral("Amdahl fit: no serial fraction measured (s = 0)\n");
    if (sweep.stopped)
        text += QStringLiteral("interrupted: the sweep was stopped before it ended\n");
    return text;
}

} // namespace parviz
