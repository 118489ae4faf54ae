#pragma once

#include "timeline/ganttpainter.h"

#include <QAbstractScrollArea>

#include <cstdint>

namespace parviz {

class TimelineModel;
class TimelineZoomControl;

// The Gantt timeline: a row per worker (and the caller's main row, and the GIL holder), a bar
// per event coloured by kind, idle time empty. Rows are virtualised: only those on screen are
// painted, so ten thousand thread-per-task rows scroll. Wheel zooms around the cursor,
// Shift+wheel scrolls the rows, dragging pans, double-click fits the whole run; hovering a bar
// tells what it was.
//
// GUI thread. It draws whatever its model holds; the owner refreshes the model from trace
// snapshots about 60 times a second and calls refresh().
class GanttView : public QAbstractScrollArea
{
    Q_OBJECT

public:
    GanttView(TimelineModel *model, TimelineZoomControl *zoom, QWidget *parent = nullptr);

    // The model changed: new rows, new events.
    void refresh();
    // Marks the lower bound of the run on the time axis; -1 for none.
    void setLowerBound(std::int64_t ns);
    std::int64_t lowerBound() const { return m_lowerBoundNs; }
    // Draws everything `scale` times larger: rows, bars, labels and axis, for a projector.
    void setScale(qreal scale);
    qreal scale() const { return m_scale; }
    // The viewport in the Gantt's own (unscaled) pixels.
    QRect logicalRect() const;
    // A row's height in the Gantt's own pixels: the rows share the height there is, each
    // between GanttStyle::RowHeight and GanttStyle::MaxRowHeight.
    int rowHeight() const { return m_rowHeight; }
    // Marks the makespan predicted before the run; -1 for none. The time axis reaches it, so
    // that it shows from the run's start and the measured end lands beside it.
    void setPrediction(std::int64_t ns);
    std::int64_t prediction() const { return m_predictedNs; }

    // What the view shows now, for painting it elsewhere (a file, the clipboard).
    GanttFrame currentFrame(const QRect &area) const;
    // The time at x, and the row at y (-1 outside the rows), in the Gantt's own pixels: a
    // viewport position divided by scale().
    std::int64_t timeAt(int x) const;
    int rowAt(int y) const;

    QSize sizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void mouseDoubleClickEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;
    void scrollContentsBy(int dx, int dy) override;

private:
    void updateScrollBars();
    QString tooltipAt(const QPoint &position) const;

    TimelineModel *m_model;
    TimelineZoomControl *m_zoom;
    GanttPainter m_painter; // keeps the bars between paints
    std::int64_t m_lowerBoundNs = -1;
    qreal m_scale = 1.0;
    int m_rowHeight = 18; // GanttStyle::RowHeight until updateScrollBars() fits the rows
    std::int64_t m_predictedNs = -1;
    bool m_updatingScrollBars = false;
    bool m_dragging = false;
    QPoint m_dragFrom;
};

} // namespace parviz
