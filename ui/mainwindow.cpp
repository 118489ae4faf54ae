#include "mainwindow.h"

#include "charts/concurrencychart.h"
#include "charts/speedupchart.h"
#include "comparison/comparisonchooser.h"
#include "comparison/comparisonwindow.h"
#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "metrics/runmetrics.h"
#include "panels/codepanel.h"
#include "panels/metricspanel.h"
#include "panels/outputpanel.h"
#include "panels/presetpanel.h"
#include "panels/workloadpanel.h"
#include "pictures/picturefile.h"
#include "preferencesdialog.h"
#include "python/cpythonengine.h"
#include "python/programoutput.h"
#include "python/tracedprogramengine.h"
#include "pythonlocator.h"
#include "recentfiles.h"
#include "replaycontroller.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "runstrategy.h"
#include "shortcutsdialog.h"
#include "strategies/strategyregistry.h"
#include "theme.h"
#include "timeline/ganttpainter.h"
#include "timeline/ganttview.h"
#include "timeline/timelinelegend.h"
#include "timeline/timelinezoomcontrol.h"
#include "traceprogramdialog.h"
#include "util/format.h"

#include <QAbstractSpinBox>
#include <QActionGroup>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QComboBox>
#include <QDesktopServices>
#include <QDialog>
#include <QDialogButtonBox>
#include <QDir>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QResizeEvent>
#include <QScreen>
#include <QScrollArea>
#include <QScrollBar>
#include <QSettings>
#include <QSpinBox>
#include <QSplitter>
#include <QStatusBar>
#include <QStyle>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QToolTip>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <limits>
#include <utility>

