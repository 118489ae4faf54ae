#include "mainwindow.h"
#include "panels/presetpanel.h"
#include "panels/workloadpanel.h"
#include "runcontroller.h"

#include <QAction>
#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QFile>
#include <QMenu>
#include <QScopeGuard>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>

using namespace parviz;

// The presets as a person meets them in the window: the menu and the combo set every input and
// explain it, a changed input leaves the preset, a broken file is named with its reason, and a
// person's own preset is saved and chosen again.
class tst_PresetPanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void menuSetsEveryInput();
    void changedInputLeavesThePreset();
    void brokenPresetIsNamedWithItsReason();
    void savedPresetIsChosenAgain();
    void runOfAPresetSaysHowItWent();
    void reloadFromTheMenuKeepsTheMenuWhole();
    void customSettingsLeaveThePreset();
    void ownPresetsLiveInTheDocumentedFolder();

private:
    QList<QAction *> presetActions() const;
    std::unique_ptr<MainWindow> m_window;
    std::unique_ptr<QTemporaryDir> m_presets;
};

void tst_PresetPanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true);
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_presetpanel"));
}

void tst_PresetPanel::init()
{
    m_presets = std::make_unique<QTemporaryDir>();
    QVERIFY(m_presets->isValid());
    m_window = std::make_unique<MainWindow>();
    m_window->presetPanel()->setUserDirectory(m_presets->path());
    m_window->resize(1400, 900);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_PresetPanel::cleanup()
{
    m_window.reset();
    m_presets.reset();
}

QList<QAction *> tst_PresetPanel::presetActions() const
{
    QList<QAction *> actions;
    for (QAction *action : m_window->presetsMenu()->actions()) {
        if (!action->isSeparator() && !action->toolTip().isEmpty() && action->isEnabled()
            && action->toolTip().endsWith(QLatin1String(".json")))
            actions << action;
    }
    return actions;
}

void tst_PresetPanel::menuSetsEveryInput()
{
    const PresetLibrary &library = m_window->presetPanel()->library();
    QCOMPARE(library.presets.size(), std::size_t(10));
    const QList<QAction *> actions = presetActions();
    QCOMPARE(actions.size(), 10);
    for (int i = 0; i < actions.size(); ++i) {
        const Preset &preset = library.presets[static_cast<std::size_t>(i)];
        QCOMPARE(actions[i]->text(), preset.title);
        // Ctrl+1 to Ctrl+9 for the first nine; Ctrl+0 fits the picture to the window.
        QCOMPARE(actions[i]->shortcut(),
            i < 9 ? QKeySequence(Qt::CTRL | Qt::Key(Qt::Key_1 + i)) : QKeySequence());
        actions[i]->trigger();

        const auto plan = m_window->workloadPanel()->checkedPlan();
        QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
        QCOMPARE(plan->strategy, preset.strategy);
        QCOMPARE(plan->workload, preset.workload);
        QCOMPARE(plan->workerCount.count, preset.workers.count);
        QVERIFY(qFuzzyCompare(plan->workerCount.fraction, preset.workers.fraction));
        QCOMPARE(plan->options, preset.options);

        PresetPanel *panel = m_window->presetPanel();
        QVERIFY(panel->current());
        QCOMPARE(panel->current()->id, preset.id);
        const QString explanation = panel->explanationText();
        QVERIFY2(explanation.size() > 100 && !explanation.contains(u'{'), qPrintable(explanation));
        QVERIFY(m_window->runAction()->isEnabled());
    }
}

void tst_PresetPanel::changedInputLeavesThePreset()
{
    PresetPanel *panel = m_window->presetPanel();
    QVERIFY(panel->choose(QStringLiteral("4-threads-for-io")));
    QCOMPARE(panel->current()->id, QStringLiteral("4-threads-for-io"));
    WorkloadPanel *inputs = m_window->workloadPanel();
    inputs->setTaskCount(129);
    QVERIFY(!panel->current());
    QVERIFY(!panel->explanationText().contains(QStringLiteral("128")));
    // Back to the preset's numbers: it is that preset again.
    inputs->setTaskCount(128);
    QVERIFY(panel->current());
    QCOMPARE(panel->current()->id, QStringLiteral("4-threads-for-io"));
}

void tst_PresetPanel::brokenPresetIsNamedWithItsReason()
{
    QFile broken(m_presets->filePath(QStringLiteral("broken.json")));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(R"({"parviz_preset": 1, "title": "Broken", "strategy": "thread-pool",
        "tasks": "many", "duration": "1ms"})");
    broken.close();
    QFile fine(m_presets->filePath(QStringLiteral("fine.json")));
    QVERIFY(fine.open(QIODevice::WriteOnly));
    fine.write(R"({"parviz_preset": 1, "title": "Mine", "strategy": "thread-pool",
        "tasks": 6, "duration": "2ms", "workers": 2})");
    fine.close();

    m_window->presetPanel()->reload();
    const PresetLibrary &library = m_window->presetPanel()->library();
    QCOMPARE(library.presets.size(), std::size_t(11)); // the ten built in, and the fine one
    QCOMPARE(library.presets.back().title, QStringLiteral("Mine"));
    QCOMPARE(library.problems.size(), std::size_t(1));

    QAction *notLoaded = nullptr;
    for (QAction *action : m_window->presetsMenu()->actions()) {
        if (action->text().contains(QStringLiteral("broken.json")))
            notLoaded = action;
    }
    QVERIFY(notLoaded);
    QVERIFY(!notLoaded->isEnabled());
    QVERIFY2(notLoaded->toolTip().contains(broken.fileName())
            && notLoaded->toolTip().contains(QStringLiteral("\"tasks\" must be a whole number")),
        qPrintable(notLoaded->toolTip()));
    QVERIFY(m_window->statusBar()->currentMessage().contains(QStringLiteral("broken.json")));
    QCOMPARE(presetActions().size(), 11);
}

