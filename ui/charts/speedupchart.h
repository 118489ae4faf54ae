#pragma once

#include "metrics/amdahl.h"
#include "run/sweep.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace parviz {

// Speedup against worker count: a curve per sweep, each point appearing as its runs finish,
// the ideal y = workers (capped by the task count), each sweep's Amdahl fit named with its
// serial fraction, and efficiency on the right-hand axis. Sweeps stay on the chart, so that
// strategies can be compared, until clearSweeps().
//
// GUI thread.
class SpeedupChart : public QChartView
{
    Q_OBJECT

public:
    explicit SpeedupChart(QWidget *parent = nullptr);

    // A new curve named `name` (the strategy); `workload` says what ran, in the title.
    void beginSweep(const QString &name, const QString &workload, int maxWorkers, int taskCount);
    void addPoint(const SweepPoint &point, const AmdahlFit &fit);
    void clearSweeps();
    void setDark(bool dark);

    int sweepCount() const { return static_cast<int>(m_sweeps.size()); }
    // Points of the sweep drawn last.
    int pointCount() const;

    // Draws the chart into `target` at the painter's resolution: the chart's own scene,
    // not a picture of the screen, so it stays sharp at 2x and as SVG.
    void renderChart(QPainter &painter, const QRectF &target);

private:
    struct Sweep
    {
        QString name;
        QColor color;
        int taskCount = 0;
        QLineSeries *measured = nullptr;
        QScatterSeries *points = nullptr;
        QLineSeries *amdahl = nullptr;
        QLineSeries *efficiency = nullptr;
    };
    void attach(QAbstractSeries *series, bool efficiency);
    void updateIdealAndAxes();
    void applyColors();

    QChart *m_chart;
    QValueAxis *m_workersAxis;
    QValueAxis *m_speedupAxis;
    QValueAxis *m_efficiencyAxis;
    QLineSeries *m_ideal;
    std::vector<Sweep> m_sweeps;
    int m_maxWorkers = 1;
};

} // namespace parviz
