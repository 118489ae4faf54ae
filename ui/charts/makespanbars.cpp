#include "charts/makespanbars.h"

#include "run/comparison.h"
#include "timeline/ganttpainter.h"
#include "util/format.h"

#include <QFontMetrics>
#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {
constexpr int Margin = 8;
constexpr int Padding = 12; // between the labels, the bars and their values
// Grey for every bar but the fastest, which is bluish green (Okabe-Ito): they differ in
// lightness as well as hue, so they stay apart for colour-blind readers, and the fastest is
// also named in its label.
const QColor BarColor(0x99, 0x99, 0x99);
const QColor FastestColor(0x00, 0x9E, 0x73);
const QColor NowColor(0xD5, 0x00, 0x32); // the Gantt's "now" line
} // namespace

MakespanBars::MakespanBars(QWidget *parent)
    : QWidget(parent)
{
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);
}

MakespanBars::Entry MakespanBars::entryOf(const RunResult &run)
{
    Entry entry;
    entry.label = run.strategy.id.isEmpty() ? run.plan.strategy : run.label();
    entry.makespanNs = run.metrics.makespanNs;
    entry.state = run.error ? State::Failed : run.stopped ? State::Interrupted : State::Finished;
    // The baseline for speedups is ParViz's own sequential run, by the comparison's rule.
    entry.sequential = ComparisonSchedule::isParVizSequential(run);
    return entry;
}

void MakespanBars::setEntries(std::vector<Entry> entries)
{
    const bool rows = entries.size() != m_entries.size();
    m_entries = std::move(entries);
    if (rows)
        updateGeometry();
    update();
}

int MakespanBars::fastest() const
{
    int best = -1;
    for (int i = 0; i < static_cast<int>(m_entries.size()); ++i) {
        const Entry &entry = m_entries[static_cast<std::size_t>(i)];
        if (entry.state == State::Finished
            && (best < 0
                || entry.makespanNs < m_entries[static_cast<std::size_t>(best)].makespanNs))
            best = i;
    }
    return best;
}

std::int64_t MakespanBars::baselineNs() const
{
    for (const Entry &entry : m_entries)
        if (entry.sequential && entry.state == State::Finished && entry.makespanNs > 0)
            return entry.makespanNs;
    return -1;
}

QString MakespanBars::valueText(int index) const
{
    const Entry &entry = m_entries.at(static_cast<std::size_t>(index));
    const QString makespan = formatDuration(entry.makespanNs);
    switch (entry.state) {
    case State::Running:
        return tr("running… %1").arg(makespan);
    case State::Interrupted:
        return tr("interrupted at %1 · not ranked").arg(makespan);
    case State::Failed:
        return entry.makespanNs > 0 ? tr("failed after %1 · not ranked").arg(makespan)
                                    : tr("failed · not ranked");
    case State::Finished:
        break;
    }
    QString text = makespan;
    if (const std::int64_t baseline = baselineNs(); baseline > 0) {
        if (entry.sequential)
            text += tr(" · the baseline");
        else if (entry.makespanNs > 0)
            text += tr(" · %1x vs sequential")
                        .arg(static_cast<double>(baseline) / static_cast<double>(entry.makespanNs),
                            0,
                            'f',
                            2);
    }
    if (index == fastest() && m_entries.size() > 1)
        text += tr(" · fastest");
    return text;
}

MakespanBars::Layout MakespanBars::layoutFor(const QSize &size) const
{
    Layout layout;
    QFont bold = font();
    bold.setBold(true);
    const QFontMetrics metrics(bold);
    layout.rowHeight = rowHeight();
    for (int i = 0; i < static_cast<int>(m_entries.size()); ++i) {
        layout.labelWidth =
            std::max(layout.labelWidth, metrics.horizontalAdvance(m_entries[std::size_t(i)].label));
        layout.valueWidth = std::max(layout.valueWidth, metrics.horizontalAdvance(valueText(i)));
    }
    layout.labelWidth += Padding;
    layout.valueWidth += Padding;
    const int width =
        std::max(1, size.width() - 2 * Margin - layout.labelWidth - layout.valueWidth);
    layout.bars = QRectF(Margin + layout.labelWidth,
        Margin,
        width,
        layout.rowHeight * static_cast<int>(m_entries.size()));
    for (const Entry &entry : m_entries)
        layout.scaleNs = std::max(layout.scaleNs, entry.makespanNs);
    return layout;
}

