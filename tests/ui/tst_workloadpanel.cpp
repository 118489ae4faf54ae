#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "pythonlocator.h"
#include "scripts.h"
#include "strategies/strategyregistry.h"

#include <QApplication>
#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QSettings>
#include <QSignalSpy>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

using namespace parviz;

namespace {

const QString Dask = QStringLiteral("dask");

// Whether a person can choose the combo's item `index` (a disabled one is listed, greyed).
bool choosable(const QComboBox *combo, int index)
{
    const auto *model = qobject_cast<const QStandardItemModel *>(combo->model());
    return model && model->item(index) && model->item(index)->isEnabled();
}

PythonInterpreter python(bool distributed)
{
    return PythonInterpreter{QStringLiteral("/usr/bin/python3"),
        QStringLiteral("3.11.2"),
        /*hasJoblib=*/true,
        /*freeThreaded=*/false,
        distributed};
}

} // namespace

// The options of a strategy whose workers are a Dask cluster's, as a person meets them: a
// cluster's threads per worker and scheduler beside the strategy only when it has one, carried
// by the plan, the settings and presets; an address that is not one explained; and, without
// Dask's distributed, the dask choices listed but not to be chosen.
class tst_WorkloadPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void clusterRowsOnlyForClusterStrategies_data();
    void clusterRowsOnlyForClusterStrategies();
    void clusterOptionsRoundTrip();
    void badSchedulerIsExplained();
    void schedulerFollowsTheDefaultUntilOneIsTyped();
    void daskCannotBeChosenWithoutDistributed();
    void windowTellsThePanelWhatItFound();

private:
    struct Panel
    {
        WorkloadPanel *panel;
        QComboBox *strategy;
        QComboBox *backend;
        QSpinBox *threads;
        QLineEdit *scheduler;
        QWidget *threadsRow;
        QWidget *schedulerRow;
    };
    static Panel partsOf(WorkloadPanel *panel);
    QTemporaryDir m_files;
};

void tst_WorkloadPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_workloadpanel"));
    QVERIFY(m_files.isValid());
}

tst_WorkloadPanel::Panel tst_WorkloadPanel::partsOf(WorkloadPanel *panel)
{
    Panel parts{panel,
        nullptr,
        panel->findChild<QComboBox *>(QStringLiteral("backend")),
        panel->findChild<QSpinBox *>(QStringLiteral("threadsPerWorker")),
        panel->findChild<QLineEdit *>(QStringLiteral("daskScheduler")),
        panel->findChild<QWidget *>(QStringLiteral("threadsPerWorkerRow")),
        panel->findChild<QWidget *>(QStringLiteral("daskSchedulerRow"))};
    for (QComboBox *combo : panel->findChildren<QComboBox *>())
        if (combo->findData(Dask) >= 0)
            parts.strategy = combo;
    return parts;
}

void tst_WorkloadPanel::clusterRowsOnlyForClusterStrategies_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("backend");
    QTest::addColumn<bool>("cluster");
    for (const StrategyEntry &entry : strategyRegistry()) {
        const bool batches = entry.info.handOut == HandOut::AutoBatches;
        for (const JoblibBackend backend :
            {JoblibBackend::Loky, JoblibBackend::Threading, JoblibBackend::Dask}) {
            if (!batches && backend != JoblibBackend::Loky)
                continue;
            StrategyOptions options;
            options.backend = backend;
            QTest::addRow(
                "%s/%s", qPrintable(entry.info.id), qPrintable(joblibBackendName(backend)))
                << entry.info.id << int(backend)
                << (entry.info.workersWith(options) == WorkerKind::Cluster);
        }
    }
}

