#include "comparison/comparisonwindow.h"
#include "export/runjson.h"
#include "export/runjsonreader.h"
#include "mainwindow.h"
#include "panels/workloadpanel.h"
#include "recentfiles.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "shortcutsdialog.h"

#include <QAction>
#include <QApplication>
#include <QFile>
#include <QFileInfo>
#include <QKeySequence>
#include <QMenu>
#include <QMenuBar>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeWidget>

#include <algorithm>

using namespace parviz;

// The window and its files as a desktop hands them over: `parviz FILE...` (MainWindow::
// openFiles), File > Open Recent, Help > Keyboard Shortcuts, and the program's own --help and
// --version.
class tst_MainWindowFiles : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void fileArgumentOpensARun();
    void badFileArgumentSaysWhatFileOpenSays();
    void severalFilesOpenSideBySide();
    void comparisonFileOpensSideBySide();
    void badFileAmongSeveralLeavesTheOthersOpen();
    void openedFilesAreRecent();
    void recentFilesKeepTheNewestEight();
    void missingRecentFileIsDisabled();
    void recentFileOpensAndClearForgetsThem();
    void shortcutsListEveryActionsShortcut();
    void programPrintsHelpAndVersion_data();
    void programPrintsHelpAndVersion();

private:
    QString saveRun(const QString &name, const QString &strategy, int workers);
    QString writeFile(const QString &name, const QByteArray &bytes);
    std::unique_ptr<MainWindow> m_window;
    QTemporaryDir m_files;
};

void tst_MainWindowFiles::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_mainwindowfiles"));
}

void tst_MainWindowFiles::init()
{
    QSettings().clear();
    m_window = std::make_unique<MainWindow>();
    m_window->resize(1200, 800);
    m_window->show();
    QVERIFY(QTest::qWaitForWindowExposed(m_window.get()));
}

void tst_MainWindowFiles::cleanup()
{
    m_window.reset();
}

// A run of `strategy` on `workers`, saved as `name` among the test's files.
QString tst_MainWindowFiles::saveRun(const QString &name, const QString &strategy, int workers)
{
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.duration = DurationSpec::fixed(1'000'000);
    const RunResult run =
        executeRun(makeRunPlan(strategy, workload, WorkerCount::exactly(workers)).value());
    const QString path = m_files.filePath(name);
    if (!saveRunJson(run, path).ok())
        qFatal("cannot save the run to %s", qPrintable(path));
    return path;
}

QString tst_MainWindowFiles::writeFile(const QString &name, const QByteArray &bytes)
{
    const QString path = m_files.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

void tst_MainWindowFiles::fileArgumentOpensARun()
{
    const QString path =
        saveRun(QStringLiteral("pool.parviz.json"), QStringLiteral("thread-pool"), 3);
    QVERIFY(m_window->openFiles({path}).ok());
    QVERIFY(m_window->lastRun().has_value());
    QCOMPARE(m_window->workloadPanel()->strategyId(), QStringLiteral("thread-pool"));
    // Main, the workers and the GIL: the tasks are pure Python (they hold it) by default.
    QCOMPARE(m_window->timeline().rowCount(), 1 + 3 + 1);
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("pool.parviz.json")));
    QVERIFY(!m_window->comparisonWindow()); // one run: the window shows it
}

void tst_MainWindowFiles::badFileArgumentSaysWhatFileOpenSays()
{
    const QString path =
        writeFile(QStringLiteral("broken.json"), "{\"format\": 1, \"strategy\": \"thread-pool\"");
    const auto byMenu = m_window->openRun(path);
    QVERIFY(!byMenu.ok());
    const QString shownByMenu = m_window->statusBar()->currentMessage();
    m_window->statusBar()->clearMessage();

    const auto byArgument = m_window->openFiles({path});
    QVERIFY(!byArgument.ok());
    QCOMPARE(byArgument.error().message, byMenu.error().message);
    QCOMPARE(m_window->statusBar()->currentMessage(), shownByMenu);
    QVERIFY(byArgument.error().message.contains(path));
    QVERIFY(!m_window->lastRun().has_value());
    QVERIFY(m_window->recentFiles()->files().isEmpty()); // what did not open is not recent

    const QString missing = m_files.filePath(QStringLiteral("nowhere.json"));
    const auto notThere = m_window->openFiles({missing});
    QVERIFY(!notThere.ok());
    QCOMPARE(notThere.error().message, m_window->openRun(missing).error().message);
}

