#include "processes.h"
#include "python/interpreter.h"
#include "runcontroller.h"

#include <QSignalSpy>
#include <QTest>

#include <set>
#include <unistd.h>

using namespace parviz;

// RunController's Dask sweep: one LocalCluster, started in the background while the baseline
// runs, serves every run of the sweep and is gone when the sweep ends, however it ends. Real
// clusters on 127.0.0.1; skipped without Dask's distributed.
class tst_RunController : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void daskSweepRunsOnOneCluster();
    void stopWhileBaselineRunsAndClusterStarts();
    void stopWhileWaitingForCluster();
    void closingMidSweepLeavesNothing();

private:
    std::shared_ptr<const PythonInterpreter> m_python;
    QString m_unavailable;
};

namespace {

constexpr std::int64_t Ms = 1'000'000;
// A cluster starts in seconds; a loaded machine may take much longer.
constexpr int ClusterTimeoutMs = 120'000;

SweepPlan daskSweep(
    int tasks, std::int64_t taskNs, std::shared_ptr<const PythonInterpreter> python = nullptr)
{
    SweepPlan plan;
    plan.python = std::move(python);
    plan.strategy = QStringLiteral("dask");
    plan.workload.taskCount = tasks;
    plan.workload.duration = DurationSpec::uniform(taskNs, taskNs);
    plan.maxWorkers = 2;
    plan.repeat = 1;
    return plan;
}

// "127.0.0.1:39041" of every row labelled "127.0.0.1:39041 · thread 1".
std::set<QString> workerAddresses(const RunResult &run)
{
    std::set<QString> addresses;
    for (int lane = 0; lane < run.trace->workerCount(); ++lane)
        addresses.insert(run.trace->label(lane).section(QLatin1Char(' '), 0, 0));
    return addresses;
}

// The processes this test has started, and theirs, now.
std::set<pid_t> descendants()
{
    const auto pids = test::descendantsOf(::getpid());
    return {pids.begin(), pids.end()};
}

QString stillThere(const std::set<pid_t> &pids)
{
    QStringList left;
    for (const pid_t pid : pids)
        if (!test::processIsGone(pid))
            left.append(QString::number(pid));
    return left.join(QLatin1Char(' '));
}

} // namespace

void tst_RunController::initTestCase()
{
    // The python3 on PATH may lack Debian's distributed; /usr/bin/python3 has it.
    if (qEnvironmentVariableIsEmpty("PARVIZ_PYTHON"))
        qputenv("PARVIZ_PYTHON", "/usr/bin/python3");
    auto python = findPython();
    if (!python)
        m_unavailable = python.error().message;
    else if (!python->hasDistributed)
        m_unavailable = QStringLiteral("%1 cannot import Dask's distributed (Debian: apt-get "
                                       "install python3-distributed)")
                            .arg(python->path);
    else
        m_python = std::make_shared<const PythonInterpreter>(*python);
    if (!m_unavailable.isEmpty())
        qWarning("%s", qPrintable(m_unavailable));
}

// 1 and 2 workers of one cluster: the 2-worker run's workers include the 1-worker run's, every
// Dask run names the same scheduler, and the cluster's processes are gone once the sweep ends.
void tst_RunController::daskSweepRunsOnOneCluster()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    RunController controller;
    QSignalSpy finished(&controller, &RunController::sweepFinished);
    std::vector<RunResult> runs;
    std::set<pid_t> started; // every process seen while a Dask run went on
    connect(&controller, &RunController::runStarted, this, [&](const RunPlan &plan) {
        if (plan.strategy == QLatin1String("dask")) {
            const auto now = descendants();
            started.insert(now.begin(), now.end());
        }
    });
    connect(&controller, &RunController::runFinished, this, [&](const RunResult &run) {
        runs.push_back(run);
    });
    const SweepPlan plan = daskSweep(6, 20 * Ms, m_python);
    QVERIFY(RunController::startsCluster(plan));
    QVERIFY(controller.sweep(plan));
    QVERIFY(controller.isStartingCluster());
    QVERIFY(finished.wait(ClusterTimeoutMs));
    const auto sweep = finished.front().front().value<SweepResult>();
    QVERIFY2(!sweep.error, qPrintable(sweep.error ? sweep.error->message : QString()));
    QVERIFY(!sweep.stopped);
    QCOMPARE(sweep.points.size(), std::size_t(2));
    QVERIFY(!controller.isBusy());

    QCOMPARE(runs.size(), std::size_t(3));
    QCOMPARE(runs[0].plan.strategy, QStringLiteral("sequential"));
    const QString scheduler = runs[1].plan.options.daskScheduler;
    QVERIFY2(scheduler.startsWith(QLatin1String("tcp://127.0.0.1:")), qPrintable(scheduler));
    QCOMPARE(runs[2].plan.options.daskScheduler, scheduler);
    const auto one = workerAddresses(runs[1]);
    const auto two = workerAddresses(runs[2]);
    QCOMPARE(one.size(), std::size_t(1));
    QCOMPARE(two.size(), std::size_t(2));
    QVERIFY2(two.count(*one.begin()) == 1,
        qPrintable(
            QStringLiteral("%1 is not among the workers of the 2-worker run").arg(*one.begin())));

    // The holder and its workers: more than the run's own interpreter.
    QVERIFY(started.size() >= 3);
    QTRY_VERIFY2_WITH_TIMEOUT(
        stillThere(started).isEmpty(), qPrintable(stillThere(started)), 20'000);
}