QRectF MakespanBars::barRect(int index, const QSize &size) const
{
    if (index < 0 || index >= static_cast<int>(m_entries.size()))
        return {};
    const Layout layout = layoutFor(size);
    const double share = static_cast<double>(m_entries[std::size_t(index)].makespanNs)
        / static_cast<double>(layout.scaleNs);
    return {layout.bars.left(),
        layout.bars.top() + index * layout.rowHeight + 3,
        layout.bars.width() * std::clamp(share, 0.0, 1.0),
        static_cast<double>(layout.rowHeight - 6)};
}

int MakespanBars::rowHeight() const
{
    QFont bold = font();
    bold.setBold(true);
    return std::max(fontMetrics().height(), QFontMetrics(bold).height()) + 10;
}

int MakespanBars::preferredHeight() const
{
    // The rows, then the time axis's labels under them.
    const int rows = std::max<int>(1, static_cast<int>(m_entries.size()));
    return 2 * Margin + rows * rowHeight() + fontMetrics().height() + 6;
}

QSize MakespanBars::sizeHint() const
{
    return {600, preferredHeight()};
}

QSize MakespanBars::minimumSizeHint() const
{
    return {300, preferredHeight()};
}

void MakespanBars::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    render(painter, rect());
}

void MakespanBars::render(QPainter &painter, const QRect &area) const
{
    painter.save();
    painter.translate(area.topLeft());
    const QPalette &colours = palette();
    painter.fillRect(QRect(QPoint(0, 0), area.size()), colours.color(QPalette::Base));
    painter.setFont(font());
    const QColor text = colours.color(QPalette::Text);
    if (m_entries.empty()) {
        painter.setPen(colours.color(QPalette::PlaceholderText));
        painter.drawText(QRect(QPoint(0, 0), area.size()),
            Qt::AlignCenter,
            tr("Each run's makespan appears here as it finishes"));
        painter.restore();
        return;
    }

    const Layout layout = layoutFor(area.size());
    const QRectF &bars = layout.bars;

    // The time axis under the bars, with a faint line at each tick.
    QColor grid = colours.color(QPalette::Mid);
    grid.setAlpha(90);
    const std::int64_t step = niceTickNs(layout.scaleNs, bars.width());
    const int line = painter.fontMetrics().height();
    for (std::int64_t t = 0; t <= layout.scaleNs; t += step) {
        const double x = bars.left() + bars.width() * static_cast<double>(t) / layout.scaleNs;
        painter.setPen(grid);
        painter.drawLine(QPointF(x, bars.top()), QPointF(x, bars.bottom()));
        painter.setPen(text);
        painter.drawText(QRectF(x - 60, bars.bottom() + 3, 120, line),
            Qt::AlignHCenter | Qt::AlignTop,
            tickLabel(t, step));
    }

    QFont bold = font();
    bold.setBold(true);
    const int best = fastest();
    for (int i = 0; i < static_cast<int>(m_entries.size()); ++i) {
        const Entry &entry = m_entries[std::size_t(i)];
        const QRectF row(0, bars.top() + i * layout.rowHeight, area.width(), layout.rowHeight);
        const bool isBest = i == best && m_entries.size() > 1;
        painter.setFont(isBest ? bold : font());
        painter.setPen(text);
        painter.drawText(QRectF(Margin, row.top(), layout.labelWidth - Padding, row.height()),
            Qt::AlignRight | Qt::AlignVCenter,
            entry.label);

        const QRectF bar = barRect(i, area.size());
        QColor fill = isBest ? FastestColor : BarColor;
        if (entry.state != State::Finished)
            fill.setAlpha(110); // not a finished run's makespan: faded
        painter.fillRect(bar, fill);
        if (entry.state == State::Interrupted || entry.state == State::Failed) {
            // Hatched, as the Gantt's failed events: readable without colour.
            painter.fillRect(bar, QBrush(text, Qt::BDiagPattern));
        } else if (entry.state == State::Running) {
            painter.setPen(QPen(NowColor, 2));
            painter.drawLine(bar.topRight(), bar.bottomRight());
        }

        painter.setPen(text);
        painter.drawText(
            QRectF(bar.right() + 6, row.top(), area.width() - bar.right() - 6, row.height()),
            Qt::AlignLeft | Qt::AlignVCenter,
            valueText(i));
    }
    painter.restore();
}

bool MakespanBars::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && !m_entries.empty()) {
        auto *help = static_cast<QHelpEvent *>(event);
        const Layout layout = layoutFor(size());
        const int index =
            static_cast<int>(std::floor((help->pos().y() - layout.bars.top()) / layout.rowHeight));
        if (index >= 0 && index < static_cast<int>(m_entries.size()))
            QToolTip::showText(help->globalPos(),
                QStringLiteral("%1: %2").arg(m_entries[std::size_t(index)].label, valueText(index)),
                this);
        else
            QToolTip::hideText();
        return true;
    }
    return QWidget::event(event);
}

} // namespace parviz
