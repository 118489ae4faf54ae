#include "export/comparisonsummary.h"

#include "metrics/runmetrics.h"
#include "python/cpythonengine.h"
#include "util/format.h"
#include "util/texttable.h"

#include <algorithm>

namespace parviz {

namespace {

QString speedupAgainst(const ComparisonSchedule &schedule)
{
    return schedule.baseline() ? QStringLiteral("the sequential run")
                               : QStringLiteral("the work itself");
}

} // namespace

QString comparisonSummary(const ComparisonSchedule &schedule)
{
    const QString work = schedule.planned().empty()
        ? (schedule.runs().empty() ? WorkloadSpec{}.label()
                                   : workLabel(schedule.runs().front().plan))
        : workLabel(schedule.planned().front().plan);
    QString text = QStringLiteral("%1, speedup against %2\n").arg(work, speedupAgainst(schedule));
    TextTable table({QStringLiteral("strategy"),
        QStringLiteral("workers"),
        QStringLiteral("makespan"),
        QStringLiteral("x bound"),
        QStringLiteral("speedup"),
        QStringLiteral("efficiency"),
        QString()});
    for (const std::size_t index : schedule.ranking()) {
        const RunResult &run = schedule.runs()[index];
        const RunMetrics &m = run.metrics;
        const bool ok = run.ok();
        table.add({run.strategy.id,
            QString::number(run.workers),
            formatDuration(m.makespanNs),
            ok && !boundRatioIsNoise(m) ? TextTable::number(m.boundRatio, 3) : QStringLiteral("-"),
            ok ? TextTable::number(m.speedup, 2) : QStringLiteral("-"),
            ok ? formatPercent(m.efficiency) : QStringLiteral("-"),
            run.error         ? QStringLiteral("failed")
                : run.stopped ? QStringLiteral("interrupted")
                              : QString()});
    }
    text += table.text();
    if (const int notRun = schedule.runsNotRun(); notRun > 0)
        text += QStringLiteral("interrupted: %1 of %2 strategies did not run\n")
                    .arg(notRun)
                    .arg(schedule.runsPlanned());
    return text;
}

QString truthSummary(const ComparisonSchedule &schedule, const PythonInterpreter &python)
{
    const std::vector<RunResult> &runs = schedule.runs();
    const auto ofEngine = [&runs](bool parviz) -> const RunResult * {
        const auto found = std::find_if(runs.begin(), runs.end(), [parviz](const RunResult &run) {
            return run.engine.isEmpty() == parviz;
        });
        return found == runs.end() ? nullptr : &*found;
    };
    const RunResult *own = ofEngine(true);
    const RunResult *cpython = ofEngine(false);
    if (!own)
        return {};
    QString text = QStringLiteral("%1 (%2)\n%3 on %4, speedup against %5\n")
                       .arg(own->strategy.name,
                           own->strategy.mirrors,
                           workLabel(own->plan),
                           countOf(own->workers, "worker", "workers"),
                           speedupAgainst(schedule));
    text += QStringLiteral("CPython: %1 (Python %2)\n").arg(python.path, python.version);

    TextTable table({QString(),
        QStringLiteral("ParViz"),
        CPythonEngine::engineName(python),
        QStringLiteral("CPython/ParViz")});
    bool noiseShown = false;
    for (const TruthLine &line : truthLines(*own, cpython)) {
        table.add({line.label(), line.parviz, line.cpython, line.ratioText});
        noiseShown = noiseShown || line.noise;
    }
    text += table.text();
    if (noiseShown)
        text += QStringLiteral(
            "(noise): under %1 of the worker time on one side, where a ratio says nothing\n")
                    .arg(formatPercent(NoiseShareOfWorkerTime));
    if (!cpython)
        text += QStringLiteral("interrupted: the CPython run did not start\n");
    return text;
}

} // namespace parviz