// Stop while the baseline runs and the cluster starts: the sweep ends stopped, and the cluster's
// process group goes at once.
void tst_RunController::stopWhileBaselineRunsAndClusterStarts()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    RunController controller;
    QSignalSpy finished(&controller, &RunController::sweepFinished);
    QSignalSpy busy(&controller, &RunController::busyChanged);
    // A baseline of 10 s that Stop cuts short.
    QVERIFY(controller.sweep(daskSweep(100, 100 * Ms, m_python)));
    QVERIFY(controller.isStartingCluster());
    const auto before = descendants();
    QVERIFY(!before.empty());
    controller.stop();
    QVERIFY(finished.wait(20'000));
    QVERIFY(finished.front().front().value<SweepResult>().stopped);
    QCOMPARE(busy.back().front().toBool(), false);
    QVERIFY(!controller.isBusy());
    QTRY_VERIFY2_WITH_TIMEOUT(stillThere(before).isEmpty(), qPrintable(stillThere(before)), 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(descendants().empty(), 20'000);
}

// Stop while the first Dask run waits for the cluster: no run starts, the sweep ends stopped,
// and nothing of the cluster is left.
void tst_RunController::stopWhileWaitingForCluster()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    RunController controller;
    QSignalSpy finished(&controller, &RunController::sweepFinished);
    QSignalSpy waiting(&controller, &RunController::clusterStarting);
    QSignalSpy runs(&controller, &RunController::runStarted);
    // A baseline of a few milliseconds: over long before the cluster answers.
    QVERIFY(controller.sweep(daskSweep(2, 1 * Ms, m_python)));
    QVERIFY(waiting.wait(ClusterTimeoutMs));
    QCOMPARE(waiting.front().front().toInt(), 2);
    QVERIFY(controller.isBusy());
    QVERIFY(controller.isStartingCluster());
    const auto before = descendants();
    QVERIFY(!before.empty());
    controller.stop();
    QCOMPARE(finished.size(), 1);
    QVERIFY(finished.front().front().value<SweepResult>().stopped);
    QVERIFY(!controller.isBusy());
    QCOMPARE(runs.size(), 1); // the baseline alone
    QTRY_VERIFY2_WITH_TIMEOUT(stillThere(before).isEmpty(), qPrintable(stillThere(before)), 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(descendants().empty(), 20'000);
}

// The window closing mid-sweep: Stop, and the controller goes with the window before any
// further frame. The run is joined and the cluster closed; none of their processes is left.
void tst_RunController::closingMidSweepLeavesNothing()
{
    if (!m_unavailable.isEmpty())
        QSKIP(qPrintable(m_unavailable));
    auto controller = std::make_unique<RunController>();
    std::set<pid_t> seen;
    QSignalSpy started(controller.get(), &RunController::runStarted);
    // Dask runs of a few seconds, so that the close falls in one.
    QVERIFY(controller->sweep(daskSweep(40, 100 * Ms, m_python)));
    QTRY_VERIFY_WITH_TIMEOUT(started.size() == 2, ClusterTimeoutMs);
    QCOMPARE(started.back().front().value<RunPlan>().strategy, QStringLiteral("dask"));
    seen = descendants();
    QVERIFY(seen.size() >= 3); // the cluster's holder and workers, and the run's interpreter
    controller->stop();
    controller.reset();
    QTRY_VERIFY2_WITH_TIMEOUT(stillThere(seen).isEmpty(), qPrintable(stillThere(seen)), 20'000);
    QTRY_VERIFY_WITH_TIMEOUT(descendants().empty(), 20'000);
}

QTEST_MAIN(tst_RunController)
#include "tst_runcontroller.moc"
