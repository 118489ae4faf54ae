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
#include <optional>

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

// The bars of one picture as rectangles, grouped by look so that each colour is filled in one
// call. Asking the model for them is most of a frame's cost, and they depend only on what the
// model shows (its generation) and where (the frame's time window, rows and area): not on
// colours or fonts, so a change of theme repaints them as they are.
struct GanttBarGeometry
{
    struct Key
    {
        const TimelineModel *model = nullptr;
        std::uint64_t generation = 0;
        QRect area;
        std::int64_t t0Ns = 0;
        std::int64_t t1Ns = 0;
        int firstRow = 0;
        int rowHeight = 0;
        bool operator==(const Key &) const = default;
    };
    std::optional<Key> key; // what the rectangles were built for; none yet
    std::array<std::vector<QRectF>, ShadeCount> plain;
    std::array<std::vector<QRectF>, ShadeCount> failed;
    std::array<std::vector<QRectF>, ShadeCount> interrupted;
    std::vector<TimelineModel::Bar> rowBars; // one row's, kept for its capacity
};

namespace {

// Where the parts of one picture go, from its frame.
struct GanttLayout
{
    QRect area;
    GanttAxisLabels labels; // the axis and rows, the ticks' labels and the marks' names
    QRect timeArea; // the rows right of their labels, where the bars are
    TimelineCoordinates coordinates;
    int rowHeight = GanttStyle::RowHeight;
    int firstRow = 0;
    int lastRow = 0; // one past the last row shown

