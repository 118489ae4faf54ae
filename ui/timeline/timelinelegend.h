#pragma once

#include <QStringList>
#include <QWidget>

class QPainter;

namespace parviz {

// What the Gantt's colours mean: a swatch per kind of event, and that idle time is empty.
// GUI thread.
class TimelineLegend : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineLegend(QWidget *parent = nullptr);
    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

// The legend's drawing, for pictures that carry their own legend.
void paintTimelineLegend(
    QPainter &painter, const QRect &area, const QPalette &palette, const QFont &font);
// The legend's entries, in the order drawn: what a picture's legend says.
QStringList timelineLegendLabels();

} // namespace parviz
