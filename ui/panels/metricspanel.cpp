#include "panels/metricspanel.h"

#include "charts/lossbudgetbar.h"
#include "charts/utilisationbars.h"
#include "metrics/amdahl.h"
#include "run/runresult.h"
#include "runstrategy.h"
#include "util/format.h"

#include <QDialog>
#include <QDialogButtonBox>
#include <QFontDatabase>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace parviz {

namespace {

// Longer lines of a message are cut short in the panel.
constexpr qsizetype MaxShownCharacters = 160;

QString elided(QStringView line)
{
    line = line.trimmed();
    if (line.size() <= MaxShownCharacters)
        return line.toString();
    return line.left(MaxShownCharacters).toString() + QStringLiteral("…");
}

// A message in at most two short lines: its first, and its last when there are more (a
// traceback's first line says how the program ended, its last what was raised).
QString summaryOf(const QString &message)
{
    const QStringView text = QStringView(message).trimmed();
    const qsizetype firstEnd = text.indexOf(u'\n');
    if (firstEnd < 0)
        return elided(text);
    const qsizetype lastStart = text.lastIndexOf(u'\n') + 1;
    return QStringLiteral("%1 … %2").arg(elided(text.left(firstEnd)), elided(text.mid(lastStart)));
}

QString karpFlattTip()
{
    return MetricsPanel::tr(
        "The serial fraction this run's speedup S on W workers implies: (1/S - 1/W) / (1 - 1/W). "
        "A fraction lies from 0 to 1: above 1, the run was slower than one worker alone (a GIL, "
        "contention or start-up cost more than the workers gave), which no serial fraction "
        "explains; below 0, it was faster than W workers can share (superlinear). A sweep fits "
        "Amdahl's law across worker counts instead.");
}

} // namespace

MetricsPanel::MetricsPanel(QWidget *parent)
    : QWidget(parent)
{
    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    // The panel is a narrow column beside the picture: a value too long for a line wraps onto
    // the next rather than being cut.
    auto add = [&](const QString &label, const QString &tip) {
        auto *value = new QLabel(QStringLiteral("–"));
        value->setWordWrap(true);
        value->setTextInteractionFlags(Qt::TextSelectableByMouse);
        value->setToolTip(tip);
        form->addRow(label, value);
        return value;
    };
    m_status = new QLabel;
    m_status->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_status->setToolTip(tr("What the window shows."));
    m_status->setWordWrap(true); // a failure's message, even shortened, may take two lines
    m_errorDetails = new QToolButton;
    m_errorDetails->setObjectName(QStringLiteral("errorDetails"));
    m_errorDetails->setText(tr("Details…"));
    m_errorDetails->setToolTip(tr("The failed run's whole message."));
    connect(m_errorDetails, &QToolButton::clicked, this, &MetricsPanel::showErrorDetails);
    auto *statusRow = new QHBoxLayout;
    statusRow->addWidget(m_status, 1);
    statusRow->addWidget(m_errorDetails, 0, Qt::AlignTop);
    // Under its name, the column's whole width: what ran, and how it ended, may take a few
    // sentences, which the numbers' narrow value column would stretch into a tall one.
    form->addRow(new QLabel(tr("Run:")));
    form->addRow(statusRow);
    m_elapsed = add(tr("Elapsed:"), tr("Time since the run started."));
    m_tasks = add(tr("Tasks:"), tr("Tasks completed, still running, and of all."));
    m_makespan = add(tr("Makespan:"), tr("From the run's start to its last event."));
    m_lowerBound = add(tr("Lower bound:"),
        tr("max(total work / workers, longest task): no schedule of these tasks is shorter."));
    m_ratio = add(tr("Makespan / bound:"),
        tr("How far the run is from the best any schedule of its tasks can do."));
    m_speedup = add(tr("Speedup:"),
        tr("The time the work takes one task after another, divided by the makespan."));
    m_efficiency = add(
        tr("Efficiency:"), tr("Speedup / workers: the share of the workers' time that did work."));
    m_karpFlatt = add(tr("Karp-Flatt e:"), karpFlattTip());
    m_utilisation = new UtilisationBars;
    m_utilisation->setToolTip(tr("Each worker's share of the makespan spent running tasks."));
    // The bars take the panel's whole width, under their names: a bar per worker, and the
    // loss budget's legend, need it more than the figures do.
    form->addRow(new QLabel(tr("Busy:")));
    form->addRow(m_utilisation);
    m_loss = new LossBudgetBar;
    form->addRow(new QLabel(tr("Worker time:")));
    form->addRow(m_loss);
    clear();
}

void MetricsPanel::clear()
{
    for (QLabel *label : values())
        label->setText(QStringLiteral("–"));
    m_status->setText(tr("nothing run yet"));
    m_errorMessage.clear();
    m_errorDetails->hide();
    m_utilisation->setUtilisation({});
    m_loss->clear();
}

