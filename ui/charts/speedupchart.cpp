#include "charts/speedupchart.h"

#include "pictures/picturecaption.h"
#include "util/format.h"

#include <QChart>
#include <QCursor>
#include <QGraphicsScene>
#include <QLegend>
#include <QLegendMarker>
#include <QLineSeries>
#include <QScatterSeries>
#include <QToolTip>
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

// A pen dashed or dotted with dashes about 4 pixels long whatever its width (Qt's own patterns
// grow with the width), so that a legend's short piece of line shows its pattern. Flat caps:
// square ones would lengthen each dash by the pen's width and close the gaps of a thick pen,
// as presentation mode's are.
QPen patternPen(const QColor &color, qreal width, Qt::PenStyle style)
{
    QPen pen(color, width);
    pen.setCapStyle(Qt::FlatCap);
    const qreal dash = 4.0 / width;
    const qreal gap = 3.0 / width;
    const qreal dot = std::max(1.0 / width, 0.5);
    switch (style) {
    case Qt::DashLine:
        pen.setDashPattern({dash, gap});
        break;
    case Qt::DotLine:
        pen.setDashPattern({dot, gap});
        break;
    case Qt::DashDotLine:
        pen.setDashPattern({dash, gap, dot, gap});
        break;
    default:
        pen.setStyle(style);
    }
    return pen;
}
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
    , m_fitKey(new QLineSeries)
    , m_efficiencyKey(new QLineSeries)
    , m_predictedKey(new QLineSeries)
{
    // The view owns the chart; the chart its axes and series.
    setRenderHint(QPainter::Antialiasing);
    setToolTip(
        tr("Speedup = sequential time / time on N workers, the median of each point's runs. "
           "Sweep (Ctrl+Shift+R) adds a curve; curves stay until View > Clear Speedup Chart."));
    m_chart->setTitle(tr("Speedup"));
    // The legend goes beside the plot, an entry a line: Qt Charts cuts the names of a legend
    // below the plot to fit them on one line, and a beside one may take up to 62% of the
    // width before it would. Where even that is too little, the full name is its tooltip.
    // Each mark is a piece of its line, dashed or dotted as the line is.
    QLegend *legend = m_chart->legend();
    legend->setAlignment(Qt::AlignRight);
    legend->setMarkerShape(QLegend::MarkerShapeFromSeries);
    legend->setShowToolTips(true);
    m_chart->setMargins(QMargins(4, 4, 4, 4));
    m_chart->setBackgroundRoundness(0); // square, so pictures have no corners of another colour

    m_workersAxis->setTitleText(tr("workers"));
    m_workersAxis->setLabelFormat(QStringLiteral("%d"));
    // Ticks on whole worker counts, from 1.
    m_workersAxis->setTickType(QValueAxis::TicksDynamic);
    m_workersAxis->setTickAnchor(1);
    m_speedupAxis->setTitleText(tr("speedup"));
    m_efficiencyAxis->setTitleText(tr("efficiency"));
    m_efficiencyAxis->setRange(0, 1.2);
    m_efficiencyAxis->setTickCount(5);
    m_efficiencyAxis->setLabelFormat(QStringLiteral("%.1f"));
    m_chart->addAxis(m_workersAxis, Qt::AlignBottom);
    m_chart->addAxis(m_speedupAxis, Qt::AlignLeft);
    m_chart->addAxis(m_efficiencyAxis, Qt::AlignRight);

    m_ideal->setName(tr("ideal"));
    // One legend entry per kind of line, not per sweep: the sweeps are told apart by colour.
    m_fitKey->setName(tr("Amdahl fit"));
    m_efficiencyKey->setName(tr("efficiency (right axis)"));
    m_predictedKey->setName(tr("predicted"));
    attachIdealAndKeys();
    updateIdealAndAxes();
    rememberThemeFonts();
    applyFonts();
    applyColors();
}

void SpeedupChart::attach(QAbstractSeries *series, bool efficiency)
{
    m_chart->addSeries(series);
    series->attachAxis(m_workersAxis);
    series->attachAxis(efficiency ? m_efficiencyAxis : m_speedupAxis);
}

void SpeedupChart::attachIdealAndKeys()
{
    // Series added last are drawn last: the thin dashed ideal goes over the measured curves,
    // which would hide it where a sweep scales perfectly. Their legend entries follow the
    // sweeps'.
    for (QLineSeries *series : {m_ideal, m_fitKey, m_efficiencyKey, m_predictedKey}) {
        if (series->chart())
            m_chart->removeSeries(series);
        attach(series, series == m_efficiencyKey);
    }
}

