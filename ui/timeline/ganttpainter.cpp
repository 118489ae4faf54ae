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

namespace {

// Between a mark's line and its name: clear of the lower bound's triangle (5 px each side).
constexpr double MarkLabelGap = 7.0;
// Kept free around a mark's name and line, so that a tick label never touches them.
constexpr double MarkClearance = 3.0;

// The box of a mark's name beside its line at `x`: right of it, or left of it.
QRectF markBox(double x, bool right, double width, const QRect &axis, int height)
{
    const double top = axis.top() + std::max(0, (GanttStyle::AxisHeight - 4 - height) / 2);
    return {right ? x + MarkLabelGap : x - MarkLabelGap - width, top, width, double(height)};
}

bool fitsIn(const QRectF &box, const QRect &axis)
{
    return box.left() >= axis.left() && box.right() <= axis.right() + 1;
}

bool apart(const QRectF &a, const QRectF &b)
{
    return !a.adjusted(-MarkClearance, 0, MarkClearance, 0).intersects(b);
}

} // namespace

GanttAxisLabels ganttAxisLabels(const GanttFrame &frame, const QFontMetrics &metrics)
{
    GanttAxisLabels labels;
    const QRect area = frame.area;
    labels.axis = QRect(area.left() + GanttStyle::LabelWidth,
        area.top(),
        area.width() - GanttStyle::LabelWidth,
        GanttStyle::AxisHeight);
    labels.rows = QRect(area.left(),
        area.top() + GanttStyle::AxisHeight,
        area.width(),
        area.height() - GanttStyle::AxisHeight);
    const QRect &axis = labels.axis;
    const auto coordinates =
        TimelineCoordinates::fit(frame.t0Ns, frame.t1Ns, axis.left(), axis.width());

    // The marks in view, each with its name and the side it prefers: the prediction right of
    // its line (the run's end lands beside it), the lower bound left of its own.
    struct Mark
    {
        double x;
        QString text;
        bool rightFirst;
    };
    std::vector<Mark> marks;
    const auto inView = [&](std::int64_t ns) {
        const double x = coordinates.x(ns);
        return ns >= 0 && x >= axis.left() && x <= axis.right();
    };
    if (inView(frame.predictedNs))
        marks.push_back({coordinates.x(frame.predictedNs),
            QObject::tr("predicted %1").arg(formatDuration(frame.predictedNs)),
            true});
    if (inView(frame.lowerBoundNs))
        marks.push_back({coordinates.x(frame.lowerBoundNs), QObject::tr("lower bound"), false});

    const int height = metrics.height() + 2;
    const auto candidates = [&](double x, const QString &text, bool rightFirst) {
        const double width = metrics.horizontalAdvance(text) + 8;
        std::vector<QRectF> boxes;
        for (bool right : {rightFirst, !rightFirst}) {
            const QRectF box = markBox(x, right, width, axis, height);
            if (fitsIn(box, axis))
                boxes.push_back(box);
        }
        return boxes;
    };
    const auto clearOfLine = [](const QRectF &box, double x) {
        return x < box.left() - MarkClearance || x > box.right() + MarkClearance;
    };
    if (marks.size() == 2) {
        // The first pair of places, in order of preference, where neither name covers the
        // other or the other's line.
        for (const QRectF &a : candidates(marks[0].x, marks[0].text, marks[0].rightFirst)) {
            for (const QRectF &b : candidates(marks[1].x, marks[1].text, marks[1].rightFirst)) {
                if (labels.marks.empty() && apart(a, b) && clearOfLine(a, marks[1].x)
                    && clearOfLine(b, marks[0].x))
                    labels.marks = {{a, marks[0].text}, {b, marks[1].text}};
            }
        }
        if (labels.marks.empty()) {
            // Too close to be named apart: one name, beside both lines, in their order.
            const bool predictionFirst = frame.predictedNs <= frame.lowerBoundNs;
            const QString bound =
                QObject::tr("lower bound %1").arg(formatDuration(frame.lowerBoundNs));
            const QString text = predictionFirst
                ? QStringLiteral("%1 · %2").arg(marks[0].text, bound)
                : QStringLiteral("%1 · %2").arg(bound, marks[0].text);
            const double left = std::min(marks[0].x, marks[1].x);
            const double right = std::max(marks[0].x, marks[1].x);
            const double width = metrics.horizontalAdvance(text) + 8;
            for (const QRectF &box : {markBox(left, false, width, axis, height),
                     markBox(right, true, width, axis, height)}) {
                if (labels.marks.empty() && fitsIn(box, axis))
                    labels.marks.push_back({box, text});
            }
        }
    } else if (marks.size() == 1) {
        if (const auto boxes = candidates(marks[0].x, marks[0].text, marks[0].rightFirst);
            !boxes.empty())
            labels.marks.push_back({boxes.front(), marks[0].text});
    }

    // What a tick label must keep clear of: the marks' names and their lines.
    std::vector<QRectF> taken;
    for (const Mark &mark : marks)
        taken.emplace_back(
            mark.x - MarkLabelGap + 1, axis.top(), 2 * MarkLabelGap - 2, axis.height());
    for (const GanttLabel &name : labels.marks)
        taken.push_back(name.box);
    const std::int64_t step = niceTickNs(frame.t1Ns - frame.t0Ns, axis.width());
    for (std::int64_t tick = (frame.t0Ns / step) * step; tick <= frame.t1Ns; tick += step) {
        const double x = coordinates.x(tick);
        const QString text = tickLabel(tick, step);
        const QRectF box(x + 3, axis.top(), metrics.horizontalAdvance(text), axis.height() - 4);
        if (x < axis.left() || box.right() + 4 > axis.right())
            continue; // a label that would not fit whole is left out
        if (std::any_of(
                taken.begin(), taken.end(), [&](const QRectF &t) { return !apart(t, box); }))
            continue; // nor one that would touch a mark
        labels.ticks.push_back({box, text});
    }
    return labels;
}

void paintGantt(
    QPainter &painter, const TimelineModel &model, const GanttFrame &frame, const GanttStyle &style)
{
    const QRect area = frame.area;
    const QFontMetrics metrics(style.font);
    const GanttAxisLabels labels = ganttAxisLabels(frame, metrics);
    const QRect &axis = labels.axis;
    const QRect &rows = labels.rows;
    const QRect timeArea(axis.left(), rows.top(), axis.width(), rows.height());
    const auto coordinates =
        TimelineCoordinates::fit(frame.t0Ns, frame.t1Ns, axis.left(), axis.width());

    const int rowHeight = std::max(1, frame.rowHeight);
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
    for (const GanttLabel &tick : labels.ticks)
        painter.drawText(
            tick.box.adjusted(0, 0, 4, 0), Qt::AlignLeft | Qt::AlignVCenter, tick.text);
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
        }
    }

    // The makespan predicted before the run: its measured end lands beside it. Dash-dotted.
    if (frame.predictedNs >= 0) {
        const double x = coordinates.x(frame.predictedNs);
        if (x >= timeArea.left() && x <= timeArea.right()) {
            painter.setClipping(false);
            painter.setPen(QPen(style.predicted, 2, Qt::DashDotLine));
            painter.drawLine(QPointF(x, axis.top() + 2), QPointF(x, rows.bottom()));
        }
    }

    // The marks' names, in the axis beside their lines, where no bar is.
    painter.setClipping(false);
    painter.setPen(style.predicted);
    for (const GanttLabel &name : labels.marks)
        painter.drawText(name.box, Qt::AlignCenter, name.text);

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