void MetricsPanel::showMetrics(const RunMetrics &m)
{
    const QString none = QStringLiteral("–");
    m_makespan->setText(formatDuration(m.makespanNs));
    m_lowerBound->setText(m.lowerBoundNs > 0 ? formatDuration(m.lowerBoundNs) : none);
    if (m.lowerBoundNs > 0 && boundRatioIsNoise(m))
        m_ratio->setText(tr("– (a bound under %1: start-up costs, not scheduling)")
                             .arg(formatDuration(MinComparableBoundNs)));
    else
        m_ratio->setText(m.lowerBoundNs > 0
                ? QStringLiteral("x%1").arg(QString::number(m.boundRatio, 'f', 3))
                : none);
    m_speedup->setText(
        m.makespanNs > 0 ? QStringLiteral("%1x").arg(QString::number(m.speedup, 'f', 2)) : none);
    m_speedup->setToolTip(
        tr("The time the work takes one task after another (%1, %2), divided by the makespan.")
            .arg(formatDuration(m.baselineNs),
                m.baselineMeasured ? tr("a measured sequential run")
                                   : tr("the tasks' work, each counted at no more than planned")));
    m_efficiency->setText(m.makespanNs > 0 ? formatPercent(m.efficiency) : none);
    m_karpFlatt->setText(std::isfinite(m.karpFlatt) ? describeKarpFlatt(m.karpFlatt) : none);
    m_utilisation->setUtilisation(m.utilisation);
    m_loss->setMetrics(m);
}

void MetricsPanel::showLive(const RunMetrics &metrics, std::int64_t elapsedNs, int taskCount)
{
    showMoment(metrics, elapsedNs, taskCount, tr("running…"));
}

void MetricsPanel::showMoment(
    const RunMetrics &metrics, std::int64_t elapsedNs, int taskCount, const QString &status)
{
    m_status->setText(status);
    m_errorMessage.clear();
    m_errorDetails->hide();
    m_elapsed->setText(formatDuration(elapsedNs));
    m_elapsed->setToolTip(tr("Time since the run started."));
    m_tasks->setText(tr("%1 done, %2 running, of %3")
                         .arg(metrics.tasksCompleted)
                         .arg(metrics.tasksRunning)
                         .arg(taskCount));
    showMetrics(metrics);
}

void MetricsPanel::showResult(const RunResult &run)
{
    const RunMetrics &m = run.metrics;
    QString status = tr("%1, %2").arg(run.strategy.name, rowsOf(run));
    m_errorMessage = run.error ? run.error->message : QString();
    m_errorDetails->setVisible(run.error.has_value());
    if (run.error)
        status += tr(": failed: %1").arg(summaryOf(run.error->message));
    else if (run.stopped)
        status += tr(": stopped");
    if (run.machineLoad.disturbed)
        status += tr(". Disturbed: other processes kept %1 cores busy meanwhile, so these "
                     "times are not this machine's alone; run it again")
                      .arg(run.machineLoad.otherCores, 0, 'f', 2);
    if (!run.plan.options.join)
        status += tr(". Without join, the caller went on after %1, while its workers ran "
                     "until %2")
                      .arg(formatDuration(m.callerDoneNs), formatDuration(m.makespanNs));
    m_status->setText(status);
    m_elapsed->setText(formatDuration(m.makespanNs));
    m_elapsed->setToolTip(run.machineLoad.known()
            ? tr("Other processes kept %1 cores busy on average during the run (disturbed above "
                 "%2).")
                  .arg(run.machineLoad.otherCores, 0, 'f', 2)
                  .arg(DisturbedCores, 0, 'f', 2)
            : tr("Time since the run started."));
    // A traced program's units of work are found as it runs: its trace's, not a plan's.
    const bool traced = run.plan.program != nullptr;
    const qsizetype taskCount = traced && run.trace ? run.trace->taskCount()
        : run.plan.tasks                            ? qsizetype(run.plan.tasks->size())
                                                    : 0;
    if (traced && taskCount == 0 && !run.error && !run.stopped)
        m_status->setText(status
            + tr(". No parallel work seen: the program ran no pool, thread "
                 "or process that ParViz traces"));
    QString tasks = tr("%1 of %2 completed").arg(m.tasksCompleted).arg(taskCount);
    if (m.tasksInterrupted > 0)
        tasks += tr(", %1 interrupted").arg(m.tasksInterrupted);
    if (m.tasksFailed > 0)
        tasks += tr(", %1 failed").arg(m.tasksFailed);
    if (m.tasksNotStarted > 0)
        tasks += tr(", %1 not started").arg(m.tasksNotStarted);
    m_tasks->setText(tasks);
    showMetrics(m);
}

std::array<QLabel *, 8> MetricsPanel::values() const
{
    return {m_elapsed,
        m_tasks,
        m_makespan,
        m_lowerBound,
        m_ratio,
        m_speedup,
        m_efficiency,
        m_karpFlatt};
}

void MetricsPanel::showErrorDetails()
{
    auto *dialog = new QDialog(this);
    dialog->setAttribute(Qt::WA_DeleteOnClose);
    dialog->setWindowTitle(tr("The run failed"));
    auto *layout = new QVBoxLayout(dialog);
    auto *text = new QPlainTextEdit(m_errorMessage);
    text->setObjectName(QStringLiteral("errorText"));
    text->setReadOnly(true);
    text->setLineWrapMode(QPlainTextEdit::NoWrap);
    // A Python traceback, whole, in the font it was written for.
    text->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    layout->addWidget(text);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Close);
    connect(buttons, &QDialogButtonBox::rejected, dialog, &QDialog::close);
    layout->addWidget(buttons);
    dialog->resize(800, 500);
    dialog->show();
}

QString MetricsPanel::text() const
{
    QStringList lines{m_status->text()};
    for (QLabel *label : values())
        lines << label->text();
    return lines.join(QLatin1Char('\n'));
}

} // namespace parviz