namespace parviz {

namespace {
// Preferences' scheduler for the dask strategy, the workload's until a person types another.
constexpr QLatin1String DaskSchedulerKey("dask/scheduler");
// The live metrics follow the run every frame (LiveRunMetrics reads only the new events), but
// the panel shows them a few times a second: figures that change 60 times a second cannot be
// read.
constexpr int FramesPerMetricsDisplay = 6;
// Below this many events a replay's numbers follow every frame (a millisecond's reading).
constexpr std::size_t ReplayMetricsEveryFrameEvents = 100'000;

// The caption of a picture of the run on screen: none while a run is drawn live, since the last
// finished run is not the one shown.
QString shownRunCaption(const std::optional<RunResult> &lastRun, bool live)
{
    return lastRun && !live ? runCaption(*lastRun) : QString();
}
} // namespace

MainWindow::MainWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_zoom(new TimelineZoomControl(this))
    , m_python(new PythonLocator(this))
{
    setWindowTitle(tr("ParViz"));
    createWorkloadDock();
    createTimelinePane();
    createCentre(m_timelinePane);
    createCodeDock();
    createOutputDock();
    createStatusBar();
    createActions();
    createMenus();
    connectPanels();
    connectRunController();
    connect(m_python, &PythonLocator::found, this, &MainWindow::onPythonFound);
    // Whether CPython can run a Dask cluster, once a person looks at the strategies.
    connect(m_panel, &WorkloadPanel::pythonWanted, m_python, &PythonLocator::ensureLooked);
    trackSweepsForPictures();
    readSettings();
    updateActions();
}

MainWindow::~MainWindow() = default;

void MainWindow::createWorkloadDock()
{
    m_panel = new WorkloadPanel;
    m_presets = new PresetPanel;
    auto *presetGroup = new QGroupBox(tr("Preset"));
    auto *presetLayout = new QVBoxLayout(presetGroup);
    presetLayout->addWidget(m_presets);
    auto *panelColumn = new QWidget;
    auto *panelLayout = new QVBoxLayout(panelColumn);
    panelLayout->setContentsMargins(0, 0, 0, 0);
    panelLayout->addWidget(presetGroup);
    panelLayout->addWidget(m_panel, 1);
    // A combo is as wide as its longest choice, and a spin box as its largest value, unless
    // told otherwise, which would hold the column of controls wider than the picture can
    // spare: each takes the width there is, and shows what fits (a combo's list the whole
    // text).
    for (QComboBox *combo : panelColumn->findChildren<QComboBox *>()) {
        combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
        combo->setMinimumContentsLength(6);
    }
    for (QAbstractSpinBox *spin : panelColumn->findChildren<QAbstractSpinBox *>())
        spin->setMinimumWidth(std::min(spin->minimumSizeHint().width(), 64));
    // Where a field cannot have its width beside its name, it goes under it.
    for (QFormLayout *form : panelColumn->findChildren<QFormLayout *>())
        form->setRowWrapPolicy(QFormLayout::WrapLongRows);
    auto *panelScroll = new QScrollArea;
    panelScroll->setWidget(panelColumn);
    panelScroll->setWidgetResizable(true);
    // Narrow enough that a 1024-pixel projector still shows a wide timeline.
    panelScroll->setMinimumWidth(300);
    panelScroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_workloadDock = new QDockWidget(tr("Workload"), this);
    QDockWidget *dock = m_workloadDock;
    dock->setObjectName(QStringLiteral("workloadDock"));
    dock->setWidget(panelScroll);
    // Hidden and shown by View > Show Controls (F9), not closed: Run stays in the toolbar.
    dock->setFeatures(QDockWidget::DockWidgetMovable);
    addDockWidget(Qt::LeftDockWidgetArea, dock);
}

void MainWindow::createTimelinePane()
{
    // The timeline: legend and fit above, Gantt, concurrency under it on the same time axis.
    m_gantt = new GanttView(&m_timeline, m_zoom);
    m_concurrency = new ConcurrencyChart(&m_timeline, m_zoom);
    m_concurrency->setCores(m_panel->logicalCpus());
    m_timelinePane = new QWidget;
    auto *timelineLayout = new QVBoxLayout(m_timelinePane);
    timelineLayout->setContentsMargins(0, 0, 0, 0);
    timelineLayout->setSpacing(2);
    // The result line: how the last run went, in the picture while the controls (where the
    // preset's paragraph says it) are put away, as in presentation mode.
    m_resultLine = new QLabel;
    m_resultLine->setObjectName(QStringLiteral("resultLine"));
    m_resultLine->setWordWrap(true);
    m_resultLine->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont bold = m_resultLine->font();
    bold.setBold(true);
    m_resultLine->setFont(bold);
    m_resultLine->setContentsMargins(4, 2, 4, 2);
    m_resultLine->hide();
    timelineLayout->addWidget(m_resultLine);
    auto *legendRow = new QHBoxLayout;
    legendRow->addWidget(new TimelineLegend, 1);
    auto *fit = new QToolButton;
    fit->setText(tr("Fit"));
    fit->setToolTip(tr("Show the whole run (double-click the timeline, or 0)"));
    connect(fit, &QToolButton::clicked, m_zoom, &TimelineZoomControl::fit);
    legendRow->addWidget(fit);
    timelineLayout->addLayout(legendRow);
    timelineLayout->addWidget(m_gantt, 1);
    timelineLayout->addWidget(m_concurrency);
}

void MainWindow::createCentre(QWidget *timelinePane)
{
    m_speedup = new SpeedupChart;
    m_speedup->setMinimumSize(320, 200);
    m_metrics = new MetricsPanel;
    m_metricsArea = new QScrollArea;
    m_metricsArea->setWidget(m_metrics);
    m_metricsArea->setWidgetResizable(true);
    m_metricsArea->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_metricsArea->setFrameShape(QFrame::NoFrame);
    // The picture first: the timeline over the speedup chart takes all the width the controls
    // leave, and the numbers are a column beside it, as high as the window, so that the loss
    // budget shows without scrolling. Growing the window grows the picture; the numbers
    // keep their width.
    m_picture = new QSplitter(Qt::Vertical);
    m_picture->addWidget(timelinePane);
    m_picture->addWidget(m_speedup);
    m_picture->setStretchFactor(0, 3);
    m_picture->setStretchFactor(1, 2);
    m_picture->setChildrenCollapsible(false);
    m_centre = new QSplitter(Qt::Horizontal);
    m_centre->addWidget(m_picture);
    m_centre->addWidget(m_metricsArea);
    m_centre->setStretchFactor(0, 1);
    m_centre->setStretchFactor(1, 0);
    m_centre->setChildrenCollapsible(false);
    m_centre->setSizes({1000, 300}); // until readSettings() fits them to the window
    m_picture->setSizes({680, 320});
    setCentralWidget(m_centre);
    // Edit > Copy Picture copies the chart last clicked.
    m_lastChart = m_gantt;
    m_gantt->viewport()->installEventFilter(this);
    m_speedup->viewport()->installEventFilter(this);
}

void MainWindow::createCodeDock()
{
    // The Python the chosen run mirrors, beside the picture; it follows every input.
    m_code = new CodePanel;
    m_codeDock = new QDockWidget(tr("Python"), this);
    m_codeDock->setObjectName(QStringLiteral("pythonDock"));
    m_codeDock->setWidget(m_code);
    // Beside the workload, one tab away: the timeline keeps the width it needs on a laptop or
    // a projector. It can be dragged out beside the picture.
    addDockWidget(Qt::LeftDockWidgetArea, m_codeDock);
    tabifyDockWidget(m_workloadDock, m_codeDock);
    m_workloadDock->raise();
    connect(m_panel, &WorkloadPanel::changed, m_code, [this] {
        m_code->showPlan(m_panel->checkedPlan());
    });
    m_code->showPlan(m_panel->checkedPlan());
}

void MainWindow::createOutputDock()
{
    // What a traced program prints, under the picture: wide lines read best across it. Hidden
    // until a program is traced; View > Program Output brings it back.
    m_output = new OutputPanel;
    m_outputDock = new QDockWidget(tr("Program output"), this);
    m_outputDock->setObjectName(QStringLiteral("outputDock"));
    m_outputDock->setWidget(m_output);
    // Under the picture and the numbers, not under the controls: they keep their height.
    setCorner(Qt::BottomLeftCorner, Qt::LeftDockWidgetArea);
    addDockWidget(Qt::BottomDockWidgetArea, m_outputDock);
    m_outputDock->hide();
}

void MainWindow::createStatusBar()
{
    m_progress = new QProgressBar;
    m_progress->setMaximumWidth(260);
    m_progress->setFormat(tr("%v of %m tasks"));
    m_progress->setToolTip(tr("Tasks done of all, in the run under way"));
    m_elapsed = new QLabel;
    statusBar()->addPermanentWidget(m_elapsed);
    statusBar()->addPermanentWidget(m_progress);
    m_progress->hide();
}

void MainWindow::connectPanels()
{
    connect(m_panel, &WorkloadPanel::changed, this, &MainWindow::updateActions);
    connect(m_panel, &WorkloadPanel::changed, this, [this] {
        m_presets->setSettings(m_panel->checkedPlan());
    });
    connect(m_presets, &PresetPanel::chosen, this, &MainWindow::onPresetChosen);
}

void MainWindow::onPresetChosen(const Preset &preset)
{
    m_panel->apply(preset.strategy, preset.workload, preset.workers, preset.options);
    statusBar()->showMessage(tr("Preset: %1").arg(preset.title), 5000);
}

void MainWindow::connectRunController()
{
    connect(m_controller, &RunController::busyChanged, this, &MainWindow::updateActions);
    connect(m_controller, &RunController::frame, this, &MainWindow::onFrame);
    connect(m_controller, &RunController::runFinished, this, &MainWindow::onRunFinished);
    connect(m_controller, &RunController::runStarted, this, &MainWindow::onRunStarted);
    connect(m_controller, &RunController::sweepStarted, this, &MainWindow::onSweepStarted);
    connect(m_controller, &RunController::sweepPoint, m_speedup, &SpeedupChart::addPoint);
    connect(m_controller, &RunController::sweepFinished, this, &MainWindow::onSweepFinished);
    connect(m_controller, &RunController::clusterStarting, this, [this](int workers) {
        statusBar()->showMessage(
            tr("Sweep: starting a Dask cluster of %1…").arg(countOf(workers, "worker", "workers")));
    });
}

void MainWindow::onRunStarted(const RunPlan &plan)
{
    m_replayer->stop(); // a run ends a replay
    m_resultLine->clear();
    updateResultLine();
    QToolTip::hideText(); // it spoke of a bar, or a point, of the run before
    m_liveTasks = plan.tasks;
    m_framesUntilMetrics = 0;
    if (plan.program)
        return onTraceStarted(plan);
    const int lanes = laneCountOf(plan);
    m_timeline.setRowNoun(strategyOf(plan).rowPerTask() ? tr("thread") : tr("worker"));
    // The plan's own bound is known now; the measured one replaces it at the end.
    m_gantt->setLowerBound(plannedLowerBoundNs(*plan.tasks, lanes));
    // O(tasks x log(workers)): tens of milliseconds for a million tasks, once per run.
    m_gantt->setPrediction(predictMakespanNs(plan, m_costs));
    m_concurrency->setCores(plan.cpus);
    m_zoom->fit();
    m_progress->setRange(0, static_cast<int>(plan.tasks->size()));
    m_progress->setFormat(tr("%v of %m tasks"));
    m_progress->setValue(0);
    m_progress->show();
    setWindowTitle(tr("ParViz"));
    QString message =
        tr("Running %1 on %2…").arg(plan.strategy, countOf(lanes, "worker", "workers"));
    if (m_controller->isSweeping())
        message = tr("Sweep, run %1 of %2: %3")
                      .arg(m_controller->sweepRunsDone() + 1)
                      .arg(m_controller->sweepRunsTotal())
                      .arg(message);
    if (m_controller->isStartingCluster())
        message += tr(" (the Dask cluster is starting)");
    statusBar()->showMessage(message);
}

void MainWindow::onTraceStarted(const RunPlan &plan)
{
    // The program's own work, found as it runs: nothing planned to bound, predict or count
    // down. The workload and Python panels keep describing ParViz's own runs; the title and
    // the status bar say which program this is.
    const QString name = QFileInfo(plan.program->path).fileName();
    m_timeline.setRowNoun(tr("row"));
    m_gantt->setLowerBound(-1);
    m_gantt->setPrediction(-1);
    m_concurrency->setCores(plan.cpus);
    m_zoom->fit();
    m_progress->setRange(0, 0); // busy: how many units of work are to come is not known
    m_progress->show();
    m_output->clear(name);
    if (m_outputDock->isHidden()) {
        m_outputDock->show();
        // A few lines: the timeline keeps most of the height, on a projector's 720 too.
        if (!m_outputDock->isFloating())
            resizeDocks({m_outputDock}, {std::max(110, height() / 6)}, Qt::Vertical);
    }
    m_outputDock->raise();
    setWindowTitle(tr("%1 – ParViz").arg(QDir::toNativeSeparators(plan.program->path)));
    statusBar()->showMessage(tr("Tracing %1…").arg(name));
}

void MainWindow::onSweepStarted(const SweepPlan &plan)
{
    m_speedup->beginSweep(
        plan.strategy, plan.workload.label(), plan.maxWorkers, plan.workload.taskCount);
    drawSweepPrediction(plan);
}

void MainWindow::onSweepFinished(const SweepResult &sweep)
{
    m_speedup->endSweep(!sweep.error && !sweep.stopped);
    if (sweep.error)
        showError(tr("The sweep failed"), *sweep.error);
    else if (sweep.stopped)
        statusBar()->showMessage(
            tr("Sweep stopped after %1")
                .arg(countOf(static_cast<long long>(sweep.points.size()), "point", "points")),
            8000);
    else if (std::isfinite(sweep.amdahl.serialFraction))
        statusBar()->showMessage(
            tr("Sweep done: Amdahl serial fraction %1").arg(sweep.amdahl.serialFraction, 0, 'f', 3),
            8000);
    else
        statusBar()->showMessage(tr("Sweep done"), 8000);
}

void MainWindow::setControlsShown(bool shown)
{
    const QSignalBlocker blocker(m_showControls);
    m_showControls->setChecked(shown);
    updateResultLine();
    // isHidden(), not isVisible(): before the window is first shown nothing is visible.
    if (shown == !m_workloadDock->isHidden())
        return;
    // The Python tab shares the controls' place while it is docked there: it goes and comes
    // back with them, so that the picture gets the whole width.
    const bool pythonBeside =
        !m_codeDock->isFloating() && dockWidgetArea(m_codeDock) == dockWidgetArea(m_workloadDock);
    if (!shown) {
        m_pythonHiddenWithControls = pythonBeside && !m_codeDock->isHidden();
        if (m_pythonHiddenWithControls)
            m_codeDock->hide();
        m_workloadDock->hide();
        return;
    }
    m_workloadDock->show();
    if (m_pythonHiddenWithControls) {
        m_codeDock->show();
        m_workloadDock->raise();
    }
    m_pythonHiddenWithControls = false;
}

void MainWindow::setNumbersWidth(int width)
{
    // The numbers' column does not stretch: it keeps this width as the window changes.
    m_centre->setSizes({std::max(0, m_centre->width() - m_centre->handleWidth() - width), width});
}

void MainWindow::updateResultLine()
{
    m_resultLine->setVisible(!controlsShown() && !m_resultLine->text().isEmpty());
}

bool MainWindow::controlsShown() const
{
    return m_showControls->isChecked();
}

void MainWindow::createActions()
{
    m_run = new QAction(tr("&Run"), this);
    m_run->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_R));
    m_run->setToolTip(tr("Run the workload and watch every worker (Ctrl+R)"));
    connect(m_run, &QAction::triggered, this, &MainWindow::startRun);

    m_sweep = new QAction(tr("&Sweep"), this);
    m_sweep->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_R));
    m_sweepToolTip = tr("Run the workload sequentially, then on 1, 2, … N workers, and draw the "
                        "speedup curve (Ctrl+Shift+R)");
    m_sweep->setToolTip(m_sweepToolTip);
    connect(m_sweep, &QAction::triggered, this, &MainWindow::startSweep);

    m_stop = new QAction(tr("S&top"), this);
    m_stop->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stop->setToolTip(tr("Stop the run or sweep under way; what finished is kept (Esc)"));
    connect(m_stop, &QAction::triggered, m_controller, &RunController::stop);

    m_compare = new QAction(tr("&Compare…"), this);
    m_compare->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_K));
    m_compare->setToolTip(tr("Run the workload under several strategies, one after another, "
                             "and see them on one time axis (Ctrl+K)"));
    connect(m_compare, &QAction::triggered, this, &MainWindow::startComparison);

    m_truth = new QAction(tr("Run in CPython &Too"), this);
    m_truth->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_T));
    m_truthToolTip = tr("Run the workload with ParViz, then with the strategy's own Python "
                        "program in CPython, one after the other, and compare them on one "
                        "time axis (Ctrl+T)");
    m_truth->setToolTip(m_truthToolTip);
    connect(m_truth, &QAction::triggered, this, &MainWindow::startTruth);

    m_traceProgram = new QAction(tr("&Trace Python Program…"), this);
    m_traceProgram->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_P));
    m_traceProgram->setToolTip(
        tr("Run a Python program of your own, unmodified, with ParViz's tracer loaded, and "
           "watch its pools, threads and processes work (Ctrl+Shift+P)"));
    connect(m_traceProgram, &QAction::triggered, this, &MainWindow::chooseProgramToTrace);

    m_openRun = new QAction(tr("&Open Run…"), this);
    m_openRun->setShortcut(QKeySequence::Open);
    connect(m_openRun, &QAction::triggered, this, &MainWindow::chooseRunToOpen);
    m_saveRun = new QAction(tr("&Save Run…"), this);
    m_saveRun->setShortcut(QKeySequence::Save);
    connect(m_saveRun, &QAction::triggered, this, &MainWindow::saveRun);

    m_showControls = new QAction(tr("Show &Controls"), this);
    m_showControls->setCheckable(true);
    m_showControls->setChecked(true);
    m_showControls->setShortcut(QKeySequence(Qt::Key_F9));
    m_showControls->setIconText(tr("Controls"));
    m_showControls->setToolTip(tr("Show or hide the workload's controls on the left, to give "
                                  "the timeline and the charts the whole width (F9). Run, Sweep "
                                  "and Stop stay here."));
    connect(m_showControls, &QAction::toggled, this, &MainWindow::setControlsShown);

    auto *toolbar = addToolBar(tr("Run"));
    m_toolbar = toolbar;
    toolbar->setObjectName(QStringLiteral("runToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->addAction(m_showControls);
    toolbar->addSeparator();
    toolbar->addAction(m_run);
    toolbar->addAction(m_sweep);
    m_repeats = new QSpinBox;
    m_repeats->setRange(1, 9);
    m_repeats->setPrefix(tr("repeat x"));
    m_repeats->setToolTip(
        tr("Runs per point of a sweep: the median counts. More repeats, less noise."));
    toolbar->addWidget(m_repeats);
    toolbar->addAction(m_stop);
    createReplayControls(toolbar);
}

void MainWindow::createMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    file->addAction(m_openRun);
    m_recentMenu = file->addMenu(tr("Open &Recent"));
    m_recent = new RecentFiles(m_recentMenu, this);
    connect(m_recent, &RecentFiles::openRequested, this, &MainWindow::openRun);
    file->addAction(m_saveRun);
    file->addSeparator();
    file->addAction(m_traceProgram);
    // The tutorial's programs, as they are: a first trace without a program of one's own.
    m_examplesMenu = file->addMenu(tr("Trace Python &Example"));
    m_examplesMenu->setToolTipsVisible(true);
    fillExamplesMenu();
    // Whether tracing can start is known once the interpreter has been looked for.
    connect(file, &QMenu::aboutToShow, m_python, &PythonLocator::ensureLooked);
    file->addSeparator();
    file->addAction(tr("Save &Gantt…"), this, [this] {
        savePictureWithDialog(tr("Save Gantt"), &MainWindow::saveGanttPicture);
    });
    file->addAction(tr("Save S&peedup Chart…"), this, [this] {
        savePictureWithDialog(tr("Save Speedup Chart"), &MainWindow::saveSpeedupPicture);
    });
    file->addAction(tr("Save &Window…"), this, [this] {
        savePictureWithDialog(tr("Save Window"), &MainWindow::saveWindowPicture);
    });
    file->addSeparator();
    QAction *quit = file->addAction(tr("&Quit"), this, &QWidget::close);
    quit->setShortcut(QKeySequence::Quit);

    QMenu *edit = menuBar()->addMenu(tr("&Edit"));
    QAction *copy = edit->addAction(tr("&Copy Picture"), this, &MainWindow::copyPicture);
    copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    copy->setToolTip(
        tr("Put the chart you last clicked (the Gantt, or the speedup chart) on the clipboard"));
    edit->addSeparator();
    QAction *preferences = edit->addAction(tr("&Preferences…"), this, &MainWindow::showPreferences);
    preferences->setMenuRole(QAction::PreferencesRole);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    QAction *fit = view->addAction(tr("&Fit Timeline"), m_zoom, &TimelineZoomControl::fit);
    fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_clearChart =
        view->addAction(tr("&Clear Speedup Chart"), m_speedup, &SpeedupChart::clearSweeps);
    m_presentation = view->addAction(tr("&Presentation Mode"));
    m_presentation->setCheckable(true);
    m_presentation->setShortcut(QKeySequence(Qt::Key_F11));
    m_presentation->setToolTip(
        tr("Full screen, larger text and thicker bars for a projector; F11 again to go back"));
    connect(m_presentation, &QAction::toggled, this, &MainWindow::setPresentationMode);
    view->addAction(m_showControls);
    view->addAction(m_codeDock->toggleViewAction());
    view->addAction(m_outputDock->toggleViewAction());
    QMenu *theme = view->addMenu(tr("&Theme"));
    auto *themes = new QActionGroup(this);
    for (auto [choice, label] : {std::pair{Theme::System, tr("&System")},
             {Theme::Light, tr("&Light")},
             {Theme::Dark, tr("&Dark")}}) {
        QAction *action =
            theme->addAction(label, this, [this, choice = choice] { setTheme(choice); });
        action->setCheckable(true);
        action->setData(themeKey(choice));
        themes->addAction(action);
        m_themeActions.push_back(action);
    }

    createPresetsMenu();

    QMenu *run = menuBar()->addMenu(tr("&Run"));
    run->addAction(m_run);
    run->addAction(m_sweep);
    run->addAction(m_stop);
    run->addSeparator();
    run->addAction(m_compare);
    run->addAction(m_truth);
    run->addAction(m_replay);
    // Why Run in CPython Too cannot run is its tooltip: what to install.
    run->setToolTipsVisible(true);
    // Whether it can is known once the interpreter has been looked for: when the menu opens,
    // not at every start of the program.
    connect(run, &QMenu::aboutToShow, m_python, &PythonLocator::ensureLooked);

    QMenu *help = menuBar()->addMenu(tr("&Help"));
    m_shortcuts = help->addAction(tr("&Keyboard Shortcuts"), this, &MainWindow::showShortcuts);
    help->addSeparator();
    help->addAction(tr("&About ParViz"), this, &MainWindow::showAbout);
    help->addAction(tr("About &Qt"), qApp, &QApplication::aboutQt);
}

