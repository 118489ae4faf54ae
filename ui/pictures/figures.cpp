#include "pictures/figures.h"

#include "charts/makespanbars.h"
#include "charts/speedupchart.h"
#include "runstrategy.h"
#include "theme.h"
#include "timeline/ganttpainter.h"
#include "timeline/timelinelegend.h"
#include "timeline/timelinemodel.h"
#include "util/format.h"

#include <QApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QSettings>
#include <QValueAxis>

#include <algorithm>

namespace parviz {

namespace {

// More rows than this would make a picture too tall for a page; the heading says what is left out.
constexpr int MaxRowsPerRun = 64;
constexpr int Margin = 12;
constexpr int Gap = 16;
constexpr int FontPixels = 13;

struct GanttPanel
{
    RunResult run; // a copy: the figure may outlive the caller's
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
    QString details = QStringLiteral("%1 on %2 · makespan %3 (bound %4) · speedup %5x")
                          .arg(workLabel(run.plan),
                              rowsOf(run),
                              formatDuration(m.makespanNs),
                              formatDuration(m.lowerBoundNs))
                          .arg(m.speedup, 0, 'f', 2);
    if (hiddenRows > 0)
        details += QStringLiteral(" · %1 more rows not shown").arg(hiddenRows);
    return details;
}

// What a Gantt figure draws from, kept alive as long as the figure.
struct GanttDrawing
{
    std::vector<std::unique_ptr<GanttPanel>> panels;
    MakespanBars bars;
};

// A little smaller than the figure's own text: it says what, the chart says how much.
QFont captionFont(QFont font)
{
    font.setPixelSize(std::max(9, FontPixels * 5 / 6));
    return font;
}

QString widthKey()
{
    return QStringLiteral("pictures/width");
}

QString darkKey()
{
    return QStringLiteral("pictures/dark");
}

} // namespace

QFont FigureStyle::font() const
{
    // A pixel size: the same number of pixels on any screen, in PNG, SVG and PDF alike.
    QFont font;
    font.setFamilies({QStringLiteral("DejaVu Sans"),
        QStringLiteral("Liberation Sans"),
        QStringLiteral("Noto Sans")});
    font.setStyleHint(QFont::SansSerif);
    font.setPixelSize(FontPixels);
    font.setBold(false);
    font.setItalic(false);
    return font;
}

FigureStyle FigureStyle::fromSettings()
{
    const QSettings settings;
    FigureStyle style;
    style.width = std::clamp(settings.value(widthKey(), DefaultWidth).toInt(), MinWidth, MaxWidth);
    style.dark = settings.value(darkKey(), false).toBool();
    return style;
}

void FigureStyle::toSettings() const
{
    QSettings settings;
    settings.setValue(widthKey(), width);
    settings.setValue(darkKey(), dark);
}

Figure ganttFigure(
    std::span<const RunResult> runs, const FigureStyle &figureStyle, std::int64_t predictedNs)
{
    const QPalette palette = themePalette(figureStyle.dark);
    const QFont font = figureStyle.font();
    QFont bold = font;
    bold.setBold(true);
    const int lineHeight = QFontMetrics(bold).height() + 2;
    const GanttStyle style = GanttStyle::fromPalette(palette, font);

    // One time scale for all, so that the runs compare at a glance.
    auto drawing = std::make_shared<GanttDrawing>();
    Figure figure;
    std::int64_t endNs = 1;
    int height = Margin;
    for (const RunResult &run : runs) {
        if (!run.trace)
            continue;
        auto panel = std::make_unique<GanttPanel>();
        panel->run = run;
        panel->model.setRowNoun(
            strategyOf(run).rowPerTask() ? QStringLiteral("thread") : QStringLiteral("worker"));
        panel->model.setTrace(run.trace, run.plan.tasks, false);
        panel->rows = std::min(panel->model.rowCount(), MaxRowsPerRun);
        panel->heading = headingOf(run);
        panel->details = detailsOf(run, panel->model.rowCount() - panel->rows);
        endNs = std::max(endNs, panel->model.endNs());
        height +=
            2 * lineHeight + GanttStyle::AxisHeight + panel->rows * GanttStyle::RowHeight + Gap;
        figure.headings << panel->heading;
        drawing->panels.push_back(std::move(panel));
    }
    // A single run's prediction, as the window marks it.
    if (drawing->panels.size() != 1)
        predictedNs = -1;
    else
        endNs = std::max(endNs, predictedNs);
    height += lineHeight + Margin;
    // Several runs: their makespans as bars under the Gantts, the fastest highlighted.
    MakespanBars &bars = drawing->bars;
    bars.setAttribute(Qt::WA_DontShowOnScreen);
    bars.setPalette(palette);
    bars.setFont(font);
    if (drawing->panels.size() > 1) {
        std::vector<MakespanBars::Entry> entries;
        for (const auto &panel : drawing->panels)
            entries.push_back(MakespanBars::entryOf(panel->run));
        bars.setEntries(std::move(entries));
        height += lineHeight + bars.sizeHint().height() + Gap;
    }

    const int width = figureStyle.width;
    figure.paint =
        [drawing = drawing.get(), palette, font, bold, lineHeight, style, endNs, predictedNs](
            QPainter &painter, const QRect &area) {
            int y = area.top() + Margin;
            const int left = area.left() + Margin;
            const int innerWidth = area.width() - 2 * Margin;
            for (const auto &panel : drawing->panels) {
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
                frame.area = QRect(left,
                    y,
                    innerWidth,
                    GanttStyle::AxisHeight + panel->rows * GanttStyle::RowHeight);
                frame.t0Ns = 0;
                frame.t1Ns = endNs + endNs / 50; // room for the last bar's end and its marks
                frame.lowerBoundNs = panel->run.metrics.lowerBoundNs;
                frame.predictedNs = predictedNs;
                painter.save();
                painter.setClipRect(frame.area);
                paintGantt(painter, panel->model, frame, style);
                painter.restore();
                y += frame.area.height() + Gap;
            }
            paintTimelineLegend(painter, QRect(left, y, innerWidth, lineHeight), palette, font);
            if (!drawing->bars.entries().empty()) {
                y += lineHeight + Gap;
                painter.setPen(palette.color(QPalette::WindowText));
                painter.setFont(bold);
                painter.drawText(QRect(left, y, innerWidth, lineHeight),
                    Qt::AlignLeft | Qt::AlignVCenter,
                    QStringLiteral("Makespan (shorter is better)"));
                y += lineHeight;
                drawing->bars.render(
                    painter, QRect(left, y, innerWidth, drawing->bars.sizeHint().height()));
            }
        };
    figure.size = QSize(width, height);
    figure.background = style.background;
    figure.caption = PictureCaption::fromPalette(
        drawing->panels.empty() ? QString() : comparisonCaption(runs), palette);
    figure.caption.indent = Margin;
    figure.caption.textFont = captionFont(font);
    figure.legend = timelineLegendLabels();
    figure.drawn = std::move(drawing);
    return figure;
}

Figure speedupFigure(std::span<const SweepDrawing> sweeps, const FigureStyle &style)
{
    auto chart = std::make_shared<SpeedupChart>();
    const QSize size(style.width, style.width * 5 / 8);
    // Laid out as on screen, without a screen: the chart takes its size when shown.
    chart->setAttribute(Qt::WA_DontShowOnScreen);
    chart->setDark(style.dark);
    chart->resize(size);
    chart->show();
    for (const SweepDrawing &sweep : sweeps) {
        chart->beginSweep(
            sweep.strategy, sweep.workload.label(), sweep.maxWorkers, sweep.workload.taskCount);
        if (!sweep.predicted.empty())
            chart->setPrediction(sweep.predicted);
        // The fit as it stood after each point is what the desktop program draws; the last is
        // the sweep's own.
        std::vector<SpeedupPoint> speedups;
        for (const SweepPoint &point : sweep.points) {
            speedups.push_back({point.workers, point.speedup});
            chart->addPoint(point, fitAmdahl(speedups));
        }
        if (sweep.ended)
            chart->endSweep(sweep.complete);
    }
    // The figure's own text, in pixels, whatever the chart theme's fonts and the screen's dpi.
    const QFont font = style.font();
    QFont title = font;
    title.setPixelSize(font.pixelSize() * 4 / 3);
    title.setBold(true);
    chart->chart()->setTitleFont(title);
    chart->chart()->legend()->setFont(font);
    for (QAbstractAxis *axis : chart->chart()->axes()) {
        axis->setLabelsFont(font);
        axis->setTitleFont(font);
    }
    QCoreApplication::sendPostedEvents(); // the chart's layout requests

    Figure figure;
    figure.size = size;
    figure.background = chart->backgroundColor();
    figure.paint = [chart = chart.get()](
                       QPainter &painter, const QRect &area) { chart->renderChart(painter, area); };
    figure.caption = PictureCaption::fromPalette(chart->caption(), themePalette(style.dark));
    figure.caption.textFont = captionFont(font);
    if (!chart->title().isEmpty())
        figure.headings << chart->title();
    figure.legend = chart->legendEntries();
    figure.drawn = std::move(chart);
    return figure;
}

Result<void> saveGanttFigure(
    std::span<const RunResult> runs, const PictureTarget &target, const FigureStyle &style)
{
    return ganttFigure(runs, style).save(target);
}

Result<void> saveSpeedupFigure(const SweepResult &sweep,
    const WorkloadSpec &workload,
    int maxWorkers,
    const PictureTarget &target,
    const FigureStyle &style)
{
    SweepDrawing drawing;
    drawing.strategy = sweep.strategy;
    drawing.workload = workload;
    drawing.maxWorkers = maxWorkers;
    drawing.points = sweep.points;
    drawing.ended = true;
    drawing.complete = !sweep.error && !sweep.stopped;
    return speedupFigure({&drawing, 1}, style).save(target);
}

} // namespace parviz