void tst_MainWindowFiles::severalFilesOpenSideBySide()
{
    const QStringList paths{
        saveRun(QStringLiteral("sequential.json"), QStringLiteral("sequential"), 1),
        saveRun(QStringLiteral("pool.json"), QStringLiteral("thread-pool"), 2),
    };
    QVERIFY(m_window->openFiles(paths).ok());
    ComparisonWindow *comparison = m_window->comparisonWindow();
    QVERIFY(comparison);
    QVERIFY(comparison->isVisible());
    QCOMPARE(comparison->ganttCount(), 2);
    QCOMPARE(static_cast<int>(comparison->runs().size()), 2);
    QCOMPARE(comparison->runs()[0].plan.strategy, QStringLiteral("sequential"));
    QCOMPARE(comparison->runs()[1].plan.strategy, QStringLiteral("thread-pool"));
    QVERIFY(comparison->windowTitle().contains(QStringLiteral("sequential.json")));
    QVERIFY(comparison->windowTitle().contains(QStringLiteral("pool.json")));

    // Opened again, they replace what was shown rather than pile up.
    QVERIFY(m_window->openFiles(paths).ok());
    QCOMPARE(comparison->ganttCount(), 2);
}

void tst_MainWindowFiles::comparisonFileOpensSideBySide()
{
    const QString one = saveRun(QStringLiteral("a.json"), QStringLiteral("thread-pool"), 2);
    const QString two = saveRun(QStringLiteral("b.json"), QStringLiteral("pool-map"), 2);
    const auto runs = loadRunsJson(one);
    const auto more = loadRunsJson(two);
    QVERIFY(runs.ok() && more.ok());
    const std::vector<RunResult> both{runs->front(), more->front()};
    const QString path = m_files.filePath(QStringLiteral("comparison.parviz.json"));
    QVERIFY(saveComparisonJson(both, path).ok());

    QVERIFY(m_window->openFiles({path}).ok());
    ComparisonWindow *comparison = m_window->comparisonWindow();
    QVERIFY(comparison);
    QCOMPARE(comparison->ganttCount(), 2);
    QCOMPARE(comparison->runs()[1].plan.strategy, QStringLiteral("pool-map"));
    QVERIFY(!m_window->lastRun().has_value()); // the main window is left as it was
}

void tst_MainWindowFiles::badFileAmongSeveralLeavesTheOthersOpen()
{
    const QString good = saveRun(QStringLiteral("good.json"), QStringLiteral("thread-pool"), 2);
    const QString bad = writeFile(QStringLiteral("bad.json"), "not json");
    const QString worse = writeFile(QStringLiteral("empty.json"), "");
    const auto opened = m_window->openFiles({bad, good, worse});
    QVERIFY(!opened.ok());
    // Each problem, as File > Open Run gives it.
    QVERIFY(opened.error().message.contains(m_window->openRun(bad).error().message));
    QVERIFY(opened.error().message.contains(m_window->openRun(worse).error().message));
    // The one good run is shown as its own file would be.
    QVERIFY(m_window->lastRun().has_value());
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("good.json")));
    QCOMPARE(m_window->recentFiles()->files(), QStringList{QFileInfo(good).absoluteFilePath()});
}

void tst_MainWindowFiles::openedFilesAreRecent()
{
    const QString first = saveRun(QStringLiteral("first.json"), QStringLiteral("thread-pool"), 2);
    const QString second = saveRun(QStringLiteral("second.json"), QStringLiteral("thread-pool"), 2);
    QVERIFY(m_window->openRun(first).ok());
    QVERIFY(m_window->openFiles({second}).ok());
    QVERIFY(m_window->openRun(first).ok()); // again: moves to the top, listed once
    const QStringList expected{
        QFileInfo(first).absoluteFilePath(), QFileInfo(second).absoluteFilePath()};
    QCOMPARE(m_window->recentFiles()->files(), expected);

    // The next session remembers them.
    m_window.reset();
    MainWindow next;
    QCOMPARE(next.recentFiles()->files(), expected);
}