void MainWindow::updateActions()
{
    // One thing runs at a time: a comparison's timings are not to be shared with a run here.
    const bool busy = m_controller->isBusy() || (m_comparison && m_comparison->isRunning());
    const bool valid = m_panel->validate().ok();
    const bool sweepable = m_panel->strategyUsesWorkers();
    m_run->setEnabled(!busy && valid);
    m_sweep->setEnabled(!busy && valid && sweepable);
    m_compare->setEnabled(!busy && valid);
    // Until the interpreter has been looked for, the action is enabled: pressing it looks, and
    // runs or says why not.
    QString truthTip = m_truthToolTip;
    bool pythonCanRun = true;
    if (const Result<PythonInterpreter> *python = m_python->result(); python && !*python) {
        truthTip = tr("Cannot run in CPython: %1").arg(python->error().message);
        pythonCanRun = false;
    } else if (python) {
        if (auto runnable = (*python)->canRun(m_panel->strategyId()); !runnable) {
            truthTip = tr("Cannot run in CPython: %1").arg(runnable.error().message);
            pythonCanRun = false;
        } else {
            truthTip += tr("\nPython %1: %2").arg((*python)->version, (*python)->path);
        }
    }
    m_truth->setEnabled(!busy && valid && pythonCanRun);
    m_truth->setToolTip(truthTip);
    // Shown in the status bar while the menu entry is hovered: why it is disabled.
    m_truth->setStatusTip(pythonCanRun ? QString() : truthTip);
    m_sweep->setToolTip(sweepable
            ? m_sweepToolTip
            : tr("This strategy has no worker count to sweep: choose a pool to sweep it"));
    m_clearChart->setEnabled(!m_controller->isSweeping());
    m_stop->setEnabled(busy || m_replayer->isActive());
    m_replay->setEnabled(!busy && m_lastRun.has_value());
    m_openRun->setEnabled(!busy);
    m_traceProgram->setEnabled(!busy);
    m_examplesMenu->setEnabled(!busy);
    if (m_recentMenu)
        m_recentMenu->setEnabled(!busy);
    m_saveRun->setEnabled(!busy && m_lastRun.has_value());
    m_repeats->setEnabled(!busy);
    m_panel->setInputsEnabled(!busy);
    if (!busy)
        m_progress->hide();
}