void SpeedupChart::beginSweep(
    const QString &strategy, const QString &workload, int maxWorkers, int taskCount)
{
    Sweep sweep;
    sweep.strategy = strategy;
    sweep.workload = workload;
    sweep.color = SweepColors[m_sweeps.size() % std::size(SweepColors)];
    sweep.taskCount = taskCount;
    sweep.maxWorkers = maxWorkers;
    sweep.fit.serialFraction = std::nan("");
    sweep.measured = new QLineSeries;
    sweep.measured->setPointsVisible(true);
    sweep.amdahl = new QLineSeries;
    sweep.efficiency = new QLineSeries;
    sweep.predicted = new QLineSeries;
    sweep.disturbed = new QScatterSeries;
    sweep.disturbed->setName(tr("disturbed"));
    sweep.disturbed->setMarkerShape(QScatterSeries::MarkerShapeRectangle);
    sweep.disturbed->setBrush(Qt::NoBrush);
    attach(sweep.measured, false);
    attach(sweep.amdahl, false);
    attach(sweep.efficiency, true);
    attach(sweep.predicted, false);
    attach(sweep.disturbed, false);
    for (QAbstractSeries *series : std::initializer_list<QAbstractSeries *>{
             sweep.amdahl, sweep.efficiency, sweep.predicted, sweep.disturbed}) {
        for (QLegendMarker *marker : m_chart->legend()->markers(series))
            marker->setVisible(false);
    }
    // Hovering a measured point tells its numbers, and whether its measurement was disturbed.
    const std::size_t index = m_sweeps.size();
    connect(sweep.measured, &QLineSeries::hovered, this, [this, index](QPointF at, bool state) {
        if (!state || index >= m_sweeps.size()) {
            QToolTip::hideText();
            return;
        }
        const std::vector<SweepPoint> &points = m_sweeps[index].points;
        const auto nearest = std::min_element(
            points.begin(), points.end(), [&](const SweepPoint &a, const SweepPoint &b) {
                return std::abs(a.workers - at.x()) < std::abs(b.workers - at.x());
            });
        if (nearest != points.end())
            QToolTip::showText(QCursor::pos(), pointToolTip(*nearest), this);
    });
    m_sweeps.push_back(sweep);
    attachIdealAndKeys();
    m_maxWorkers = std::max(m_maxWorkers, maxWorkers);
    updateIdealAndAxes();
    updateNames();
    applyColors();
}

void SpeedupChart::setPrediction(const std::vector<double> &speedups)
{
    if (m_sweeps.empty())
        return;
    Sweep &sweep = m_sweeps.back();
    QList<QPointF> points;
    for (std::size_t i = 0; i < speedups.size(); ++i)
        points.append(QPointF(static_cast<double>(i + 1), speedups[i]));
    sweep.predicted->replace(points);
    updateIdealAndAxes();
}

void SpeedupChart::addPoint(const SweepPoint &point, const AmdahlFit &fit)
{
    if (m_sweeps.empty())
        return;
    Sweep &sweep = m_sweeps.back();
    sweep.measured->append(point.workers, point.speedup);
    sweep.efficiency->append(point.workers, point.efficiency);
    sweep.points.push_back(point);
    if (point.disturbed)
        sweep.disturbed->append(point.workers, point.speedup);
    sweep.fit = fit;
    updateIdealAndAxes();
    updateNames();
}

void SpeedupChart::endSweep(bool complete)
{
    if (m_sweeps.empty())
        return;
    Sweep &sweep = m_sweeps.back();
    if (sweep.measured->count() == 0) {
        remove(sweep);
        m_sweeps.pop_back();
        updateIdealAndAxes();
        updateNames();
        return;
    }
    sweep.stopped = !complete;
    updateNames();
}

void SpeedupChart::updateNames()
{
    // The workload goes in the title when every sweep ran the same one, as when strategies are
    // compared; otherwise in each sweep's name. The legend stays short enough to read.
    const bool sameWorkload = std::all_of(m_sweeps.begin(), m_sweeps.end(), [&](const Sweep &s) {
        return s.workload == m_sweeps.front().workload;
    });
    m_chart->setTitle(!m_sweeps.empty() && sameWorkload
            ? tr("Speedup: %1").arg(m_sweeps.front().workload)
            : tr("Speedup"));
    // A name with its fit or its stop gets a second line for them, so that the legend beside
    // a narrow chart keeps it whole rather than cutting it.
    for (Sweep &sweep : m_sweeps) {
        const QString name =
            sameWorkload ? sweep.strategy : tr("%1 (%2)").arg(sweep.strategy, sweep.workload);
        QStringList details;
        if (!std::isnan(sweep.fit.serialFraction))
            details << tr("s = %1").arg(QString::number(sweep.fit.serialFraction, 'f', 3));
        if (sweep.stopped)
            details << tr("stopped");
        sweep.name = details.isEmpty() ? name : tr("%1, %2").arg(name, details.join(tr(", ")));
        sweep.measured->setName(details.isEmpty()
                ? name.toHtmlEscaped()
                : QStringLiteral("%1<br>%2")
                      .arg(name.toHtmlEscaped(), details.join(tr(", ")).toHtmlEscaped()));
    }
}

