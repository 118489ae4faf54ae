#include "figures.h"

#include "charts/makespanbars.h"
#include "charts/speedupchart.h"
#include "runstrategy.h"
#include "timeline/ganttpainter.h"
#include "timeline/timelinelegend.h"
#include "timeline/timelinemodel.h"
#include "util/format.h"

#include <QApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QStyle>

#include <algorithm>

namespace parviz {

namespace {

// More rows than this would make a picture too tall for a page; the heading says what is left out.
constexpr int MaxRowsPerRun = 64;
constexpr int Margin = 12;
constexpr int Gap = 16;

struct GanttPanel
{
    const RunResult *run = nullptr;
    TimelineModel model;
    int rows = 0; // shown
    QString heading;
    QString details;
};

QString headingOf(const RunResult &run)
{
    QString heading = QStringLiteral("%1  (%2)").arg(run.label(), run.strategy.mirrors);
    if (run.stopped)
        heading += QStringLiteral(", interrupted");
    else if (run.error)
        heading += QStringLiteral(", failed");
    return heading;
}

QString detailsOf(const RunResult &run, int hiddenRows)
{
    const RunMetrics &m = run.metrics;
    const bool threads = strategyOf(run).rowPerTask();
    QString details = QStringLiteral("%1 on %2 · makespan %3 (bound %4) · speedup %5x")
                          .arg(run.plan.workload.label(),
                              threads ? countOf(run.workers, "thread", "threads")
                                      : countOf(run.workers, "worker", "workers"),
                              formatDuration(m.makespanNs),
                              formatDuration(m.lowerBoundNs))
                          .arg(m.speedup, 0, 'f', 2);
    if (hiddenRows > 0)
        details += QStringLiteral(" · %1 more rows not shown").arg(hiddenRows);
    return details;
}

} // namespace

Result<void> saveGanttFigure(
    std::span<const RunResult> runs, const PictureTarget &target, int width)
{
    const QPalette palette = QApplication::style()->standardPalette();
    const QFont font = QApplication::font();
    QFont bold = font;
    bold.setBold(true);
    const int lineHeight = QFontMetrics(bold).height() + 2;
    const GanttStyle style = GanttStyle::fromPalette(palette, font);

    // One time scale for all, so that the runs compare at a glance.
    std::vector<std::unique_ptr<GanttPanel>> panels;
    std::int64_t endNs = 1;
    int height = Margin;
    for (const RunResult &run : runs) {
        if (!run.trace)
            continue;
        auto panel = std::make_unique<GanttPanel>();
        panel->run = &run;
        panel->model.setRowNoun(
            strategyOf(run).rowPerTask() ? QStringLiteral("thread") : QStringLiteral("worker"));
        panel->model.setTrace(run.trace, run.plan.tasks, false);
        panel->rows = std::min(panel->model.rowCount(), MaxRowsPerRun);
        panel->heading = headingOf(run);
        panel->details = detailsOf(run, panel->model.rowCount() - panel->rows);
        endNs = std::max(endNs, panel->model.endNs());
        height +=
            2 * lineHeight + GanttStyle::AxisHeight + panel->rows * GanttStyle::RowHeight + Gap;
        panels.push_back(std::move(panel));
    }
    height += lineHeight + Margin;
    // Several runs: their makespans as bars under the Gantts, the fastest highlighted.
    MakespanBars bars;
    bars.setAttribute(Qt::WA_DontShowOnScreen);
    bars.setPalette(palette);
    bars.setFont(font);
    if (panels.size() > 1) {
        std::vector<MakespanBars::Entry> entries;
        for (const auto &panel : panels)
            entries.push_back(MakespanBars::entryOf(*panel->run));
        bars.setEntries(std::move(entries));
        height += lineHeight + bars.sizeHint().height() + Gap;
    }

    const PaintFunction paint = [&](QPainter &painter, const QRect &area) {
        int y = area.top() + Margin;
        const int left = area.left() + Margin;
        const int innerWidth = area.width() - 2 * Margin;
        for (const auto &panel : panels) {
            painter.setPen(palette.color(QPalette::WindowText));
            painter.setFont(bold);
            painter.drawText(QRect(left, y, innerWidth, lineHeight),
                Qt::AlignLeft | Qt::AlignVCenter,
                panel->heading);
            y += lineHeight;
            painter.setFont(font);
            painter.drawText(QRect(left, y, innerWidth, lineHeight),
                Qt::AlignLeft | Qt::AlignVCenter,
                panel->details);
            y += lineHeight;
            GanttFrame frame;
            frame.area = QRect(
                left, y, innerWidth, GanttStyle::AxisHeight + panel->rows * GanttStyle::RowHeight);
            frame.t0Ns = 0;
            frame.t1Ns = endNs + endNs / 50; // room for the last bar's end and its marks
            frame.lowerBoundNs = panel->run->metrics.lowerBoundNs;
            painter.save();
            painter.setClipRect(frame.area);
            paintGantt(painter, panel->model, frame, style);
            painter.restore();
            y += frame.area.height() + Gap;
        }
        paintTimelineLegend(painter, QRect(left, y, innerWidth, lineHeight), palette, font);
        if (!bars.entries().empty()) {
            y += lineHeight + Gap;
            painter.setPen(palette.color(QPalette::WindowText));
            painter.setFont(bold);
            painter.drawText(QRect(left, y, innerWidth, lineHeight),
                Qt::AlignLeft | Qt::AlignVCenter,
                QStringLiteral("Makespan (shorter is better)"));
            y += lineHeight;
            bars.render(painter, QRect(left, y, innerWidth, bars.sizeHint().height()));
        }
    };
    PictureCaption caption = PictureCaption::fromPalette(comparisonCaption(runs), palette);
    caption.indent = Margin;
    return savePicture(target, QSize(width, height), style.background, paint, caption);
}

Result<void> saveSpeedupFigure(const SweepResult &sweep,
    const WorkloadSpec &workload,
    int maxWorkers,
    const PictureTarget &target,
    int width)
{
    SpeedupChart chart;
    const QSize size(width, width * 5 / 8);
    // Laid out as on screen, without a screen: the chart takes its size when shown.
    chart.setAttribute(Qt::WA_DontShowOnScreen);
    chart.resize(size);
    chart.show();
    chart.beginSweep(sweep.strategy, workload.label(), maxWorkers, workload.taskCount);
    // The fit as it stood after each point is what the desktop program draws; the last is the
    // sweep's own.
    std::vector<SpeedupPoint> speedups;
    for (const SweepPoint &point : sweep.points) {
        speedups.push_back({point.workers, point.speedup});
        chart.addPoint(point, fitAmdahl(speedups));
    }
    chart.endSweep(!sweep.error && !sweep.stopped);
    QCoreApplication::sendPostedEvents(); // the chart's layout requests
    const QColor background = chart.backgroundColor();
    return savePicture(
        target,
        size,
        background,
        [&chart](QPainter &painter, const QRect &area) { chart.renderChart(painter, area); },
        PictureCaption::fromPalette(chart.caption(), QApplication::style()->standardPalette()));
}

} // namespace parviz