bool MainWindow::waitForClusterPython(
    const QString &strategy, const StrategyOptions &options, std::function<void()> then)
{
    if (!runsOnCluster(strategy, options))
        return false;
    const Result<PythonInterpreter> *python = m_python->result();
    if (python && *python)
        return false;
    if (python) {
        // Never another interpreter than the one chosen, even where another would do.
        showError(tr("Cannot run on a Dask cluster"), python->error());
        return true;
    }
    m_afterPythonFound = std::move(then);
    m_python->ensureLooked();
    statusBar()->showMessage(tr("Looking for Python…"));
    return true;
}

void MainWindow::startRun()
{
    auto plan = m_panel->plan();
    if (!plan)
        return showError(tr("Cannot run"), plan.error());
    if (waitForClusterPython(plan->strategy, plan->options, [this] { startRun(); }))
        return;
    plan->python = m_python->interpreter(); // a cluster's runs are CPython's (RunPlan::python)
    m_controller->run(*plan);
}

void MainWindow::startSweep()
{
    auto plan = m_panel->sweepPlan(m_repeats->value());
    if (!plan)
        return showError(tr("Cannot sweep"), plan.error());
    if (waitForClusterPython(plan->strategy, plan->options, [this] { startSweep(); }))
        return;
    plan->python = m_python->interpreter();
    if (auto started = m_controller->sweep(*plan); !started)
        showError(tr("Cannot sweep"), started.error());
}

void MainWindow::startComparison()
{
    auto plan = m_panel->plan();
    if (!plan)
        return showError(tr("Cannot compare"), plan.error());
    ComparisonChooser chooser(*plan, this);
    // A preset made for comparing (threads against processes, map against submit) chooses
    // its own strategies, beside the sequential baseline.
    if (const Preset *preset = m_presets->current(); preset && !preset->compare.isEmpty())
        chooser.chooseWithBaseline(preset->compare);
    if (chooser.exec() != QDialog::Accepted)
        return;
    compareWithPython(chooser.plans());
}

void MainWindow::compareWithPython(std::vector<RunPlan> plans)
{
    for (const RunPlan &plan : plans) {
        if (waitForClusterPython(
                plan.strategy, plan.options, [this, plans] { compareWithPython(plans); }))
            return;
    }
    for (RunPlan &plan : plans)
        plan.python = m_python->interpreter();
    showComparisonWindow()->compare(plans);
}

ComparisonWindow *MainWindow::showComparisonWindow()
{
    if (!m_comparison) {
        m_comparison = new ComparisonWindow(this);
        connect(m_comparison, &ComparisonWindow::runningChanged, this, &MainWindow::updateActions);
        connect(m_stop, &QAction::triggered, m_comparison, &ComparisonWindow::stop);
    }
    m_comparison->show();
    m_comparison->raise();
    m_comparison->activateWindow();
    return m_comparison;
}

void MainWindow::startTruth()
{
    if (m_controller->isBusy() || (m_comparison && m_comparison->isRunning()))
        return;
    auto plan = m_panel->plan();
    if (!plan)
        return showError(tr("Cannot run in CPython"), plan.error());
    const Result<PythonInterpreter> *python = m_python->result();
    if (!python) {
        // Not looked for yet (about 50 ms a candidate, in the background): run once found.
        m_afterPythonFound = [this] { startTruth(); };
        m_python->ensureLooked();
        statusBar()->showMessage(tr("Looking for Python…"));
        return;
    }
    if (!*python)
        return showError(tr("Cannot run in CPython"), python->error());
    // Checked before ParViz's run, which would otherwise be measured for nothing.
    const auto runsPlan = pythonFor(*plan, **python);
    if (!runsPlan)
        return showError(tr("Cannot run in CPython"), runsPlan.error());
    const PythonInterpreter interpreter = *runsPlan;
    // ParViz first, then CPython: one after the other, so that they never share the machine.
    std::vector<ComparisonWindow::PlannedRun> runs;
    // ParViz's own run of a plan on a Dask cluster is CPython's too, with the interpreter chosen.
    plan->python = m_python->interpreter();
    runs.push_back({*plan, {}, {}});
    runs.push_back({*plan,
        CPythonEngine::engineName(interpreter),
        [interpreter](const RunPlan &each) { return makeCPythonSession(each, interpreter); }});
    showComparisonWindow()->compare(std::move(runs));
}

void MainWindow::chooseProgramToTrace()
{
    if (m_controller->isBusy() || (m_comparison && m_comparison->isRunning()))
        return;
    TraceProgramDialog dialog(this);
    QSettings settings;
    dialog.readSettings(settings);
    if (dialog.exec() != QDialog::Accepted)
        return;
    dialog.writeSettings(settings);
    traceProgram(dialog.program());
}

void MainWindow::traceProgram(TracedProgram program)
{
    if (m_controller->isBusy() || (m_comparison && m_comparison->isRunning()))
        return;
    const Result<PythonInterpreter> *python = m_python->result();
    if (!python) {
        // Not looked for yet (about 50 ms a candidate, in the background): trace once found.
        m_afterPythonFound = [this, program] { traceProgram(program); };
        m_python->ensureLooked();
        statusBar()->showMessage(tr("Looking for Python…"));
        return;
    }
    // Never another interpreter than the one chosen in Preferences.
    if (!*python)
        return showError(tr("Cannot trace the program"), python->error());
    m_programOutput = std::make_shared<ProgramOutput>();
    program.output = m_programOutput;
    m_controller->run(makeTracedProgramSession(std::move(program), m_python->interpreter()));
}

QString MainWindow::exampleTitle(const QString &fileName)
{
    // "3-processes-with-join.py": "3 – processes with join".
    QString title = QFileInfo(fileName).completeBaseName();
    const qsizetype dash = title.indexOf(QLatin1Char('-'));
    if (dash > 0)
        title = title.left(dash) + QStringLiteral(" – ") + title.mid(dash + 1);
    return title.replace(QLatin1Char('-'), QLatin1Char(' '));
}

void MainWindow::fillExamplesMenu()
{
    QStringList files = QDir(QStringLiteral(":/examples")).entryList(QDir::Files);
    // By their number: 10 after 9.
    std::sort(files.begin(), files.end(), [](const QString &a, const QString &b) {
        return std::pair(a.section(QLatin1Char('-'), 0, 0).toInt(), a)
            < std::pair(b.section(QLatin1Char('-'), 0, 0).toInt(), b);
    });
    for (const QString &file : files) {
        const QString resource = QStringLiteral(":/examples/") + file;
        QAction *action = m_examplesMenu->addAction(exampleTitle(file), this, [this, resource] {
            if (auto traced = traceExample(resource); !traced)
                showError(tr("Cannot trace the example"), traced.error());
        });
        action->setData(resource);
        action->setToolTip(tr("Trace %1, the tutorial's program as it is").arg(file));
    }
}

