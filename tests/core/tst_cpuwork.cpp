#include "util/clock.h"
#include "workload/cpuwork.h"
#include "workload/taskexecutor.h"

#include <QTest>

#include <chrono>
#include <ctime>
#include <stdexcept>
#include <thread>

using namespace parviz;

class tst_CpuWork : public QObject
{
    Q_OBJECT

private slots:
    void crunchIsDeterministic();
    void calibrationIsPlausible();
    void cpuTaskBurnsCpuTime();
    void cpuWorkScalesWithDuration();
    void sleepTaskDoesNotBurnCpu();
    void stopInterruptsCpuTask();
    void stopInterruptsSleep();
    void zeroDurationReturnsAtOnce();
    void throwingTaskThrows();
    void gateSeesSleepsAndSlices();
};

namespace {

std::int64_t threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return std::int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

TaskSpec task(TaskKind kind, std::int64_t ns, double ioShare = 0.0)
{
    TaskSpec spec;
    spec.id = 7;
    spec.kind = kind;
    spec.durationNs = ns;
    spec.ioShare = ioShare;
    return spec;
}

struct CountingGate : CpuGate
{
    int sleepsBegun = 0;
    int sleepsEnded = 0;
    int checkpoints = 0;
    int computesBegun = 0;
    int computesEnded = 0;
    void beforeSleep() override { ++sleepsBegun; }
    void afterSleep() override { ++sleepsEnded; }
    void beforeCompute() override { ++computesBegun; }
    void afterCompute() override { ++computesEnded; }
    void checkpoint() override { ++checkpoints; }
    // As a task that releases the lock to compute when `releases`: the caller's code between
    // two calls takes it.
    bool releases = false;
    int callerCodeEntered = 0;
    int callerCodeLeft = 0;
    bool enterCallerCode() override
    {
        callerCodeEntered += releases ? 1 : 0;
        return releases;
    }
    void leaveCallerCode() override { ++callerCodeLeft; }
};

} // namespace

void tst_CpuWork::crunchIsDeterministic()
{
    QCOMPARE(CpuWork::crunch(10'000, 1), CpuWork::crunch(10'000, 1));
    QVERIFY(CpuWork::crunch(10'000, 1) != CpuWork::crunch(10'001, 1));
    QVERIFY(CpuWork::crunch(10'000, 1) != CpuWork::crunch(10'000, 2));
    QCOMPARE(CpuWork::crunch(0, 5), std::uint64_t(5));
}

void tst_CpuWork::calibrationIsPlausible()
{
    const double rate = CpuWork::calibrated().iterationsPerMs();
    // A few ns per iteration on any machine that runs this: between 10^4 and 10^8 per ms.
    QVERIFY2(rate > 1e4 && rate < 1e8, qPrintable(QString::number(rate)));
    QCOMPARE(CpuWork::calibrated().iterationsFor(0), std::uint64_t(0));
    QCOMPARE(CpuWork::calibrated().iterationsFor(-5), std::uint64_t(0));
    QCOMPARE(CpuWork(1000.0).iterationsFor(2'000'000), std::uint64_t(2000));
}

void tst_CpuWork::cpuTaskBurnsCpuTime()
{
    // Real arithmetic shows up as CPU time of the thread; waiting for the clock would not.
    const std::int64_t planned = 40'000'000;
    const std::int64_t before = threadCpuNs();
    const auto result = executeTask(task(TaskKind::Cpu, planned), {});
    const std::int64_t burnt = threadCpuNs() - before;
    QCOMPARE(result.outcome, TaskOutcome::Completed);
    QVERIFY2(burnt >= planned / 2,
        qPrintable(QStringLiteral("a 40 ms CPU task used %1 ms of CPU").arg(burnt / 1e6)));
}

void tst_CpuWork::cpuWorkScalesWithDuration()
{
    // Four times the duration is four times the arithmetic: CPU time grows with it.
    auto cpuOf = [](std::int64_t ns) {
        const std::int64_t before = threadCpuNs();
        executeTask(task(TaskKind::Cpu, ns), {});
        return threadCpuNs() - before;
    };
    const std::int64_t shortTask = cpuOf(10'000'000);
    const std::int64_t longTask = cpuOf(40'000'000);
    QVERIFY2(longTask > 2 * shortTask,
        qPrintable(
            QStringLiteral("10 ms: %1 ms, 40 ms: %2 ms").arg(shortTask / 1e6).arg(longTask / 1e6)));
}