void tst_WorkloadPanel::clusterRowsOnlyForClusterStrategies()
{
    QFETCH(QString, strategy);
    QFETCH(int, backend);
    QFETCH(bool, cluster);
    WorkloadPanel panel;
    const Panel parts = partsOf(&panel);
    QVERIFY(parts.strategy && parts.backend && parts.threads && parts.scheduler);
    QVERIFY(parts.threadsRow && parts.schedulerRow);
    QCOMPARE(parts.threads->minimum(), 1);
    QCOMPARE(parts.threads->maximum(), 256);
    QCOMPARE(parts.threads->value(), 1);
    QVERIFY(parts.scheduler->placeholderText().contains(QStringLiteral("LocalCluster")));
    QVERIFY(parts.scheduler->toolTip().contains(QStringLiteral("tcp://HOST:PORT")));
    QVERIFY(parts.backend->findData(int(JoblibBackend::Dask)) >= 0);

    panel.setStrategy(strategy);
    parts.backend->setCurrentIndex(parts.backend->findData(backend));
    QCOMPARE(parts.threadsRow->isVisibleTo(&panel), cluster);
    QCOMPARE(parts.schedulerRow->isVisibleTo(&panel), cluster);
    // A cluster's program always waits for its tasks: join would change nothing.
    const auto *join = panel.findChild<QCheckBox *>(QStringLiteral("join"));
    QVERIFY(join);
    QCOMPARE(join->isVisibleTo(&panel), findStrategy(strategy)->info.hasCaller && !cluster);
    // As a person sets them, they reach the plan.
    parts.threads->setValue(3);
    QTest::keyClicks(parts.scheduler, QStringLiteral("tcp://10.0.0.7:8786"));
    const auto plan = panel.checkedPlan();
    QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
    QCOMPARE(plan->options.threadsPerWorker, 3);
    QCOMPARE(
        plan->options.daskScheduler, cluster ? QStringLiteral("tcp://10.0.0.7:8786") : QString());
}

void tst_WorkloadPanel::clusterOptionsRoundTrip()
{
    WorkloadPanel panel;
    const Panel parts = partsOf(&panel);
    WorkloadSpec workload;
    workload.taskCount = 300;
    workload.duration = DurationSpec::fixed(100'000'000);
    StrategyOptions options;
    options.threadsPerWorker = 4;
    options.daskScheduler = QStringLiteral("tcp://10.0.0.7:8786");

    // From a preset or a saved run, back out of the plan as they went in.
    panel.apply(Dask, workload, WorkerCount::ofCpus(0.8), options);
    QCOMPARE(parts.threads->value(), 4);
    QCOMPARE(parts.scheduler->text(), options.daskScheduler);
    QCOMPARE(panel.checkedPlan()->options, options);
    // joblib on the same cluster.
    options.backend = JoblibBackend::Dask;
    panel.apply(QStringLiteral("batched"), workload, WorkerCount::ofCpus(0.8), options);
    QVERIFY(parts.schedulerRow->isVisibleTo(&panel));
    QCOMPARE(panel.checkedPlan()->options, options);
    // A strategy without a cluster keeps what it was given.
    options.backend = JoblibBackend::Loky;
    panel.apply(QStringLiteral("process-pool"), workload, WorkerCount::ofCpus(0.8), options);
    QVERIFY(!parts.schedulerRow->isVisibleTo(&panel));
    QCOMPARE(panel.checkedPlan()->options, options);

    // From the settings of the last session.
    options.threadsPerWorker = 2;
    options.daskScheduler = QStringLiteral("tcp://scheduler.example:8786");
    panel.apply(Dask, workload, WorkerCount::ofCpus(0.8), options);
    const QString ini = m_files.filePath(QStringLiteral("cluster.ini"));
    {
        QSettings settings(ini, QSettings::IniFormat);
        panel.saveSettings(settings);
    }
    WorkloadPanel restored;
    QCOMPARE(restored.checkedPlan()->options.threadsPerWorker, 1);
    restored.loadSettings(QSettings(ini, QSettings::IniFormat));
    QCOMPARE(restored.strategyId(), Dask);
    QCOMPARE(restored.checkedPlan()->options, options);
    QVERIFY(partsOf(&restored).schedulerRow->isVisibleTo(&restored));
}

