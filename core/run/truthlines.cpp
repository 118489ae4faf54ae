#include "run/truthlines.h"

#include "util/format.h"
#include "util/texttable.h"

#include <algorithm>
#include <cmath>
#include <functional>

namespace parviz {

namespace {

const QString Dash = QStringLiteral("-");
constexpr double NoRatio = std::numeric_limits<double>::quiet_NaN();

QString duration(double ns)
{
    return formatDuration(static_cast<std::int64_t>(ns));
}

// The worker rows that ran at least one task: CPython's pools may leave a late starter idle.
int rowsThatRanTasks(const RunResult &run)
{
    if (!run.trace)
        return 0;
    int rows = 0;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane) {
        const auto events = run.trace->events(lane);
        rows += std::any_of(events.begin(), events.end(), [](const TaskEvent &event) {
            return event.kind == EventKind::Run;
        });
    }
    return rows;
}

QString statusOf(const RunResult *run)
{
    return !run        ? QStringLiteral("not run")
        : run->error   ? QStringLiteral("failed")
        : run->stopped ? QStringLiteral("interrupted")
                       : QStringLiteral("ok");
}

} // namespace

QString truthRatioText(double ratio)
{
    return TextTable::number(ratio, ratio < 10.0 ? 3 : 1);
}

std::vector<TruthLine> truthLines(const RunResult &parviz, const RunResult *cpython)
{
    const bool compared = parviz.ok() && cpython && cpython->ok();
    std::vector<TruthLine> lines;
    // A figure of both runs. `always`: shown for a run cut short too, as what it did until
    // then (the others are not the workload's).
    const auto add = [&](const QString &name,
                         const std::function<double(const RunResult &)> &value,
                         const std::function<QString(double)> &format,
                         bool always = false,
                         bool part = false) {
        const auto cell = [&](const RunResult *run) {
            return run && (always || run->ok()) ? format(value(*run)) : Dash;
        };
        TruthLine line{name, part, cell(&parviz), cell(cpython), NoRatio, QString(), false};
        if (compared) {
            const double p = value(parviz);
            const double c = value(*cpython);
            if (std::isfinite(p) && std::isfinite(c) && p > 0.0)
                line.ratio = c / p;
        }
        line.ratioText = truthRatioText(line.ratio);
        lines.push_back(std::move(line));
    };
    const auto decimals = [](int places) {
        return [places](double x) { return TextTable::number(x, places); };
    };
    add(
        QStringLiteral("makespan"),
        [](const RunResult &run) { return double(run.metrics.makespanNs); },
        duration,
        true);
    add(
        QStringLiteral("x bound"),
        [](const RunResult &run) { return run.metrics.boundRatio; },
        decimals(3));
    add(
        QStringLiteral("speedup"),
        [](const RunResult &run) { return run.metrics.speedup; },
        decimals(2));
    add(
        QStringLiteral("efficiency"),
        [](const RunResult &run) { return run.metrics.efficiency; },
        [](double x) { return formatPercent(x); });
    add(
        QStringLiteral("rows with tasks"),
        [](const RunResult &run) { return double(rowsThatRanTasks(run)); },
        decimals(0),
        true);
    add(
        QStringLiteral("lost"),
        [](const RunResult &run) { return double(run.metrics.loss.totalNs()); },
        duration);

    const std::pair<const char *, std::int64_t LossBudget::*> parts[] = {
        {"spawn", &LossBudget::spawnNs},
        {"dispatch", &LossBudget::dispatchNs},
        {"gil-wait", &LossBudget::gilWaitNs},
        {"idle while queued", &LossBudget::idleQueuedNs},
        {"tail idle", &LossBudget::tailIdleNs},
        {"contention", &LossBudget::contentionNs}};
    for (const auto &[name, member] : parts) {
        if (member == &LossBudget::gilWaitNs) {
            // CPython's GIL cannot be watched from outside: its threads' waits are inside their
            // tasks, and so in its contention.
            lines.push_back({QLatin1String(name),
                true,
                parviz.ok() ? formatDuration(parviz.metrics.loss.gilWaitNs) : Dash,
                QStringLiteral("(in contention)"),
                NoRatio,
                Dash});
            continue;
        }
        if (compared
            && (isNoise(parviz.metrics.loss.*member, parviz.metrics)
                || isNoise(cpython->metrics.loss.*member, cpython->metrics))) {
            // As small as noise on one side: the ratio would be noise too.
            lines.push_back({QLatin1String(name),
                true,
                formatDuration(parviz.metrics.loss.*member),
                formatDuration(cpython->metrics.loss.*member),
                NoRatio,
                QStringLiteral("(noise)"),
                true});
            continue;
        }
        add(
            QLatin1String(name),
            [member = member](const RunResult &run) { return double(run.metrics.loss.*member); },
            duration,
            false,
            true);
    }
    lines.push_back({QStringLiteral("tasks completed"),
        false,
        QString::number(parviz.metrics.tasksCompleted),
        cpython ? QString::number(cpython->metrics.tasksCompleted) : Dash,
        NoRatio,
        QString(),
        false});
    if (!compared)
        lines.push_back({QStringLiteral("status"),
            false,
            statusOf(&parviz),
            statusOf(cpython),
            NoRatio,
            QString(),
            false});
    return lines;
}

} // namespace parviz
