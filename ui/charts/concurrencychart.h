#pragma once

#include <QWidget>

#include <cstdint>

class QPainter;

namespace parviz {

class TimelineModel;
class TimelineZoomControl;

// How many workers were running a task at each moment, under the Gantt and on the same time
// axis, against the worker count and the machine's cores. Shows at a glance where a run was
// fully parallel and where it was not.
//
// GUI thread.
class ConcurrencyChart : public QWidget
{
    Q_OBJECT

public:
    ConcurrencyChart(TimelineModel *model, TimelineZoomControl *zoom, QWidget *parent = nullptr);

    void setCores(int cores);
    // Room to leave on the right, to end where the Gantt's time axis ends (its scroll bar).
    void setRightInset(int pixels);
    // Draws `scale` times larger, as the Gantt above it does, so that the time axes still meet.
    void setScale(qreal scale);
    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    // Draws the chart into `area` (on screen, into an image or an SVG).
    void paint(QPainter &painter, const QRect &area) const;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    TimelineModel *m_model;
    TimelineZoomControl *m_zoom;
    int m_cores = 1;
    int m_rightInset = 0;
    qreal m_scale = 1.0;
};

} // namespace parviz