void tst_CpuWork::sleepTaskDoesNotBurnCpu()
{
    const std::int64_t before = threadCpuNs();
    const std::int64_t wallBefore = monotonicNowNs();
    executeTask(task(TaskKind::Sleep, 50'000'000), {});
    const std::int64_t wall = monotonicNowNs() - wallBefore;
    QVERIFY(wall >= 50'000'000);
    QVERIFY(threadCpuNs() - before < 25'000'000);
}

void tst_CpuWork::stopInterruptsCpuTask()
{
    std::stop_source stop;
    TaskResult result;
    std::int64_t elapsed = 0;
    std::thread runner([&] {
        const std::int64_t start = monotonicNowNs();
        result = executeTask(task(TaskKind::Cpu, 60'000'000'000), stop.get_token());
        elapsed = monotonicNowNs() - start;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
    stop.request_stop();
    runner.join();
    QCOMPARE(result.outcome, TaskOutcome::Interrupted);
    QVERIFY2(elapsed < 10'000'000'000, "a 60 s CPU task did not stop");
}

void tst_CpuWork::stopInterruptsSleep()
{
    std::stop_source stop;
    bool slept = true;
    std::int64_t elapsed = 0;
    std::thread sleeper([&] {
        const std::int64_t start = monotonicNowNs();
        slept = interruptibleSleep(60'000'000'000, stop.get_token());
        elapsed = monotonicNowNs() - start;
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    stop.request_stop();
    sleeper.join();
    QVERIFY(!slept);
    QVERIFY2(elapsed < 10'000'000'000, "a 60 s sleep did not wake");
}

void tst_CpuWork::zeroDurationReturnsAtOnce()
{
    for (auto kind : {TaskKind::Sleep, TaskKind::Cpu, TaskKind::Mixed})
        QCOMPARE(executeTask(task(kind, 0, 0.5), {}).outcome, TaskOutcome::Completed);
    std::stop_source stopped;
    stopped.request_stop();
    QVERIFY(!interruptibleSleep(0, stopped.get_token()));
    QVERIFY(interruptibleSleep(0, {}));
}

void tst_CpuWork::throwingTaskThrows()
{
    auto spec = task(TaskKind::Sleep, 1'000);
    spec.throws = true;
    QVERIFY_THROWS_EXCEPTION(std::runtime_error, executeTask(spec, {}));
}

void tst_CpuWork::gateSeesSleepsAndSlices()
{
    CountingGate gate;
    executeTask(task(TaskKind::Mixed, 10'000'000, 0.5), {}, &gate);
    QCOMPARE(gate.sleepsBegun, 1);
    QCOMPARE(gate.sleepsEnded, 1);
    // 5 ms of CPU work in slices of about 50 µs.
    QVERIFY2(gate.checkpoints >= 20, qPrintable(QString::number(gate.checkpoints)));

    CountingGate cpuOnly;
    executeTask(task(TaskKind::Cpu, 1'000'000), {}, &cpuOnly);
    QCOMPARE(cpuOnly.sleepsBegun, 0);
    QVERIFY(cpuOnly.checkpoints > 0);
    QCOMPARE(cpuOnly.callerCodeLeft, 0);

    // Computing that releases the lock: the caller's code runs between every two slices (the
    // last one ends with the task's return), and the arithmetic is the same as without a gate.
    CountingGate releasing;
    releasing.releases = true;
    const auto released = executeTask(task(TaskKind::Cpu, 2'000'000), {}, &releasing);
    QVERIFY(releasing.checkpoints > 0);
    QCOMPARE(releasing.callerCodeEntered, releasing.checkpoints);
    QCOMPARE(releasing.callerCodeLeft, releasing.callerCodeEntered);
    QCOMPARE(released.value, executeTask(task(TaskKind::Cpu, 2'000'000), {}).value);
}

QTEST_GUILESS_MAIN(tst_CpuWork)
#include "tst_cpuwork.moc"
