#include "timeline/ganttview.h"

#include "timeline/eventcolors.h"
#include "timeline/ganttpainter.h"
#include "timeline/timelinecoordinates.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinezoomcontrol.h"
#include "util/format.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {
// The horizontal scroll bar counts in these steps across the whole run.
constexpr int ScrollSteps = 10'000;
} // namespace

GanttView::GanttView(TimelineModel *model, TimelineZoomControl *zoom, QWidget *parent)
    : QAbstractScrollArea(parent)
    , m_model(model)
    , m_zoom(zoom)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setHorizontalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    setToolTip(tr("Wheel: zoom around the cursor · Shift+wheel: scroll rows · drag: pan · "
                  "double-click: fit the whole run"));
    viewport()->setToolTip(QString()); // the viewport answers with the bar under the cursor
    updateScrollBars();
    connect(m_zoom, &TimelineZoomControl::rangeChanged, this, [this] {
        updateScrollBars();
        viewport()->update();
    });
}

QSize GanttView::sizeHint() const
{
    return {900, 360};
}

void GanttView::refresh()
{
    m_zoom->setEnd(std::max(m_model->endNs(), m_predictedNs));
    updateScrollBars();
    viewport()->update();
}

void GanttView::setLowerBound(std::int64_t ns)
{
    m_lowerBoundNs = ns;
    viewport()->update();
}

void GanttView::setScale(qreal scale)
{
    m_scale = std::clamp(scale, 0.5, 4.0);
    updateScrollBars();
    viewport()->update();
}

QRect GanttView::logicalRect() const
{
    return {0,
        0,
        static_cast<int>(viewport()->width() / m_scale),
        static_cast<int>(viewport()->height() / m_scale)};
}

void GanttView::setPrediction(std::int64_t ns)
{
    m_predictedNs = ns;
    refresh();
}

GanttFrame GanttView::currentFrame(const QRect &area) const
{
    GanttFrame frame;
    frame.area = area;
    frame.t0Ns = m_zoom->t0Ns();
    frame.t1Ns = m_zoom->t1Ns();
    frame.firstRow = verticalScrollBar()->value();
    frame.rowHeight = m_rowHeight;
    frame.lowerBoundNs = m_lowerBoundNs;
    frame.predictedNs = m_predictedNs;
    return frame;
}

std::int64_t GanttView::timeAt(int x) const
{
    const int width = logicalRect().width() - GanttStyle::LabelWidth;
    return TimelineCoordinates::fit(m_zoom->t0Ns(), m_zoom->t1Ns(), GanttStyle::LabelWidth, width)
        .time(x);
}

int GanttView::rowAt(int y) const
{
    if (y < GanttStyle::AxisHeight)
        return -1;
    const int row = verticalScrollBar()->value() + (y - GanttStyle::AxisHeight) / m_rowHeight;
    return row < m_model->rowCount() ? row : -1;
}

void GanttView::paintEvent(QPaintEvent *)
{
    QPainter painter(viewport());
    painter.scale(m_scale, m_scale);
    // The text grows with the painter: start from a font as much smaller.
    QFont text = font();
    text.setPointSizeF(text.pointSizeF() / m_scale);
    m_painter.paint(
        painter, *m_model, currentFrame(logicalRect()), GanttStyle::fromPalette(palette(), text));
}

void GanttView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    updateScrollBars();
}

void GanttView::updateScrollBars()
{
    m_updatingScrollBars = true;
    // Rows fill the height when they are few, up to a height that still reads as a row; many
    // rows keep the everyday height and scroll.
    const int height = std::max(0, logicalRect().height() - GanttStyle::AxisHeight);
    m_rowHeight = std::clamp(
        height / std::max(1, m_model->rowCount()), GanttStyle::RowHeight, GanttStyle::MaxRowHeight);
    const int visible = std::max(1, height / m_rowHeight);
    verticalScrollBar()->setRange(0, std::max(0, m_model->rowCount() - visible));
    verticalScrollBar()->setPageStep(visible);
    verticalScrollBar()->setSingleStep(1);

    const double end = static_cast<double>(std::max<std::int64_t>(m_zoom->endNs(), 1));
    const int page =
        std::clamp(static_cast<int>(ScrollSteps * m_zoom->spanNs() / end), 1, ScrollSteps);
    horizontalScrollBar()->setRange(0, std::max(0, ScrollSteps - page));
    horizontalScrollBar()->setPageStep(page);
    horizontalScrollBar()->setValue(static_cast<int>(ScrollSteps * m_zoom->t0Ns() / end));
    m_updatingScrollBars = false;
}

void GanttView::scrollContentsBy(int dx, int)
{
    if (dx != 0 && !m_updatingScrollBars) {
        const double end = static_cast<double>(std::max<std::int64_t>(m_zoom->endNs(), 1));
        const auto t0 =
            static_cast<std::int64_t>(horizontalScrollBar()->value() * end / ScrollSteps);
        m_zoom->setRange(t0, t0 + m_zoom->spanNs());
    }
    viewport()->update();
}

