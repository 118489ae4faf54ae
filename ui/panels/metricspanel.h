#pragma once

#include "metrics/runmetrics.h"

#include <QWidget>

#include <array>

class QLabel;
class QToolButton;

namespace parviz {

class LossBudgetBar;
class UtilisationBars;
struct RunResult;

// The numbers of a run, filled in as it goes: elapsed time and tasks done, then makespan, the
// lower bound and the ratio to it, speedup, efficiency, each worker's utilisation, and the
// loss budget as one stacked bar. A failed run's message shows as its first and last lines,
// each cut short, so that a long one (a traceback, a file's megabyte) never pushes the
// numbers away; "Details..." beside it shows the whole message.
//
// GUI thread.
class MetricsPanel : public QWidget
{
    Q_OBJECT

public:
    explicit MetricsPanel(QWidget *parent = nullptr);

    // While a run goes on.
    void showLive(const RunMetrics &metrics, std::int64_t elapsedNs, int taskCount);
    // A moment of a run: `status` says which ("replay at 0.25x"), the metrics are the run's as
    // they stood then.
    void showMoment(
        const RunMetrics &metrics, std::int64_t elapsedNs, int taskCount, const QString &status);
    // When it has ended.
    void showResult(const RunResult &run);
    void clear();

    QString text() const; // every value, one per line: for tests and the clipboard

private:
    void showMetrics(const RunMetrics &metrics);
    // The labels of the figures, in the panel's order (the status line is not one).
    std::array<QLabel *, 8> values() const;
    void showErrorDetails();

    QLabel *m_status;
    QToolButton *m_errorDetails;
    QString m_errorMessage; // the failed run's whole message
    QLabel *m_elapsed;
    QLabel *m_makespan;
    QLabel *m_lowerBound;
    QLabel *m_ratio;
    QLabel *m_speedup;
    QLabel *m_efficiency;
    QLabel *m_karpFlatt;
    QLabel *m_tasks;
    UtilisationBars *m_utilisation;
    LossBudgetBar *m_loss;
};

} // namespace parviz