void tst_WorkloadPanel::badSchedulerIsExplained()
{
    WorkloadPanel panel;
    const Panel parts = partsOf(&panel);
    QLabel *problem = nullptr;
    for (QLabel *label : panel.findChildren<QLabel *>())
        if (label->styleSheet().contains(QStringLiteral("color")))
            problem = label;
    QVERIFY(problem);
    panel.setStrategy(Dask);
    QVERIFY(panel.validate().ok());
    QVERIFY(!problem->isVisibleTo(&panel));

    QSignalSpy changed(&panel, &WorkloadPanel::changed);
    QTest::keyClicks(parts.scheduler, QStringLiteral("localhost:8786"));
    QVERIFY(changed.count() > 0);
    QVERIFY(!panel.validate().ok());
    QCOMPARE(panel.validate().error().code, QStringLiteral("bad-dask-scheduler"));
    QVERIFY(problem->isVisibleTo(&panel));
    QVERIFY2(
        problem->text().contains(QStringLiteral("tcp://HOST:PORT")), qPrintable(problem->text()));
    // The same text does not stop a strategy that has no scheduler.
    panel.setStrategy(QStringLiteral("thread-pool"));
    QVERIFY(panel.validate().ok());
    QVERIFY(!problem->isVisibleTo(&panel));
    panel.setStrategy(Dask);
    QVERIFY(!panel.validate().ok());
    parts.scheduler->setText(QStringLiteral("tcp://localhost:8786"));
    QVERIFY(panel.validate().ok());
    QVERIFY(!problem->isVisibleTo(&panel));
}

void tst_WorkloadPanel::schedulerFollowsTheDefaultUntilOneIsTyped()
{
    WorkloadPanel panel;
    const Panel parts = partsOf(&panel);
    panel.setStrategy(Dask);
    QVERIFY(parts.scheduler->text().isEmpty()); // a LocalCluster, until told
    panel.setDefaultDaskScheduler(QStringLiteral("tcp://a.example:8786"));
    QCOMPARE(panel.checkedPlan()->options.daskScheduler, QStringLiteral("tcp://a.example:8786"));
    panel.setDefaultDaskScheduler(QStringLiteral("tcp://b.example:8786"));
    QCOMPARE(parts.scheduler->text(), QStringLiteral("tcp://b.example:8786"));
    // A person's own address stays, and so does a field emptied for a local cluster.
    parts.scheduler->clear();
    QTest::keyClicks(parts.scheduler, QStringLiteral("tcp://mine.example:8786"));
    panel.setDefaultDaskScheduler(QStringLiteral("tcp://c.example:8786"));
    QCOMPARE(parts.scheduler->text(), QStringLiteral("tcp://mine.example:8786"));
    parts.scheduler->clear();
    panel.setDefaultDaskScheduler(QStringLiteral("tcp://d.example:8786"));
    QVERIFY(parts.scheduler->text().isEmpty());

    // The window's: Preferences' scheduler, unless the last session's workload had its own.
    QSettings().setValue(QStringLiteral("dask/scheduler"), QStringLiteral("tcp://pref:8786"));
    QSettings().remove(QStringLiteral("workload/daskScheduler"));
    {
        MainWindow window;
        window.workloadPanel()->setStrategy(Dask);
        QCOMPARE(window.workloadPanel()->checkedPlan()->options.daskScheduler,
            QStringLiteral("tcp://pref:8786"));
    }
    QSettings().setValue(QStringLiteral("workload/daskScheduler"), QString());
    {
        MainWindow window;
        window.workloadPanel()->setStrategy(Dask);
        QVERIFY(window.workloadPanel()->checkedPlan()->options.daskScheduler.isEmpty());
    }
    QSettings().remove(QStringLiteral("dask/scheduler"));
    QSettings().remove(QStringLiteral("workload"));
}