Result<void> MainWindow::traceExample(const QString &resource)
{
    if (m_controller->isBusy() || (m_comparison && m_comparison->isRunning()))
        return Error{QStringLiteral("busy"), tr("a run is under way")};
    if (!m_examplesFolder) {
        m_examplesFolder = std::make_unique<QTemporaryDir>();
        if (!m_examplesFolder->isValid()) {
            const QString why = m_examplesFolder->errorString();
            m_examplesFolder.reset();
            return Error{QStringLiteral("io"), tr("no folder to copy the example to: %1").arg(why)};
        }
    }
    const QString path = m_examplesFolder->filePath(QFileInfo(resource).fileName());
    // Copied afresh each time: the resource's copy is read-only, and one edited since is not
    // the example any more.
    QFile::remove(path);
    if (!QFile::copy(resource, path))
        return Error{QStringLiteral("io"), tr("could not copy %1 to %2").arg(resource, path)};
    TracedProgram program;
    program.path = path;
    program.workingDirectory = m_examplesFolder->path();
    traceProgram(std::move(program));
    return {};
}

void MainWindow::onPythonFound()
{
    m_panel->setPython(m_python->result());
    updateActions();
    if (!m_afterPythonFound)
        return;
    const std::function<void()> then = std::exchange(m_afterPythonFound, nullptr);
    statusBar()->clearMessage();
    then();
}

void MainWindow::setPythonInterpreter(const QString &interpreter)
{
    QSettings().setValue(QStringLiteral("python/interpreter"), interpreter);
    m_python->setChosen(interpreter);
    m_python->ensureLooked();
    // What was found for the one before no longer counts.
    m_panel->setPython(m_python->result());
    updateActions();
}

void MainWindow::showPreferences()
{
    PreferencesDialog dialog(m_python->chosen(), this);
    dialog.setPictureStyle(FigureStyle::fromSettings());
    dialog.setDaskScheduler(QSettings().value(DaskSchedulerKey).toString());
    if (dialog.exec() == QDialog::Accepted) {
        setPythonInterpreter(dialog.interpreter());
        dialog.pictureStyle().toSettings();
        QSettings().setValue(DaskSchedulerKey, dialog.daskScheduler());
        m_panel->setDefaultDaskScheduler(dialog.daskScheduler());
    }
}

void MainWindow::onFrame(const std::shared_ptr<const TraceSnapshot> &snapshot)
{
    m_timeline.setTrace(snapshot, m_liveTasks, true);
    m_gantt->refresh();
    updateConcurrency();
    const bool traced = m_programOutput != nullptr;
    if (traced) {
        takeProgramOutput();
        m_elapsed->setText(
            tr("elapsed %1, %2 seen")
                .arg(formatDuration(snapshot->takenAtNs()),
                    countOf(snapshot->taskCount(), "unit of work", "units of work")));
    } else {
        m_progress->setValue(static_cast<int>(snapshot->completedTasks()));
        m_elapsed->setText(tr("elapsed %1").arg(formatDuration(snapshot->takenAtNs())));
    }
    if (!m_liveTasks)
        return;
    m_liveMetrics.update(snapshot, m_liveTasks);
    if (--m_framesUntilMetrics <= 0) {
        m_metrics->showLive(m_liveMetrics.live(),
            snapshot->takenAtNs(),
            traced ? snapshot->taskCount() : static_cast<int>(m_liveTasks->size()));
        m_framesUntilMetrics = FramesPerMetricsDisplay;
    }
}

void MainWindow::takeProgramOutput()
{
    if (m_programOutput)
        m_output->takeFrom(*m_programOutput);
}

void MainWindow::onRunFinished(const RunResult &run)
{
    if (run.plan.program) {
        // The last of what it printed, read after its last frame, its last lines too.
        takeProgramOutput();
        m_output->flush();
        m_programOutput.reset();
        showRun(run);
        if (run.error)
            showError(tr("The program failed"), *run.error);
        const bool noWork = !run.trace || run.trace->taskCount() == 0;
        const QString name = QFileInfo(run.plan.program->path).fileName();
        QString status;
        if (run.stopped) {
            status = tr("Stopped %1").arg(name);
        } else if (run.error) {
            // A traceback's last line says what was raised.
            const QStringList lines = run.error->message.trimmed().split(QLatin1Char('\n'));
            status = tr("%1 failed: %2").arg(name, lines.back().trimmed());
        } else if (run.metrics.makespanNs > 0) {
            status = tr("%1 done in %2").arg(name, formatDuration(run.metrics.makespanNs));
        } else {
            // Nothing drawn to measure a makespan by: how long the program ran.
            status = tr("%1 done").arg(name);
        }
        if (noWork && !run.error)
            status += tr(": no parallel work seen (no pool, thread or process ran any)");
        if (run.metrics.makespanNs <= 0 && run.trace)
            m_elapsed->setText(tr("ran %1").arg(formatDuration(run.trace->takenAtNs())));
        statusBar()->showMessage(status);
        m_resultLine->setText(status);
        updateResultLine();
        return;
    }
    // A program of one's own teaches nothing of this machine's costs.
    m_costs.learnFrom(run);
    showRun(run);
    m_presets->showOutcome(run);
    if (run.error && !m_controller->isSweeping())
        showError(tr("The run failed"), *run.error);
    QString done = tr("Done in %1").arg(formatDuration(run.metrics.makespanNs));
    if (m_gantt->prediction() >= 0)
        done = tr("%1 (predicted %2)").arg(done, formatDuration(m_gantt->prediction()));
    const QString status = run.stopped ? tr("Stopped") : run.error ? tr("Failed") : done;
    statusBar()->showMessage(status, 8000);
    const QString outcome = m_presets->outcomeText();
    m_resultLine->setText(outcome.isEmpty() ? status : outcome);
    updateResultLine();
}

void MainWindow::showRun(const RunResult &run)
{
    m_replayer->stop(); // a replay shows the run it started with, not this one
    m_lastRun = run;
    m_liveTasks.reset();
    m_liveMetrics.clear();
    m_timeline.setRowNoun(strategyOf(run).rowPerTask() ? tr("thread") : tr("worker"));
    m_timeline.setTrace(run.trace, run.plan.tasks, false);
    m_gantt->setLowerBound(run.metrics.lowerBoundNs);
    m_gantt->refresh();
    m_concurrency->setCores(run.plan.cpus);
    updateConcurrency();
    m_metrics->showResult(run);
    m_elapsed->setText(tr("makespan %1").arg(formatDuration(run.metrics.makespanNs)));
    updateActions();
}

void MainWindow::updateConcurrency()
{
    // The Gantt's scroll bar comes and goes with the rows: the concurrency's time axis must end
    // where the Gantt's does.
    const QScrollBar *bar = m_gantt->verticalScrollBar();
    m_concurrency->setRightInset(bar->isVisible() ? bar->width() : 0);
    m_concurrency->update();
}

void MainWindow::saveRun()
{
    if (!m_lastRun)
        return;
    // ".parviz.json": a file manager knows it as a run (resources/parviz.xml) and opens it here.
    const QString path = QFileDialog::getSaveFileName(this,
        tr("Save Run"),
        QStringLiteral("run.parviz.json"),
        tr("ParViz run (*.parviz.json *.json)"));
    if (path.isEmpty())
        return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    auto saved = saveRunJson(*m_lastRun, path);
    QApplication::restoreOverrideCursor();
    if (!saved) {
        showError(tr("Could not save the run"), saved.error());
    } else {
        m_recent->add(path);
        statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
    }
}

void MainWindow::chooseRunToOpen()
{
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open Run"), QString(), tr("ParViz run or comparison (*.json);;All files (*)"));
    if (!path.isEmpty())
        openRun(path);
}

Result<void> MainWindow::openRun(const QString &path)
{
    QApplication::setOverrideCursor(Qt::WaitCursor);
    auto loaded = loadRunsJson(path);
    QApplication::restoreOverrideCursor();
    if (!loaded) {
        showError(tr("Could not open the run"), loaded.error());
        return loaded.error();
    }
    m_recent->add(path);
    if (loaded->size() == 1)
        showOpenedRun(loaded->front(), path);
    else
        showRunsSideBySide(*loaded, {path});
    return {};
}