void GanttView::wheelEvent(QWheelEvent *event)
{
    const QPoint angle = event->angleDelta();
    if (event->modifiers() & Qt::ShiftModifier) {
        const int steps = (angle.y() != 0 ? angle.y() : angle.x()) / 40;
        verticalScrollBar()->setValue(verticalScrollBar()->value() - steps);
    } else if (angle.y() != 0) {
        const std::int64_t anchor = timeAt(static_cast<int>(event->position().x() / m_scale));
        m_zoom->zoomAround(anchor, std::pow(1.25, angle.y() / 120.0));
    } else if (angle.x() != 0) {
        m_zoom->pan(static_cast<std::int64_t>(-angle.x() / 120.0 * m_zoom->spanNs() / 10.0));
    }
    event->accept();
}

void GanttView::mousePressEvent(QMouseEvent *event)
{
    if (event->button() == Qt::LeftButton) {
        m_dragging = true;
        m_dragFrom = (event->position() / m_scale).toPoint();
        viewport()->setCursor(Qt::ClosedHandCursor);
    }
}

void GanttView::mouseMoveEvent(QMouseEvent *event)
{
    if (!m_dragging)
        return;
    const QPoint position = (event->position() / m_scale).toPoint();
    const QPoint delta = position - m_dragFrom;
    const double nsPerPixel = static_cast<double>(m_zoom->spanNs())
        / std::max(1, logicalRect().width() - GanttStyle::LabelWidth);
    if (delta.x() != 0)
        m_zoom->pan(static_cast<std::int64_t>(-delta.x() * nsPerPixel));
    const int rows = delta.y() / m_rowHeight;
    if (rows != 0)
        verticalScrollBar()->setValue(verticalScrollBar()->value() - rows);
    m_dragFrom = QPoint(position.x(), m_dragFrom.y() + rows * m_rowHeight);
}

void GanttView::mouseReleaseEvent(QMouseEvent *)
{
    m_dragging = false;
    viewport()->unsetCursor();
}

void GanttView::mouseDoubleClickEvent(QMouseEvent *)
{
    m_zoom->fit();
}

void GanttView::keyPressEvent(QKeyEvent *event)
{
    const std::int64_t middle = m_zoom->t0Ns() + m_zoom->spanNs() / 2;
    switch (event->key()) {
    case Qt::Key_Plus:
    case Qt::Key_Equal:
        m_zoom->zoomAround(middle, 1.5);
        return;
    case Qt::Key_Minus:
        m_zoom->zoomAround(middle, 1 / 1.5);
        return;
    case Qt::Key_0:
        m_zoom->fit();
        return;
    case Qt::Key_Left:
        m_zoom->pan(-m_zoom->spanNs() / 10);
        return;
    case Qt::Key_Right:
        m_zoom->pan(m_zoom->spanNs() / 10);
        return;
    default:
        QAbstractScrollArea::keyPressEvent(event);
    }
}

bool GanttView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        auto *help = static_cast<QHelpEvent *>(event);
        const QString text = tooltipAt((QPointF(help->pos()) / m_scale).toPoint());
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, viewport());
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

QString GanttView::tooltipAt(const QPoint &position) const
{
    const int row = rowAt(position.y());
    if (row < 0 || position.x() < GanttStyle::LabelWidth)
        return {};
    const double nsPerPixel = static_cast<double>(m_zoom->spanNs())
        / std::max(1, logicalRect().width() - GanttStyle::LabelWidth);
    const std::int64_t time = timeAt(position.x());
    const auto tolerance = static_cast<std::int64_t>(2 * nsPerPixel);

    // Where bars merge, say so instead of naming one event out of many.
    std::vector<TimelineModel::Bar> bars;
    m_model->bars(row, time - tolerance, time + tolerance + 1, nsPerPixel, bars);
    if (bars.size() == 1 && bars.front().events > 1) {
        const auto &bar = bars.front();
        return tr("%1 events, mostly %2, from %3 to %4\nzoom in to see each one")
            .arg(bar.events)
            .arg(eventKindLabel(bar.kind), formatDuration(bar.startNs), formatDuration(bar.endNs));
    }
    const auto event = m_model->eventAt(row, time, tolerance);
    if (!event)
        return {};

    QString text;
    if (event->task >= 0)
        text = tr("task %1 · %2").arg(event->task).arg(eventKindLabel(event->kind));
    else
        text = eventKindLabel(event->kind);
    if (event->interrupted())
        text += tr(" (interrupted)");
    if (event->failed())
        text += tr(" (failed)");
    if (event->groupStart())
        text += tr(" (first of its chunk or batch)");
    // A traced program's unit of work: what it called, with what.
    if (const TraceSnapshot *trace = m_model->trace(); trace && event->task >= 0) {
        if (const QString name = trace->taskName(event->task); !name.isEmpty())
            text += QLatin1Char('\n') + name + trace->taskArguments(event->task);
    }
    text += QLatin1Char('\n') + m_model->rowLabel(row);
    if (event->kind == EventKind::GilHold && event->task >= 0)
        text += tr(" task %1").arg(event->task);
    const std::int64_t end =
        event->endNs > event->startNs || !m_model->isLive() ? event->endNs : m_model->nowNs();
    if (const TaskSpec *task = m_model->task(event->task); task && event->kind == EventKind::Run)
        text += tr("\nplanned %1, measured %2")
                    .arg(formatDuration(task->durationNs), formatDuration(end - event->startNs));
    else
        text += tr("\nlasted %1").arg(formatDuration(end - event->startNs));
    text += tr("\nfrom %1 to %2").arg(formatDuration(event->startNs), formatDuration(end));
    return text;
}

} // namespace parviz
