#include "charts/lossbudgetbar.h"

#include "timeline/eventcolors.h"
#include "util/format.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

namespace parviz {

LossBudgetBar::LossBudgetBar(QWidget *parent)
    : QWidget(parent)
{
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

QSize LossBudgetBar::sizeHint() const
{
    return {300, heightForWidth(300)};
}

void LossBudgetBar::setMetrics(const RunMetrics &metrics)
{
    m_metrics = metrics;
    m_valid = true;
    updateGeometry();
    update();
}

void LossBudgetBar::clear()
{
    m_valid = false;
    updateGeometry();
    update();
}

std::vector<LossBudgetBar::Part> LossBudgetBar::parts() const
{
    if (!m_valid)
        return {};
    const LossBudget &loss = m_metrics.loss;
    return {
        {tr("work"), m_metrics.effectiveWorkNs, eventColor(EventKind::Run)},
        {tr("spawn"), loss.spawnNs, eventColor(EventKind::Spawn)},
        {tr("dispatch"), loss.dispatchNs, eventColor(EventKind::Dispatch)},
        {tr("GIL wait"), loss.gilWaitNs, eventColor(EventKind::GilWait)},
        {tr("idle, work queued"), loss.idleQueuedNs, QColor(0x99, 0x99, 0x99)},
        {tr("tail idle"), loss.tailIdleNs, QColor(0xCC, 0xCC, 0xCC)},
        // Black on light, white on dark: always the text's colour.
        {tr("contention"), loss.contentionNs, palette().color(QPalette::WindowText)},
    };
}

void LossBudgetBar::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const int line = fontMetrics().height();
    const QRect bar(0, 2, width() - 1, line + 6);
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(bar);
    const auto segments = parts();
    std::int64_t total = 0;
    for (const Part &part : segments)
        total += std::max<std::int64_t>(part.ns, 0);
    if (total <= 0)
        return;
    double x = bar.left() + 1;
    painter.setPen(Qt::NoPen);
    for (const Part &part : segments) {
        const double width =
            (bar.width() - 1) * static_cast<double>(std::max<std::int64_t>(part.ns, 0)) / total;
        painter.setBrush(part.color);
        painter.drawRect(QRectF(x, bar.top() + 1, width, bar.height() - 1));
        x += width;
    }
    int height = 0;
    for (const LegendEntry &entry : legend(width(), height)) {
        painter.setPen(Qt::NoPen);
        painter.setBrush(entry.color);
        painter.drawRect(entry.at.x(), entry.at.y() + 3, 10, line - 6);
        painter.setPen(palette().color(QPalette::WindowText));
        painter.drawText(QRect(entry.at.x() + 14, entry.at.y(), width() - entry.at.x() - 14, line),
            Qt::AlignVCenter,
            entry.text);
    }
}

std::vector<LossBudgetBar::LegendEntry> LossBudgetBar::legend(int width, int &height) const
{
    std::vector<LegendEntry> entries;
    const int line = fontMetrics().height();
    const auto segments = parts();
    std::int64_t total = 0;
    for (const Part &part : segments)
        total += std::max<std::int64_t>(part.ns, 0);
    int x = 0;
    int y = line + 14;
    for (const Part &part : segments) {
        if (part.ns <= 0 || total <= 0)
            continue;
        const QString text =
            QStringLiteral("%1 %2").arg(part.name, formatPercent(double(part.ns) / double(total)));
        const int entryWidth = 14 + fontMetrics().horizontalAdvance(text) + 12;
        if (x + entryWidth > width && x > 0) {
            x = 0;
            y += line + 2;
        }
        entries.push_back({text, part.color, QPoint(x, y)});
        x += entryWidth;
    }
    height = y + line + 2;
    return entries;
}

int LossBudgetBar::heightForWidth(int width) const
{
    int height = 0;
    legend(width, height);
    return std::max(height, fontMetrics().height() * 2 + 16);
}

bool LossBudgetBar::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_valid) {
        QString text =
            tr("Worker time (workers x makespan): %1")
                .arg(formatDuration(std::int64_t(m_metrics.workers) * m_metrics.makespanNs));
        for (const Part &part : parts())
            text += QStringLiteral("\n%1: %2").arg(part.name, formatDuration(part.ns));
        QToolTip::showText(static_cast<QHelpEvent *>(event)->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace parviz
