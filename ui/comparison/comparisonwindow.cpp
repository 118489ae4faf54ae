#include "comparison/comparisonwindow.h"

#include "charts/makespanbars.h"
#include "comparison/groundtruthtable.h"
#include "export/runjson.h"
#include "metrics/runmetrics.h"
#include "pictures/figures.h"
#include "pictures/picturefile.h"
#include "recentfiles.h"
#include "run/runsession.h"
#include "runcontroller.h"
#include "runstrategy.h"
#include "strategies/strategyregistry.h"
#include "timeline/ganttpainter.h"
#include "timeline/ganttview.h"
#include "timeline/timelinelegend.h"
#include "timeline/timelinemodel.h"
#include "timeline/timelinezoomcontrol.h"
#include "util/format.h"

#include <QAction>
#include <QApplication>
#include <QCloseEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QMessageBox>
#include <QPointer>
#include <QScrollArea>
#include <QStatusBar>
#include <QTextEdit>
#include <QTimer>
#include <QToolBar>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace parviz {

namespace {
// Rows a Gantt shows before it scrolls: enough for a pool, while seven stacked runs still fit
// on a screen. A thread per task scrolls its rows.
constexpr int MaxRowsShown = 10;

// "thread-pool", or "thread-pool (CPython 3.11.2)".
QString labelOf(const RunResult &run)
{
    return run.strategy.id.isEmpty() ? run.plan.strategy : run.label();
}

// A failure in one line: its first, and its last when there are more (a traceback's first line
// says how the program ended, its last what was raised).
QString shortMessage(const QString &message)
{
    const QStringList lines = message.trimmed().split(u'\n', Qt::SkipEmptyParts);
    if (lines.size() <= 1)
        return message.trimmed();
    return QStringLiteral("%1 … %2").arg(lines.front().trimmed(), lines.back().trimmed());
}

QString rowNounOf(const StrategyInfo &strategy)
{
    return strategy.rowPerTask() ? ComparisonWindow::tr("thread") : ComparisonWindow::tr("worker");
}
} // namespace

// A run's Gantt with its heading. The model is declared before the widgets so that they, which
// paint it, go first.
struct ComparisonWindow::Panel
{
    TimelineModel model;
    std::unique_ptr<QWidget> box;
    QLabel *title = nullptr;
    GanttView *view = nullptr;
    QString strategy;
    QString engine; // empty for ParViz
    QString label; // the strategy's id, and the engine when it is not ParViz
    QString heading; // the title as plain text
};

