#include "panels/workloadpanel.h"

#include "run/planning.h"
#include "strategies/strategyregistry.h"

#include <QButtonGroup>
#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFontDatabase>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QRadioButton>
#include <QSettings>
#include <QSlider>
#include <QSpinBox>
#include <QStackedWidget>
#include <QStandardItemModel>
#include <QVBoxLayout>

#include <cmath>
#include <limits>
#include <optional>

namespace parviz {

namespace {

constexpr double UnitNs[] = {1e3, 1e6, 1e9}; // µs, ms, s: the unit combo's order
enum Distribution { Fixed, Uniform, Exponential, List };

QDoubleSpinBox *durationBox(double value)
{
    auto *box = new QDoubleSpinBox;
    box->setRange(0.0, 1'000'000.0);
    box->setDecimals(3);
    box->setValue(value);
    box->setAccelerated(true);
    return box;
}

QWidget *row(std::initializer_list<QWidget *> widgets)
{
    auto *container = new QWidget;
    auto *layout = new QHBoxLayout(container);
    layout->setContentsMargins(0, 0, 0, 0);
    for (QWidget *widget : widgets)
        layout->addWidget(widget);
    return container;
}

// A choice listed but not to be chosen, its tooltip saying why; or chosen freely again.
void setChoiceAvailable(QComboBox *combo, int index, const QString &whyNot)
{
    auto *model = qobject_cast<QStandardItemModel *>(combo->model());
    if (QStandardItem *item = model ? model->item(index) : nullptr)
        item->setEnabled(whyNot.isEmpty());
    combo->setItemData(index, whyNot.isEmpty() ? QVariant() : QVariant(whyNot), Qt::ToolTipRole);
}

} // namespace

WorkloadPanel::WorkloadPanel(QWidget *parent)
    : QWidget(parent)
    , m_cpus(parviz::logicalCpus()) // the engine's: this class has a logicalCpus() of its own
{
    auto *layout = new QVBoxLayout(this);
    layout->addWidget(createTasksGroup());
    layout->addWidget(createWorkersGroup());
    layout->addWidget(createStrategyGroup());
    layout->addWidget(createProblemLabel());
    layout->addStretch();
    collectInputs();
    connectInputs();
    updateDependentInputs();
}

QGroupBox *WorkloadPanel::createTasksGroup()
{
    auto *tasksGroup = new QGroupBox(tr("Tasks"));
    auto *tasksForm = new QFormLayout(tasksGroup);
    m_tasks = new QSpinBox;
    m_tasks->setRange(1, WorkloadSpec::MaxTasks);
    m_tasks->setValue(300);
    m_tasks->setGroupSeparatorShown(true);
    m_tasks->setToolTip(tr("How many tasks to run, 1 to 1,000,000."));
    tasksForm->addRow(tr("&Tasks:"), m_tasks);

    m_kind = new QComboBox;
    m_kind->addItem(tr("sleep: waiting, like I/O"), int(TaskKind::Sleep));
    m_kind->addItem(tr("cpu: computing"), int(TaskKind::Cpu));
    m_kind->addItem(tr("mixed: waits, then computes"), int(TaskKind::Mixed));
    m_kind->setToolTip(
        tr("Sleeping tasks wait, as time.sleep() or a network call does: many of them overlap "
           "even on one core. CPU tasks do real arithmetic, calibrated to take their "
           "duration on an idle core: they only overlap as far as there are cores."));
    tasksForm->addRow(tr("&Kind:"), m_kind);
    tasksForm->addRow(tr("&GIL:"), createGilChoice());
    m_ioShare = new QSpinBox;
    m_ioShare->setRange(0, 100);
    m_ioShare->setSuffix(QStringLiteral(" %"));
    m_ioShare->setValue(50);
    m_ioShare->setToolTip(tr("The share of each mixed task spent waiting; the rest is computing."));
    m_ioShareLabel = new QLabel(tr("&Waiting share:"));
    m_ioShareLabel->setBuddy(m_ioShare);
    tasksForm->addRow(m_ioShareLabel, m_ioShare);

    m_distribution = new QComboBox;
    m_distribution->addItems(
        {tr("all the same"), tr("uniform between"), tr("exponential, mean"), tr("a list")});
    m_distribution->setToolTip(
        tr("How long the tasks take: all alike, spread evenly between two bounds, "
           "exponential around a mean (a few long ones), or an explicit list "
           "repeated over the tasks, such as the seed's 0.1 s, 1 s, 0.3 s."));
    tasksForm->addRow(tr("&Durations:"), m_distribution);
    tasksForm->addRow(QString(), createDurationInputs());

    m_seed = new QSpinBox;
    m_seed->setRange(0, std::numeric_limits<int>::max());
    m_seed->setValue(1);
    m_seed->setToolTip(
        tr("Random durations come from this seed: the same seed gives the same tasks."));
    tasksForm->addRow(tr("S&eed:"), m_seed);
    return tasksGroup;
}

QComboBox *WorkloadPanel::createGilChoice()
{
    m_gil = new QComboBox;
    m_gil->setObjectName(QStringLiteral("gil"));
    const QString held = tr("Only the thread that holds the GIL runs Python code, so threads "
                            "take turns on CPU work.");
    const QString released = tr("The code lets go of the GIL while it computes, as hashlib and "
                                "NumPy do, so threads use every core.");
    const QString none = tr("A free-threaded CPython (3.13t) has no GIL at all.");
    m_gil->addItem(tr("held (pure Python)"), int(TaskGil::Held));
    m_gil->setItemData(0, held, Qt::ToolTipRole);
    m_gil->addItem(tr("released (hashlib, NumPy)"), int(TaskGil::Released));
    m_gil->setItemData(1, released, Qt::ToolTipRole);
    m_gil->addItem(tr("none (free-threaded)"), int(TaskGil::None));
    m_gil->setItemData(2, none, Qt::ToolTipRole);
    m_gil->setToolTip(tr("What the tasks' code does with CPython's global interpreter lock.<br>"
                         "<b>held</b>: %1<br><b>released</b>: %2<br><b>none</b>: %3<br>"
                         "Sleeps and I/O release the GIL in every case, and worker processes "
                         "each have a GIL of their own.")
                          .arg(held, released, none));
    return m_gil;
}

QWidget *WorkloadPanel::createDurationInputs()
{
    m_fixed = durationBox(10.0);
    m_fixed->setToolTip(tr("How long each task takes."));
    m_uniformFrom = durationBox(5.0);
    m_uniformFrom->setToolTip(tr("The shortest task."));
    m_uniformTo = durationBox(15.0);
    m_uniformTo->setToolTip(tr("The longest task."));
    m_mean = durationBox(10.0);
    m_mean->setToolTip(tr("The mean duration."));
    m_list = new QLineEdit(QStringLiteral("0.1s, 1s, 0.3s"));
    m_list->setToolTip(tr("Durations separated by commas, each with its unit (ns, us, ms, s), "
                          "repeated over the tasks."));
    m_durationInputs = new QStackedWidget;
    m_durationInputs->addWidget(row({m_fixed}));
    m_durationInputs->addWidget(row({m_uniformFrom, new QLabel(tr("to")), m_uniformTo}));
    m_durationInputs->addWidget(row({m_mean}));
    m_durationInputs->addWidget(row({m_list}));
    m_unit = new QComboBox;
    m_unit->addItems({QStringLiteral("µs"), QStringLiteral("ms"), QStringLiteral("s")});
    m_unit->setCurrentIndex(1);
    m_unit->setToolTip(tr("The unit of the durations."));
    return row({m_durationInputs, m_unit});
}

QGroupBox *WorkloadPanel::createWorkersGroup()
{
    auto *workersGroup = new QGroupBox(tr("Workers"));
    auto *workersLayout = new QVBoxLayout(workersGroup);
    m_byFraction = new QRadioButton(tr("A &share of the CPUs"));
    m_byFraction->setToolTip(
        tr("max(1, floor(share x logical CPUs)), as the seed's "
           "max_workers=int(0.8 * cpu_count()). Above 100% there are more workers "
           "than cores: pointless for computing, the point for waiting."));
    m_fraction = new QSlider(Qt::Horizontal);
    m_fraction->setRange(1, 80); // steps of 5%: 5% .. 400%
    m_fraction->setValue(16);
    m_fraction->setPageStep(4);
    m_fraction->setToolTip(m_byFraction->toolTip());
    m_fractionLabel = new QLabel;
    m_fractionLabel->setWordWrap(true);
    m_exactly = new QRadioButton(tr("E&xactly"));
    m_exactly->setToolTip(tr("A worker count of your own, 1 to 1,024."));
    m_workerCount = new QSpinBox;
    m_workerCount->setRange(1, WorkerCount::MaxWorkers);
    m_workerCount->setValue(8);
    m_workerCount->setSuffix(tr(" workers"));
    // "1 worker", not "1 workers".
    connect(m_workerCount, &QSpinBox::valueChanged, m_workerCount, [this](int count) {
        m_workerCount->setSuffix(count == 1 ? tr(" worker") : tr(" workers"));
    });
    m_workerCount->setToolTip(m_exactly->toolTip());
    // Until a person chooses, 8 workers: enough to watch tasks overlap on any machine.
    m_exactly->setChecked(true);
    auto *choice = new QButtonGroup(this);
    choice->addButton(m_byFraction);
    choice->addButton(m_exactly);
    workersLayout->addWidget(m_byFraction);
    workersLayout->addWidget(m_fraction);
    workersLayout->addWidget(m_fractionLabel);
    workersLayout->addWidget(row({m_exactly, m_workerCount}));
    m_workersNote = new QLabel;
    m_workersNote->setWordWrap(true);
    workersLayout->addWidget(m_workersNote);
    return workersGroup;
}

QGroupBox *WorkloadPanel::createStrategyGroup()
{
    auto *strategyGroup = new QGroupBox(tr("Strategy"));
    auto *strategyLayout = new QVBoxLayout(strategyGroup);
    m_strategy = new QComboBox;
    for (const StrategyEntry &entry : strategyRegistry())
        m_strategy->addItem(entry.info.name, entry.info.id);
    m_strategy->setCurrentIndex(m_strategy->findData(QStringLiteral("thread-pool")));
    m_strategy->setToolTip(
        tr("How the tasks are run in parallel. Each one mirrors a way of doing it in Python."));
    // Opening the choice is the moment to find out whether CPython can run a Dask cluster.
    m_strategy->installEventFilter(this);
    strategyLayout->addWidget(m_strategy);
    m_mirrors = new QLabel;
    m_mirrors->setWordWrap(true);
    m_mirrors->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_mirrors->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_mirrors->setToolTip(tr("The Python this strategy mirrors."));
    strategyLayout->addWidget(m_mirrors);
    m_explanation = new QLabel;
    m_explanation->setWordWrap(true);
    m_explanation->setToolTip(tr("What the strategy does, and what to look for in the timeline."));
    strategyLayout->addWidget(m_explanation);

    strategyLayout->addLayout(createOptionsForm());
    return strategyGroup;
}

QFormLayout *WorkloadPanel::createOptionsForm()
{
    auto *optionsForm = new QFormLayout;
    m_chunkSize = new QSpinBox;
    m_chunkSize->setRange(1, WorkloadSpec::MaxTasks);
    m_chunkSize->setToolTip(
        tr("Tasks handed to a worker at once, as executor.map(f, tasks, chunksize=C). "
           "Bigger chunks: fewer hand-overs, a lumpier end."));
    m_chunkRow = row({new QLabel(tr("Chunk size:")), m_chunkSize});
    optionsForm->addRow(m_chunkRow);
    m_switchInterval = new QDoubleSpinBox;
    m_switchInterval->setRange(0.001, 10'000.0);
    m_switchInterval->setDecimals(3);
    m_switchInterval->setValue(5.0);
    m_switchInterval->setSuffix(QStringLiteral(" ms"));
    m_switchInterval->setToolTip(
        tr("How long a thread waits for the GIL before it asks the holder to let go: "
           "sys.setswitchinterval(), 5 ms by default."));
    m_switchRow = row({new QLabel(tr("Switch interval:")), m_switchInterval});
    m_switchRow->setObjectName(QStringLiteral("switchIntervalRow"));
    optionsForm->addRow(m_switchRow);
    m_onWorkerDeath = new QComboBox;
    m_onWorkerDeath->addItem(tr("fail the run"), int(StrategyOptions::WorkerDeath::Fail));
    m_onWorkerDeath->addItem(
        tr("restart it, run its tasks again"), int(StrategyOptions::WorkerDeath::Restart));
    m_onWorkerDeath->setToolTip(
        tr("What a worker process that dies does to the run: fail it, as "
           "ProcessPoolExecutor's BrokenProcessPool, or replace the worker."));
    m_deathRow = row({new QLabel(tr("If a worker dies:")), m_onWorkerDeath});
    optionsForm->addRow(m_deathRow);
    m_backend = new QComboBox;
    m_backend->setObjectName(QStringLiteral("backend"));
    m_backend->addItem(tr("loky (worker processes)"), int(JoblibBackend::Loky));
    m_backend->addItem(tr("threading (threads)"), int(JoblibBackend::Threading));
    m_backend->addItem(tr("dask (a Dask cluster)"), int(JoblibBackend::Dask));
    m_backend->setToolTip(
        tr("Where joblib runs its batches: loky, its default, in worker processes that stay "
           "alive for the next run, so only the first run shows them start; threading, on "
           "threads of this process that share its GIL; dask, on the threads of a Dask "
           "cluster's workers, one Dask task per batch, run by CPython."));
    m_backendRow = row({new QLabel(tr("Backend:")), m_backend});
    optionsForm->addRow(m_backendRow);
    addClusterRows(optionsForm);
    m_join = new QCheckBox(tr("Wait for the workers (join)"));
    m_join->setObjectName(QStringLiteral("join"));
    m_join->setChecked(true);
    m_join->setToolTip(
        tr("Whether the caller waits for its workers, as join() or leaving the executor's "
           "'with' block does. Without it, the main row ends as soon as everything is started: "
           "the seed's program that 'finishes' in 0.01 s while its processes still run."));
    optionsForm->addRow(m_join);
    return optionsForm;
}

void WorkloadPanel::addClusterRows(QFormLayout *form)
{
    m_threadsPerWorker = new QSpinBox;
    m_threadsPerWorker->setObjectName(QStringLiteral("threadsPerWorker"));
    m_threadsPerWorker->setRange(1, 256);
    m_threadsPerWorker->setValue(StrategyOptions{}.threadsPerWorker);
    m_threadsPerWorker->setToolTip(
        tr("The threads of each Dask worker process, as LocalCluster(threads_per_worker=T): a "
           "row each. Threads of one worker share its GIL; for an existing cluster, what its "
           "workers have."));
    m_threadsRow = row({new QLabel(tr("Threads per worker:")), m_threadsPerWorker});
    m_threadsRow->setObjectName(QStringLiteral("threadsPerWorkerRow"));
    form->addRow(m_threadsRow);
    m_scheduler = new QLineEdit;
    m_scheduler->setObjectName(QStringLiteral("daskScheduler"));
    m_scheduler->setPlaceholderText(tr("empty: a LocalCluster on this machine"));
    m_scheduler->setClearButtonEnabled(true);
    m_scheduler->setToolTip(
        tr("The scheduler of a Dask cluster that is already running, as tcp://HOST:PORT "
           "(dask-scheduler prints it); the run uses its workers and leaves the cluster "
           "running. Empty: ParViz starts a LocalCluster on this machine for the run, with "
           "the workers above, and shuts it down after it."));
    m_schedulerRow = row({new QLabel(tr("Scheduler:")), m_scheduler});
    m_schedulerRow->setObjectName(QStringLiteral("daskSchedulerRow"));
    form->addRow(m_schedulerRow);
}

QLabel *WorkloadPanel::createProblemLabel()
{
    m_problem = new QLabel;
    m_problem->setWordWrap(true);
    m_problem->setStyleSheet(QStringLiteral("color: #D55E00; font-weight: bold;"));
    m_problem->hide();
    return m_problem;
}

void WorkloadPanel::collectInputs()
{
    m_inputs = {m_tasks,
        m_kind,
        m_gil,
        m_ioShare,
        m_distribution,
        m_durationInputs,
        m_unit,
        m_seed,
        m_byFraction,
        m_fraction,
        m_exactly,
        m_workerCount,
        m_strategy,
        m_chunkSize,
        m_switchInterval,
        m_onWorkerDeath,
        m_backend,
        m_join,
        m_threadsPerWorker,
        m_scheduler};
}

void WorkloadPanel::connectInputs()
{
    auto changedSignal = [this](auto *widget, auto signal) {
        connect(widget, signal, this, &WorkloadPanel::onChanged);
    };
    changedSignal(m_tasks, &QSpinBox::valueChanged);
    changedSignal(m_kind, &QComboBox::currentIndexChanged);
    changedSignal(m_gil, &QComboBox::currentIndexChanged);
    changedSignal(m_ioShare, &QSpinBox::valueChanged);
    changedSignal(m_distribution, &QComboBox::currentIndexChanged);
    for (QDoubleSpinBox *box : {m_fixed, m_uniformFrom, m_uniformTo, m_mean, m_switchInterval})
        changedSignal(box, &QDoubleSpinBox::valueChanged);
    changedSignal(m_unit, &QComboBox::currentIndexChanged);
    changedSignal(m_list, &QLineEdit::textChanged);
    changedSignal(m_seed, &QSpinBox::valueChanged);
    changedSignal(m_byFraction, &QRadioButton::toggled);
    changedSignal(m_fraction, &QSlider::valueChanged);
    changedSignal(m_workerCount, &QSpinBox::valueChanged);
    changedSignal(m_strategy, &QComboBox::currentIndexChanged);
    changedSignal(m_chunkSize, &QSpinBox::valueChanged);
    changedSignal(m_onWorkerDeath, &QComboBox::currentIndexChanged);
    changedSignal(m_backend, &QComboBox::currentIndexChanged);
    changedSignal(m_join, &QCheckBox::toggled);
    changedSignal(m_threadsPerWorker, &QSpinBox::valueChanged);
    changedSignal(m_scheduler, &QLineEdit::textChanged);
}

void WorkloadPanel::setLogicalCpus(int cpus)
{
    m_cpus = std::max(1, cpus);
    onChanged();
}

void WorkloadPanel::onChanged()
{
    updateDependentInputs();
    emit changed();
}

void WorkloadPanel::updateDependentInputs()
{
    const auto kind = static_cast<TaskKind>(m_kind->currentData().toInt());
    m_ioShare->setVisible(kind == TaskKind::Mixed);
    m_ioShareLabel->setVisible(kind == TaskKind::Mixed);
    m_durationInputs->setCurrentIndex(m_distribution->currentIndex());
    m_unit->setVisible(m_distribution->currentIndex() != List);
    const StrategyEntry *chosen = findStrategy(strategyId());
    const bool usesWorkers = chosen && chosen->info.usesWorkerCount;
    m_fraction->setEnabled(usesWorkers && m_byFraction->isChecked() && m_inputsEnabled);
    m_workerCount->setEnabled(usesWorkers && m_exactly->isChecked() && m_inputsEnabled);
    m_byFraction->setEnabled(usesWorkers && m_inputsEnabled);
    m_exactly->setEnabled(usesWorkers && m_inputsEnabled);
    m_workersNote->setVisible(!usesWorkers);
    m_workersNote->setText(chosen && chosen->info.workers == WorkerKind::Caller
            ? tr("A plain loop runs on one worker: the calling thread.")
            : tr("A thread per task: there are as many workers as tasks."));
    m_fractionLabel->setText(WorkerCount::ofCpus(m_fraction->value() * 0.05).describe(m_cpus));

    const QString id = strategyId();
    const StrategyEntry *entry = findStrategy(id);
    m_mirrors->setText(entry ? entry->info.mirrors : QString());
    m_explanation->setText(entry ? entry->info.explanation : QString());
    m_chunkRow->setVisible(entry && entry->info.chunks());
    // The switch interval is how threads of one process hand the GIL over: it matters wherever
    // the workers are threads and there is a GIL to hand over.
    const WorkerKind workerKind = entry ? entry->info.workersWith(options()) : WorkerKind::Caller;
    m_switchRow->setVisible(workerKind == WorkerKind::Threads && gil() != TaskGil::None);
    m_deathRow->setVisible(workerKind == WorkerKind::Processes);
    m_backendRow->setVisible(entry && entry->info.handOut == HandOut::AutoBatches);
    m_threadsRow->setVisible(workerKind == WorkerKind::Cluster);
    m_schedulerRow->setVisible(workerKind == WorkerKind::Cluster);
    // A Dask program always waits for its futures (as_completed, gather): there is no start
    // without a wait to show.
    m_join->setVisible(entry && entry->info.hasCaller && workerKind != WorkerKind::Cluster);

    const auto valid = validate();
    m_problem->setVisible(!valid);
    m_problem->setText(valid ? QString() : valid.error().message);
    if (workerKind == WorkerKind::Cluster)
        emit pythonWanted();
}

void WorkloadPanel::updateClusterChoices()
{
    // What stops CPython from running a plan on a cluster: a plan of each kind, without tasks.
    auto whyNot = [this](const QString &strategy, JoblibBackend backend) {
        RunPlan plan;
        plan.strategy = strategy;
        plan.options.backend = backend;
        const Result<void> runs = pythonRunsCluster(plan);
        return runs ? QString() : runs.error().message;
    };
    for (int i = 0; i < m_strategy->count(); ++i) {
        const StrategyEntry *entry = findStrategy(m_strategy->itemData(i).toString());
        if (entry && entry->info.workers == WorkerKind::Cluster)
            setChoiceAvailable(m_strategy, i, whyNot(entry->info.id, StrategyOptions{}.backend));
    }
    const StrategyEntry *batched = nullptr;
    for (const StrategyEntry &entry : strategyRegistry())
        if (entry.info.handOut == HandOut::AutoBatches)
            batched = &entry;
    if (batched)
        setChoiceAvailable(m_backend,
            m_backend->findData(int(JoblibBackend::Dask)),
            whyNot(batched->info.id, JoblibBackend::Dask));
}

Result<void> WorkloadPanel::pythonRunsCluster(const RunPlan &plan) const
{
    if (!m_python || !runsOnCluster(plan.strategy, plan.options))
        return {};
    if (!*m_python)
        return Error{m_python->error().code,
            tr("Only CPython runs a Dask cluster, and none was found: %1")
                .arg(m_python->error().message)};
    return (*m_python)->canRun(plan);
}

bool WorkloadPanel::eventFilter(QObject *watched, QEvent *event)
{
    if (watched == m_strategy
        && (event->type() == QEvent::FocusIn || event->type() == QEvent::MouseButtonPress))
        emit pythonWanted();
    return QWidget::eventFilter(watched, event);
}

QString WorkloadPanel::strategyId() const
{
    return m_strategy->currentData().toString();
}

QString WorkloadPanel::workersText() const
{
    return m_fractionLabel->text();
}

Result<DurationSpec> WorkloadPanel::duration() const
{
    const double unit = UnitNs[m_unit->currentIndex()];
    auto ns = [unit](const QDoubleSpinBox *box) {
        return static_cast<std::int64_t>(std::llround(box->value() * unit));
    };
    DurationSpec spec;
    switch (m_distribution->currentIndex()) {
    case Fixed:
        spec = DurationSpec::fixed(ns(m_fixed));
        break;
    case Uniform:
        spec = DurationSpec::uniform(ns(m_uniformFrom), ns(m_uniformTo));
        break;
    case Exponential:
        spec = DurationSpec::exponential(ns(m_mean));
        break;
    default:
        return DurationSpec::parse(QStringLiteral("list:") + m_list->text());
    }
    if (auto valid = spec.validate(); !valid)
        return valid.error();
    return spec;
}

Result<WorkloadSpec> WorkloadPanel::workload() const
{
    auto spec = duration();
    if (!spec)
        return spec.error();
    WorkloadSpec workload;
    workload.taskCount = m_tasks->value();
    workload.kind = static_cast<TaskKind>(m_kind->currentData().toInt());
    workload.gil = gil();
    workload.ioShare = m_ioShare->value() / 100.0;
    workload.duration = *spec;
    workload.seed = static_cast<std::uint64_t>(m_seed->value());
    return workload;
}

WorkerCount WorkloadPanel::workers() const
{
    return m_exactly->isChecked() ? WorkerCount::exactly(m_workerCount->value())
                                  : WorkerCount::ofCpus(m_fraction->value() * 0.05);
}

StrategyOptions WorkloadPanel::options() const
{
    StrategyOptions options = m_options; // what has no control here, as last set
    options.chunkSize = m_chunkSize->value();
    options.switchIntervalNs = std::llround(m_switchInterval->value() * 1e6);
    options.onWorkerDeath =
        static_cast<StrategyOptions::WorkerDeath>(m_onWorkerDeath->currentData().toInt());
    options.backend = static_cast<JoblibBackend>(m_backend->currentData().toInt());
    // A plain loop has nothing to join: the box is hidden then, and the plan ignores it.
    options.join = m_join->isChecked();
    options.threadsPerWorker = m_threadsPerWorker->value();
    // The scheduler counts only where the workers are a cluster's: an address half typed for
    // dask does not stop a thread pool.
    if (runsOnCluster(strategyId(), options))
        options.daskScheduler = m_scheduler->text().trimmed();
    return options;
}

Result<RunPlan> WorkloadPanel::plan() const
{
    auto spec = workload();
    if (!spec)
        return spec.error();
    return makeRunPlan(strategyId(), *spec, workers(), options(), m_cpus);
}

Result<RunPlan> WorkloadPanel::checkedPlan() const
{
    auto spec = workload();
    if (!spec)
        return spec.error();
    return checkRunPlan(strategyId(), *spec, workers(), options(), m_cpus);
}

Result<void> WorkloadPanel::validate() const
{
    auto checked = checkedPlan();
    if (!checked)
        return checked.error();
    return pythonRunsCluster(*checked);
}

bool WorkloadPanel::strategyUsesWorkers() const
{
    const StrategyEntry *entry = findStrategy(strategyId());
    return entry && entry->info.usesWorkerCount;
}

Result<SweepPlan> WorkloadPanel::sweepPlan(int repeat) const
{
    auto made = plan();
    if (!made)
        return made.error();
    return SweepPlan{made->strategy, made->workload, made->workers, repeat, made->options};
}

void WorkloadPanel::setInputsEnabled(bool enabled)
{
    if (enabled == m_inputsEnabled)
        return;
    m_inputsEnabled = enabled;
    for (QWidget *input : m_inputs)
        input->setEnabled(enabled);
    m_list->setEnabled(enabled);
    updateDependentInputs();
}

void WorkloadPanel::setTaskCount(int tasks)
{
    m_tasks->setValue(tasks);
}

void WorkloadPanel::setKind(TaskKind kind, double ioShare)
{
    m_kind->setCurrentIndex(m_kind->findData(int(kind)));
    m_ioShare->setValue(static_cast<int>(std::lround(ioShare * 100)));
}

TaskGil WorkloadPanel::gil() const
{
    return static_cast<TaskGil>(m_gil->currentData().toInt());
}

void WorkloadPanel::setGil(TaskGil gil)
{
    m_gil->setCurrentIndex(m_gil->findData(int(gil)));
}

void WorkloadPanel::setDuration(const DurationSpec &spec)
{
    // Show the values in the largest unit that keeps them readable.
    auto unitFor = [](std::int64_t ns) {
        return ns >= 1'000'000'000 ? 2 : ns >= 1'000'000 || ns == 0 ? 1 : 0;
    };
    switch (spec.distribution) {
    case DurationSpec::Distribution::Fixed:
        m_unit->setCurrentIndex(unitFor(spec.valueNs));
        m_fixed->setValue(double(spec.valueNs) / UnitNs[m_unit->currentIndex()]);
        m_distribution->setCurrentIndex(Fixed);
        break;
    case DurationSpec::Distribution::Uniform:
        m_unit->setCurrentIndex(unitFor(spec.upperNs));
        m_uniformFrom->setValue(double(spec.valueNs) / UnitNs[m_unit->currentIndex()]);
        m_uniformTo->setValue(double(spec.upperNs) / UnitNs[m_unit->currentIndex()]);
        m_distribution->setCurrentIndex(Uniform);
        break;
    case DurationSpec::Distribution::Exponential:
        m_unit->setCurrentIndex(unitFor(spec.valueNs));
        m_mean->setValue(double(spec.valueNs) / UnitNs[m_unit->currentIndex()]);
        m_distribution->setCurrentIndex(Exponential);
        break;
    case DurationSpec::Distribution::List:
        m_list->setText(spec.toString().mid(5).replace(QLatin1Char(','), QStringLiteral(", ")));
        m_distribution->setCurrentIndex(List);
        break;
    }
}

void WorkloadPanel::setSeed(int seed)
{
    m_seed->setValue(seed);
}

void WorkloadPanel::setWorkers(const WorkerCount &workers)
{
    if (workers.count) {
        m_exactly->setChecked(true);
        m_workerCount->setValue(*workers.count);
    } else {
        m_byFraction->setChecked(true);
        m_fraction->setValue(static_cast<int>(std::lround(workers.fraction / 0.05)));
    }
}

void WorkloadPanel::setStrategy(const QString &id)
{
    const StrategyEntry *entry = findStrategy(id);
    if (!entry)
        return;
    if (const int index = m_strategy->findData(entry->info.id); index >= 0)
        m_strategy->setCurrentIndex(index);
    if (const auto gil = gilImpliedBy(id))
        setGil(*gil);
}

void WorkloadPanel::setOptions(const StrategyOptions &options)
{
    m_options = options;
    m_chunkSize->setValue(options.chunkSize);
    m_switchInterval->setValue(static_cast<double>(options.switchIntervalNs) / 1e6);
    m_onWorkerDeath->setCurrentIndex(m_onWorkerDeath->findData(int(options.onWorkerDeath)));
    m_backend->setCurrentIndex(m_backend->findData(int(options.backend)));
    m_join->setChecked(options.join);
    m_threadsPerWorker->setValue(options.threadsPerWorker);
    m_scheduler->setText(options.daskScheduler);
}

void WorkloadPanel::setDefaultDaskScheduler(const QString &address)
{
    if (m_scheduler->text().trimmed() == m_defaultScheduler)
        m_scheduler->setText(address.trimmed());
    m_defaultScheduler = address.trimmed();
}

void WorkloadPanel::setPython(const Result<PythonInterpreter> *found)
{
    m_python = found ? std::optional(*found) : std::nullopt;
    updateClusterChoices();
    onChanged(); // the plan may now be runnable, or no longer
}

void WorkloadPanel::apply(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workers,
    const StrategyOptions &options)
{
    setStrategy(strategy);
    setTaskCount(workload.taskCount);
    setKind(workload.kind, workload.ioShare);
    // An older strategy id says how the tasks use the GIL, whatever the workload says.
    setGil(gilImpliedBy(strategy).value_or(workload.gil));
    setDuration(workload.duration);
    if (workload.seed <= static_cast<std::uint64_t>(std::numeric_limits<int>::max()))
        setSeed(static_cast<int>(workload.seed));
    setWorkers(workers);
    setOptions(options);
}

void WorkloadPanel::saveSettings(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("workload"));
    settings.setValue(QStringLiteral("tasks"), m_tasks->value());
    settings.setValue(QStringLiteral("kind"), m_kind->currentData());
    // By name: a settings file holds text, and "held" reads better than 0.
    settings.setValue(QStringLiteral("gil"), taskGilName(gil()));
    settings.setValue(QStringLiteral("ioShare"), m_ioShare->value());
    if (const auto spec = duration())
        settings.setValue(QStringLiteral("duration"), spec->toString());
    settings.setValue(QStringLiteral("seed"), m_seed->value());
    settings.setValue(QStringLiteral("exactly"), m_exactly->isChecked());
    settings.setValue(QStringLiteral("fraction"), m_fraction->value());
    settings.setValue(QStringLiteral("workers"), m_workerCount->value());
    settings.setValue(QStringLiteral("strategy"), strategyId());
    settings.setValue(QStringLiteral("chunkSize"), m_chunkSize->value());
    settings.setValue(QStringLiteral("switchIntervalMs"), m_switchInterval->value());
    settings.setValue(QStringLiteral("onWorkerDeath"), m_onWorkerDeath->currentData());
    settings.setValue(QStringLiteral("backend"),
        joblibBackendName(static_cast<JoblibBackend>(m_backend->currentData().toInt())));
    settings.setValue(QStringLiteral("join"), m_join->isChecked());
    settings.setValue(QStringLiteral("threadsPerWorker"), m_threadsPerWorker->value());
    settings.setValue(QStringLiteral("daskScheduler"), m_scheduler->text().trimmed());
    settings.endGroup();
}

void WorkloadPanel::loadSettings(const QSettings &settings)
{
    const QString group = QStringLiteral("workload/");
    auto value = [&](const char *key, const QVariant &fallback) {
        return settings.value(group + QLatin1String(key), fallback);
    };
    m_tasks->setValue(value("tasks", m_tasks->value()).toInt());
    m_kind->setCurrentIndex(std::max(0, m_kind->findData(value("kind", m_kind->currentData()))));
    setGil(taskGilFromName(value("gil", QString()).toString()).value_or(gil()));
    m_ioShare->setValue(value("ioShare", m_ioShare->value()).toInt());
    if (const auto spec = DurationSpec::parse(value("duration", QString()).toString()))
        setDuration(*spec);
    m_seed->setValue(value("seed", m_seed->value()).toInt());
    m_fraction->setValue(value("fraction", m_fraction->value()).toInt());
    m_workerCount->setValue(value("workers", m_workerCount->value()).toInt());
    (value("exactly", m_exactly->isChecked()).toBool() ? m_exactly : m_byFraction)
        ->setChecked(true);
    setStrategy(value("strategy", strategyId()).toString());
    m_chunkSize->setValue(value("chunkSize", m_chunkSize->value()).toInt());
    m_switchInterval->setValue(value("switchIntervalMs", m_switchInterval->value()).toDouble());
    m_onWorkerDeath->setCurrentIndex(std::max(
        0, m_onWorkerDeath->findData(value("onWorkerDeath", m_onWorkerDeath->currentData()))));
    if (const auto backend = joblibBackendFromName(value("backend", QString()).toString()))
        m_backend->setCurrentIndex(m_backend->findData(int(*backend)));
    m_join->setChecked(value("join", true).toBool());
    m_threadsPerWorker->setValue(value("threadsPerWorker", m_threadsPerWorker->value()).toInt());
    m_scheduler->setText(value("daskScheduler", m_scheduler->text()).toString());
    updateDependentInputs();
}

} // namespace parviz
