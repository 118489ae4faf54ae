#include "timeline/timelinelegend.h"

#include "timeline/eventcolors.h"

#include <QPainter>

namespace parviz {

namespace {
constexpr EventKind Order[] = {EventKind::Run,
    EventKind::Spawn,
    EventKind::Dispatch,
    EventKind::GilWait,
    EventKind::GilHold,
    EventKind::Submit,
    EventKind::Wait};
}

TimelineLegend::TimelineLegend(QWidget *parent)
    : QWidget(parent)
{
    setToolTip(
        tr("run: a task executing · spawn: a worker starting · dispatch: handing work over · "
           "GIL wait: a Python thread waiting for the lock · GIL held: who held it · "
           "submit / wait: the caller handing tasks over, then waiting for them · "
           "hatched: failed · faded: interrupted by Stop · empty: idle"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize TimelineLegend::sizeHint() const
{
    return {600, fontMetrics().height() + 8};
}

void TimelineLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    const int height = fontMetrics().height();
    int x = 4;
    auto entry = [&](const QBrush &brush, const QString &label, bool outline) {
        const QRect swatch(x, (this->height() - height) / 2 + 2, 18, height - 4);
        painter.setPen(outline ? palette().color(QPalette::Text) : Qt::NoPen);
        painter.setBrush(brush);
        painter.drawRect(swatch);
        painter.setPen(palette().color(QPalette::WindowText));
        const int width = fontMetrics().horizontalAdvance(label);
        painter.drawText(QRect(x + 22, 0, width + 2, this->height()), Qt::AlignVCenter, label);
        x += 22 + width + 14;
    };
    for (EventKind kind : Order)
        entry(eventColor(kind), eventKindLabel(kind), false);
    entry(QBrush(palette().color(QPalette::Base)), tr("idle"), true);
}

} // namespace parviz
