#pragma once

#include "timeline/timelinemodel.h"

#include <QColor>
#include <QFont>
#include <QRect>
#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

class QFontMetrics;
class QPainter;
class QPalette;

namespace parviz {

// How the Gantt looks: sizes and the colours around the bars (the bars' own come from
// eventColor()). Built from a QPalette so it follows the theme.
struct GanttStyle
{
    // A row's height when rows are many; with a few, the view lets them grow up to
    // MaxRowHeight to fill its height, so that a handful of workers reads from the back row.
    static constexpr int RowHeight = 18;
    static constexpr int MaxRowHeight = 40;
    static constexpr int LabelWidth = 170;
    static constexpr int AxisHeight = 24;

    QColor background;
    QColor alternateRow;
    QColor text;
    QColor grid;
    QColor now;
    QColor lowerBound;
    QColor predicted;
    QFont font;

    static GanttStyle fromPalette(const QPalette &palette, const QFont &font);
};

// A row's label within `width` pixels: a worker's "127.0.0.1:41285 · thread 1 · pid 4242" keeps
// its port and its thread, which tell its rows apart: it gives up the middle of its host first,
// then the host and the end (the process id). A traced program's "ThreadPoolExecutor-0_3 · pid
// 4242" gives up the middle of its thread's name first. Any other label is cut at its end.
QString fittedRowLabel(const QString &label, const QFontMetrics &metrics, int width);

// One picture of the Gantt: which time and which rows, in which rectangle.
struct GanttFrame
{
    QRect area; // everything: axis on top, labels on the left, rows below
    std::int64_t t0Ns = 0;
    std::int64_t t1Ns = 1;
    int firstRow = 0;
    int rowHeight = GanttStyle::RowHeight; // pixels, RowHeight to MaxRowHeight
    std::int64_t lowerBoundNs = -1; // marked on the axis when >= 0
    std::int64_t predictedNs = -1; // the predicted makespan, drawn when >= 0
};

// A piece of text on the time axis, and where it goes.
struct GanttLabel
{
    QRectF box;
    QString text;
};

// What the time axis says, and where: the tick labels, and the names of the marks ("lower
// bound", "predicted 402 ms"). The marks are named in the axis, beside their lines, so that
// their names never cover a bar (the axis has none) nor a row's label; a tick label that would
// touch a mark's name or its line is left out. The two names never cover each other nor the
// other's line: where they cannot stand apart, one name beside both lines says both
// ("lower bound 398 ms · predicted 402 ms"). A name with no room in the axis is left out, its
// line still drawn.
struct GanttAxisLabels
{
    QRect axis; // the band above the rows, right of the row labels
    QRect rows; // the rows, labels included
    std::vector<GanttLabel> ticks;
    std::vector<GanttLabel> marks;
};
GanttAxisLabels ganttAxisLabels(const GanttFrame &frame, const QFontMetrics &metrics);

struct GanttBarGeometry;

// Paints the Gantt: the time axis with readable ticks, a label per row, and each visible row's
// bars, filled one colour at a time; idle time stays empty. Only rows that fit are painted, and
// no row gives more bars than it has pixels. The same code draws on screen, into images and
// into SVG files.
//
// Keeps the bars' rectangles between paints while the model's generation, the time window, the
// rows in view and the area stay the same: a repaint that changes none of them (the window
// uncovered, the lower bound marked, the theme changed) fills the same rectangles again without
// asking the model. Colours and fonts are not kept: a change of theme shows at once. One
// painter per view of one model.
//
// GUI thread, or any one thread at a time.
class GanttPainter
{
public:
    GanttPainter();
    ~GanttPainter();
    GanttPainter(const GanttPainter &) = delete;
    GanttPainter &operator=(const GanttPainter &) = delete;

    void paint(QPainter &painter,
        const TimelineModel &model,
        const GanttFrame &frame,
        const GanttStyle &style);

private:
    std::unique_ptr<GanttBarGeometry> m_bars;
};

// Paints one picture of the Gantt and keeps nothing: for pictures drawn once.
void paintGantt(QPainter &painter,
    const TimelineModel &model,
    const GanttFrame &frame,
    const GanttStyle &style);

// The rows `frame` shows.
int ganttVisibleRows(const GanttFrame &frame);
// Readable tick spacing for `spanNs` across `pixels`: 1, 2 or 5 times a power of ten.
std::int64_t niceTickNs(std::int64_t spanNs, double pixels, double pixelsPerTick = 110.0);
// A tick's label: "0", "250 ms", "1.5 s".
QString tickLabel(std::int64_t timeNs, std::int64_t stepNs);

} // namespace parviz
