#include "comparison/comparisonchooser.h"
#include "run/planning.h"
#include "strategies/strategyregistry.h"
#include "strategies/threadpertask.h"

#include <QApplication>
#include <QCheckBox>
#include <QDialogButtonBox>
#include <QLabel>
#include <QPushButton>
#include <QTest>

using namespace parviz;

// The chooser of a comparison's strategies: every strategy listed, sensible ones preselected,
// the ones that cannot run the workload disabled with the reason shown.
class tst_ComparisonChooser : public QObject
{
    Q_OBJECT

private slots:
    void listsEveryStrategyOfTheRegistry();
    void preselectsTheCurrentStrategyAndTheBaseline();
    void plansShareTheTasksInTheRegistrysOrder();
    void strategyThatCannotRunIsDisabledWithItsReason();
    void compareNeedsAStrategy();

private:
    static RunPlan plan(const QString &strategy, int tasks, TaskKind kind, bool makeTasks = true);
};

RunPlan tst_ComparisonChooser::plan(
    const QString &strategy, int tasks, TaskKind kind, bool makeTasks)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.kind = kind;
    workload.duration = DurationSpec::fixed(5'000'000);
    auto made = makeTasks ? makeRunPlan(strategy, workload, WorkerCount::exactly(2))
                          : checkRunPlan(strategy, workload, WorkerCount::exactly(2));
    if (!made)
        qFatal("%s", qPrintable(made.error().message));
    return *made;
}

void tst_ComparisonChooser::listsEveryStrategyOfTheRegistry()
{
    ComparisonChooser chooser(plan(QStringLiteral("thread-pool"), 6, TaskKind::Sleep));
    QStringList ids;
    for (const StrategyEntry &entry : strategyRegistry())
        ids << entry.info.id;
    QCOMPARE(chooser.strategies(), ids);
    for (const QString &id : ids) {
        QVERIFY2(chooser.isChoosable(id), qPrintable(id));
        QVERIFY(chooser.reason(id).isEmpty());
        auto *box = chooser.findChild<QCheckBox *>(id);
        QVERIFY(box);
        QVERIFY(box->isEnabled());
    }
}

void tst_ComparisonChooser::preselectsTheCurrentStrategyAndTheBaseline()
{
    ComparisonChooser sleeping(plan(QStringLiteral("pool-map"), 6, TaskKind::Sleep));
    QVERIFY(sleeping.isChosen(QStringLiteral("pool-map")));
    QVERIFY(sleeping.isChosen(QStringLiteral("sequential")));
    QVERIFY(sleeping.chosen().size() >= 3); // and a couple of others
    QVERIFY(sleeping.chosen().size() < sleeping.strategies().size());

    // For computing tasks that hold the GIL, threads against processes: the GIL is what there
    // is to see. The older "gil-threads" is such a thread pool, and is chosen as one.
    ComparisonChooser computing(plan(QStringLiteral("gil-threads"), 6, TaskKind::Cpu));
    QCOMPARE(computing.chosen(),
        QStringList({QStringLiteral("sequential"),
            QStringLiteral("thread-pool"),
            QStringLiteral("process-pool")}));
    for (const RunPlan &each : computing.plans())
        QCOMPARE(each.workload.gil, TaskGil::Held);

    // A preset's own comparison keeps the baseline, as the README says.
    computing.chooseWithBaseline({QStringLiteral("pool-map"), QStringLiteral("thread-pool")});
    QCOMPARE(computing.chosen(),
        QStringList({QStringLiteral("sequential"),
            QStringLiteral("thread-pool"),
            QStringLiteral("pool-map")}));
}

void tst_ComparisonChooser::plansShareTheTasksInTheRegistrysOrder()
{
    const RunPlan base = plan(QStringLiteral("thread-pool"), 6, TaskKind::Sleep);
    ComparisonChooser chooser(base);
    for (const QString &id : chooser.strategies())
        chooser.setChosen(id, false);
    chooser.setChosen(QStringLiteral("pool-map"), true);
    chooser.setChosen(QStringLiteral("sequential"), true);
    QCOMPARE(
        chooser.chosen(), QStringList({QStringLiteral("sequential"), QStringLiteral("pool-map")}));

    const std::vector<RunPlan> plans = chooser.plans();
    QCOMPARE(plans.size(), std::size_t{2});
    QCOMPARE(plans[0].strategy, QStringLiteral("sequential"));
    QCOMPARE(plans[1].strategy, QStringLiteral("pool-map"));
    for (const RunPlan &each : plans) {
        QCOMPARE(each.tasks, base.tasks); // the very same tasks, not a copy
        QCOMPARE(each.workload, base.workload);
        QCOMPARE(each.workers, base.workers);
    }
}

void tst_ComparisonChooser::strategyThatCannotRunIsDisabledWithItsReason()
{
    const int tasks = ThreadPerTaskStrategy::MaxThreads + 1;
    ComparisonChooser chooser(plan(QStringLiteral("thread-pool"), tasks, TaskKind::Sleep, false));
    const QString id = QStringLiteral("thread-per-task");
    QVERIFY(!chooser.isChoosable(id));
    QVERIFY(chooser.reason(id).contains(QString::number(tasks)));
    auto *box = chooser.findChild<QCheckBox *>(id);
    QVERIFY(box);
    QVERIFY(!box->isEnabled());
    QVERIFY(!box->isChecked());
    chooser.setChosen(id, true);
    QVERIFY(!chooser.isChosen(id));
    for (const RunPlan &each : chooser.plans())
        QVERIFY(each.strategy != id);

    // The reason is shown, not only known.
    bool shown = false;
    for (const QLabel *label : chooser.findChildren<QLabel *>())
        shown = shown || label->text().contains(chooser.reason(id).toHtmlEscaped());
    QVERIFY(shown);
    // The others still can.
    QVERIFY(chooser.isChoosable(QStringLiteral("thread-pool")));
}

void tst_ComparisonChooser::compareNeedsAStrategy()
{
    ComparisonChooser chooser(plan(QStringLiteral("thread-pool"), 6, TaskKind::Sleep));
    QPushButton *ok = chooser.findChild<QDialogButtonBox *>()->button(QDialogButtonBox::Ok);
    QVERIFY(ok->isEnabled());
    for (const QString &id : chooser.strategies())
        chooser.setChosen(id, false);
    QVERIFY(!ok->isEnabled());
    QVERIFY(chooser.plans().empty());
    chooser.setChosen(QStringLiteral("sequential"), true);
    QVERIFY(ok->isEnabled());
}

QTEST_MAIN(tst_ComparisonChooser)
#include "tst_comparisonchooser.moc"
