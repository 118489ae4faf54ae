#pragma once

#include "timeline/timelinemodel.h"

#include <QColor>
#include <QFont>
#include <QRect>

#include <cstdint>

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

// Paints the Gantt: the time axis with readable ticks, a label per row, and each visible row's
// bars, filled one colour at a time; idle time stays empty. Only rows that fit are painted, and
// no row gives more bars than it has pixels. The same code draws on screen, into images and
// into SVG files.
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