void MainWindow::showOpenedRun(const RunResult &run, const QString &path)
{
    // A share of another machine's CPUs would be a different count here: keep the count.
    WorkerCount workers = run.plan.workerCount;
    if (!workers.count && run.plan.cpus != m_panel->logicalCpus())
        workers = WorkerCount::exactly(workers.resolve(run.plan.cpus));
    WorkloadSpec workload = run.plan.workload;
    workload.taskCount = static_cast<int>(run.plan.tasks->size());
    // A traced program's run has no workload for the controls to take.
    if (!run.plan.program)
        m_panel->apply(run.plan.strategy, workload, workers, run.plan.options);
    m_gantt->setPrediction(-1); // made elsewhere, or long ago: nothing here predicted it
    showRun(run);
    m_zoom->fit();
    setWindowTitle(tr("%1 – ParViz").arg(QFileInfo(path).fileName()));
}

Figure MainWindow::ganttPicture() const
{
    // The last finished run, whole: a run being drawn live is not one yet.
    if (!m_lastRun)
        return ganttFigure({}, FigureStyle::fromSettings());
    const bool live = m_liveTasks != nullptr;
    return ganttFigure(
        {&*m_lastRun, 1}, FigureStyle::fromSettings(), live ? -1 : m_gantt->prediction());
}

Figure MainWindow::speedupPicture() const
{
    // The sweeps on the chart: the last sweepCount() followed.
    const auto shown = std::min(m_sweepDrawings.size(), std::size_t(m_speedup->sweepCount()));
    return speedupFigure(std::span(m_sweepDrawings).last(shown), FigureStyle::fromSettings());
}

Figure MainWindow::windowPicture()
{
    // A screenshot: the window as it is, at its size and in its theme.
    Figure figure;
    figure.size = size();
    figure.background = palette().color(QPalette::Window);
    figure.paint = [this](QPainter &painter, const QRect &) { render(&painter); };
    figure.caption =
        PictureCaption::fromPalette(shownRunCaption(m_lastRun, m_liveTasks != nullptr), palette());
    return figure;
}

void MainWindow::trackSweepsForPictures()
{
    connect(m_controller, &RunController::sweepStarted, this, [this](const SweepPlan &plan) {
        SweepDrawing drawing;
        drawing.strategy = plan.strategy;
        drawing.workload = plan.workload;
        drawing.maxWorkers = plan.maxWorkers;
        drawing.predicted = std::exchange(m_sweepPrediction, {});
        m_sweepDrawings.push_back(std::move(drawing));
    });
    connect(m_controller, &RunController::sweepPoint, this, [this](const SweepPoint &point) {
        if (!m_sweepDrawings.empty())
            m_sweepDrawings.back().points.push_back(point);
    });
    connect(m_controller, &RunController::sweepFinished, this, [this](const SweepResult &sweep) {
        if (m_sweepDrawings.empty())
            return;
        SweepDrawing &drawing = m_sweepDrawings.back();
        drawing.points = sweep.points;
        drawing.ended = true;
        drawing.complete = !sweep.error && !sweep.stopped;
        if (drawing.points.empty()) // the chart drops it too
            m_sweepDrawings.pop_back();
    });
}

QString MainWindow::pictureBaseName(
    Result<void> (MainWindow::*save)(const QString &, const QString &)) const
{
    if (save == &MainWindow::saveSpeedupPicture) {
        const auto shown = std::min(m_sweepDrawings.size(), std::size_t(m_speedup->sweepCount()));
        if (shown == 0)
            return QStringLiteral("speedup");
        const SweepDrawing &last = m_sweepDrawings.back();
        const bool oneStrategy =
            std::all_of(m_sweepDrawings.end() - static_cast<std::ptrdiff_t>(shown),
                m_sweepDrawings.end(),
                [&](const SweepDrawing &sweep) { return sweep.strategy == last.strategy; });
        return parviz::pictureBaseName(oneStrategy ? last.strategy : QStringLiteral("speedup"),
                   last.workload,
                   QStringLiteral("1-%1").arg(last.maxWorkers))
            + (oneStrategy ? QStringLiteral("-speedup") : QString());
    }
    if (!m_lastRun)
        return QStringLiteral("parviz");
    if (m_lastRun->plan.program) {
        // "primes-traced": the program's name, as its workload says nothing.
        const QString name =
            QFileInfo(m_lastRun->plan.program->path).completeBaseName() + QStringLiteral("-traced");
        return save == &MainWindow::saveWindowPicture ? name + QStringLiteral("-window") : name;
    }
    const QString name = parviz::pictureBaseName(
        m_lastRun->plan.strategy, m_lastRun->plan.workload, QString::number(m_lastRun->workers));
    return save == &MainWindow::saveWindowPicture ? name + QStringLiteral("-window") : name;
}

Result<void> MainWindow::saveGanttPicture(const QString &path, const QString &filter)
{
    if (!m_lastRun)
        return Error{QStringLiteral("no-run"), tr("there is no finished run to draw")};
    return ganttPicture().save(pictureTarget(path, filter));
}

Result<void> MainWindow::saveSpeedupPicture(const QString &path, const QString &filter)
{
    if (m_speedup->sweepCount() == 0)
        return Error{QStringLiteral("no-sweep"), tr("there is no sweep to draw")};
    return speedupPicture().save(pictureTarget(path, filter));
}

Result<void> MainWindow::saveWindowPicture(const QString &path, const QString &filter)
{
    return windowPicture().save(pictureTarget(path, filter));
}

void MainWindow::savePictureWithDialog(
    const QString &title, Result<void> (MainWindow::*save)(const QString &, const QString &))
{
    QString filter;
    const QString path = askWhereToSavePicture(this, title, pictureBaseName(save), &filter);
    if (path.isEmpty())
        return;
    if (auto saved = (this->*save)(path, filter); !saved)
        showError(tr("Could not save the picture"), saved.error());
    else
        statusBar()->showMessage(tr("Saved %1").arg(pictureTarget(path, filter).path), 5000);
}

void MainWindow::copyPicture()
{
    // The figure File > Save writes, at 1x: a slide's width is already plenty of pixels.
    const bool speedup = m_lastChart == m_speedup;
    const Figure figure = speedup ? speedupPicture() : ganttPicture();
    QApplication::clipboard()->setImage(figure.render());
    statusBar()->showMessage(
        speedup ? tr("Copied the speedup chart") : tr("Copied the Gantt"), 5000);
}

void MainWindow::changeEvent(QEvent *event)
{
    // The desktop switched between light and dark while the System theme is in use: the
    // charts Qt Charts draws with a theme of their own follow.
    if (event->type() == QEvent::PaletteChange)
        m_speedup->setDark(isDarkTheme());
    QMainWindow::changeEvent(event);
}

bool MainWindow::eventFilter(QObject *watched, QEvent *event)
{
    if (event->type() == QEvent::MouseButtonPress) {
        if (watched == m_speedup->viewport())
            m_lastChart = m_speedup;
        else if (watched == m_gantt->viewport())
            m_lastChart = m_gantt;
    }
    return QMainWindow::eventFilter(watched, event);
}

void MainWindow::setTheme(Theme theme)
{
    applyTheme(theme);
    m_speedup->setDark(isDarkTheme());
    for (QAction *action : m_themeActions)
        action->setChecked(action->data().toString() == themeKey(theme));
    QSettings().setValue(QStringLiteral("theme"), themeKey(theme));
}