void tst_MainWindowFiles::recentFilesKeepTheNewestEight()
{
    RecentFiles *recent = m_window->recentFiles();
    QStringList added;
    for (int i = 0; i < RecentFiles::MaxFiles + 3; ++i) {
        added.prepend(writeFile(QStringLiteral("run%1.json").arg(i), "{}"));
        recent->add(added.front());
    }
    QCOMPARE(recent->files(), added.mid(0, RecentFiles::MaxFiles));

    QMenu menu;
    RecentFiles listed(&menu);
    const QList<QAction *> actions = menu.actions();
    // The files, a separator, Clear.
    QCOMPARE(actions.size(), RecentFiles::MaxFiles + 2);
    QCOMPARE(actions.front()->data().toString(), added.front());
    QVERIFY(actions.front()->text().contains(QStringLiteral("run10.json")));
    QVERIFY(actions.front()->isEnabled());
    QVERIFY(actions.back()->isEnabled());
}

void tst_MainWindowFiles::missingRecentFileIsDisabled()
{
    const QString kept = writeFile(QStringLiteral("kept.json"), "{}");
    const QString gone = writeFile(QStringLiteral("gone.json"), "{}");
    RecentFiles *recent = m_window->recentFiles();
    recent->add(kept);
    recent->add(gone);
    QVERIFY(QFile::remove(gone));

    QMenu menu;
    RecentFiles listed(&menu);
    emit menu.aboutToShow(); // as when File > Open Recent opens
    const QList<QAction *> actions = menu.actions();
    QCOMPARE(actions.size(), 2 + 2);
    QCOMPARE(actions[0]->data().toString(), gone);
    QVERIFY(!actions[0]->isEnabled());
    QVERIFY(actions[0]->text().contains(QStringLiteral("missing")));
    QCOMPARE(actions[1]->data().toString(), kept);
    QVERIFY(actions[1]->isEnabled());
    QCOMPARE(recent->files().size(), 2); // still listed: its disk may come back
}

void tst_MainWindowFiles::recentFileOpensAndClearForgetsThem()
{
    const QString path = saveRun(QStringLiteral("again.json"), QStringLiteral("thread-pool"), 2);
    m_window->recentFiles()->add(path);
    // The File menu's Open Recent submenu, found by its entries.
    const QList<QMenu *> menus = m_window->menuBar()->findChildren<QMenu *>();
    const auto recentMenu = std::find_if(menus.begin(), menus.end(), [](const QMenu *each) {
        return each->title() == QStringLiteral("Open &Recent");
    });
    QVERIFY(recentMenu != menus.end());
    emit(*recentMenu)->aboutToShow();
    QAction *entry = (*recentMenu)->actions().front();
    QCOMPARE(entry->data().toString(), QFileInfo(path).absoluteFilePath());
    entry->trigger();
    QTRY_VERIFY(m_window->lastRun().has_value());
    QVERIFY(m_window->windowTitle().contains(QStringLiteral("again.json")));

    QAction *clear = (*recentMenu)->actions().back();
    QVERIFY(clear->isEnabled());
    clear->trigger();
    QTRY_VERIFY(m_window->recentFiles()->files().isEmpty());
    const QList<QAction *> left = (*recentMenu)->actions();
    QCOMPARE(left.size(), 3); // "No Recent Files", a separator, Clear
    QVERIFY(!left.front()->isEnabled());
    QVERIFY(!left.back()->isEnabled());
}

