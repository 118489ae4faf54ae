#include "mainwindow.h"
#include "panels/codepanel.h"
#include "panels/workloadpanel.h"
#include "run/planning.h"
#include "theme.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QDockWidget>
#include <QFontDatabase>
#include <QMenu>
#include <QMenuBar>
#include <QPlainTextEdit>
#include <QStandardPaths>
#include <QTest>
#include <QTextBlock>
#include <QTextLayout>

using namespace parviz;

namespace {

RunPlan threadPool(int workers)
{
    WorkloadSpec workload;
    workload.taskCount = 300;
    workload.duration = DurationSpec::fixed(100'000'000);
    return checkRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(workers))
        .value();
}

// The colour given to the first character of the first line that starts with `prefix`.
QColor colourOfLine(const QPlainTextEdit *view, const QString &prefix)
{
    for (QTextBlock block = view->document()->begin(); block.isValid(); block = block.next()) {
        if (!block.text().startsWith(prefix))
            continue;
        for (const QTextLayout::FormatRange &range : block.layout()->formats()) {
            if (range.start == 0)
                return range.format.foreground().color();
        }
        return {};
    }
    return {};
}

} // namespace

// The Python beside the picture: the panel shows, colours and copies both programs, and the
// window keeps it in step with the workload.
class tst_CodePanel : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void showsBothPrograms();
    void explainsWhyThereIsNoProgram();
    void copiesTheProgramShown();
    void coloursFollowTheTheme();
    void windowKeepsItInStep();
};

void tst_CodePanel::initTestCase()
{
    QStandardPaths::setTestModeEnabled(true); // settings go to a test location
    QApplication::setOrganizationName(QStringLiteral("ParVizTest"));
    QApplication::setApplicationName(QStringLiteral("tst_codepanel"));
}

void tst_CodePanel::showsBothPrograms()
{
    CodePanel panel;
    panel.showPlan(threadPool(3));
    QVERIFY(panel.pythonText().contains(QLatin1String("ThreadPoolExecutor(max_workers=3)")));
    QVERIFY(panel.pythonText().contains(QLatin1String("durations = [0.1] * 300")));
    QVERIFY(panel.cppText().contains(QLatin1String("TaskQueue queue(300)")));
    const auto *python = panel.findChild<QPlainTextEdit *>(QStringLiteral("pythonView"));
    QVERIFY(python);
    QVERIFY(python->isReadOnly());
    QCOMPARE(python->font().fixedPitch(),
        QFontDatabase::systemFont(QFontDatabase::FixedFont).fixedPitch());
    QCOMPARE(python->font().family(), QFontDatabase::systemFont(QFontDatabase::FixedFont).family());
}

void tst_CodePanel::explainsWhyThereIsNoProgram()
{
    CodePanel panel;
    panel.showPlan(Error{QStringLiteral("bad-workers"), QStringLiteral("too many workers")});
    QCOMPARE(panel.pythonText(), QStringLiteral("# No program: too many workers\n"));
    QVERIFY(panel.cppText().contains(QLatin1String("too many workers")));
}

void tst_CodePanel::copiesTheProgramShown()
{
    CodePanel panel;
    panel.showPlan(threadPool(2));
    panel.showLanguage(CodePanel::Language::Python);
    panel.copy();
    QCOMPARE(QApplication::clipboard()->text(), panel.pythonText());
    panel.showLanguage(CodePanel::Language::Cpp);
    panel.copy();
    QCOMPARE(QApplication::clipboard()->text(), panel.cppText());
    QVERIFY(panel.pythonText() != panel.cppText());
}

void tst_CodePanel::coloursFollowTheTheme()
{
    CodePanel panel;
    panel.showPlan(threadPool(2));
    const auto *python = panel.findChild<QPlainTextEdit *>(QStringLiteral("pythonView"));

    applyTheme(Theme::Light);
    QVERIFY(!panel.highlighter(CodePanel::Language::Python)->isDark());
    const QColor lightKeyword = colourOfLine(python, QStringLiteral("import"));
    const QColor lightComment = colourOfLine(python, QStringLiteral("#"));
    QVERIFY(lightKeyword.isValid());
    QVERIFY(lightComment.isValid());
    QVERIFY(lightKeyword != lightComment);
    // Dark text on the light background.
    QVERIFY(lightKeyword.lightness() < 160);

    applyTheme(Theme::Dark);
    QVERIFY(isDarkTheme());
    QVERIFY(panel.highlighter(CodePanel::Language::Python)->isDark());
    QVERIFY(panel.highlighter(CodePanel::Language::Cpp)->isDark());
    const QColor darkKeyword = colourOfLine(python, QStringLiteral("import"));
    QVERIFY(darkKeyword != lightKeyword);
    QVERIFY(darkKeyword.lightness() > 110);

    applyTheme(Theme::System);
}

void tst_CodePanel::windowKeepsItInStep()
{
    MainWindow window;
    auto *dock = window.findChild<QDockWidget *>(QStringLiteral("pythonDock"));
    QVERIFY(dock);
    QCOMPARE(dock->widget(), window.codePanel());
    bool inViewMenu = false;
    for (QAction *menu : window.menuBar()->actions()) {
        if (menu->menu() && menu->menu()->actions().contains(dock->toggleViewAction()))
            inViewMenu = true;
    }
    QVERIFY(inViewMenu);

    WorkloadPanel *workload = window.workloadPanel();
    workload->setStrategy(QStringLiteral("process-pool"));
    workload->setWorkers(WorkerCount::exactly(5));
    QVERIFY(window.codePanel()->pythonText().contains(
        QLatin1String("ProcessPoolExecutor(max_workers=5)")));
    workload->setStrategy(QStringLiteral("batched"));
    QVERIFY(window.codePanel()->pythonText().contains(QLatin1String("n_jobs=5")));
    // A million tasks: the program stays short, and no tasks are made for it.
    workload->setTaskCount(WorkloadSpec::MaxTasks);
    QVERIFY(window.codePanel()->pythonText().contains(QLatin1String("* 1000000")));
    QVERIFY(window.codePanel()->pythonText().size() < 10'000);
}

QTEST_MAIN(tst_CodePanel)
#include "tst_codepanel.moc"
