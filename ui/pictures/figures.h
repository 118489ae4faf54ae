#pragma once

#include "pictures/picturefile.h"
#include "run/runresult.h"
#include "run/sweep.h"

#include <QFont>
#include <QStringList>

#include <memory>
#include <span>

namespace parviz {

// Pictures of finished runs and sweeps, drawn without a window by the desktop program's own
// painting code. One code path for every figure ParViz saves: parviz-cli's --png, --svg and
// --pdf, the comparison window's Save Picture, and File > Save Gantt / Save Speedup Chart and
// Edit > Copy Picture in the main window. Each has a heading, a legend and a caption saying what
// ran and on which machine, is as tall as what it shows (no empty rows), and is drawn at a chosen
// width in the light or the dark theme, whatever the screen shows. Need a QApplication; the
// offscreen platform is enough. GUI thread.

// How a figure looks: its width and theme, nothing else. Its text is a pixel size in one family,
// so that the same figure has the same size on every platform and screen.
struct FigureStyle
{
    static constexpr int DefaultWidth = 1600; // a slide's
    static constexpr int MinWidth = 400;
    static constexpr int MaxWidth = 8000;

    int width = DefaultWidth; // device-independent pixels (points in a PDF)
    bool dark = false;

    QFont font() const;
    // What Edit > Preferences > Pictures chose (QSettings "pictures/width", "pictures/dark").
    static FigureStyle fromSettings();
    void toSettings() const;
};

// A figure ready to be drawn at any resolution, and what it says: its headings, its legend's
// entries and its caption, so that two figures can be compared without reading pixels.
struct Figure
{
    QSize size; // the chart, without the caption
    QColor background;
    PaintFunction paint;
    PictureCaption caption; // what ran; none before anything has
    QStringList headings; // each run's heading, or the chart's title
    QStringList legend;
    std::shared_ptr<void> drawn; // what `paint` draws from: kept alive with the figure

    // The whole picture's size: the chart and its caption.
    QSize pictureSize() const { return parviz::pictureSize(size, caption); }
    Result<void> save(const PictureTarget &target) const
    {
        return savePicture(target, size, background, paint, caption);
    }
    QImage render(qreal scale = 1.0) const
    {
        return renderPicture(size, scale, background, paint, caption);
    }
};

// The Gantt of a run, or of several runs one above the other on one time scale, so that a
// comparison shows which finished first. Each run has a heading with its makespan and speedup;
// a legend of the colours closes the picture. `predictedNs`: a single run's predicted makespan,
// marked as on screen (-1: none). No run: an empty figure without caption.
Figure ganttFigure(
    std::span<const RunResult> runs, const FigureStyle &style, std::int64_t predictedNs = -1);

// A sweep as the speedup chart draws it: its plan, its points so far, its predicted speedups.
struct SweepDrawing
{
    QString strategy;
    WorkloadSpec workload;
    int maxWorkers = 1;
    std::vector<SweepPoint> points;
    std::vector<double> predicted; // at 1, 2, ... workers; empty: none
    bool ended = false;
    bool complete = false; // ended, neither failed nor stopped
};

// The speedup chart of sweeps, one curve each: the measured curve, the ideal line, the Amdahl
// fit and the efficiency, titled with the workload.
Figure speedupFigure(std::span<const SweepDrawing> sweeps, const FigureStyle &style);

// What parviz-cli saves.
Result<void> saveGanttFigure(
    std::span<const RunResult> runs, const PictureTarget &target, const FigureStyle &style);
Result<void> saveSpeedupFigure(const SweepResult &sweep,
    const WorkloadSpec &workload,
    int maxWorkers,
    const PictureTarget &target,
    const FigureStyle &style);

} // namespace parviz