QString SpeedupChart::caption() const
{
    if (m_sweeps.empty())
        return {};
    QStringList strategies;
    int maxWorkers = 1;
    bool sameWorkload = true;
    for (const Sweep &sweep : m_sweeps) {
        if (!strategies.contains(sweep.strategy))
            strategies << sweep.strategy;
        maxWorkers = std::max(maxWorkers, sweep.maxWorkers);
        sameWorkload = sameWorkload && sweep.workload == m_sweeps.front().workload;
    }
    // Different workloads are named in the legend, each with its sweep.
    return sweepCaption(sameWorkload ? m_sweeps.front().workload : QString(),
        strategies,
        maxWorkers,
        logicalCpus());
}

QString SpeedupChart::sweepName(int index) const
{
    return m_sweeps.at(static_cast<std::size_t>(index)).name;
}

QStringList SpeedupChart::legendEntries() const
{
    QStringList entries;
    for (QLegendMarker *marker : m_chart->legend()->markers()) {
        if (!marker->isVisible() || marker->label().isEmpty())
            continue;
        const auto sweep = std::find_if(m_sweeps.begin(), m_sweeps.end(), [&](const Sweep &s) {
            return s.measured == marker->series();
        });
        entries << (sweep != m_sweeps.end() ? sweep->name : marker->label());
    }
    return entries;
}

void SpeedupChart::remove(const Sweep &sweep)
{
    for (QAbstractSeries *series : std::initializer_list<QAbstractSeries *>{
             sweep.measured, sweep.amdahl, sweep.efficiency, sweep.predicted, sweep.disturbed}) {
        m_chart->removeSeries(series);
        delete series;
    }
}

void SpeedupChart::clearSweeps()
{
    for (const Sweep &sweep : m_sweeps)
        remove(sweep);
    m_sweeps.clear();
    m_maxWorkers = 1;
    updateIdealAndAxes();
    updateNames();
}

int SpeedupChart::pointCount() const
{
    return m_sweeps.empty() ? 0 : static_cast<int>(m_sweeps.back().measured->count());
}

int SpeedupChart::disturbedPointCount() const
{
    return m_sweeps.empty() ? 0 : static_cast<int>(m_sweeps.back().disturbed->count());
}

QString SpeedupChart::pointToolTip(const SweepPoint &point)
{
    QString text = tr("%1: speedup %2x, efficiency %3, median makespan %4")
                       .arg(countOf(point.workers, "worker", "workers"),
                           QString::number(point.speedup, 'f', 2),
                           formatPercent(point.efficiency),
                           formatDuration(point.medianNs));
    if (std::isfinite(point.karpFlatt))
        text += tr("\nKarp-Flatt %1").arg(describeKarpFlatt(point.karpFlatt));
    if (point.disturbed)
        text += tr("\nDisturbed: other processes kept %1 cores busy during a run of this point; "
                   "its times are not this machine's alone. Sweep again on a quiet machine.")
                    .arg(point.otherCores, 0, 'f', 2);
    else if (std::isfinite(point.otherCores))
        text +=
            tr("\nOther processes kept %1 cores busy meanwhile.").arg(point.otherCores, 0, 'f', 2);
    return text;
}

int SpeedupChart::predictedPointCount() const
{
    return m_sweeps.empty() ? 0 : static_cast<int>(m_sweeps.back().predicted->count());
}