    const QRect &axis() const { return labels.axis; }
    const QRect &rows() const { return labels.rows; }
    int rowTop(int row) const { return rows().top() + (row - firstRow) * rowHeight; }
    bool inTimeArea(double x) const { return x >= timeArea.left() && x <= timeArea.right(); }
};

GanttLayout ganttLayout(
    const TimelineModel &model, const GanttFrame &frame, const QFontMetrics &metrics)
{
    GanttLayout layout;
    layout.area = frame.area;
    layout.labels = ganttAxisLabels(frame, metrics);
    const QRect &axis = layout.axis();
    layout.timeArea = QRect(axis.left(), layout.rows().top(), axis.width(), layout.rows().height());
    layout.coordinates =
        TimelineCoordinates::fit(frame.t0Ns, frame.t1Ns, axis.left(), axis.width());
    layout.rowHeight = std::max(1, frame.rowHeight);
    layout.firstRow = std::clamp(frame.firstRow, 0, std::max(0, model.rowCount() - 1));
    layout.lastRow = std::min(model.rowCount(), layout.firstRow + ganttVisibleRows(frame));
    return layout;
}

// Rows: alternating shades.
void paintRowShades(QPainter &painter, const GanttLayout &layout, const GanttStyle &style)
{
    const QRect &area = layout.area;
    for (int row = layout.firstRow; row < layout.lastRow; ++row) {
        if (row % 2 == 1)
            painter.fillRect(QRect(area.left(), layout.rowTop(row), area.width(), layout.rowHeight),
                style.alternateRow);
    }
}

// The grid and ticks, the ticks' labels, the axis' line.
void paintTimeAxis(
    QPainter &painter, const GanttLayout &layout, const GanttFrame &frame, const GanttStyle &style)
{
    const QRect &axis = layout.axis();
    const QRect &rows = layout.rows();
    const std::int64_t step = niceTickNs(frame.t1Ns - frame.t0Ns, axis.width());
    painter.setPen(style.grid);
    const std::int64_t firstTick = (frame.t0Ns / step) * step;
    for (std::int64_t tick = firstTick; tick <= frame.t1Ns; tick += step) {
        const double x = layout.coordinates.x(tick);
        if (x < axis.left() || x > axis.right())
            continue;
        painter.drawLine(QPointF(x, axis.bottom() - 4), QPointF(x, rows.bottom()));
    }
    painter.setPen(style.text);
    for (const GanttLabel &tick : layout.labels.ticks)
        painter.drawText(
            tick.box.adjusted(0, 0, 4, 0), Qt::AlignLeft | Qt::AlignVCenter, tick.text);
    painter.drawLine(
        QPoint(layout.area.left(), axis.bottom()), QPoint(layout.area.right(), axis.bottom()));
}

// Fills `geometry` with the bars of the rows in view, unless it holds them already.
void updateBarGeometry(GanttBarGeometry &geometry,
    const TimelineModel &model,
    const GanttFrame &frame,
    const GanttLayout &layout)
{
    const GanttBarGeometry::Key key{&model,
        model.generation(),
        frame.area,
        frame.t0Ns,
        frame.t1Ns,
        layout.firstRow,
        layout.rowHeight};
    if (geometry.key == key)
        return;
    geometry.key = key;
    for (auto *look : {&geometry.plain, &geometry.failed, &geometry.interrupted}) {
        for (std::vector<QRectF> &rects : *look)
            rects.clear();
    }
    const TimelineCoordinates &coordinates = layout.coordinates;
    const QRect &timeArea = layout.timeArea;
    for (int row = layout.firstRow; row < layout.lastRow; ++row) {
        const double y = layout.rowTop(row) + 3;
        model.bars(row, frame.t0Ns, frame.t1Ns, coordinates.nsPerPixel, geometry.rowBars);
        for (const TimelineModel::Bar &bar : geometry.rowBars) {
            const double left = std::max<double>(coordinates.x(bar.startNs), timeArea.left());
            const double right = std::min<double>(coordinates.x(bar.endNs), timeArea.right() + 1);
            // Bars wide enough to show it keep a pixel of gap at their end, so that tasks run
            // back to back still read as separate tasks.
            const double width =
                right - left >= 4.0 ? right - left - 1.0 : std::max(1.0, right - left);
            const QRectF rect(left, y, width, layout.rowHeight - 6);
            const std::size_t shade =
                bar.alternateGroup ? AlternateGroupShade : static_cast<std::size_t>(bar.kind);
            if (bar.flags & EventFlag::Failed)
                geometry.failed[shade].push_back(rect);
            else if (bar.flags & EventFlag::Interrupted)
                geometry.interrupted[shade].push_back(rect);
            else
                geometry.plain[shade].push_back(rect);
        }
    }
}

void drawRects(QPainter &painter, const std::vector<QRectF> &rects)
{
    painter.drawRects(rects.data(), static_cast<int>(rects.size()));
}

// The bars, one colour at a time, inside the time area.
void paintBars(QPainter &painter,
    const GanttLayout &layout,
    const GanttBarGeometry &geometry,
    const GanttStyle &style)
{
    painter.setClipRect(layout.timeArea);
    painter.setPen(Qt::NoPen);
    for (std::size_t shade = 0; shade < ShadeCount; ++shade) {
        const QColor color = shadeColor(shade);
        if (!geometry.plain[shade].empty()) {
            painter.setBrush(color);
            drawRects(painter, geometry.plain[shade]);
        }
        if (!geometry.interrupted[shade].empty()) {
            // Cut short by Stop: the same colour, faded.
            QColor faded = color;
            faded.setAlpha(110);
            painter.setBrush(faded);
            drawRects(painter, geometry.interrupted[shade]);
        }
        if (!geometry.failed[shade].empty()) {
            // Failed (a throw, a dead worker): hatched, so it reads without relying on colour.
            painter.setBrush(color);
            drawRects(painter, geometry.failed[shade]);
            painter.setBrush(QBrush(style.text, Qt::BDiagPattern));
            drawRects(painter, geometry.failed[shade]);
        }
    }
}

// Where a mark at `ns` goes, if it is given (not negative) and in view; unclipped from then
// on, so that it crosses the axis.
std::optional<double> markX(QPainter &painter, const GanttLayout &layout, std::int64_t ns)
{
    if (ns < 0)
        return std::nullopt;
    const double x = layout.coordinates.x(ns);
    if (!layout.inTimeArea(x))
        return std::nullopt;
    painter.setClipping(false);
    return x;
}

// The lower bound: no schedule of these tasks can end before it.
void paintLowerBound(
    QPainter &painter, const GanttLayout &layout, std::int64_t ns, const GanttStyle &style)
{
    const auto at = markX(painter, layout, ns);
    if (!at)
        return;
    const double x = *at;
    const QRect &axis = layout.axis();
    painter.setPen(QPen(style.lowerBound, 1, Qt::DashLine));
    painter.drawLine(QPointF(x, axis.top() + 2), QPointF(x, layout.rows().bottom()));
    painter.setPen(Qt::NoPen);
    painter.setBrush(style.lowerBound);
    const QPointF marker[] = {
        {x - 5, double(axis.top())}, {x + 5, double(axis.top())}, {x, axis.top() + 7.0}};
    painter.drawPolygon(marker, 3);
}

// The makespan predicted before the run: its measured end lands beside it. Dash-dotted.
void paintPrediction(
    QPainter &painter, const GanttLayout &layout, std::int64_t ns, const GanttStyle &style)
{
    const auto x = markX(painter, layout, ns);
    if (!x)
        return;
    painter.setPen(QPen(style.predicted, 2, Qt::DashDotLine));
    painter.drawLine(QPointF(*x, layout.axis().top() + 2), QPointF(*x, layout.rows().bottom()));
}

// The marks' names, in the axis beside their lines, where no bar is.
void paintMarkNames(QPainter &painter, const GanttLayout &layout, const GanttStyle &style)
{
    painter.setClipping(false);
    painter.setPen(style.predicted);
    for (const GanttLabel &name : layout.labels.marks)
        painter.drawText(name.box, Qt::AlignCenter, name.text);
}

// Now, while the run goes on, or where a replay has got to; none when negative.
void paintNow(
    QPainter &painter, const GanttLayout &layout, std::int64_t nowNs, const GanttStyle &style)
{
    const auto x = markX(painter, layout, nowNs);
    if (!x)
        return;
    painter.setPen(QPen(style.now, 2));
    painter.drawLine(QPointF(*x, layout.axis().top()), QPointF(*x, layout.rows().bottom()));
}

// What to do, while there is nothing to show.
void paintEmptyHint(QPainter &painter, const GanttLayout &layout, const GanttStyle &style)
{
    painter.setClipping(false);
    painter.setPen(style.text);
    painter.drawText(layout.timeArea,
        Qt::AlignCenter | Qt::TextWordWrap,
        QObject::tr("Choose a workload and press Run (Ctrl+R): every worker's timeline "
                    "fills in here as the tasks run.\nSweep (Ctrl+Shift+R) runs it on "
                    "1, 2, … N workers and draws the speedup below."));
}

// The rows' labels, last, over a plain column; then the column's edge.
void paintRowLabels(QPainter &painter,
    const GanttLayout &layout,
    const TimelineModel &model,
    const QFontMetrics &metrics,
    const GanttStyle &style)
{
    const QRect &area = layout.area;
    const QRect &rows = layout.rows();
    painter.setClipping(false);
    painter.fillRect(
        QRect(area.left(), rows.top(), GanttStyle::LabelWidth, rows.height()), style.background);
    painter.setPen(style.text);
    for (int row = layout.firstRow; row < layout.lastRow; ++row) {
        const int y = layout.rowTop(row);
        if (row % 2 == 1)
            painter.fillRect(QRect(area.left(), y, GanttStyle::LabelWidth, layout.rowHeight),
                style.alternateRow);
        const QString label =
            fittedRowLabel(model.rowLabel(row), metrics, GanttStyle::LabelWidth - 12);
        painter.drawText(QRect(area.left() + 6, y, GanttStyle::LabelWidth - 12, layout.rowHeight),
            Qt::AlignLeft | Qt::AlignVCenter,
            label);
    }
    painter.setPen(style.grid);
    const int edge = layout.axis().left() - 1;
    painter.drawLine(QPoint(edge, area.top()), QPoint(edge, rows.bottom()));
}

} // namespace

