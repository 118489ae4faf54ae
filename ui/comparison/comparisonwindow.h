#pragma once

#include "run/comparison.h"
#include "trace/tracesnapshot.h"
#include "util/result.h"

#include <QMainWindow>

#include <memory>
#include <vector>

class QAction;
class QLabel;
class QScrollArea;
class QVBoxLayout;

namespace parviz {

class GanttView;
class GroundTruthTable;
class MakespanBars;
class RunController;
class TimelineModel;
class TimelineZoomControl;

// The same workload under several strategies: their Gantts stacked on one time axis, which
// spans the longest run, so that a longer run is visibly longer, and a bar per run for its
// makespan under them. compare() runs the plans one after another, each Gantt filling in as
// its run goes; Stop (Esc) ends the comparison, and what finished stays. addRun() shows a run
// that finished elsewhere (a file, another program) beside the others.
//
// Zoom and pan are shared: every Gantt shows the same stretch of time. The runs, their
// baseline, their ranking and the ParViz/CPython pair are a ComparisonSchedule's, the one
// parviz-cli compare and truth drive: with a finished sequential run of ParViz's among them,
// every speedup is against it, as in the tutorial.
//
// A run may be made by another engine than ParViz's own: the strategy's Python program in
// CPython. When ParViz's run of a plan and CPython's run of the same plan are both shown, a
// table under the bars sets their truth lines side by side, as parviz-cli truth prints them.
//
// GUI thread.
class ComparisonWindow : public QMainWindow
{
    Q_OBJECT

public:
    using PlannedRun = ComparisonRun;

    explicit ComparisonWindow(QWidget *parent = nullptr);
    ~ComparisonWindow() override;

    // Runs `plans` one after another, in their order, replacing whatever was shown. Ignored
    // while a comparison is under way.
    void compare(std::vector<RunPlan> plans);
    void compare(std::vector<PlannedRun> runs);
    // Shows a finished run beside the others, after them.
    void addRun(const RunResult &run);
    // Forgets every run. Ignored while a comparison is under way.
    void clear();
    // Stops the run under way and those still to come.
    void stop();

    bool isRunning() const { return m_running; }
    // The finished runs, in the order they ran or were added; the metrics rebased on the
    // sequential run when there is one.
    const std::vector<RunResult> &runs() const { return m_schedule.runs(); }
    // How many runs the comparison under way (or the last one) was to have.
    int runsPlanned() const { return m_schedule.runsPlanned(); }

    // For tests and scripted use: a Gantt per run started or added, in order.
    int ganttCount() const { return static_cast<int>(m_panels.size()); }
    GanttView *gantt(int index) const;
    const TimelineModel &timeline(int index) const;
    QString heading(int index) const;
    TimelineZoomControl *zoom() const { return m_zoom; }
    MakespanBars *makespanBars() const { return m_bars; }
    // Shown only with a ParViz run and a CPython run of the same plan.
    GroundTruthTable *truthTable() const { return m_truth; }
    QAction *stopAction() const { return m_stop; }
    QAction *savePictureAction() const { return m_savePicture; }
    QAction *saveJsonAction() const { return m_saveJson; }

    // The stacked Gantts of the finished runs as a picture (PNG or SVG, by name or filter).
    Result<void> savePicture(const QString &path, const QString &filter = {});
    // What Save Picture's dialog proposes: "comparison-300x10ms-4w".
    QString pictureBaseName() const;
    // The finished runs as a comparison JSON document, each run whole.
    Result<void> saveJson(const QString &path);

signals:
    void runningChanged(bool running);
    // The comparison ended: every run done, or stopped.
    void finished();

protected:
    void closeEvent(QCloseEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    struct Panel;
    Panel &addPanel(const QString &strategyId, const QString &engine);
    void startNext();
    void onRunStarted(const RunPlan &plan);
    void onFrame(const std::shared_ptr<const TraceSnapshot> &snapshot);
    void onRunFinished(const RunResult &run);
    void showFinished(Panel &panel, const RunResult &run);
    void fitPanel(Panel &panel);
    void fitStack();
    void updateTimeAxis();
    void updateHeadings();
    void updateBars();
    void updateTruthTable();
    void reportFailures();
    void updateActions();
    void setRunning(bool running);
    void chooseWhereToSavePicture();
    void chooseWhereToSaveJson();

    RunController *m_controller;
    TimelineZoomControl *m_zoom;
    QScrollArea *m_scroll;
    QWidget *m_stack;
    QVBoxLayout *m_stackLayout;
    MakespanBars *m_bars;
    QLabel *m_barsTitle;
    GroundTruthTable *m_truth;
    QWidget *m_truthBox; // the table with its title
    QAction *m_stop;
    QAction *m_fit;
    QAction *m_savePicture;
    QAction *m_saveJson;

    // One per run started or added, in order; only the last can be live.
    std::vector<std::unique_ptr<Panel>> m_panels;
    ComparisonSchedule m_schedule;
    QString m_liveEngine; // what runs the run under way; empty for ParViz
    std::shared_ptr<const std::vector<TaskSpec>> m_liveTasks;
    std::int64_t m_liveElapsedNs = 0;
    bool m_running = false;
};

} // namespace parviz