ComparisonWindow::ComparisonWindow(QWidget *parent)
    : QMainWindow(parent)
    , m_controller(new RunController(this))
    , m_zoom(new TimelineZoomControl(this))
{
    setWindowTitle(tr("Comparison – ParViz"));

    m_stop = new QAction(tr("S&top"), this);
    m_stop->setShortcut(QKeySequence(Qt::Key_Escape));
    m_stop->setToolTip(tr("Stop the comparison; the runs that finished stay (Esc)"));
    connect(m_stop, &QAction::triggered, this, &ComparisonWindow::stop);
    m_fit = new QAction(tr("&Fit"), this);
    m_fit->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_0));
    m_fit->setToolTip(tr("Show every run whole (double-click a timeline, or 0)"));
    connect(m_fit, &QAction::triggered, m_zoom, &TimelineZoomControl::fit);
    m_savePicture = new QAction(tr("Save &Picture…"), this);
    m_savePicture->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_S));
    m_savePicture->setToolTip(tr("Save the finished runs' Gantts, one above the other on one time "
                                 "scale, and their makespans as bars: PNG, SVG or PDF"));
    connect(m_savePicture, &QAction::triggered, this, &ComparisonWindow::chooseWhereToSavePicture);
    m_saveJson = new QAction(tr("Save Comparison &JSON…"), this);
    m_saveJson->setShortcut(QKeySequence::Save);
    m_saveJson->setToolTip(tr("Save the finished runs, every event included, as JSON"));
    connect(m_saveJson, &QAction::triggered, this, &ComparisonWindow::chooseWhereToSaveJson);
    auto *close = new QAction(tr("&Close"), this);
    close->setShortcut(QKeySequence::Close);
    connect(close, &QAction::triggered, this, &QWidget::close);
    addAction(close);

    auto *toolbar = addToolBar(tr("Comparison"));
    toolbar->setObjectName(QStringLiteral("comparisonToolbar"));
    toolbar->setToolButtonStyle(Qt::ToolButtonTextOnly);
    toolbar->setMovable(false);
    toolbar->addAction(m_stop);
    toolbar->addAction(m_fit);
    toolbar->addSeparator();
    toolbar->addAction(m_savePicture);
    toolbar->addAction(m_saveJson);

    auto *central = new QWidget;
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(6, 6, 6, 6);
    layout->addWidget(new TimelineLegend);

    // The Gantts, one above the other, in a scroll area of their own: each keeps the height of
    // its rows, so that a row is as tall in every run.
    m_stack = new QWidget;
    m_stackLayout = new QVBoxLayout(m_stack);
    m_stackLayout->setContentsMargins(0, 0, 0, 0);
    m_stackLayout->setSpacing(8);
    m_stackLayout->addStretch(1);
    m_scroll = new QScrollArea;
    m_scroll->setWidget(m_stack);
    m_scroll->setWidgetResizable(true);
    m_scroll->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    m_scroll->setFrameShape(QFrame::NoFrame);
    layout->addWidget(m_scroll, 1);

    // Under the Gantts: the makespans, and beside them, for ParViz against CPython, the table
    // of their numbers. Side by side, the Gantts keep the height of their rows.
    auto *bottom = new QHBoxLayout;
    auto *barsColumn = new QVBoxLayout;
    m_barsTitle = new QLabel(tr("<b>Makespan</b> (shorter is better)"));
    barsColumn->addWidget(m_barsTitle);
    m_bars = new MakespanBars;
    barsColumn->addWidget(m_bars);
    barsColumn->addStretch(1); // the bars under their title, however tall the table beside them
    bottom->addLayout(barsColumn, 1);
    m_truthBox = new QWidget;
    auto *truthColumn = new QVBoxLayout(m_truthBox);
    truthColumn->setContentsMargins(0, 0, 0, 0);
    auto *truthTitle = new QLabel(tr("<b>ParViz and CPython</b> (one after the other; "
                                     "ratio = CPython / ParViz)"));
    truthColumn->addWidget(truthTitle);
    m_truth = new GroundTruthTable;
    truthColumn->addWidget(m_truth);
    m_truthBox->hide();
    bottom->addWidget(m_truthBox, 1, Qt::AlignTop);
    layout->addLayout(bottom);
    // What the Gantts (stretched up to the height they need) and the makespans leave, under them.
    layout->addStretch(0);
    setCentralWidget(central);

    connect(m_controller, &RunController::runStarted, this, &ComparisonWindow::onRunStarted);
    connect(m_controller, &RunController::frame, this, &ComparisonWindow::onFrame);
    connect(m_controller, &RunController::runFinished, this, &ComparisonWindow::onRunFinished);

    if (parent)
        resize(parent->size() * 0.85);
    else
        resize(1200, 860);
    updateActions();
}

// The panels' widgets go before the window's children are deleted, and each before its model.
ComparisonWindow::~ComparisonWindow() = default;

GanttView *ComparisonWindow::gantt(int index) const
{
    return m_panels.at(static_cast<std::size_t>(index))->view;
}

const TimelineModel &ComparisonWindow::timeline(int index) const
{
    return m_panels.at(static_cast<std::size_t>(index))->model;
}

QString ComparisonWindow::heading(int index) const
{
    return m_panels.at(static_cast<std::size_t>(index))->heading;
}

void ComparisonWindow::compare(std::vector<RunPlan> plans)
{
    std::vector<PlannedRun> runs;
    for (RunPlan &plan : plans)
        runs.push_back({std::move(plan), {}, {}});
    compare(std::move(runs));
}

void ComparisonWindow::compare(std::vector<PlannedRun> runs)
{
    if (m_running)
        return;
    clear();
    if (!runs.empty())
        setWindowTitle(tr("Comparison: %1 – ParViz").arg(workLabel(runs.front().plan)));
    m_schedule = ComparisonSchedule(std::move(runs));
    setRunning(true);
    startNext();
}

void ComparisonWindow::addRun(const RunResult &run)
{
    if (m_running)
        return;
    Panel &panel = addPanel(run.plan.strategy, run.engine);
    panel.label = labelOf(run); // a traced program's run is named by its program
    m_schedule.record(run);
    showFinished(panel, runs().back());
    updateTimeAxis();
    updateHeadings();
    updateBars();
    updateTruthTable();
    updateActions();
}

void ComparisonWindow::clear()
{
    if (m_running)
        return;
    m_panels.clear();
    m_schedule = ComparisonSchedule();
    m_zoom->setEnd(0);
    m_zoom->fit();
    fitStack();
    updateBars();
    updateTruthTable();
    updateActions();
}

void ComparisonWindow::stop()
{
    if (!m_running)
        return;
    m_schedule.stop();
    m_controller->stop();
}

