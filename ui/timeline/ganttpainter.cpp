#include "timeline/ganttpainter.h"

#include "timeline/eventcolors.h"
#include "timeline/timelinecoordinates.h"
#include "util/format.h"

#include <QCoreApplication>
#include <QFontMetrics>
#include <QPainter>
#include <QPalette>

#include <algorithm>
#include <array>
#include <cmath>

namespace parviz {

namespace {

// What a bar is filled with: a kind's colour, or the run colour's other shade for every other
// group of tasks handed out together (TimelineModel::Bar::alternateGroup).
constexpr std::size_t AlternateGroupShade = EventKindCount;
constexpr std::size_t ShadeCount = EventKindCount + 1;

QColor shadeColor(std::size_t shade)
{
    return shade == AlternateGroupShade ? alternateGroupColor()
                                        : eventColor(static_cast<EventKind>(shade));
}

} // namespace

GanttStyle GanttStyle::fromPalette(const QPalette &palette, const QFont &font)
{
    GanttStyle style;
    style.background = palette.color(QPalette::Base);
    style.alternateRow = palette.color(QPalette::AlternateBase);
    style.text = palette.color(QPalette::Text);
    style.grid = palette.color(QPalette::Mid);
    style.grid.setAlpha(90);
    style.now = QColor(0xD5, 0x00, 0x32);
    style.lowerBound = palette.color(QPalette::Text);
    style.predicted = palette.color(QPalette::Text);
    style.font = font;
    return style;
}

int ganttVisibleRows(const GanttFrame &frame)
{
    const int height = frame.area.height() - GanttStyle::AxisHeight;
    const int rowHeight = std::max(1, frame.rowHeight);
    return std::max(0, (height + rowHeight - 1) / rowHeight);
}

std::int64_t niceTickNs(std::int64_t spanNs, double pixels, double pixelsPerTick)
{
    const double raw = static_cast<double>(std::max<std::int64_t>(spanNs, 1)) * pixelsPerTick
        / std::max(pixels, 1.0);
    const double magnitude = std::pow(10.0, std::floor(std::log10(std::max(raw, 1.0))));
    for (double factor : {1.0, 2.0, 5.0, 10.0}) {
        if (magnitude * factor >= raw)
            return std::max<std::int64_t>(1, static_cast<std::int64_t>(magnitude * factor));
    }
    return static_cast<std::int64_t>(magnitude * 10.0);
}

QString tickLabel(std::int64_t timeNs, std::int64_t stepNs)
{
    if (timeNs == 0)
        return QStringLiteral("0");
    struct Unit
    {
        std::int64_t ns;
        const char *name;
    };
    static constexpr Unit Units[] = {
        {1'000'000'000, "s"}, {1'000'000, "ms"}, {1'000, "µs"}, {1, "ns"}};
    for (const Unit &unit : Units) {
        if (stepNs >= unit.ns / 10 || unit.ns == 1) {
            // As many decimals as the step needs, no more.
            int decimals = 0;
            for (std::int64_t resolution = unit.ns; resolution > stepNs && decimals < 3;
                 resolution /= 10)
                ++decimals;
            return QString::number(
                       static_cast<double>(timeNs) / static_cast<double>(unit.ns), 'f', decimals)
                + QLatin1Char(' ') + QString::fromUtf8(unit.name);
        }
    }
    return QString::number(timeNs);
}

void paintGantt(
    QPainter &painter, const TimelineModel &model, const GanttFrame &frame, const GanttStyle &style)
{
    const QRect area = frame.area;
    const QRect axis(area.left() + GanttStyle::LabelWidth,
        area.top(),
        area.width() - GanttStyle::LabelWidth,
        GanttStyle::AxisHeight);
    const QRect rows(area.left(),
        area.top() + GanttStyle::AxisHeight,
        area.width(),
        area.height() - GanttStyle::AxisHeight);
    const QRect timeArea(axis.left(), rows.top(), axis.width(), rows.height());
    const auto coordinates =
        TimelineCoordinates::fit(frame.t0Ns, frame.t1Ns, axis.left(), axis.width());

    const int rowHeight = std::max(1, frame.rowHeight);
    const QFontMetrics metrics(style.font);
    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false); // crisp, fast rectangles
    painter.setFont(style.font);
    painter.fillRect(area, style.background);