void tst_PresetPanel::savedPresetIsChosenAgain()
{
    WorkloadPanel *inputs = m_window->workloadPanel();
    inputs->setStrategy(QStringLiteral("pool-map"));
    inputs->setTaskCount(17);
    inputs->setWorkers(WorkerCount::exactly(3));
    StrategyOptions options;
    options.chunkSize = 5;
    options.join = false;
    inputs->setOptions(options);
    const auto plan = inputs->checkedPlan();
    QVERIFY(plan.ok());

    Preset preset;
    preset.title = QStringLiteral("Chunks of five");
    preset.explanation = QStringLiteral("{tasks} tasks on {workers} workers");
    preset.strategy = plan->strategy;
    preset.workload = plan->workload;
    preset.workers = plan->workerCount;
    preset.options = plan->options;
    QVERIFY(m_window->savePresetAs(preset).ok());
    QVERIFY(QFile::exists(m_presets->filePath(QStringLiteral("chunks-of-five.json"))));
    PresetPanel *panel = m_window->presetPanel();
    QVERIFY(panel->current());
    QCOMPARE(panel->current()->title, preset.title);
    QVERIFY(!panel->current()->builtIn);
    QCOMPARE(panel->explanationText(), QStringLiteral("17 tasks on 3 workers"));

    // Another preset, then this one again from the menu: every input comes back.
    QVERIFY(panel->choose(QStringLiteral("1-sequential")));
    QCOMPARE(inputs->strategyId(), QStringLiteral("sequential"));
    presetActions().last()->trigger();
    QCOMPARE(inputs->strategyId(), QStringLiteral("pool-map"));
    QCOMPARE(inputs->checkedPlan()->options, options);
    QCOMPARE(inputs->checkedPlan()->workload.taskCount, 17);
}

void tst_PresetPanel::runOfAPresetSaysHowItWent()
{
    QFile mine(m_presets->filePath(QStringLiteral("quick.json")));
    QVERIFY(mine.open(QIODevice::WriteOnly));
    mine.write(R"({"parviz_preset": 1, "title": "Quick, no join", "strategy": "thread-pool",
        "tasks": 6, "duration": "20ms", "workers": 3, "options": {"join": false}})");
    mine.close();
    PresetPanel *panel = m_window->presetPanel();
    panel->reload();
    QVERIFY(panel->choose(QStringLiteral("user/quick")));
    QVERIFY(panel->outcomeText().isEmpty());

    QSignalSpy finished(m_window->controller(), &RunController::runFinished);
    m_window->runAction()->trigger();
    QVERIFY(finished.wait(10000));
    const QString outcome = panel->outcomeText();
    QVERIFY2(outcome.contains(QStringLiteral("This run"))
            && outcome.contains(QStringLiteral("lower bound"))
            && outcome.contains(QStringLiteral("caller went on")),
        qPrintable(outcome));
    QVERIFY(m_window->lastRun()->metrics.callerDoneNs < m_window->lastRun()->metrics.makespanNs);
}

