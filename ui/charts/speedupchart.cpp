#include "charts/speedupchart.h"

#include <QChart>
#include <QGraphicsScene>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QValueAxis>

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {
// Okabe-Ito, in an order that keeps neighbouring sweeps far apart.
const QColor SweepColors[] = {QColor(0x00, 0x72, 0xB2),
    QColor(0xD5, 0x5E, 0x00),
    QColor(0x00, 0x9E, 0x73),
    QColor(0xCC, 0x79, 0xA7),
    QColor(0xE6, 0x9F, 0x00),
    QColor(0x56, 0xB4, 0xE9)};
} // namespace

SpeedupChart::SpeedupChart(QWidget *parent)
    // The chart goes to the constructor: QChartView(QWidget *) makes a default chart that
    // setChart() would release but never delete.
    : QChartView(new QChart, parent)
    , m_chart(chart())
    , m_workersAxis(new QValueAxis)
    , m_speedupAxis(new QValueAxis)
    , m_efficiencyAxis(new QValueAxis)
    , m_ideal(new QLineSeries)
{
    // The view owns the chart; the chart its axes and series.
    setRenderHint(QPainter::Antialiasing);
    setToolTip(
        tr("Speedup = sequential time / time on N workers, the median of each point's runs. "
           "Sweep (Ctrl+Shift+R) adds a curve; curves stay until View > Clear Speedup Chart."));
    m_chart->setTitle(tr("Speedup"));
    m_chart->legend()->setAlignment(Qt::AlignBottom);
    m_chart->setMargins(QMargins(4, 4, 4, 4));

    m_workersAxis->setTitleText(tr("workers"));
    m_workersAxis->setLabelFormat(QStringLiteral("%d"));
    m_speedupAxis->setTitleText(tr("speedup"));
    m_speedupAxis->setLabelFormat(QStringLiteral("%.1f"));
    m_efficiencyAxis->setTitleText(tr("efficiency"));
    m_efficiencyAxis->setRange(0, 1.2);
    m_efficiencyAxis->setTickCount(5);
    m_efficiencyAxis->setLabelFormat(QStringLiteral("%.1f"));
    m_chart->addAxis(m_workersAxis, Qt::AlignBottom);
    m_chart->addAxis(m_speedupAxis, Qt::AlignLeft);
    m_chart->addAxis(m_efficiencyAxis, Qt::AlignRight);

    m_ideal->setName(tr("ideal"));
    attach(m_ideal, false);
    updateIdealAndAxes();
    applyColors();
}

void SpeedupChart::attach(QAbstractSeries *series, bool efficiency)
{
    m_chart->addSeries(series);
    series->attachAxis(m_workersAxis);
    series->attachAxis(efficiency ? m_efficiencyAxis : m_speedupAxis);
}

void SpeedupChart::beginSweep(
    const QString &name, const QString &workload, int maxWorkers, int taskCount)
{
    m_chart->setTitle(tr("Speedup · %1").arg(workload));
    Sweep sweep;
    sweep.name = name;
    sweep.color = SweepColors[m_sweeps.size() % std::size(SweepColors)];
    sweep.taskCount = taskCount;
    sweep.measured = new QLineSeries;
    sweep.measured->setName(name);
    sweep.points = new QScatterSeries;
    sweep.points->setMarkerSize(9);
    sweep.amdahl = new QLineSeries;
    sweep.amdahl->setName(tr("Amdahl fit"));
    sweep.efficiency = new QLineSeries;
    sweep.efficiency->setName(tr("efficiency"));
    for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(sweep.measured),
             static_cast<QAbstractSeries *>(sweep.points),
             static_cast<QAbstractSeries *>(sweep.amdahl)})
        attach(series, false);
    attach(sweep.efficiency, true);
    for (QLegendMarker *marker : m_chart->legend()->markers(sweep.points))
        marker->setVisible(false);
    m_sweeps.push_back(sweep);
    m_maxWorkers = std::max(m_maxWorkers, maxWorkers);
    updateIdealAndAxes();
    applyColors();
}