void MainWindow::setPresentationMode(bool on)
{
    // How much larger: enough for the back of a lecture room at 1024 x 768.
    constexpr qreal Scale = 1.5;
    if (on == isPresentationMode())
        return;
    const QSignalBlocker blocker(m_presentation);
    m_presentation->setChecked(on);
    if (on) {
        m_normalFont = QApplication::font();
        m_wasMaximized = isMaximized();
        m_controlsBeforePresentation = controlsShown();
        m_centreBeforePresentation = m_centre->sizes();
        // The picture and the numbers grow, the controls keep their size (and are put away:
        // F9 brings them back).
        for (QWidget *control : std::initializer_list<QWidget *>{m_workloadDock, m_toolbar})
            control->setFont(*m_normalFont);
        setControlsShown(false);
        QFont large = *m_normalFont;
        large.setPointSizeF(large.pointSizeF() * Scale);
        QApplication::setFont(large);
        showFullScreen();
        // The numbers' column grows with its text, up to a third of the screen. Sizes that
        // add up to the splitter's width now are kept as they are; the width the window
        // gains as it fills the screen goes to the picture.
        if (m_centreBeforePresentation.size() == 2) {
            const int screenWidth = screen() ? screen()->geometry().width() : width();
            setNumbersWidth(
                std::min(static_cast<int>(m_centreBeforePresentation[1] * Scale), screenWidth / 3));
        }
    } else {
        QApplication::setFont(*m_normalFont);
        m_normalFont.reset();
        for (QWidget *control : std::initializer_list<QWidget *>{m_workloadDock, m_toolbar})
            control->setFont(QFont()); // the application's again
        setControlsShown(m_controlsBeforePresentation);
        if (m_wasMaximized)
            showMaximized();
        else
            showNormal();
        if (m_centreBeforePresentation.size() == 2)
            setNumbersWidth(m_centreBeforePresentation[1]);
    }
    const qreal scale = on ? Scale : 1.0;
    m_gantt->setScale(scale);
    m_concurrency->setScale(scale);
    m_speedup->setScale(scale);
    m_code->setScale(scale);
    updateConcurrency();
    if (on)
        statusBar()->showMessage(tr("Presentation mode: F11 to go back"), 5000);
}

void MainWindow::showAbout()
{
    QMessageBox::about(this,
        tr("About ParViz"),
        tr("<h3>ParViz %1</h3>"
           "<p>Parallel computing made visible: real threads and real processes, "
           "measured timelines, honest speedups.</p>"
           "<p>Built with Qt %2, running on Qt %3.</p>")
            .arg(QApplication::applicationVersion(),
                QStringLiteral(QT_VERSION_STR),
                QString::fromLatin1(qVersion())));
}

void MainWindow::createPresetsMenu()
{
    m_presetsMenu = menuBar()->addMenu(tr("&Presets"));
    m_presetsEnd = m_presetsMenu->addSeparator(); // the presets go above it
    m_presetsMenu->addAction(
        tr("&Save Settings as Preset…"), this, &MainWindow::saveCurrentAsPreset);
    m_presetsMenu->addAction(tr("&Open Presets Folder"), this, [this] {
        QDir().mkpath(m_presets->userDirectory());
        QDesktopServices::openUrl(QUrl::fromLocalFile(m_presets->userDirectory()));
    });
    m_presetsMenu->addAction(tr("&Reload Presets"), this, [this] {
        m_presets->reload();
        m_presets->setSettings(m_panel->checkedPlan());
    });
    fillPresetsMenu();
    connect(m_presets, &PresetPanel::reloaded, this, &MainWindow::fillPresetsMenu);
}

void MainWindow::fillPresetsMenu()
{
    m_presets->fillMenu(m_presetsMenu, m_presetsEnd);
    if (!m_presets->library().problems.empty())
        statusBar()->showMessage(
            tr("%1 not loaded: %2")
                .arg(countOf(static_cast<long long>(m_presets->library().problems.size()),
                         "preset",
                         "presets"),
                    m_presets->library().problems.front().message()),
            15000);
}

void MainWindow::saveCurrentAsPreset()
{
    auto plan = m_panel->checkedPlan();
    if (!plan)
        return showError(tr("Cannot save a preset"), plan.error());
    QDialog dialog(this);
    dialog.setWindowTitle(tr("Save Settings as Preset"));
    auto *form = new QFormLayout(&dialog);
    auto *title = new QLineEdit;
    title->setMaxLength(120);
    title->setPlaceholderText(tr("What the preset shows"));
    if (const Preset *current = m_presets->current(); current && !current->builtIn)
        title->setText(current->title);
    auto *explanation = new QPlainTextEdit;
    explanation->setPlaceholderText(
        tr("What to look for (optional). {cpus}, {workers}, {tasks}, {total_work} and "
           "{lower_bound} become the numbers of the machine it runs on."));
    form->addRow(tr("Title:"), title);
    form->addRow(tr("Explanation:"), explanation);
    auto *buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel);
    buttons->button(QDialogButtonBox::Save)->setEnabled(false);
    connect(title, &QLineEdit::textChanged, buttons, [buttons](const QString &text) {
        buttons->button(QDialogButtonBox::Save)->setEnabled(!text.trimmed().isEmpty());
    });
    connect(buttons, &QDialogButtonBox::accepted, &dialog, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, &dialog, &QDialog::reject);
    form->addRow(buttons);
    if (dialog.exec() != QDialog::Accepted)
        return;

    Preset preset;
    preset.title = title->text().trimmed();
    preset.explanation = explanation->toPlainText().trimmed();
    preset.strategy = plan->strategy;
    preset.workload = plan->workload;
    preset.workers = plan->workerCount;
    preset.options = plan->options;
    if (const Preset *current = m_presets->current())
        preset.compare = current->compare;
    const QString path = QDir(m_presets->userDirectory()).filePath(presetFileName(preset.title));
    if (QFileInfo::exists(path)
        && QMessageBox::question(this,
               tr("Replace Preset"),
               tr("A preset is already saved as %1. Replace it?").arg(path))
            != QMessageBox::Yes)
        return;
    if (auto saved = savePresetAs(preset); !saved)
        return showError(tr("Could not save the preset"), saved.error());
}

Result<void> MainWindow::savePresetAs(const Preset &preset)
{
    auto saved = savePreset(preset, m_presets->userDirectory());
    if (!saved)
        return saved.error();
    m_presets->reload();
    m_presets->choose(QStringLiteral("user/") + QFileInfo(*saved).completeBaseName());
    statusBar()->showMessage(tr("Saved the preset as %1").arg(*saved), 8000);
    return {};
}

void MainWindow::showError(const QString &title, const Error &error)
{
    statusBar()->showMessage(error.message, 10000);
    if (QApplication::platformName().startsWith(QLatin1String("offscreen")))
        return; // headless: no one to press OK
    // After the signal that brought the error has returned: a modal box must not run its
    // event loop inside the run controller's handlers.
    QTimer::singleShot(0, this, [this, title, message = error.message] {
        QMessageBox::warning(this, title, message);
    });
}

int MainWindow::controlsWidthFor(int windowWidth) const
{
    const QWidget *controls = m_workloadDock->widget();
    const int least = std::max(m_workloadDock->minimumSizeHint().width(),
        qobject_cast<const QScrollArea *>(controls)->widget()->minimumSizeHint().width()
            + style()->pixelMetric(QStyle::PM_ScrollBarExtent) + 4);
    return std::clamp(windowWidth / 4, least, 420);
}

int MainWindow::numbersWidthFor(int windowWidth)
{
    return std::clamp(windowWidth / 5, 240, 420);
}

void MainWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    // A window made narrower (a smaller screen, a projector's) keeps the picture at half of it
    // or more: the controls and the numbers give back what they have beyond their share of
    // the new width. Growing leaves them as they are, and the picture takes the room.
    // Compared with the width last laid out, not the event's old size: a hidden window's
    // resizes reach it as one event, without an old size, when it is shown.
    const int width = event->size().width();
    const bool narrower = width < m_laidOutWidth;
    m_laidOutWidth = width;
    if (!narrower)
        return;
    if (controlsShown() && !m_workloadDock->isFloating()
        && m_workloadDock->width() > controlsWidthFor(width))
        resizeDocks({m_workloadDock}, {controlsWidthFor(width)}, Qt::Horizontal);
    const QList<int> sizes = m_centre->sizes();
    const int numbers = numbersWidthFor(width);
    if (sizes.size() == 2 && sizes[1] > numbers)
        m_centre->setSizes({sizes[0] + sizes[1] - numbers, numbers});
}

void MainWindow::readSettings()
{
    QSettings settings;
    if (!restoreGeometry(settings.value(QStringLiteral("window/geometry")).toByteArray())) {
        // First start: most of the screen, for a timeline wide enough to read.
        const QRect screen = QApplication::primaryScreen()
            ? QApplication::primaryScreen()->availableGeometry()
            : QRect(0, 0, 1600, 1000);
        resize(screen.size() * 0.9);
        move(screen.center() - rect().center());
    }
    if (!restoreState(settings.value(QStringLiteral("window/state")).toByteArray())) {
        // First start: the controls as narrow as they read well, the rest for the picture.
        resizeDocks({m_workloadDock}, {controlsWidthFor(width())}, Qt::Horizontal);
    }
    // The layout of the picture and the numbers (window/centre and window/bottom kept an
    // earlier one, which does not fit this). First start: about a fifth of the width for
    // the numbers, which leaves the timeline half the window or more beside the controls.
    if (!m_centre->restoreState(settings.value(QStringLiteral("layout/centre")).toByteArray()))
        m_centre->setSizes({width(), numbersWidthFor(width())});
    m_picture->restoreState(settings.value(QStringLiteral("layout/picture")).toByteArray());
    m_laidOutWidth = width();
    setControlsShown(settings.value(QStringLiteral("layout/controls"), true).toBool());
    m_repeats->setValue(settings.value(QStringLiteral("sweep/repeats"), 1).toInt());
    // Before the workload's own settings, which keep a scheduler typed in an earlier session.
    m_panel->setDefaultDaskScheduler(settings.value(DaskSchedulerKey).toString());
    m_panel->loadSettings(settings);
    m_costs.readFrom(settings); // what earlier sessions measured on this machine
    m_python->setChosen(settings.value(QStringLiteral("python/interpreter")).toString());
    setTheme(themeFromKey(settings.value(QStringLiteral("theme")).toString()));
}