// Reload Presets rebuilds the menu it is in: the action that asked stays alive until it has
// returned, and the menu keeps its presets and its own entries.
void tst_PresetPanel::reloadFromTheMenuKeepsTheMenuWhole()
{
    auto reloadAction = [this]() -> QAction * {
        for (QAction *action : m_window->presetsMenu()->actions()) {
            if (action->text() == QStringLiteral("&Reload Presets"))
                return action;
        }
        return nullptr;
    };
    const int entries = m_window->presetsMenu()->actions().size();
    for (int i = 0; i < 3; ++i) {
        QAction *reload = reloadAction();
        QVERIFY(reload);
        reload->trigger();
        QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    }
    QCOMPARE(m_window->presetsMenu()->actions().size(), entries);
    QCOMPARE(presetActions().size(), 10);
    QVERIFY(reloadAction());
}

void tst_PresetPanel::customSettingsLeaveThePreset()
{
    PresetPanel *panel = m_window->presetPanel();
    QVERIFY(panel->choose(QStringLiteral("7-joblib")));
    auto *combo = panel->findChild<QComboBox *>();
    QVERIFY(combo);
    QCOMPARE(combo->currentData().toString(), QStringLiteral("7-joblib"));
    emit combo->activated(0);
    QVERIFY(!panel->current());
    QCOMPARE(combo->currentIndex(), 0);
    // The inputs are still the preset's.
    QCOMPARE(m_window->workloadPanel()->strategyId(), QStringLiteral("batched"));
}

void tst_PresetPanel::ownPresetsLiveInTheDocumentedFolder()
{
    // ParViz as it runs for a person: its own names, the data folder of the XDG rules.
    QTemporaryDir home;
    QVERIFY(home.isValid());
    const QByteArray dataHome = qgetenv("XDG_DATA_HOME");
    qputenv("XDG_DATA_HOME", QFile::encodeName(home.path()));
    QStandardPaths::setTestModeEnabled(false);
    QApplication::setOrganizationName(QStringLiteral("ParViz"));
    QApplication::setApplicationName(QStringLiteral("ParViz"));
    const auto restore = qScopeGuard([&] {
        if (dataHome.isNull())
            qunsetenv("XDG_DATA_HOME");
        else
            qputenv("XDG_DATA_HOME", dataHome);
        initTestCase();
    });

    // README.md names ~/.local/share/ParViz/presets; ParViz once kept them one folder deeper.
    const QString documented = home.path() + QStringLiteral("/ParViz/presets");
    const QString older = home.path() + QStringLiteral("/ParViz/ParViz/presets");
    const auto write = [](const QString &folder, const char *name, const char *title) {
        QVERIFY(QDir().mkpath(folder));
        QFile file(folder + u'/' + QLatin1String(name));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(QByteArray(R"({"parviz_preset": 1, "title": ")") + title
            + R"(", "strategy": "thread-pool", "tasks": 4, "duration": "1ms", "workers": 2})");
    };
    write(documented, "new.json", "In the documented folder");
    write(older, "old.json", "In the older folder");
    write(documented, "both.json", "Both, documented");
    write(older, "both.json", "Both, older");
    if (QTest::currentTestFailed())
        return;

    PresetPanel panel;
    QCOMPARE(panel.userDirectory(), documented);
    QStringList own;
    for (const Preset &preset : panel.library().presets) {
        if (!preset.builtIn)
            own << preset.title;
    }
    own.sort();
    QCOMPARE(own,
        QStringList({QStringLiteral("Both, documented"),
            QStringLiteral("In the documented folder"),
            QStringLiteral("In the older folder")}));
    QVERIFY(panel.library().problems.empty());
}

QTEST_MAIN(tst_PresetPanel)
#include "tst_presetpanel.moc"
