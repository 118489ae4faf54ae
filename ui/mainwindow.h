#pragma once

#include "metrics/liverunmetrics.h"
#include "pictures/figures.h"
#include "pictures/picturefile.h"
#include "prediction/prediction.h"
#include "presets/preset.h"
#include "run/runresult.h"
#include "shortcutsdialog.h"
#include "timeline/timelinemodel.h"

#include <QFont>
#include <QMainWindow>
#include <QStringList>
#include <QTemporaryDir>

#include <functional>
#include <memory>
#include <optional>
#include <vector>

class QAction;
class QDockWidget;
class QComboBox;
class QLabel;
class QMenu;
class QProgressBar;
class QScrollArea;
class QSpinBox;
class QSplitter;
class QToolBar;

namespace parviz {

class ComparisonWindow;
class CodePanel;
class ConcurrencyChart;
class GanttView;
class MetricsPanel;
class OutputPanel;
class PresetPanel;
class ProgramOutput;
class PythonLocator;
class RecentFiles;
class ReplayController;
class RunController;
class SpeedupChart;
class TimelineZoomControl;
class WorkloadPanel;
enum class Theme;

// ParViz's window: the workload on the left (F9 puts it away); the Gantt timeline with the
// concurrency under it, over the speedup chart, taking the width; the run's numbers a column at
// the right. Run (Ctrl+R) runs the workload
// and draws it as it happens; Sweep (Ctrl+Shift+R) runs it on 1..N workers and draws the speedup
// curve point by point; Stop (Esc) stops either. Before each run the predicted makespan is
// marked on the Gantt, and before each sweep its predicted curve is drawn. Replay (F5) plays the
// last run back at a chosen speed. Run in CPython Too (Ctrl+T) runs the workload with ParViz,
// then with the strategy's own Python program in CPython, and compares the two. File > Trace
// Python Program (Ctrl+Shift+P) runs a program of one's own, or one of the tutorial's examples,
// with ParViz's tracer loaded and draws it as it runs; what it prints shows in the Program
// output panel.
//
// GUI thread.
class MainWindow : public QMainWindow
{
    Q_OBJECT

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // For tests and scripted use.
    WorkloadPanel *workloadPanel() const { return m_panel; }
    RunController *controller() const { return m_controller; }
    const TimelineModel &timeline() const { return m_timeline; }
    GanttView *gantt() const { return m_gantt; }
    SpeedupChart *speedupChart() const { return m_speedup; }
    MetricsPanel *metricsPanel() const { return m_metrics; }
    PresetPanel *presetPanel() const { return m_presets; }
    QMenu *presetsMenu() const { return m_presetsMenu; }
    CodePanel *codePanel() const { return m_code; }
    QAction *runAction() const { return m_run; }
    QAction *sweepAction() const { return m_sweep; }
    QAction *stopAction() const { return m_stop; }
    QAction *presentationAction() const { return m_presentation; }
    // View > Show Controls (F9): the workload's controls on the left, or the whole width for
    // the picture. Presentation mode hides them; the choice is kept for the next start.
    QAction *showControlsAction() const { return m_showControls; }
    void setControlsShown(bool shown);
    bool controlsShown() const;
    QDockWidget *workloadDock() const { return m_workloadDock; }
    // The Gantt with its legend and the concurrency under it.
    QWidget *timelinePane() const { return m_timelinePane; }
    // The numbers' column, which scrolls when the window is too low for them.
    QScrollArea *metricsArea() const { return m_metricsArea; }
    // How the last run went, over the timeline while the controls are put away.
    QLabel *resultLine() const { return m_resultLine; }
    QAction *truthAction() const { return m_truth; }
    // The interpreter Run in CPython Too uses, found in the background.
    PythonLocator *pythonLocator() const { return m_python; }
    // The comparison window, once Compare or Run in CPython Too has made it.
    ComparisonWindow *comparisonWindow() const { return m_comparison; }
    // Chooses the interpreter for Run in CPython Too, a path or empty for automatic, keeps it in
    // the settings and looks for it (as Edit > Preferences does after its dialog).
    void setPythonInterpreter(const QString &interpreter);
    // Full screen, larger text and thicker bars for a projector; F11 again goes back.
    void setPresentationMode(bool on);
    bool isPresentationMode() const { return m_normalFont.has_value(); }
    const std::optional<RunResult> &lastRun() const { return m_lastRun; }
    QAction *replayAction() const { return m_replay; }
    ReplayController *replayController() const { return m_replayer; }
    // File > Trace Python Program…, its Examples, and what the traced program prints.
    QAction *traceProgramAction() const { return m_traceProgram; }
    QMenu *examplesMenu() const { return m_examplesMenu; }
    OutputPanel *outputPanel() const { return m_output; }
    QDockWidget *outputDock() const { return m_outputDock; }
    // Runs `program` traced (as the dialog's OK does), with the interpreter chosen in
    // Preferences once it is found; its output goes to the output panel. Refused while busy.
    void traceProgram(TracedProgram program);
    // Copies the built-in example `resource` (":/examples/1-sequential.py") into the window's
    // own folder and traces it there (as File > Trace Python Program > Examples does).
    Result<void> traceExample(const QString &resource);
    // The menu's name for an example's file: "1 – sequential" for "1-sequential.py".
    static QString exampleTitle(const QString &fileName);
    // What the predictions use: this machine's costs, as its runs have measured them.
    const MachineCosts &machineCosts() const { return m_costs; }