void ComparisonWindow::startNext()
{
    const auto next = m_schedule.takeNext();
    if (!next) {
        setRunning(false);
        const int notRun = m_schedule.runsNotRun();
        if (std::any_of(runs().begin(), runs().end(), [](const RunResult &run) {
                return run.error.has_value();
            }))
            reportFailures();
        else if (m_schedule.stopped())
            statusBar()->showMessage(notRun > 0
                    ? tr("Stopped: %1 did not run").arg(countOf(notRun, "strategy", "strategies"))
                    : tr("Stopped"));
        else if (const auto best = m_schedule.fastest())
            statusBar()->showMessage(
                tr("Done: %1 was fastest, in %2")
                    .arg(labelOf(runs()[*best]), formatDuration(runs()[*best].metrics.makespanNs)));
        else
            statusBar()->showMessage(tr("Done"));
        emit finished();
        return;
    }
    m_liveEngine = next->engine;
    m_controller->run(next->session());
}

void ComparisonWindow::onRunStarted(const RunPlan &plan)
{
    m_liveTasks = plan.tasks;
    m_liveElapsedNs = 0;
    Panel &panel = addPanel(plan.strategy, m_liveEngine);
    // The plan's own bound is known now; the measured one replaces it at the end.
    panel.view->setLowerBound(plannedLowerBoundNs(*plan.tasks, laneCountOf(plan)));
    updateHeadings();
    updateBars();
    // Once the stack has made room for the new Gantt: bring it into view.
    QTimer::singleShot(0, this, [this, box = QPointer<QWidget>(panel.box.get())] {
        if (box)
            m_scroll->ensureWidgetVisible(box);
    });
    statusBar()->showMessage(
        tr("Run %1 of %2: %3 on %4…")
            .arg(runs().size() + 1)
            .arg(runsPlanned())
            .arg(panel.label,
                strategyOf(plan).rowPerTask() ? countOf(laneCountOf(plan), "thread", "threads")
                                              : countOf(laneCountOf(plan), "worker", "workers")));
}

void ComparisonWindow::onFrame(const std::shared_ptr<const TraceSnapshot> &snapshot)
{
    if (m_panels.size() <= runs().size())
        return; // no run of ours under way
    Panel &panel = *m_panels.back();
    panel.model.setTrace(snapshot, m_liveTasks, true);
    fitPanel(panel);
    panel.view->refresh();
    m_liveElapsedNs = snapshot->takenAtNs();
    updateTimeAxis();
    updateHeadings();
    updateBars();
}

void ComparisonWindow::onRunFinished(const RunResult &run)
{
    if (m_panels.size() <= runs().size())
        return;
    m_schedule.record(run);
    showFinished(*m_panels.back(), runs().back());
    m_liveTasks.reset();
    updateTimeAxis();
    updateHeadings();
    updateBars();
    updateTruthTable();
    startNext();
}

ComparisonWindow::Panel &ComparisonWindow::addPanel(
    const QString &strategyId, const QString &engine)
{
    auto panel = std::make_unique<Panel>();
    panel->strategy = strategyId;
    panel->engine = engine;
    panel->label =
        engine.isEmpty() ? strategyId : QStringLiteral("%1 (%2)").arg(strategyId, engine);
    panel->model.setRowNoun(rowNounOf(strategyOf(strategyId)));
    panel->box = std::make_unique<QWidget>();
    auto *layout = new QVBoxLayout(panel->box.get());
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(2);
    panel->title = new QLabel;
    panel->title->setTextFormat(Qt::RichText);
    // Wrapped: a long error must not widen the stack beyond the window, which would cut off
    // the time axis's end.
    panel->title->setWordWrap(true);
    layout->addWidget(panel->title);
    panel->view = new GanttView(&panel->model, m_zoom);
    panel->view->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);
    layout->addWidget(panel->view);
    m_stackLayout->insertWidget(m_stackLayout->count() - 1, panel->box.get());
    m_panels.push_back(std::move(panel));
    fitPanel(*m_panels.back());
    return *m_panels.back();
}

void ComparisonWindow::showFinished(Panel &panel, const RunResult &run)
{
    panel.model.setRowNoun(rowNounOf(strategyOf(run)));
    panel.model.setTrace(run.trace, run.plan.tasks, false);
    panel.view->setLowerBound(run.trace ? run.metrics.lowerBoundNs : -1);
    fitPanel(panel);
    panel.view->refresh();
}

