#pragma once

#include "run/runresult.h"

#include <QWidget>

#include <cstdint>
#include <vector>

class QPainter;

namespace parviz {

// The makespans of a comparison as horizontal bars, one per run in the order they ran, all on
// one scale from zero, so that twice as long is twice as long. Each bar is labelled with its
// makespan and, when a finished sequential run is among them, the speedup against it. The
// fastest finished run is highlighted; a run that was interrupted or failed is marked and not
// ranked, and a run under way grows as it goes.
//
// GUI thread.
class MakespanBars : public QWidget
{
    Q_OBJECT

public:
    enum class State { Running, Finished, Interrupted, Failed };

    struct Entry
    {
        QString label; // the strategy's id
        std::int64_t makespanNs = 0; // while running: the time so far
        State state = State::Finished;
        bool sequential = false; // the baseline for speedups, when finished
    };

    explicit MakespanBars(QWidget *parent = nullptr);

    static Entry entryOf(const RunResult &run);

    void setEntries(std::vector<Entry> entries);
    const std::vector<Entry> &entries() const { return m_entries; }

    // The fastest finished entry, or -1 when none finished.
    int fastest() const;
    // The makespan of the first finished sequential entry, or -1 when there is none.
    std::int64_t baselineNs() const;
    // What is written beside an entry's bar: "31.2 ms · 3.10x vs sequential · fastest".
    QString valueText(int index) const;
    // Where an entry's bar is drawn in a picture of `size`, and on screen for the widget's own.
    QRectF barRect(int index, const QSize &size) const;
    QRectF barRect(int index) const { return barRect(index, size()); }

    // Draws the chart into `area`, as on screen: for pictures.
    void render(QPainter &painter, const QRect &area) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    // Where everything goes for an area of `size`: shared by painting, barRect() and tooltips.
    struct Layout
    {
        int labelWidth = 0;
        int valueWidth = 0;
        int rowHeight = 0;
        QRectF bars; // the bars' column: x = 0 at left, the longest bar spans its width
        std::int64_t scaleNs = 1;
    };
    Layout layoutFor(const QSize &size) const;
    int rowHeight() const;
    int preferredHeight() const;

    std::vector<Entry> m_entries;
};

} // namespace parviz
