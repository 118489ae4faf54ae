#include "metrics/amdahl.h"
#include "panels/metricspanel.h"
#include "run/runresult.h"

#include <QApplication>
#include <QTest>

using namespace parviz;

// What the numbers panel says where a number alone would puzzle: a Karp-Flatt value above 1,
// a run disturbed by other processes, one worker.
class tst_MetricsPanel : public QObject
{
    Q_OBJECT

private slots:
    void karpFlattAboveOneIsExplained();
    void disturbedRunSaysSo();
};

namespace {
RunResult gilRun()
{
    RunResult run;
    run.strategy.name = QStringLiteral("Thread pool");
    run.workers = 2;
    run.plan.tasks = std::make_shared<const std::vector<TaskSpec>>(8);
    run.metrics.workers = 2;
    run.metrics.makespanNs = 438'000'000;
    run.metrics.lowerBoundNs = 400'000'000;
    run.metrics.boundRatio = 1.095;
    run.metrics.speedup = 1.0 / 1.095; // slower than one worker alone, as threads under a GIL
    run.metrics.efficiency = run.metrics.speedup / 2;
    run.metrics.karpFlatt = karpFlatt(run.metrics.speedup, 2);
    run.metrics.tasksCompleted = 8;
    return run;
}
} // namespace

void tst_MetricsPanel::karpFlattAboveOneIsExplained()
{
    MetricsPanel panel;
    panel.showResult(gilRun());
    const QString text = panel.text();
    QVERIFY2(text.contains(QStringLiteral("1.190 (above 1: slower than one worker alone")),
        qPrintable(text));
    QVERIFY2(text.contains(QStringLiteral("Thread pool, 2 workers")), qPrintable(text));
    QVERIFY(!text.contains(QStringLiteral("Disturbed")));

    RunResult one = gilRun();
    one.workers = 1;
    panel.showResult(one);
    QVERIFY2(
        panel.text().startsWith(QStringLiteral("Thread pool, 1 worker")), qPrintable(panel.text()));
    QVERIFY(!panel.text().contains(QStringLiteral("1 workers")));

    // Tasks of microseconds: no makespan / bound ratio shown as a finding (x256.37).
    RunResult tiny = gilRun();
    tiny.metrics.makespanNs = 3'076'440;
    tiny.metrics.lowerBoundNs = 12'000;
    tiny.metrics.boundRatio = 256.37;
    panel.showResult(tiny);
    QVERIFY2(!panel.text().contains(QStringLiteral("256.37")), qPrintable(panel.text()));
    QVERIFY2(panel.text().contains(QStringLiteral("start-up costs")), qPrintable(panel.text()));
}

void tst_MetricsPanel::disturbedRunSaysSo()
{
    MetricsPanel panel;
    RunResult run = gilRun();
    run.machineLoad.otherCores = 0.81;
    run.machineLoad.disturbed = true;
    panel.showResult(run);
    QVERIFY2(panel.text().contains(QStringLiteral("Disturbed: other processes kept 0.81 cores")),
        qPrintable(panel.text()));
}

QTEST_MAIN(tst_MetricsPanel)
#include "tst_metricspanel.moc"