void tst_MainWindowFiles::shortcutsListEveryActionsShortcut()
{
    const std::vector<ActionShortcut> shortcuts =
        actionShortcuts(m_window->menuBar(), m_window->actions());
    const auto keysOf = [&](const QString &action) {
        const auto found = std::find_if(shortcuts.begin(),
            shortcuts.end(),
            [&](const ActionShortcut &each) { return each.action == action; });
        return found == shortcuts.end() ? QStringLiteral("(not listed)") : found->keys;
    };
    const auto text = [](const QKeySequence &keys) {
        return keys.toString(QKeySequence::NativeText);
    };
    QCOMPARE(keysOf(QStringLiteral("Run > Run")), text(QKeySequence(Qt::CTRL | Qt::Key_R)));
    QCOMPARE(keysOf(QStringLiteral("Run > Stop")), text(QKeySequence(Qt::Key_Escape)));
    QCOMPARE(keysOf(QStringLiteral("View > Presentation Mode")), text(QKeySequence(Qt::Key_F11)));
    QVERIFY(keysOf(QStringLiteral("File > Open Run…")).startsWith(text(QKeySequence::Open)));
    QVERIFY(std::any_of(shortcuts.begin(), shortcuts.end(), [&](const ActionShortcut &each) {
        return each.action.startsWith(QStringLiteral("Presets > "))
            && each.keys == text(QKeySequence(Qt::CTRL | Qt::Key_1));
    }));

    // Every action of the window that has a shortcut is listed, once, with its keys.
    int withShortcut = 0;
    for (const QAction *action : m_window->findChildren<QAction *>()) {
        if (action->shortcut().isEmpty() || !action->isVisible())
            continue;
        ++withShortcut;
        const QString keys = text(action->shortcut());
        QVERIFY2(std::any_of(shortcuts.begin(),
                     shortcuts.end(),
                     [&](const ActionShortcut &each) { return each.keys.startsWith(keys); }),
            qPrintable(action->text()));
    }
    QCOMPARE(static_cast<int>(shortcuts.size()), withShortcut);

    // Help > Keyboard Shortcuts lists the comparison window's own too, before it is opened.
    QVERIFY(!m_window->comparisonWindow());
    const std::vector<ActionShortcut> all = m_window->shortcuts();
    QCOMPARE(all.size(), shortcuts.size() + 5); // Stop, Fit, Save Picture, Save JSON, Close
    const auto inAll = [&](const QString &action) {
        const auto found = std::find_if(all.begin(), all.end(), [&](const ActionShortcut &each) {
            return each.action == action;
        });
        return found == all.end() ? QStringLiteral("(not listed)") : found->keys;
    };
    QCOMPARE(inAll(QStringLiteral("Comparison window > Stop")), text(QKeySequence(Qt::Key_Escape)));
    QCOMPARE(inAll(QStringLiteral("Comparison window > Save Comparison JSON…")),
        text(QKeySequence(QKeySequence::Save)));
    QCOMPARE(inAll(QStringLiteral("Comparison window > Close")),
        text(QKeySequence(QKeySequence::Close)));

    ShortcutsDialog dialog(shortcuts);
    QCOMPARE(dialog.table()->topLevelItemCount(), withShortcut);
    QCOMPARE(dialog.table()->topLevelItem(0)->text(0), shortcuts.front().action);
    QCOMPARE(dialog.table()->topLevelItem(0)->text(1), shortcuts.front().keys);
    QVERIFY(m_window->shortcutsAction()->isEnabled());
}

void tst_MainWindowFiles::programPrintsHelpAndVersion_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("output");
    QTest::addColumn<bool>("display"); // false: run where no window could open
    QTest::newRow("--version") << QStringList{QStringLiteral("--version")} << 0
                               << QStringLiteral("ParViz %1").arg(QStringLiteral(PARVIZ_VERSION))
                               << false;
    QTest::newRow("--help") << QStringList{QStringLiteral("--help")} << 0
                            << QStringLiteral("[FILE...]") << false;
    QTest::newRow("an unknown option")
        << QStringList{QStringLiteral("--frobnicate")} << 1 << QStringLiteral("frobnicate") << true;
}

// --help and --version need no display.
void tst_MainWindowFiles::programPrintsHelpAndVersion()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, status);
    QFETCH(QString, output);
    QFETCH(bool, display);
    QProcess parviz;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    if (!display) {
        environment.remove(QStringLiteral("QT_QPA_PLATFORM"));
        environment.remove(QStringLiteral("DISPLAY"));
        environment.remove(QStringLiteral("WAYLAND_DISPLAY"));
    }
    parviz.setProcessEnvironment(environment);
    parviz.start(QStringLiteral(PARVIZ_PATH), arguments);
    QVERIFY(parviz.waitForFinished(30000));
    QCOMPARE(parviz.exitStatus(), QProcess::NormalExit);
    QCOMPARE(parviz.exitCode(), status);
    const QString printed =
        QString::fromUtf8(parviz.readAllStandardOutput() + parviz.readAllStandardError());
    QVERIFY2(printed.contains(output), qPrintable(printed));
}

QTEST_MAIN(tst_MainWindowFiles)
#include "tst_mainwindowfiles.moc"
