#pragma once

#include "metrics/amdahl.h"
#include "run/sweep.h"

#include <QChartView>

class QLineSeries;
class QScatterSeries;
class QValueAxis;

namespace parviz {

// Speedup against worker count: a curve per sweep, each point appearing as its runs finish,
// the ideal y = workers (capped by the task count), each sweep's Amdahl fit (its serial
// fraction s in the sweep's name), its predicted curve, and efficiency on the right-hand axis.
// Sweeps stay on the chart, so that strategies can be compared, until clearSweeps().
//
// GUI thread.
class SpeedupChart : public QChartView
{
    Q_OBJECT

public:
    explicit SpeedupChart(QWidget *parent = nullptr);

    // A new curve for `strategy` running `workload` ("8 cpu x 100ms") on 1..maxWorkers workers.
    void beginSweep(
        const QString &strategy, const QString &workload, int maxWorkers, int taskCount);
    // The speedup predicted for the sweep drawn last before it runs, at 1, 2, ... workers:
    // dashed, in the sweep's colour, so each measured point lands beside its prediction.
    void setPrediction(const std::vector<double> &speedups);
    void addPoint(const SweepPoint &point, const AmdahlFit &fit);
    // The sweep drawn last has ended: if it has no point it goes; if `complete` is false its
    // curve says it was cut short.
    void endSweep(bool complete);
    void clearSweeps();
    void setDark(bool dark);
    // Text and lines `scale` times larger, for a projector.
    void setScale(qreal scale);

    int sweepCount() const { return static_cast<int>(m_sweeps.size()); }
    // Points of the sweep drawn last, measured and predicted.
    int pointCount() const;
    int predictedPointCount() const;
    // Points of the sweep drawn last whose measurement other processes disturbed: ringed.
    int disturbedPointCount() const;
    // What hovering a measured point says: workers, speedup, efficiency, Karp-Flatt, and
    // whether other processes disturbed its runs.
    static QString pointToolTip(const SweepPoint &point);
    // As in the legend: "process-pool, s = 0.031".
    QString sweepName(int index) const;
    // The legend's entries as plain text, each on one line.
    QStringList legendEntries() const;
    QString title() const { return m_chart->title(); }
    // What the chart shows, for a picture's caption: the workload, the strategies swept, the
    // range of workers and this machine (sweeps run here). Empty without a sweep.
    QString caption() const;
    // The colour behind the chart, for pictures: the theme paints a gradient.
    QColor backgroundColor() const;

    // Draws the chart into `target` at the painter's resolution: the chart's own scene,
    // not a picture of the screen, so it stays sharp at 2x and as SVG.
    void renderChart(QPainter &painter, const QRectF &target);

private:
    struct Sweep
    {
        QString strategy;
        QString workload;
        QString name; // on one line: the legend breaks it in two
        bool stopped = false;
        QColor color;
        int taskCount = 0;
        int maxWorkers = 1;
        AmdahlFit fit;
        QLineSeries *measured = nullptr;
        QLineSeries *amdahl = nullptr;
        QLineSeries *efficiency = nullptr;
        QLineSeries *predicted = nullptr;
        QScatterSeries *disturbed = nullptr; // a ring around each disturbed point
        std::vector<SweepPoint> points; // as measured, for their tooltips
    };
    void attach(QAbstractSeries *series, bool efficiency);
    void attachIdealAndKeys();
    void remove(const Sweep &sweep);
    void updateIdealAndAxes();
    void updateNames();
    void applyColors();
    void applyFonts();
    void rememberThemeFonts();

    QChart *m_chart;
    QValueAxis *m_workersAxis;
    QValueAxis *m_speedupAxis;
    QValueAxis *m_efficiencyAxis;
    QLineSeries *m_ideal;
    QLineSeries *m_fitKey; // empty: the legend's entry for every sweep's fit
    QLineSeries *m_efficiencyKey; // likewise for efficiency
    QLineSeries *m_predictedKey; // likewise for the predictions
    std::vector<Sweep> m_sweeps;
    int m_maxWorkers = 1;
    qreal m_scale = 1.0;
    // The theme's own fonts, which setScale() multiplies: title, axis labels, axis titles, legend.
    QFont m_titleFont, m_labelsFont, m_axisTitleFont, m_legendFont;
};

} // namespace parviz