void MainWindow::writeSettings() const
{
    QSettings settings;
    settings.setValue(QStringLiteral("window/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("window/state"), saveState());
    settings.setValue(QStringLiteral("layout/centre"), m_centre->saveState());
    settings.setValue(QStringLiteral("layout/picture"), m_picture->saveState());
    settings.setValue(QStringLiteral("layout/controls"), controlsShown());
    settings.setValue(QStringLiteral("sweep/repeats"), m_repeats->value());
    m_panel->saveSettings(settings);
    m_costs.writeTo(settings);
}

void MainWindow::createReplayControls(QToolBar *toolbar)
{
    m_replayer = new ReplayController(this);
    m_replay = new QAction(tr("Re&play"), this);
    m_replay->setShortcut(QKeySequence(Qt::Key_F5));
    m_replay->setToolTip(
        tr("Play the last run back at the chosen speed, bar by bar as it happened (F5); Esc "
           "stops"));
    connect(m_replay, &QAction::triggered, this, &MainWindow::startReplay);
    m_replaySpeed = new QComboBox;
    m_replaySpeed->setObjectName(QStringLiteral("replaySpeed"));
    for (double speed : ReplayController::Speeds)
        m_replaySpeed->addItem(tr("%1x").arg(QString::number(speed)), speed);
    m_replaySpeed->setToolTip(
        tr("Replay speed: at 0.1x a run of 50 ms plays for half a second, slow enough to watch"));
    connect(m_replaySpeed, &QComboBox::currentIndexChanged, this, [this] {
        m_replayer->setSpeed(m_replaySpeed->currentData().toDouble());
    });
    m_replaySpeed->setCurrentIndex(0);
    m_replayer->setSpeed(m_replaySpeed->currentData().toDouble());
    connect(m_replayer, &ReplayController::frame, this, &MainWindow::showReplayFrame);
    connect(m_replayer, &ReplayController::finished, this, &MainWindow::endReplay);
    connect(m_stop, &QAction::triggered, m_replayer, &ReplayController::stop);
    toolbar->addSeparator();
    toolbar->addAction(m_replay);
    toolbar->addWidget(m_replaySpeed);
}

void MainWindow::drawSweepPrediction(const SweepPlan &plan)
{
    // Scheduling every task at every worker count costs time on the GUI thread, before the
    // sweep's first run: past the budget, the curve goes without its prediction.
    const std::int64_t scheduled =
        static_cast<std::int64_t>(plan.workload.taskCount) * (plan.maxWorkers + 1);
    if (scheduled > SweepPredictionBudget)
        return;
    m_sweepPrediction = predictSweep(plan, logicalCpus(), m_costs).speedups;
    m_speedup->setPrediction(m_sweepPrediction);
}

void MainWindow::startReplay()
{
    if (!m_lastRun || m_controller->isBusy())
        return;
    m_timeline.setTrace(m_lastRun->trace, m_lastRun->plan.tasks, false);
    m_timeline.setVisibleUntil(0);
    m_zoom->fit();
    QToolTip::hideText(); // it spoke of a bar as it ended, not as it will be replayed
    // The numbers follow the replayed moment, brought up to it as the live ones are.
    m_liveMetrics.clear();
    m_framesUntilMetrics = 0;
    m_replayer->start(m_timeline.endNs());
    updateActions();
}

void MainWindow::showReplayFrame(std::int64_t ns)
{
    m_timeline.setVisibleUntil(ns);
    m_gantt->refresh();
    updateConcurrency();
    const QString replay = tr("replay at %1x: %2 of %3")
                               .arg(QString::number(m_replayer->speed()),
                                   formatDuration(ns),
                                   formatDuration(m_replayer->endNs()));
    m_elapsed->setText(replay);
    if (!m_lastRun || !m_lastRun->trace || !m_lastRun->plan.tasks)
        return;
    // The run as it stood at the replayed moment: what the status bar says, the panel says.
    // Reading up to the moment costs O(events): a large run's numbers follow every few
    // frames, as a live run's do, and always at the last.
    const bool small = m_lastRun->trace->totalEventCount() < ReplayMetricsEveryFrameEvents;
    if (small || --m_framesUntilMetrics <= 0 || ns >= m_replayer->endNs()) {
        m_liveMetrics.update(m_lastRun->trace->until(ns), m_lastRun->plan.tasks);
        // A traced program's units of work are its trace's, not a plan's.
        const int tasks = m_lastRun->plan.program ? m_lastRun->trace->taskCount()
                                                  : static_cast<int>(m_lastRun->plan.tasks->size());
        m_metrics->showMoment(m_liveMetrics.live(), ns, tasks, replay);
        m_framesUntilMetrics = FramesPerMetricsDisplay;
    }
}

void MainWindow::endReplay()
{
    // The whole run again, as before the replay.
    m_timeline.setVisibleUntil(std::nullopt);
    m_gantt->refresh();
    updateConcurrency();
    m_liveMetrics.clear();
    if (m_lastRun) {
        m_elapsed->setText(tr("makespan %1").arg(formatDuration(m_lastRun->metrics.makespanNs)));
        m_metrics->showResult(*m_lastRun);
    }
    updateActions();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    setPresentationMode(false); // the geometry and fonts to keep are the everyday ones
    writeSettings();
    m_controller->stop(); // the run, if any, is stopped and joined as the controller goes
    event->accept();
}

Result<void> MainWindow::openFiles(const QStringList &paths)
{
    if (paths.size() == 1)
        return openRun(paths.front());
    std::vector<RunResult> runs;
    QStringList opened;
    QStringList problems;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    for (const QString &path : paths) {
        auto loaded = loadRunsJson(path);
        if (!loaded) {
            problems.append(loaded.error().message);
            continue;
        }
        m_recent->add(path);
        opened.append(path);
        std::move(loaded->begin(), loaded->end(), std::back_inserter(runs));
    }
    QApplication::restoreOverrideCursor();
    if (runs.size() == 1)
        showOpenedRun(runs.front(), opened.front());
    else if (!runs.empty())
        showRunsSideBySide(runs, opened);
    if (problems.isEmpty())
        return {};
    const Error error{QStringLiteral("bad-run-file"), problems.join(QLatin1Char('\n'))};
    showError(tr("Could not open the run"), error);
    return error;
}

void MainWindow::showRunsSideBySide(const std::vector<RunResult> &runs, const QStringList &paths)
{
    ComparisonWindow *comparison = showComparisonWindow();
    comparison->clear();
    for (const RunResult &run : runs)
        comparison->addRun(run);
    QStringList names;
    for (const QString &path : paths)
        names.append(QFileInfo(path).fileName());
    comparison->setWindowTitle(tr("%1 – ParViz").arg(names.join(QLatin1String(", "))));
}

std::vector<ActionShortcut> MainWindow::shortcuts() const
{
    std::vector<ActionShortcut> shortcuts = actionShortcuts(menuBar(), actions());
    // The comparison window's own, read from its actions whether or not it has been opened.
    std::unique_ptr<ComparisonWindow> unopened;
    const ComparisonWindow *comparison = m_comparison;
    if (!comparison) {
        unopened = std::make_unique<ComparisonWindow>();
        comparison = unopened.get();
    }
    for (ActionShortcut &shortcut : actionShortcuts(nullptr,
             comparison->findChildren<QAction *>(Qt::FindDirectChildrenOnly),
             tr("Comparison window")))
        shortcuts.push_back(std::move(shortcut));
    return shortcuts;
}

void MainWindow::showShortcuts()
{
    ShortcutsDialog dialog(shortcuts(), this);
    dialog.exec();
}

} // namespace parviz
