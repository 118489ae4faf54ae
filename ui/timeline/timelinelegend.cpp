#include "timeline/timelinelegend.h"

#include "timeline/eventcolors.h"

#include <QPainter>

#include <algorithm>
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

// An entry: a swatch of SwatchWidth, a gap, its label, then EntryGap to the next.
constexpr int SwatchWidth = 18;
constexpr int LabelOffset = 22;
constexpr int EntryGap = 14;
constexpr int Margin = 4;

int lineHeightOf(const QFont &font)
{
    return QFontMetrics(font).height() + 8;
}
} // namespace

std::vector<TimelineLegendEntry> timelineLegendLayout(
    int width, int lineHeight, const QFont &font, bool wrap)
{
    const QFontMetrics metrics(font);
    std::vector<TimelineLegendEntry> entries;
    int x = Margin;
    int y = 0;
    for (const QString &label : timelineLegendLabels()) {
        const int entryWidth = LabelOffset + metrics.horizontalAdvance(label) + 2;
        if (wrap && x > Margin && x + entryWidth > width) {
            x = Margin;
            y += lineHeight;
        }
        entries.push_back({label, QRect(x, y, entryWidth, lineHeight)});
        x += entryWidth + EntryGap - 2;
    }
    return entries;
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
    QSizePolicy policy(QSizePolicy::Expanding, QSizePolicy::Preferred);
    policy.setHeightForWidth(true);
    setSizePolicy(policy);
}

QSize TimelineLegend::sizeHint() const
{
    const auto entries = timelineLegendLayout(QWIDGETSIZE_MAX, lineHeightOf(font()), font(), false);
    return {entries.back().rect.right() + Margin, lineHeightOf(font())};
}

QSize TimelineLegend::minimumSizeHint() const
{
    // The widest entry alone on a line.
    int widest = 0;
    for (const auto &entry : timelineLegendLayout(0, lineHeightOf(font()), font(), true))
        widest = std::max(widest, entry.rect.width());
    return {widest + 2 * Margin, lineHeightOf(font())};
}

int TimelineLegend::heightForWidth(int width) const
{
    const int line = lineHeightOf(font());
    return timelineLegendLayout(width, line, font(), true).back().rect.bottom() + 1;
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
    // One line as high as the area, unless the area has room for more.
    const int line = std::min(area.height(), lineHeightOf(font));
    const bool wrap = area.height() >= 2 * line;
    const auto entries =
        timelineLegendLayout(area.width(), wrap ? line : area.height(), font, wrap);
    // `rightHalf`: a second colour for the swatch's right half.
    auto entry = [&](const TimelineLegendEntry &place,
                     const QBrush &brush,
                     bool outline,
                     std::optional<QColor> rightHalf = std::nullopt) {
        const QRect box = place.rect.translated(area.topLeft());
        const QRect swatch(
            box.left(), box.top() + (box.height() - height) / 2 + 2, SwatchWidth, height - 4);
        painter.setPen(outline ? palette.color(QPalette::Text) : Qt::NoPen);
        painter.setBrush(brush);
        painter.drawRect(swatch);
        if (rightHalf)
            painter.fillRect(swatch.adjusted(swatch.width() / 2, 0, 0, 0), *rightHalf);
        painter.setPen(palette.color(QPalette::WindowText));
        painter.drawText(box.adjusted(LabelOffset, 0, 0, 0), Qt::AlignVCenter, place.label);
    };
    std::size_t index = 0;
    for (EventKind kind : Order)
        entry(entries[index++], eventColor(kind), false);
    entry(entries[index++], eventColor(EventKind::Run), false, alternateGroupColor());
    entry(entries[index], QBrush(palette.color(QPalette::Base)), true);
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
