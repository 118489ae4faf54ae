#pragma once

#include "metrics/runmetrics.h"

#include <QWidget>

namespace parviz {

// Where the worker time went, as one stacked bar: the tasks' work, then every part of the loss
// budget (spawn, dispatch, GIL wait, idle while queued, tail idle, contention). The whole bar is
// workers x makespan, so a short work segment is a poor speedup, and the rest says why.
//
// GUI thread.
class LossBudgetBar : public QWidget
{
    Q_OBJECT

public:
    explicit LossBudgetBar(QWidget *parent = nullptr);

    void setMetrics(const RunMetrics &metrics);
    void clear();
    QSize sizeHint() const override;
    bool hasHeightForWidth() const override { return true; }
    int heightForWidth(int width) const override;

    struct Part
    {
        QString name;
        std::int64_t ns = 0;
        QColor color;
    };
    // The segments, in order, each with its colour.
    std::vector<Part> parts() const;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    // Lays the legend out in rows within `width`: the entries and where each goes.
    struct LegendEntry
    {
        QString text;
        QColor color;
        QPoint at;
    };
    std::vector<LegendEntry> legend(int width, int &height) const;

    RunMetrics m_metrics;
    bool m_valid = false;
};

} // namespace parviz
