#include "timeline/timelinelegend.h"

#include "timeline/eventcolors.h"

#include <QPainter>

#include <optional>

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
           "chunk / batch: runs of tasks a worker received at once, every other group in a "
           "darker blue · hatched: failed · faded: interrupted by Stop · empty: idle"));
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

QSize TimelineLegend::sizeHint() const
{
    return {600, fontMetrics().height() + 8};
}

void TimelineLegend::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    paintTimelineLegend(painter, rect(), palette(), font());
}

void paintTimelineLegend(
    QPainter &painter, const QRect &area, const QPalette &palette, const QFont &font)
{
    painter.save();
    painter.setFont(font);
    const QFontMetrics metrics(font);
    const int height = metrics.height();
    int x = area.left() + 4;
    // `rightHalf`: a second colour for the swatch's right half.
    auto entry = [&](const QBrush &brush,
                     const QString &label,
                     bool outline,
                     std::optional<QColor> rightHalf = std::nullopt) {
        const QRect swatch(x, area.top() + (area.height() - height) / 2 + 2, 18, height - 4);
        painter.setPen(outline ? palette.color(QPalette::Text) : Qt::NoPen);
        painter.setBrush(brush);
        painter.drawRect(swatch);
        if (rightHalf)
            painter.fillRect(swatch.adjusted(swatch.width() / 2, 0, 0, 0), *rightHalf);
        painter.setPen(palette.color(QPalette::WindowText));
        const int width = metrics.horizontalAdvance(label);
        painter.drawText(
            QRect(x + 22, area.top(), width + 2, area.height()), Qt::AlignVCenter, label);
        x += 22 + width + 14;
    };
    for (EventKind kind : Order)
        entry(eventColor(kind), eventKindLabel(kind), false);
    entry(eventColor(EventKind::Run),
        TimelineLegend::tr("chunk / batch"),
        false,
        alternateGroupColor());
    entry(QBrush(palette.color(QPalette::Base)), TimelineLegend::tr("idle"), true);
    painter.restore();
}

QStringList timelineLegendLabels()
{
    QStringList labels;
    for (EventKind kind : Order)
        labels << eventKindLabel(kind);
    labels << TimelineLegend::tr("chunk / batch") << TimelineLegend::tr("idle");
    return labels;
}

} // namespace parviz