void ComparisonWindow::fitPanel(Panel &panel)
{
    const int rows = std::clamp(panel.model.rowCount(), 1, MaxRowsShown);
    panel.view->setFixedHeight(
        GanttStyle::AxisHeight + rows * GanttStyle::RowHeight + 2 * panel.view->frameWidth());
    // Every Gantt must map time to the same width: all have a scroll bar for their rows, or
    // none has.
    const bool scrolls = std::any_of(m_panels.begin(), m_panels.end(), [](const auto &each) {
        return each->model.rowCount() > MaxRowsShown;
    });
    for (const auto &each : m_panels)
        each->view->setVerticalScrollBarPolicy(
            scrolls ? Qt::ScrollBarAlwaysOn : Qt::ScrollBarAlwaysOff);
    fitStack();
}

void ComparisonWindow::fitStack()
{
    // The Gantts take the height they need, up to what the window has: the makespans follow
    // the last of them at once, and the room left over stays under the makespans. Summed here
    // rather than asked of the layout, whose answer lags a heading that just wrapped anew.
    const int width = m_scroll->viewport()->width();
    int needed = 0;
    for (const auto &panel : m_panels) {
        const int title = width > 0 && panel->title->hasHeightForWidth()
            ? panel->title->heightForWidth(width)
            : panel->title->sizeHint().height();
        needed += title + panel->box->layout()->spacing() + panel->view->minimumHeight();
    }
    if (!m_panels.empty())
        needed += m_stackLayout->spacing() * (static_cast<int>(m_panels.size()) - 1);
    m_scroll->setMaximumHeight(needed + 2 * m_scroll->frameWidth());
}

void ComparisonWindow::resizeEvent(QResizeEvent *event)
{
    QMainWindow::resizeEvent(event);
    fitStack(); // headings wrap anew
}

void ComparisonWindow::updateTimeAxis()
{
    // Each Gantt's refresh() sets the shared axis to its own run's end; the axis must span the
    // longest run, so that every run is drawn on the same scale.
    std::int64_t endNs = 0;
    for (const auto &panel : m_panels)
        endNs = std::max(endNs, panel->model.endNs());
    m_zoom->setEnd(endNs);
}

void ComparisonWindow::updateHeadings()
{
    for (std::size_t i = 0; i < m_panels.size(); ++i) {
        Panel &panel = *m_panels[i];
        QStringList parts;
        if (i < runs().size()) {
            // A run from elsewhere names itself; ParViz's own runs are in the registry too.
            const RunResult &run = runs()[i];
            const RunMetrics &m = run.metrics;
            if (!run.strategy.name.isEmpty())
                parts << run.strategy.name;
            parts << rowsOf(run);
            if (m.makespanNs > 0)
                parts << tr("makespan %1 (bound %2)")
                             .arg(formatDuration(m.makespanNs), formatDuration(m.lowerBoundNs));
            if (run.error)
                parts << tr("failed: %1").arg(shortMessage(run.error->message));
            else if (run.stopped)
                parts << tr("interrupted: %1 of %2 tasks done")
                             .arg(m.tasksCompleted)
                             .arg(run.plan.tasks ? run.plan.tasks->size() : 0);
            else if (m_schedule.baseline() && ComparisonSchedule::isParVizSequential(run))
                parts << tr("the baseline for the speedups");
            else if (m_schedule.baseline())
                parts << tr("speedup %1x vs sequential").arg(m.speedup, 0, 'f', 2);
            else
                parts << tr("speedup %1x against the work").arg(m.speedup, 0, 'f', 2);
        } else {
            if (const StrategyEntry *entry = findStrategy(panel.strategy))
                parts << entry->info.name;
            if (!panel.engine.isEmpty())
                parts << tr("in %1").arg(panel.engine);
            QString running = tr("running… %1").arg(formatDuration(m_liveElapsedNs));
            if (const TraceSnapshot *trace = panel.model.trace(); trace && m_liveTasks)
                running += tr(", %1 of %2 tasks done")
                               .arg(trace->completedTasks())
                               .arg(m_liveTasks->size());
            parts << running;
        }
        const QString details = parts.join(QStringLiteral(" · "));
        const QString heading = QStringLiteral("%1 · %2").arg(panel.label, details);
        if (heading == panel.heading)
            continue;
        panel.heading = heading;
        panel.title->setText(QStringLiteral("<b>%1</b> · %2")
                                 .arg(panel.label.toHtmlEscaped(), details.toHtmlEscaped()));
    }
    fitStack();
}

void ComparisonWindow::updateBars()
{
    std::vector<MakespanBars::Entry> entries;
    for (const RunResult &run : runs())
        entries.push_back(MakespanBars::entryOf(run));
    if (m_panels.size() > runs().size()) {
        MakespanBars::Entry live;
        live.label = m_panels.back()->label;
        live.makespanNs = m_liveElapsedNs;
        live.state = MakespanBars::State::Running;
        entries.push_back(live);
    }
    m_bars->setEntries(std::move(entries));
}