void SpeedupChart::updateIdealAndAxes()
{
    // The ideal: every worker busy with useful work, but never more workers than tasks.
    int taskCount = m_sweeps.empty() ? m_maxWorkers : 1;
    for (const Sweep &sweep : m_sweeps)
        taskCount = std::max(taskCount, sweep.taskCount);
    m_ideal->clear();
    for (int workers = 1; workers <= m_maxWorkers; ++workers)
        m_ideal->append(workers, std::min(workers, taskCount));
    // Each fit across the whole width, as wider sweeps arrive.
    double top = std::min(m_maxWorkers, taskCount);
    for (const Sweep &sweep : m_sweeps) {
        sweep.amdahl->clear();
        if (!std::isnan(sweep.fit.serialFraction)) {
            for (int workers = 1; workers <= m_maxWorkers; ++workers)
                sweep.amdahl->append(workers, sweep.fit.speedupAt(workers));
        }
        for (const QLineSeries *series : {sweep.measured, sweep.predicted}) {
            for (const QPointF &point : series->points())
                top = std::max(top, point.y());
        }
    }
    m_workersAxis->setRange(1, std::max(2, m_maxWorkers));
    m_workersAxis->setTickInterval(std::max(1.0, std::ceil((m_maxWorkers - 1) / 12.0)));
    m_speedupAxis->setRange(0, std::ceil(top * 1.1 + 0.01));
    m_speedupAxis->applyNiceNumbers();
    m_speedupAxis->setLabelFormat(
        m_speedupAxis->max() >= 10 ? QStringLiteral("%d") : QStringLiteral("%.1f"));
}

void SpeedupChart::setDark(bool dark)
{
    const auto theme = dark ? QChart::ChartThemeDark : QChart::ChartThemeLight;
    if (m_chart->theme() != theme) {
        m_chart->setTheme(theme);
        rememberThemeFonts(); // a theme sets its own fonts and series colours
    }
    applyFonts();
    applyColors();
}

void SpeedupChart::rememberThemeFonts()
{
    // A theme takes its fonts from the application's, which presentation mode enlarges by the
    // same scale as this chart: what is remembered is the everyday size.
    auto everyday = [this](QFont font) {
        font.setPointSizeF(font.pointSizeF() / m_scale);
        return font;
    };
    m_titleFont = everyday(m_chart->titleFont());
    m_labelsFont = everyday(m_workersAxis->labelsFont());
    m_axisTitleFont = everyday(m_workersAxis->titleFont());
    m_legendFont = everyday(m_chart->legend()->font());
}

void SpeedupChart::setScale(qreal scale)
{
    m_scale = std::clamp(scale, 0.5, 4.0);
    applyFonts();
    applyColors();
}

void SpeedupChart::applyFonts()
{
    auto scaled = [this](QFont font) {
        font.setPointSizeF(font.pointSizeF() * m_scale);
        return font;
    };
    m_chart->setTitleFont(scaled(m_titleFont));
    for (QValueAxis *axis : {m_workersAxis, m_speedupAxis, m_efficiencyAxis}) {
        axis->setLabelsFont(scaled(m_labelsFont));
        axis->setTitleFont(scaled(m_axisTitleFont));
    }
    m_chart->legend()->setFont(scaled(m_legendFont));
}

void SpeedupChart::applyColors()
{
    const qreal thin = 1.5 * m_scale;
    m_ideal->setPen(patternPen(
        m_chart->theme() == QChart::ChartThemeDark ? Qt::white : Qt::black, thin, Qt::DashLine));
    const QColor keyColor =
        m_chart->theme() == QChart::ChartThemeDark ? Qt::lightGray : Qt::darkGray;
    // The keys are drawn only in the legend, a short piece of line: a little thicker, so that
    // their dashes and dots read there.
    const qreal key = 2.0 * m_scale;
    m_fitKey->setPen(patternPen(keyColor, key, Qt::DashDotLine));
    m_efficiencyKey->setPen(patternPen(keyColor, key, Qt::DotLine));
    m_predictedKey->setPen(patternPen(keyColor, key, Qt::DashLine));
    for (const Sweep &sweep : m_sweeps) {
        sweep.measured->setPen(QPen(sweep.color, 2.5 * m_scale));
        sweep.measured->setColor(sweep.color);
        sweep.amdahl->setPen(patternPen(sweep.color, thin, Qt::DashDotLine));
        sweep.efficiency->setPen(patternPen(sweep.color, thin, Qt::DotLine));
        sweep.predicted->setPen(patternPen(sweep.color, thin, Qt::DashLine));
        // A square ring in the text's colour, larger than the point: readable without colour.
        sweep.disturbed->setPen(
            QPen(m_chart->theme() == QChart::ChartThemeDark ? Qt::white : Qt::black, thin));
        sweep.disturbed->setMarkerSize(16 * m_scale);
    }
}

QColor SpeedupChart::backgroundColor() const
{
    const QBrush brush = m_chart->backgroundBrush();
    if (const QGradient *gradient = brush.gradient(); gradient && !gradient->stops().isEmpty())
        return gradient->stops().constFirst().second;
    return brush.color();
}

void SpeedupChart::renderChart(QPainter &painter, const QRectF &target)
{
    // The view's own hints do not reach a painter of ours: ask for smooth lines and text.
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    m_chart->scene()->render(&painter, target, m_chart->sceneBoundingRect());
}

} // namespace parviz
