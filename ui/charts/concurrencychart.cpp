#include "charts/concurrencychart.h"

#include "timeline/eventcolors.h"
#include "timeline/ganttpainter.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinezoomcontrol.h"
#include "util/format.h"

#include <QPainter>
#include <QPainterPath>

#include <algorithm>
#include <cmath>

namespace parviz {

ConcurrencyChart::ConcurrencyChart(TimelineModel *model, TimelineZoomControl *zoom, QWidget *parent)
    : QWidget(parent)
    , m_model(model)
    , m_zoom(zoom)
{
    setToolTip(tr("Workers running a task at each moment, on the Gantt's time axis. "
                  "The dashed lines mark the worker count and this machine's cores."));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    connect(m_zoom, &TimelineZoomControl::rangeChanged, this, qOverload<>(&QWidget::update));
}

void ConcurrencyChart::setRightInset(int pixels)
{
    if (pixels != m_rightInset) {
        m_rightInset = pixels;
        update();
    }
}

void ConcurrencyChart::setScale(qreal scale)
{
    m_scale = std::clamp(scale, 0.5, 4.0);
    update();
}

void ConcurrencyChart::setCores(int cores)
{
    m_cores = std::max(1, cores);
    update();
}

QSize ConcurrencyChart::sizeHint() const
{
    return {900, 96};
}

QSize ConcurrencyChart::minimumSizeHint() const
{
    return {200, 60};
}

void ConcurrencyChart::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.scale(m_scale, m_scale);
    QFont text = font();
    text.setPointSizeF(text.pointSizeF() / m_scale);
    painter.setFont(text);
    paint(painter,
        QRect(0, 0, static_cast<int>(width() / m_scale), static_cast<int>(height() / m_scale)));
}

void ConcurrencyChart::paint(QPainter &painter, const QRect &area) const
{
    painter.save();
    const QPalette colors = palette();
    painter.fillRect(area, colors.color(QPalette::Base));
    const QRect plot(area.left() + GanttStyle::LabelWidth,
        area.top() + 6,
        area.width() - GanttStyle::LabelWidth - static_cast<int>(m_rightInset / m_scale),
        area.height() - 12);
    painter.setPen(colors.color(QPalette::Text));
    painter.drawText(QRect(area.left() + 6, area.top(), GanttStyle::LabelWidth - 12, area.height()),
        Qt::AlignLeft | Qt::AlignVCenter | Qt::TextWordWrap,
        tr("busy workers"));
    if (m_model->isEmpty() || plot.width() <= 0 || plot.height() <= 0) {
        painter.restore();
        return;
    }

    const int columns = plot.width();
    const std::vector<double> busy = m_model->busyWorkers(m_zoom->t0Ns(), m_zoom->t1Ns(), columns);
    const int workers = std::max(1, m_model->workerCount());
    const double peak = busy.empty() ? 0.0 : *std::max_element(busy.begin(), busy.end());
    const double top = std::max({double(workers), peak, double(std::min(m_cores, workers))});
    auto yOf = [&](double value) { return plot.bottom() - value / top * plot.height(); };

    QPainterPath shape;
    shape.moveTo(plot.left(), plot.bottom());
    for (int column = 0; column < columns; ++column) {
        shape.lineTo(plot.left() + column, yOf(busy[std::size_t(column)]));
        shape.lineTo(plot.left() + column + 1, yOf(busy[std::size_t(column)]));
    }
    shape.lineTo(plot.left() + columns, plot.bottom());
    shape.closeSubpath();
    QColor fill = eventColor(EventKind::Run);
    fill.setAlpha(150);
    painter.setRenderHint(QPainter::Antialiasing, false);
    painter.setPen(Qt::NoPen);
    painter.setBrush(fill);
    painter.drawPath(shape);

    // The references: W workers, and the cores the machine has (CPU work cannot go above it).
    auto reference = [&](double value, const QString &label) {
        const double y = yOf(value);
        painter.setPen(QPen(colors.color(QPalette::Text), 1, Qt::DashLine));
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y));
        painter.setPen(colors.color(QPalette::Text));
        // Above the line, or below it where there is no room above.
        const double height = painter.fontMetrics().height();
        const double top = y - height - 1 < plot.top() ? y + 1 : y - height - 1;
        painter.drawText(
            QRectF(plot.left() + 4, top, 300, height), Qt::AlignLeft | Qt::AlignVCenter, label);
    };
    reference(workers, countOf(workers, "worker", "workers"));
    if (m_cores < workers)
        reference(m_cores, countOf(m_cores, "core", "cores"));
    painter.setPen(colors.color(QPalette::Mid));
    painter.drawLine(plot.bottomLeft(), plot.bottomRight());
    painter.restore();
}

} // namespace parviz
