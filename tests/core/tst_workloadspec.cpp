#include "workload/workloadspec.h"

#include <QTest>

#include <algorithm>
#include <numeric>

using namespace parviz;

class tst_WorkloadSpec : public QObject
{
    Q_OBJECT

private slots:
    void sameSeedSameTasks();
    void otherSeedOtherTasks();
    void idsAndKinds();
    void uniformStaysWithinBounds();
    void exponentialHasItsMean();
    void listIsCycled();
    void mixedSplitsItsDuration();
    void validation_data();
    void validation();
    void throwingTaskIsMarked();
};

namespace {

WorkloadSpec workload(int tasks, DurationSpec duration, std::uint64_t seed = 1)
{
    WorkloadSpec spec;
    spec.taskCount = tasks;
    spec.duration = duration;
    spec.seed = seed;
    return spec;
}

std::vector<std::int64_t> durations(const std::vector<TaskSpec> &tasks)
{
    std::vector<std::int64_t> result;
    for (const auto &task : tasks)
        result.push_back(task.durationNs);
    return result;
}

} // namespace

void tst_WorkloadSpec::sameSeedSameTasks()
{
    const auto spec = workload(500, DurationSpec::exponential(10'000'000), 42);
    QCOMPARE(durations(spec.makeTasks()), durations(spec.makeTasks()));
}

void tst_WorkloadSpec::otherSeedOtherTasks()
{
    const auto a = workload(500, DurationSpec::uniform(1'000, 1'000'000), 1).makeTasks();
    const auto b = workload(500, DurationSpec::uniform(1'000, 1'000'000), 2).makeTasks();
    QVERIFY(durations(a) != durations(b));
}

void tst_WorkloadSpec::idsAndKinds()
{
    auto spec = workload(100, DurationSpec::fixed(5));
    spec.kind = TaskKind::Cpu;
    const auto tasks = spec.makeTasks();
    QCOMPARE(int(tasks.size()), 100);
    for (int i = 0; i < 100; ++i) {
        QCOMPARE(tasks[std::size_t(i)].id, i);
        QCOMPARE(tasks[std::size_t(i)].kind, TaskKind::Cpu);
        QCOMPARE(tasks[std::size_t(i)].durationNs, std::int64_t(5));
        QCOMPARE(tasks[std::size_t(i)].sleepNs(), std::int64_t(0));
        QVERIFY(!tasks[std::size_t(i)].throws);
    }
}

void tst_WorkloadSpec::uniformStaysWithinBounds()
{
    const auto tasks = workload(10'000, DurationSpec::uniform(50, 150)).makeTasks();
    const auto values = durations(tasks);
    const auto [low, high] = std::minmax_element(values.begin(), values.end());
    QVERIFY(*low >= 50);
    QVERIFY(*high <= 150);
    // Both ends are reached in 10,000 draws over 101 values.
    QCOMPARE(*low, std::int64_t(50));
    QCOMPARE(*high, std::int64_t(150));
}

void tst_WorkloadSpec::exponentialHasItsMean()
{
    const auto values =
        durations(workload(100'000, DurationSpec::exponential(1'000'000)).makeTasks());
    const double mean = std::accumulate(values.begin(), values.end(), 0.0) / double(values.size());
    // The standard error of the mean is 1/sqrt(100,000) of it: 0.3%. Allow 2%.
    QVERIFY2(std::abs(mean - 1e6) < 0.02e6, qPrintable(QString::number(mean)));
    QVERIFY(*std::min_element(values.begin(), values.end()) >= 0);
}

void tst_WorkloadSpec::listIsCycled()
{
    const auto tasks = workload(7, DurationSpec::list({1, 2, 3})).makeTasks();
    QCOMPARE(durations(tasks), (std::vector<std::int64_t>{1, 2, 3, 1, 2, 3, 1}));
}

void tst_WorkloadSpec::mixedSplitsItsDuration()
{
    auto spec = workload(3, DurationSpec::fixed(1'000'000));
    spec.kind = TaskKind::Mixed;
    spec.ioShare = 0.25;
    for (const auto &task : spec.makeTasks()) {
        QCOMPARE(task.sleepNs(), std::int64_t(250'000));
        QCOMPARE(task.cpuNs(), std::int64_t(750'000));
    }
    spec.kind = TaskKind::Sleep;
    for (const auto &task : spec.makeTasks()) {
        QCOMPARE(task.sleepNs(), std::int64_t(1'000'000));
        QCOMPARE(task.cpuNs(), std::int64_t(0));
    }
}

void tst_WorkloadSpec::validation_data()
{
    QTest::addColumn<int>("tasks");
    QTest::addColumn<double>("ioShare");
    QTest::addColumn<QString>("code");
    QTest::newRow("one task") << 1 << 0.5 << QString();
    QTest::newRow("a million tasks") << 1'000'000 << 0.5 << QString();
    QTest::newRow("no tasks") << 0 << 0.5 << "bad-tasks";
    QTest::newRow("too many tasks") << 1'000'001 << 0.5 << "bad-tasks";
    QTest::newRow("io share above one") << 10 << 1.5 << "bad-io-share";
    QTest::newRow("io share below zero") << 10 << -0.1 << "bad-io-share";
}

void tst_WorkloadSpec::validation()
{
    QFETCH(int, tasks);
    QFETCH(double, ioShare);
    QFETCH(QString, code);
    auto spec = workload(tasks, DurationSpec::fixed(1));
    spec.kind = TaskKind::Mixed;
    spec.ioShare = ioShare;
    const auto valid = spec.validate();
    QCOMPARE(valid.ok(), code.isEmpty());
    if (!valid.ok())
        QCOMPARE(valid.error().code, code);
}

void tst_WorkloadSpec::throwingTaskIsMarked()
{
    auto spec = workload(5, DurationSpec::fixed(1));
    spec.throwingTask = 3;
    const auto tasks = spec.makeTasks();
    for (const auto &task : tasks)
        QCOMPARE(task.throws, task.id == 3);
    spec.throwingTask = 5;
    QVERIFY(!spec.validate().ok());
}

QTEST_GUILESS_MAIN(tst_WorkloadSpec)
#include "tst_workloadspec.moc"