    // Opens a run file (as File > Open Run), or a comparison file in the comparison window; the
    // error is shown and also returned.
    Result<void> openRun(const QString &path);
    // Opens the files `parviz FILE...` names: one as File > Open Run opens it; several, every
    // run they hold side by side in the comparison window. A file that cannot be opened is
    // reported as File > Open Run reports it (all of them in one message), and the others
    // still open; the problems are also returned.
    Result<void> openFiles(const QStringList &paths);
    // File > Open Recent.
    RecentFiles *recentFiles() const { return m_recent; }
    QAction *shortcutsAction() const { return m_shortcuts; }
    // What Help > Keyboard Shortcuts lists: this window's, then the comparison window's.
    std::vector<ActionShortcut> shortcuts() const;
    // The figures File > Save writes and Edit > Copy Picture copies: parviz-cli's, of the last
    // finished run and of the sweeps on the speedup chart, at the width and in the theme chosen
    // in Preferences. The window is a screenshot, as it is on screen.
    Figure ganttPicture() const;
    Figure speedupPicture() const;
    Result<void> saveGanttPicture(const QString &path, const QString &filter = {});
    Result<void> saveSpeedupPicture(const QString &path, const QString &filter = {});
    Result<void> saveWindowPicture(const QString &path, const QString &filter = {});
    // The name File > Save's dialog proposes for what `save` saves, in the folder last used:
    // "thread-pool-300x10ms-8w", "thread-pool-300x10ms-1-8w-speedup".
    QString pictureBaseName(
        Result<void> (MainWindow::*save)(const QString &, const QString &)) const;
    // Saves `preset` among the person's own and makes it the current one (as Presets > Save
    // Settings as Preset does after its dialog).
    Result<void> savePresetAs(const Preset &preset);

protected:
    void closeEvent(QCloseEvent *event) override;
    bool eventFilter(QObject *watched, QEvent *event) override;
    void changeEvent(QEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;

private:
    // The controls' and the numbers' first-start share of a window this wide.
    int controlsWidthFor(int windowWidth) const;
    static int numbersWidthFor(int windowWidth);
    // The window's parts, in the order the constructor makes them.
    void createWorkloadDock(); // the preset and workload panels, on the left
    void createTimelinePane(); // the result line, legend, Gantt and concurrency
    // The timeline over the speedup chart, beside the numbers' column.
    void createCentre(QWidget *timelinePane);
    void createCodeDock(); // the Python the run mirrors, a tab beside the workload
    void createOutputDock(); // what a traced program prints, under the picture
    void createStatusBar();
    void connectPanels();
    void connectRunController();
    void onPresetChosen(const Preset &preset);
    void onRunStarted(const RunPlan &plan);
    void onTraceStarted(const RunPlan &plan); // a traced program's run
    void onSweepStarted(const SweepPlan &plan);
    void onSweepFinished(const SweepResult &sweep);
    void updateResultLine();
    void setNumbersWidth(int width);
    void createActions();
    void createMenus();
    void updateActions();
    void showRun(const RunResult &run);
    void updateConcurrency();
    void onFrame(const std::shared_ptr<const TraceSnapshot> &snapshot);
    void onRunFinished(const RunResult &run);
    void startRun();
    void startSweep();
    void startComparison();
    ComparisonWindow *showComparisonWindow();
    void startTruth();
    void chooseProgramToTrace();
    void fillExamplesMenu();
    // The traced program's output since the last frame, into the panel.
    void takeProgramOutput();
    void onPythonFound();
    // Whether `strategy` with `options` runs on a Dask cluster and cannot start yet: the
    // interpreter chosen in Preferences has not been found (`then` runs once it is), or none
    // was (this says why).
    // Compares `plans`, once the interpreter is known where one of them runs on a cluster.
    void compareWithPython(std::vector<RunPlan> plans);
    bool waitForClusterPython(
        const QString &strategy, const StrategyOptions &options, std::function<void()> then);
    void showPreferences();
    void saveRun();
    void chooseRunToOpen();
    void showOpenedRun(const RunResult &run, const QString &path);
    void showRunsSideBySide(const std::vector<RunResult> &runs, const QStringList &paths);
    void showShortcuts();
    Figure windowPicture();
    // Follows each sweep as the speedup chart draws it, so that its figure can be drawn again.
    void trackSweepsForPictures();
    void savePictureWithDialog(
        const QString &title, Result<void> (MainWindow::*save)(const QString &, const QString &));
    void copyPicture();
    void setTheme(Theme theme);
    void showAbout();
    void createPresetsMenu();
    void fillPresetsMenu();
    void saveCurrentAsPreset();
    void readSettings();
    void writeSettings() const;
    void showError(const QString &title, const Error &error);
    // Predict, then run; replay.
    void createReplayControls(QToolBar *toolbar);
    void drawSweepPrediction(const SweepPlan &plan);
    void startReplay();
    void showReplayFrame(std::int64_t ns);
    void endReplay();

    RunController *m_controller;
    TimelineModel m_timeline;
    TimelineZoomControl *m_zoom;
    WorkloadPanel *m_panel;
    PresetPanel *m_presets;
    QMenu *m_presetsMenu = nullptr;
    QAction *m_presetsEnd = nullptr; // the separator under the presets
    GanttView *m_gantt;
    ConcurrencyChart *m_concurrency;
    SpeedupChart *m_speedup;
    MetricsPanel *m_metrics;
    CodePanel *m_code;
    QDockWidget *m_codeDock;
    OutputPanel *m_output;
    QDockWidget *m_outputDock;
    QDockWidget *m_workloadDock;
    QWidget *m_timelinePane;
    QScrollArea *m_metricsArea;
    QSplitter *m_centre; // the picture, then the numbers' column
    QSplitter *m_picture; // the timeline over the speedup chart
    QToolBar *m_toolbar = nullptr;
    QAction *m_showControls = nullptr;
    QLabel *m_resultLine; // the last run's outcome, over the timeline while the controls are away
    bool m_pythonHiddenWithControls = false; // the Python tab went with the controls
    bool m_controlsBeforePresentation = true;
    QList<int> m_centreBeforePresentation;
    QProgressBar *m_progress;
    QLabel *m_elapsed;
    QSpinBox *m_repeats;
    QWidget *m_lastChart; // what Edit > Copy Picture copies
    // The sweeps on the speedup chart, the last one perhaps still running; its figure draws the
    // last sweepCount() of them (View > Clear Speedup Chart clears the chart only).
    std::vector<SweepDrawing> m_sweepDrawings;
    std::vector<double> m_sweepPrediction; // the sweep being started's, until it is tracked
    QString m_sweepToolTip;

    QAction *m_run;
    QAction *m_sweep;
    QAction *m_stop;
    QAction *m_compare;
    QAction *m_truth;
    QString m_truthToolTip;
    QAction *m_traceProgram = nullptr;
    QMenu *m_examplesMenu = nullptr;
    // The traced run under way's output, or the last one's: the panel takes it every frame.
    std::shared_ptr<ProgramOutput> m_programOutput;
    // Where the examples are copied to run, for the window's life.
    std::unique_ptr<QTemporaryDir> m_examplesFolder;
    QAction *m_openRun;
    QAction *m_saveRun;
    RecentFiles *m_recent = nullptr;
    QMenu *m_recentMenu = nullptr; // File > Open Recent
    QAction *m_shortcuts = nullptr; // Help > Keyboard Shortcuts
    QAction *m_clearChart;
    QAction *m_presentation;
    std::optional<QFont> m_normalFont; // set while in presentation mode
    bool m_wasMaximized = false;
    std::vector<QAction *> m_themeActions;
    QAction *m_replay;
    QComboBox *m_replaySpeed;
    ReplayController *m_replayer;
    MachineCosts m_costs;

    std::shared_ptr<const std::vector<TaskSpec>> m_liveTasks;
    std::optional<RunResult> m_lastRun;
    ComparisonWindow *m_comparison = nullptr; // made on the first Compare
    int m_laidOutWidth = 0; // the window's width when the controls and numbers last fitted it
    PythonLocator *m_python;
    // What waits for the interpreter to be found (about 50 ms a candidate, in the background):
    // Run in CPython Too, or a run, sweep or comparison on a Dask cluster. Called once found.
    std::function<void()> m_afterPythonFound;
    LiveRunMetrics m_liveMetrics; // the run under way's, brought up to date every frame
    int m_framesUntilMetrics = 0; // the panel shows the live metrics when this reaches 0
};

} // namespace parviz