void ComparisonWindow::updateTruthTable()
{
    const auto pair = m_schedule.truthPair();
    if (pair)
        m_truth->setLines(
            runs()[pair->first].label(), runs()[pair->second].label(), m_schedule.truthLines());
    m_truthBox->setVisible(pair.has_value());
}

void ComparisonWindow::reportFailures()
{
    const auto failed = std::find_if(
        runs().begin(), runs().end(), [](const RunResult &run) { return run.error.has_value(); });
    if (failed == runs().end())
        return;
    const QString label = labelOf(*failed);
    const QString message = failed->error->message;
    statusBar()->showMessage(tr("%1 failed: %2").arg(label, shortMessage(message)));
    if (QApplication::platformName().startsWith(QLatin1String("offscreen")))
        return; // headless: no one to press OK
    // After the signal that ended the comparison has returned: a modal box must not run its
    // event loop inside the run controller's handlers.
    QTimer::singleShot(0, this, [this, label, message] {
        QMessageBox box(QMessageBox::Warning,
            tr("The run failed"),
            tr("%1 failed.").arg(label),
            QMessageBox::Ok,
            this);
        box.setInformativeText(shortMessage(message));
        // A Python traceback, whole, in the font it was written for.
        box.setDetailedText(message);
        if (auto *details = box.findChild<QTextEdit *>())
            details->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
        box.exec();
    });
}

void ComparisonWindow::updateActions()
{
    m_stop->setEnabled(m_running);
    m_savePicture->setEnabled(!m_running && !runs().empty());
    m_saveJson->setEnabled(!m_running && !runs().empty());
}

void ComparisonWindow::setRunning(bool running)
{
    if (running == m_running)
        return;
    m_running = running;
    updateActions();
    emit runningChanged(running);
}

Result<void> ComparisonWindow::savePicture(const QString &path, const QString &filter)
{
    if (runs().empty())
        return Error{QStringLiteral("no-runs"), tr("there is no finished run to draw")};
    // The figure parviz-cli compare draws, at the width and in the theme of Preferences.
    return saveGanttFigure(runs(), pictureTarget(path, filter), FigureStyle::fromSettings());
}

Result<void> ComparisonWindow::saveJson(const QString &path)
{
    if (runs().empty())
        return Error{QStringLiteral("no-runs"), tr("there is no finished run to save")};
    auto saved = saveComparisonJson(runs(), path);
    if (saved)
        RecentFiles::remember(path); // File > Open Recent opens it here again
    return saved;
}

QString ComparisonWindow::pictureBaseName() const
{
    if (runs().empty())
        return QStringLiteral("comparison");
    const RunResult &first = runs().front();
    const bool sameWorkers = std::all_of(runs().begin(), runs().end(), [&](const RunResult &run) {
        return run.workers == first.workers;
    });
    return parviz::pictureBaseName(QStringLiteral("comparison"),
        first.plan.workload,
        sameWorkers ? QString::number(first.workers) : QString());
}

void ComparisonWindow::chooseWhereToSavePicture()
{
    QString filter;
    const QString path =
        askWhereToSavePicture(this, tr("Save Picture"), pictureBaseName(), &filter);
    if (path.isEmpty())
        return;
    if (auto saved = savePicture(path, filter); !saved)
        QMessageBox::warning(this, tr("Could not save the picture"), saved.error().message);
    else
        statusBar()->showMessage(tr("Saved %1").arg(pictureTarget(path, filter).path), 5000);
}

void ComparisonWindow::chooseWhereToSaveJson()
{
    // ".parviz.json": a file manager knows it as ParViz's (resources/parviz.xml) and opens it
    // with ParViz, which shows it here again.
    const QString path = QFileDialog::getSaveFileName(this,
        tr("Save Comparison JSON"),
        QStringLiteral("comparison.parviz.json"),
        tr("ParViz comparison (*.parviz.json *.json)"));
    if (path.isEmpty())
        return;
    QApplication::setOverrideCursor(Qt::WaitCursor);
    auto saved = saveJson(path);
    QApplication::restoreOverrideCursor();
    if (!saved) {
        QMessageBox::warning(this, tr("Could not save the comparison"), saved.error().message);
        return;
    }
    statusBar()->showMessage(tr("Saved %1").arg(QFileInfo(path).fileName()), 5000);
}

void ComparisonWindow::closeEvent(QCloseEvent *event)
{
    stop(); // what finished stays, to be seen again
    event->accept();
}

} // namespace parviz