GanttPainter::GanttPainter()
    : m_bars(std::make_unique<GanttBarGeometry>())
{ }

GanttPainter::~GanttPainter() = default;

void GanttPainter::paint(
    QPainter &painter, const TimelineModel &model, const GanttFrame &frame, const GanttStyle &style)
{
    const QFontMetrics metrics(style.font);
    const GanttLayout layout = ganttLayout(model, frame, metrics);
    updateBarGeometry(*m_bars, model, frame, layout);

    painter.save();
    painter.setRenderHint(QPainter::Antialiasing, false); // crisp, fast rectangles
    painter.setFont(style.font);
    painter.fillRect(layout.area, style.background);
    paintRowShades(painter, layout, style);
    paintTimeAxis(painter, layout, frame, style);
    paintBars(painter, layout, *m_bars, style);
    paintLowerBound(painter, layout, frame.lowerBoundNs, style);
    paintPrediction(painter, layout, frame.predictedNs, style);
    paintMarkNames(painter, layout, style);
    paintNow(painter, layout, model.nowNs(), style);
    if (model.isEmpty())
        paintEmptyHint(painter, layout, style);
    paintRowLabels(painter, layout, model, metrics, style);
    painter.restore();
}

void paintGantt(
    QPainter &painter, const TimelineModel &model, const GanttFrame &frame, const GanttStyle &style)
{
    GanttPainter().paint(painter, model, frame, style);
}

QString fittedRowLabel(const QString &label, const QFontMetrics &metrics, int width)
{
    if (metrics.horizontalAdvance(label) <= width)
        return label;
    const qsizetype split = label.indexOf(QStringLiteral(" · "));
    const QString address = split < 0 ? label : label.left(split);
    const qsizetype colon = address.lastIndexOf(QLatin1Char(':'));
    if (colon <= 0 && split > 0) {
        // A traced program's "ThreadPoolExecutor-0_3 · pid 4242": the name's end and the pid
        // tell its rows apart, so the name gives up its middle while it can.
        const QString rest = label.mid(split);
        const QString name =
            metrics.elidedText(address, Qt::ElideMiddle, width - metrics.horizontalAdvance(rest));
        if (name.size() >= 3)
            return name + rest;
    }
    if (colon <= 0)
        return metrics.elidedText(label, Qt::ElideRight, width);
    const QString kept = label.mid(colon); // ":41285 · thread 1 · pid 4242"
    // At least a character of the host on each side of the ellipsis.
    const QString host = metrics.elidedText(
        address.left(colon), Qt::ElideMiddle, width - metrics.horizontalAdvance(kept));
    if (host.size() >= 3)
        return host + kept;
    // Else none of the host, and the rest cut at its end (a process id before the thread).
    const QString ellipsis(QChar(0x2026));
    return ellipsis
        + metrics.elidedText(kept, Qt::ElideRight, width - metrics.horizontalAdvance(ellipsis));
}

} // namespace parviz