void SpeedupChart::addPoint(const SweepPoint &point, const AmdahlFit &fit)
{
    if (m_sweeps.empty())
        return;
    Sweep &sweep = m_sweeps.back();
    sweep.measured->append(point.workers, point.speedup);
    sweep.points->append(point.workers, point.speedup);
    sweep.efficiency->append(point.workers, point.efficiency);
    sweep.amdahl->clear();
    if (!std::isnan(fit.serialFraction)) {
        for (int workers = 1; workers <= m_maxWorkers; ++workers)
            sweep.amdahl->append(workers, fit.speedupAt(workers));
        sweep.amdahl->setName(
            tr("Amdahl, s = %1").arg(QString::number(fit.serialFraction, 'f', 3)));
    }
    updateIdealAndAxes();
}

void SpeedupChart::clearSweeps()
{
    for (const Sweep &sweep : m_sweeps) {
        for (QAbstractSeries *series : {static_cast<QAbstractSeries *>(sweep.measured),
                 static_cast<QAbstractSeries *>(sweep.points),
                 static_cast<QAbstractSeries *>(sweep.amdahl),
                 static_cast<QAbstractSeries *>(sweep.efficiency)}) {
            m_chart->removeSeries(series);
            delete series;
        }
    }
    m_sweeps.clear();
    m_maxWorkers = 1;
    updateIdealAndAxes();
}

int SpeedupChart::pointCount() const
{
    return m_sweeps.empty() ? 0 : static_cast<int>(m_sweeps.back().points->count());
}

void SpeedupChart::updateIdealAndAxes()
{
    // The ideal: every worker busy with useful work, but never more workers than tasks.
    const int taskCount = m_sweeps.empty() ? m_maxWorkers : std::max(1, m_sweeps.back().taskCount);
    m_ideal->clear();
    for (int workers = 1; workers <= m_maxWorkers; ++workers)
        m_ideal->append(workers, std::min(workers, taskCount));
    double top = std::min(m_maxWorkers, taskCount);
    for (const Sweep &sweep : m_sweeps) {
        for (const QPointF &point : sweep.measured->points())
            top = std::max(top, point.y());
    }
    m_workersAxis->setRange(1, std::max(2, m_maxWorkers));
    m_workersAxis->setTickCount(std::min(std::max(2, m_maxWorkers), 13));
    m_speedupAxis->setRange(0, std::ceil(top * 1.1 + 0.01));
    m_speedupAxis->applyNiceNumbers();
    m_speedupAxis->setLabelFormat(
        m_speedupAxis->max() >= 10 ? QStringLiteral("%d") : QStringLiteral("%.1f"));
}

void SpeedupChart::setDark(bool dark)
{
    m_chart->setTheme(dark ? QChart::ChartThemeDark : QChart::ChartThemeLight);
    applyColors(); // a theme sets its own series colours
}

void SpeedupChart::applyColors()
{
    QPen ideal(
        m_chart->theme() == QChart::ChartThemeDark ? Qt::white : Qt::black, 1.5, Qt::DashLine);
    m_ideal->setPen(ideal);
    for (const Sweep &sweep : m_sweeps) {
        sweep.measured->setPen(QPen(sweep.color, 2.5));
        sweep.points->setColor(sweep.color);
        sweep.points->setBorderColor(sweep.color);
        sweep.amdahl->setPen(QPen(sweep.color, 1.5, Qt::DashDotLine));
        sweep.efficiency->setPen(QPen(sweep.color, 1.5, Qt::DotLine));
    }
}

void SpeedupChart::renderChart(QPainter &painter, const QRectF &target)
{
    m_chart->scene()->render(&painter, target, m_chart->sceneBoundingRect());
}

} // namespace parviz