void tst_WorkloadPanel::daskCannotBeChosenWithoutDistributed()
{
    WorkloadPanel panel;
    const Panel parts = partsOf(&panel);
    const int dask = parts.strategy->findData(Dask);
    const int daskBackend = parts.backend->findData(int(JoblibBackend::Dask));
    QVERIFY(dask >= 0 && daskBackend >= 0);
    // Before ParViz has looked for Python, every choice is open.
    QVERIFY(choosable(parts.strategy, dask));
    QVERIFY(choosable(parts.backend, daskBackend));

    const Result<PythonInterpreter> without = python(false);
    panel.setPython(&without);
    QVERIFY(!choosable(parts.strategy, dask));
    QVERIFY(!choosable(parts.backend, daskBackend));
    const QString why = parts.strategy->itemData(dask, Qt::ToolTipRole).toString();
    QVERIFY2(why.contains(QStringLiteral("python3-distributed")), qPrintable(why));
    QVERIFY(parts.backend->itemData(daskBackend, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("python3-distributed")));
    for (int i = 0; i < parts.strategy->count(); ++i)
        QCOMPARE(choosable(parts.strategy, i), i != dask);
    // A person's keys pass it by: End goes to the last strategy that can be chosen.
    panel.setStrategy(QStringLiteral("sequential"));
    QTest::keyClick(parts.strategy, Qt::Key_End);
    QVERIFY(panel.strategyId() != Dask);
    // A preset or a saved run that chooses it says why it cannot run.
    panel.setStrategy(Dask);
    QCOMPARE(panel.strategyId(), Dask);
    QVERIFY(panel.checkedPlan().ok());
    QCOMPARE(panel.validate().error().code, QStringLiteral("no-distributed"));

    const Result<PythonInterpreter> with = python(true);
    panel.setPython(&with);
    QVERIFY(choosable(parts.strategy, dask));
    QVERIFY(choosable(parts.backend, daskBackend));
    QVERIFY(parts.strategy->itemData(dask, Qt::ToolTipRole).toString().isEmpty());
    QVERIFY(panel.validate().ok());
    panel.setStrategy(QStringLiteral("sequential"));
    QTest::keyClick(parts.strategy, Qt::Key_End);
    QCOMPARE(panel.strategyId(), Dask);

    // No Python at all: the reason is the search's.
    const Result<PythonInterpreter> none =
        Error{QStringLiteral("no-python"), QStringLiteral("install Debian's python3")};
    panel.setPython(&none);
    QVERIFY(!choosable(parts.strategy, dask));
    QVERIFY(parts.strategy->itemData(dask, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("install Debian's python3")));
    QVERIFY(!panel.validate().ok());
    panel.setPython(nullptr);
    QVERIFY(choosable(parts.strategy, dask));
    QVERIFY(panel.validate().ok());
}

// The interpreter the window finds reaches the panel: a shell script posing as a CPython with
// joblib and without distributed.
void tst_WorkloadPanel::windowTellsThePanelWhatItFound()
{
    const QString path = m_files.filePath(QStringLiteral("python3-without-distributed"));
    QVERIFY(test::writeScript(path, "#!/bin/sh\necho 3.11.2\necho joblib\n"));

    MainWindow window;
    window.resize(1400, 900);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    const Panel parts = partsOf(window.workloadPanel());
    const int dask = parts.strategy->findData(Dask);
    // Not looked for at start: the strategy chosen runs without CPython.
    QVERIFY(!window.pythonLocator()->isLooking());
    QVERIFY(!window.pythonLocator()->result());
    QVERIFY(choosable(parts.strategy, dask));

    window.setPythonInterpreter(path);
    QTRY_VERIFY_WITH_TIMEOUT(window.pythonLocator()->result(), 20000);
    QVERIFY(!choosable(parts.strategy, dask));
    QVERIFY(parts.strategy->itemData(dask, Qt::ToolTipRole)
                .toString()
                .contains(QStringLiteral("python3-distributed")));
    window.workloadPanel()->setStrategy(Dask);
    QVERIFY(!window.runAction()->isEnabled());
    window.workloadPanel()->setStrategy(QStringLiteral("thread-pool"));
    QVERIFY(window.runAction()->isEnabled());
    QSettings().remove(QStringLiteral("python/interpreter"));
}

QTEST_MAIN(tst_WorkloadPanel)
#include "tst_workloadpanel.moc"
