#pragma once

#include <QRect>
#include <QString>
#include <QStringList>
#include <QWidget>

#include <vector>

class QPainter;

namespace parviz {

// What the Gantt's colours mean: a swatch per kind of event, and that idle time is empty. The
// entries wrap onto more lines where the width is short (a projector's larger text), so that
// none is ever cut off. GUI thread.
class TimelineLegend : public QWidget
{
    Q_OBJECT

public:
    explicit TimelineLegend(QWidget *parent = nullptr);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

protected:
    void paintEvent(QPaintEvent *event) override;
};

// Where each entry of the legend goes, swatch and label, in an area `width` pixels wide: on
// one line while they fit, on as many as they need otherwise (`wrap`), each line
// `lineHeight` pixels high.
struct TimelineLegendEntry
{
    QString label;
    QRect rect; // swatch and label
};
std::vector<TimelineLegendEntry> timelineLegendLayout(
    int width, int lineHeight, const QFont &font, bool wrap);

// The legend's drawing, for pictures that carry their own legend. It wraps onto more lines
// only where `area` is high enough for them.
void paintTimelineLegend(
    QPainter &painter, const QRect &area, const QPalette &palette, const QFont &font);
// The legend's entries, in the order drawn: what a picture's legend says.
QStringList timelineLegendLabels();

} // namespace parviz