    // Rows: alternating shades, then the labels.
    const int firstRow = std::clamp(frame.firstRow, 0, std::max(0, model.rowCount() - 1));
    const int lastRow = std::min(model.rowCount(), firstRow + ganttVisibleRows(frame));
    for (int row = firstRow; row < lastRow; ++row) {
        const int y = rows.top() + (row - firstRow) * rowHeight;
        if (row % 2 == 1)
            painter.fillRect(QRect(area.left(), y, area.width(), rowHeight), style.alternateRow);
    }

    // Grid and ticks.
    const std::int64_t step = niceTickNs(frame.t1Ns - frame.t0Ns, axis.width());
    painter.setPen(style.grid);
    const std::int64_t firstTick = (frame.t0Ns / step) * step;
    for (std::int64_t tick = firstTick; tick <= frame.t1Ns; tick += step) {
        const double x = coordinates.x(tick);
        if (x < axis.left() || x > axis.right())
            continue;
        painter.drawLine(QPointF(x, axis.bottom() - 4), QPointF(x, rows.bottom()));
    }
    painter.setPen(style.text);
    for (std::int64_t tick = firstTick; tick <= frame.t1Ns; tick += step) {
        const double x = coordinates.x(tick);
        const QString label = tickLabel(tick, step);
        if (x < axis.left() || x + metrics.horizontalAdvance(label) + 4 > axis.right())
            continue; // a label that would not fit whole is left out
        painter.drawText(QRectF(x + 3, axis.top(), 200, axis.height() - 4),
            Qt::AlignLeft | Qt::AlignVCenter,
            label);
    }
    painter.drawLine(QPoint(area.left(), axis.bottom()), QPoint(area.right(), axis.bottom()));

    // Bars, grouped by look so each colour is filled in one call.
    std::array<std::vector<QRectF>, ShadeCount> plain;
    std::array<std::vector<QRectF>, ShadeCount> failed;
    std::array<std::vector<QRectF>, ShadeCount> interrupted;
    std::vector<TimelineModel::Bar> bars;
    for (int row = firstRow; row < lastRow; ++row) {
        const double y = rows.top() + (row - firstRow) * rowHeight + 3;
        model.bars(row, frame.t0Ns, frame.t1Ns, coordinates.nsPerPixel, bars);
        for (const TimelineModel::Bar &bar : bars) {
            const double left = std::max<double>(coordinates.x(bar.startNs), timeArea.left());
            const double right = std::min<double>(coordinates.x(bar.endNs), timeArea.right() + 1);
            // Bars wide enough to show it keep a pixel of gap at their end, so that tasks run
            // back to back still read as separate tasks.
            const double width =
                right - left >= 4.0 ? right - left - 1.0 : std::max(1.0, right - left);
            const QRectF rect(left, y, width, rowHeight - 6);
            const std::size_t shade =
                bar.alternateGroup ? AlternateGroupShade : static_cast<std::size_t>(bar.kind);
            if (bar.flags & EventFlag::Failed)
                failed[shade].push_back(rect);
            else if (bar.flags & EventFlag::Interrupted)
                interrupted[shade].push_back(rect);
            else
                plain[shade].push_back(rect);
        }
    }
    painter.setClipRect(timeArea);
    painter.setPen(Qt::NoPen);
    for (std::size_t shade = 0; shade < plain.size(); ++shade) {
        const QColor color = shadeColor(shade);
        if (!plain[shade].empty()) {
            painter.setBrush(color);
            painter.drawRects(plain[shade].data(), static_cast<int>(plain[shade].size()));
        }
        if (!interrupted[shade].empty()) {
            // Cut short by Stop: the same colour, faded.
            QColor faded = color;
            faded.setAlpha(110);
            painter.setBrush(faded);
            painter.drawRects(
                interrupted[shade].data(), static_cast<int>(interrupted[shade].size()));
        }
        if (!failed[shade].empty()) {
            // Failed (a throw, a dead worker): hatched, so it reads without relying on colour.
            painter.setBrush(color);
            painter.drawRects(failed[shade].data(), static_cast<int>(failed[shade].size()));
            painter.setBrush(QBrush(style.text, Qt::BDiagPattern));
            painter.drawRects(failed[shade].data(), static_cast<int>(failed[shade].size()));
        }
    }

