#include "charts/utilisationbars.h"

#include "timeline/eventcolors.h"
#include "util/format.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <numeric>

namespace parviz {

UtilisationBars::UtilisationBars(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
    setMinimumHeight(36);
}

QSize UtilisationBars::sizeHint() const
{
    return {300, 40};
}

void UtilisationBars::setUtilisation(std::vector<double> shares)
{
    m_shares = std::move(shares);
    update();
}

void UtilisationBars::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const QRect frame = rect().adjusted(0, 0, -1, -1);
    painter.setPen(palette().color(QPalette::Mid));
    painter.setBrush(palette().color(QPalette::Base));
    painter.drawRect(frame);
    if (m_shares.empty())
        return;
    const double step =
        static_cast<double>(frame.width() - 2) / static_cast<double>(m_shares.size());
    const double gap = step >= 4 ? 1.0 : 0.0;
    painter.setPen(Qt::NoPen);
    painter.setBrush(eventColor(EventKind::Run));
    for (std::size_t i = 0; i < m_shares.size(); ++i) {
        const double height = (frame.height() - 2) * std::clamp(m_shares[i], 0.0, 1.0);
        painter.drawRect(QRectF(frame.left() + 1 + i * step,
            frame.bottom() - height,
            std::max(1.0, step - gap),
            height));
    }
}

bool UtilisationBars::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && !m_shares.empty()) {
        auto *help = static_cast<QHelpEvent *>(event);
        const auto index = std::min(m_shares.size() - 1,
            static_cast<std::size_t>(help->pos().x() * m_shares.size() / std::max(1, width())));
        const auto [low, high] = std::minmax_element(m_shares.begin(), m_shares.end());
        const double mean =
            std::accumulate(m_shares.begin(), m_shares.end(), 0.0) / double(m_shares.size());
        QToolTip::showText(help->globalPos(),
            tr("worker %1 was busy %2 of the makespan\nall workers: %3 to %4, mean %5")
                .arg(index)
                .arg(formatPercent(m_shares[index]),
                    formatPercent(*low),
                    formatPercent(*high),
                    formatPercent(mean)),
            this);
        return true;
    }
    return QWidget::event(event);
}

} // namespace parviz
