#pragma once

#include "plan/runplan.h"
#include "python/interpreter.h"
#include "run/sweep.h"
#include "util/result.h"

#include <QWidget>

#include <optional>

class QButtonGroup;
class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QGroupBox;
class QLabel;
class QLineEdit;
class QRadioButton;
class QSettings;
class QSlider;
class QSpinBox;
class QStackedWidget;

namespace parviz {

// Everything a run is made of, in a person's words: the tasks (how many, of which kind, how
// long), the workers (a share of the CPUs, as int(0.8 * cpu_count()), or an exact count) and
// the strategy with its explanation and options. Inputs are bounded; anything the engine would
// still refuse is explained inline, and plan() says why.
//
// GUI thread.
class WorkloadPanel : public QWidget
{
    Q_OBJECT

public:
    explicit WorkloadPanel(QWidget *parent = nullptr);

    // The logical CPUs the worker fraction is taken of (this machine's unless a test says so).
    void setLogicalCpus(int cpus);
    int logicalCpus() const { return m_cpus; }

    // The run the inputs describe, with its tasks made, or why there is none.
    Result<RunPlan> plan() const;
    // Whether plan() would succeed, and why not, without making the tasks: cheap enough for
    // every change of an input, even at a million tasks. A strategy whose workers are a Dask
    // cluster's also needs a CPython that can run it, once setPython() has said which.
    Result<void> validate() const;
    // The run the inputs describe without its tasks made (checkRunPlan), or why there is
    // none: as cheap as validate().
    Result<RunPlan> checkedPlan() const;
    // Whether the chosen strategy has a worker count to sweep over.
    bool strategyUsesWorkers() const;
    // The same workload on 1..N workers, N being the chosen count.
    Result<SweepPlan> sweepPlan(int repeat = 1) const;
    // "80% of 12 logical CPUs = 9 workers".
    QString workersText() const;
    QString strategyId() const;

    void setInputsEnabled(bool enabled);

    void setTaskCount(int tasks);
    void setKind(TaskKind kind, double ioShare = 0.5);
    void setGil(TaskGil gil);
    void setDuration(const DurationSpec &duration);
    void setSeed(int seed);
    void setWorkers(const WorkerCount &workers);
    // A strategy's id, or an older one the registry still knows: "gil-threads" chooses the
    // thread pool, with tasks that hold the GIL.
    void setStrategy(const QString &id);
    void setOptions(const StrategyOptions &options);
    // The scheduler of Preferences, for when none has been typed: the scheduler field shows it
    // while it still shows the one before (empty at first), so a person's own address, or a
    // field they emptied for a local cluster, stays. Call it before loadSettings(), which
    // restores what was there.
    void setDefaultDaskScheduler(const QString &address);
    // The interpreter ParViz found, or why none (nullptr: not looked for yet). Only CPython runs
    // a Dask cluster, so without Dask's distributed the dask strategy and joblib's dask backend
    // are listed but cannot be chosen, their tooltips saying what to install.
    void setPython(const Result<PythonInterpreter> *found);
    // Every input at once, as a preset or a saved run has them.
    void apply(const QString &strategy,
        const WorkloadSpec &workload,
        const WorkerCount &workers,
        const StrategyOptions &options);

    void saveSettings(QSettings &settings) const;
    void loadSettings(const QSettings &settings);

signals:
    // Any input changed: the plan may now be different, or invalid.
    void changed();
    // The strategy choice is being opened, or a strategy whose workers are a Dask cluster is
    // chosen: whether CPython can run it is worth looking for now (see setPython()).
    void pythonWanted();

private:
    // The panel's parts, top to bottom; each sets the members for its inputs.
    QGroupBox *createTasksGroup();
    QComboBox *createGilChoice();
    QWidget *createDurationInputs(); // the values, by distribution, and their unit
    QGroupBox *createWorkersGroup();
    QGroupBox *createStrategyGroup();
    QFormLayout *createOptionsForm(); // the chosen strategy's options
    void addClusterRows(QFormLayout *form); // a Dask cluster's threads and scheduler
    QLabel *createProblemLabel(); // why there is no plan
    // The inputs setInputsEnabled() turns on and off.
    void collectInputs();
    // Every input emits changed().
    void connectInputs();

    Result<WorkloadSpec> workload() const;
    Result<DurationSpec> duration() const;
    TaskGil gil() const;
    WorkerCount workers() const;
    StrategyOptions options() const;
    void updateDependentInputs();
    // Enables the choices that only CPython with Dask's distributed can run, or says why not.
    void updateClusterChoices();
    // Why the interpreter found cannot run the chosen cluster strategy; nothing when it can, or
    // before it has been looked for.
    Result<void> pythonRunsCluster(const RunPlan &plan) const;
    void onChanged();
    bool eventFilter(QObject *watched, QEvent *event) override;

    int m_cpus;
    QSpinBox *m_tasks;
    QComboBox *m_kind;
    QComboBox *m_gil;
    QSpinBox *m_ioShare;
    QLabel *m_ioShareLabel;
    QComboBox *m_distribution;
    QStackedWidget *m_durationInputs;
    QDoubleSpinBox *m_fixed;
    QDoubleSpinBox *m_uniformFrom;
    QDoubleSpinBox *m_uniformTo;
    QDoubleSpinBox *m_mean;
    QComboBox *m_unit;
    QLineEdit *m_list;
    QSpinBox *m_seed;
    QLabel *m_workersNote;
    QRadioButton *m_byFraction;
    QRadioButton *m_exactly;
    QSlider *m_fraction;
    QLabel *m_fractionLabel;
    QSpinBox *m_workerCount;
    QComboBox *m_strategy;
    QLabel *m_explanation;
    QLabel *m_mirrors;
    QWidget *m_chunkRow;
    QSpinBox *m_chunkSize;
    QWidget *m_switchRow;
    QDoubleSpinBox *m_switchInterval;
    QWidget *m_deathRow;
    QComboBox *m_onWorkerDeath;
    QWidget *m_backendRow;
    QComboBox *m_backend;
    QCheckBox *m_join;
    QWidget *m_threadsRow;
    QSpinBox *m_threadsPerWorker;
    QWidget *m_schedulerRow;
    QLineEdit *m_scheduler;
    QString m_defaultScheduler;
    std::optional<Result<PythonInterpreter>> m_python;
    // The options as last set: those without a control here (the start-up timeout, joblib's
    // batch durations) are kept as they were.
    StrategyOptions m_options;
    QLabel *m_problem;
    std::vector<QWidget *> m_inputs;
    bool m_inputsEnabled = true;
};

} // namespace parviz