    // The lower bound: no schedule of these tasks can end before it.
    if (frame.lowerBoundNs >= 0) {
        const double x = coordinates.x(frame.lowerBoundNs);
        if (x >= timeArea.left() && x <= timeArea.right()) {
            painter.setClipping(false);
            QPen dashed(style.lowerBound, 1, Qt::DashLine);
            painter.setPen(dashed);
            painter.drawLine(QPointF(x, axis.top() + 2), QPointF(x, rows.bottom()));
            painter.setPen(Qt::NoPen);
            painter.setBrush(style.lowerBound);
            const QPointF marker[] = {
                {x - 5, double(axis.top())}, {x + 5, double(axis.top())}, {x, axis.top() + 7.0}};
            painter.drawPolygon(marker, 3);
            // Its name at the foot of the line, over a plain box, clear of the tick labels.
            const QString label = QObject::tr("lower bound");
            const QRectF box(x - metrics.horizontalAdvance(label) - 10,
                rows.bottom() - metrics.height() - 4,
                metrics.horizontalAdvance(label) + 8,
                metrics.height() + 2);
            painter.setBrush(style.background);
            painter.setPen(Qt::NoPen);
            painter.drawRect(box);
            painter.setPen(style.lowerBound);
            painter.drawText(box, Qt::AlignCenter, label);
        }
    }

    // The makespan predicted before the run: its measured end lands beside it. Dash-dotted, and
    // named at the foot a line above the lower bound's name, so the two never cover each other
    // and the first rows stay clear.
    if (frame.predictedNs >= 0) {
        const double x = coordinates.x(frame.predictedNs);
        if (x >= timeArea.left() && x <= timeArea.right()) {
            painter.setClipping(false);
            painter.setPen(QPen(style.predicted, 2, Qt::DashDotLine));
            painter.drawLine(QPointF(x, axis.top() + 2), QPointF(x, rows.bottom()));
            const QString label =
                QObject::tr("predicted %1").arg(formatDuration(frame.predictedNs));
            const double width = metrics.horizontalAdvance(label) + 8;
            // Right of the line, or left of it where the right has no room.
            const double left = x + 4 + width <= timeArea.right() ? x + 4 : x - 4 - width;
            const QRectF box(
                left, rows.bottom() - 2 * metrics.height() - 8, width, metrics.height() + 2);
            painter.setBrush(style.background);
            painter.setPen(Qt::NoPen);
            painter.drawRect(box);
            painter.setPen(style.predicted);
            painter.drawText(box, Qt::AlignCenter, label);
        }
    }

    // Now, while the run goes on.
    if (const std::int64_t now = model.nowNs(); now >= 0) {
        const double x = coordinates.x(now);
        if (x >= timeArea.left() && x <= timeArea.right()) {
            painter.setClipping(false);
            painter.setPen(QPen(style.now, 2));
            painter.drawLine(QPointF(x, axis.top()), QPointF(x, rows.bottom()));
        }
    }

    if (model.isEmpty()) {
        painter.setClipping(false);
        painter.setPen(style.text);
        painter.drawText(timeArea,
            Qt::AlignCenter | Qt::TextWordWrap,
            QObject::tr("Choose a workload and press Run (Ctrl+R): every worker's timeline "
                        "fills in here as the tasks run.\nSweep (Ctrl+Shift+R) runs it on "
                        "1, 2, … N workers and draws the speedup below."));
    }

    // Labels last, over a plain column.
    painter.setClipping(false);
    painter.fillRect(
        QRect(area.left(), rows.top(), GanttStyle::LabelWidth, rows.height()), style.background);
    painter.setPen(style.text);
    for (int row = firstRow; row < lastRow; ++row) {
        const int y = rows.top() + (row - firstRow) * rowHeight;
        if (row % 2 == 1)
            painter.fillRect(
                QRect(area.left(), y, GanttStyle::LabelWidth, rowHeight), style.alternateRow);
        const QString label =
            metrics.elidedText(model.rowLabel(row), Qt::ElideRight, GanttStyle::LabelWidth - 12);
        painter.drawText(QRect(area.left() + 6, y, GanttStyle::LabelWidth - 12, rowHeight),
            Qt::AlignLeft | Qt::AlignVCenter,
            label);
    }
    painter.setPen(style.grid);
    painter.drawLine(QPoint(axis.left() - 1, area.top()), QPoint(axis.left() - 1, rows.bottom()));
    painter.restore();
}

} // namespace parviz
