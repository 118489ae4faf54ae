#include "export/comparisonsummary.h"
#include "run/comparison.h"
#include "run/planning.h"
#include "run/runsession.h"

#include <QTest>

#include <cmath>

using namespace parviz;

namespace {
constexpr std::int64_t Ms = 1'000'000;

RunPlan planOf(const QString &strategy, int workers = 2, std::int64_t taskNs = 2 * Ms)
{
    WorkloadSpec workload;
    workload.taskCount = 4;
    workload.kind = TaskKind::Sleep;
    workload.duration = DurationSpec::fixed(taskNs);
    auto plan = makeRunPlan(strategy, workload, WorkerCount::exactly(workers));
    if (!plan)
        qFatal("%s", qPrintable(plan.error().message));
    return std::move(plan).value();
}

RunResult ranRun(const QString &strategy)
{
    RunResult run = executeRun(planOf(strategy));
    if (!run.ok())
        qFatal("the %s run did not finish", qPrintable(strategy));
    return run;
}

// A finished run with no trace, its figures set by hand: nothing rebases it.
RunResult madeRun(const QString &id, std::int64_t makespanNs)
{
    RunResult run;
    run.strategy.id = id;
    run.workers = 2;
    run.metrics.workers = 2;
    run.metrics.makespanNs = makespanNs;
    return run;
}

std::vector<std::size_t> indices(std::initializer_list<std::size_t> values)
{
    return values;
}
} // namespace

// The comparison's schedule, shared by the comparison window, parviz-cli compare and truth:
// its runs in turn, the baseline it rebases every run on, the ranking, and ParViz's run
// against CPython's as lines.
class tst_Comparison : public QObject
{
    Q_OBJECT

private slots:
    void takesThePlannedRunsInTurn();
    void baselineIsParVizsFinishedSequentialRun();
    void everyRunIsRebasedOnceTheBaselineArrives();
    void rankingPutsUnfinishedRunsLast();
    void pairsParVizWithCPythonOnTheSamePlan();
    void truthLinesAndTheirRatios();
    void truthLinesOfARunCutShort();
    void ratioText_data();
    void ratioText();
    void summarySaysWhatSpeedupsAreAgainst();
};

void tst_Comparison::takesThePlannedRunsInTurn()
{
    int made = 0;
    ComparisonSchedule schedule({{planOf(QStringLiteral("sequential")), {}, {}},
        {planOf(QStringLiteral("thread-pool")),
            QStringLiteral("CPython 3.11.2"),
            [&made](const RunPlan &plan) {
                ++made;
                return std::make_unique<RunSession>(plan);
            }},
        {planOf(QStringLiteral("pool-map")), {}, {}}});
    QCOMPARE(schedule.runsPlanned(), 3);
    QCOMPARE(schedule.runsNotRun(), 3);

    auto first = schedule.takeNext();
    QVERIFY(first);
    QCOMPARE(first->plan.strategy, QStringLiteral("sequential"));
    QVERIFY(first->engine.isEmpty());
    const auto session = first->session(); // ParViz's own: no maker
    QVERIFY(session);
    QCOMPARE(session->plan().strategy, QStringLiteral("sequential"));
    QCOMPARE(made, 0);
    session->run();
    schedule.record(session->result());

    auto second = schedule.takeNext();
    QVERIFY(second);
    QCOMPARE(second->engine, QStringLiteral("CPython 3.11.2"));
    QVERIFY(second->session());
    QCOMPARE(made, 1); // another engine's session comes from its maker

    // Stopped during the second: the third never runs.
    schedule.stop();
    QVERIFY(schedule.stopped());
    QVERIFY(!schedule.takeNext());
    QCOMPARE(schedule.runsNotRun(), 1);
    QCOMPARE(schedule.runs().size(), std::size_t{1});

    ComparisonSchedule none;
    QVERIFY(!none.takeNext());
    QCOMPARE(none.runsPlanned(), 0);
}

void tst_Comparison::baselineIsParVizsFinishedSequentialRun()
{
    const RunResult sequential = ranRun(QStringLiteral("sequential"));
    QVERIFY(ComparisonSchedule::isParVizSequential(sequential));
    QVERIFY(!ComparisonSchedule::isParVizSequential(ranRun(QStringLiteral("thread-pool"))));

    ComparisonSchedule schedule;
    // CPython's sequential program measures CPython, not the work.
    RunResult cpython = sequential;
    cpython.engine = QStringLiteral("CPython 3.11.2");
    QVERIFY(!ComparisonSchedule::isParVizSequential(cpython));
    schedule.record(cpython);
    QVERIFY(!schedule.baseline());
    // A sequential run that did not finish, or took no time, is no baseline.
    RunResult stopped = sequential;
    stopped.stopped = true;
    schedule.record(stopped);
    RunResult failed = sequential;
    failed.error = Error{QStringLiteral("task-failed"), QStringLiteral("a task threw")};
    schedule.record(failed);
    RunResult instant = madeRun(QStringLiteral("sequential"), 0);
    instant.strategy.workers = WorkerKind::Caller;
    QVERIFY(ComparisonSchedule::isParVizSequential(instant));
    schedule.record(instant);
    QVERIFY(!schedule.baseline());
    QCOMPARE(schedule.baselineNs(), std::int64_t{-1});

    schedule.record(sequential);
    QCOMPARE(schedule.baseline(), std::optional<std::size_t>{4});
    QCOMPARE(schedule.baselineNs(), sequential.metrics.makespanNs);
    // The first one stays the baseline.
    RunResult again = sequential;
    schedule.record(again);
    QCOMPARE(schedule.baseline(), std::optional<std::size_t>{4});
}

void tst_Comparison::everyRunIsRebasedOnceTheBaselineArrives()
{
    const RunResult pool = ranRun(QStringLiteral("thread-pool"));
    const RunResult sequential = ranRun(QStringLiteral("sequential"));
    const RunResult map = ranRun(QStringLiteral("pool-map"));
    QVERIFY(!pool.metrics.baselineMeasured);

    ComparisonSchedule schedule;
    schedule.record(pool);
    QVERIFY(!schedule.runs()[0].metrics.baselineMeasured); // against its own work, so far
    QCOMPARE(schedule.runs()[0].metrics.speedup, pool.metrics.speedup);
    schedule.record(sequential);
    schedule.record(map);

    const std::int64_t baselineNs = sequential.metrics.makespanNs;
    QVERIFY(baselineNs > 0);
    for (const RunResult &run : schedule.runs()) {
        QVERIFY(run.metrics.baselineMeasured);
        QCOMPARE(run.metrics.baselineNs, baselineNs);
        QCOMPARE(run.metrics.speedup, double(baselineNs) / double(run.metrics.makespanNs));
    }
    // Rebasing changes the speedups, not what was measured.
    QCOMPARE(schedule.runs()[0].metrics.makespanNs, pool.metrics.makespanNs);
    QCOMPARE(schedule.runs()[2].metrics.tasksCompleted, map.metrics.tasksCompleted);
    QCOMPARE(schedule.runs()[1].metrics.speedup, 1.0);
}

void tst_Comparison::rankingPutsUnfinishedRunsLast()
{
    ComparisonSchedule schedule;
    QVERIFY(schedule.ranking().empty());
    QVERIFY(!schedule.fastest());

    RunResult failed = madeRun(QStringLiteral("batched"), 5 * Ms);
    failed.error = Error{QStringLiteral("task-failed"), QStringLiteral("a task threw")};
    schedule.record(failed); // 0
    QVERIFY(!schedule.fastest()); // nothing finished
    schedule.record(madeRun(QStringLiteral("thread-pool"), 30 * Ms)); // 1
    schedule.record(madeRun(QStringLiteral("pool-map"), 10 * Ms)); // 2
    RunResult stopped = madeRun(QStringLiteral("process-pool"), 1 * Ms);
    stopped.stopped = true;
    schedule.record(stopped); // 3
    schedule.record(madeRun(QStringLiteral("thread-per-task"), 20 * Ms)); // 4
    schedule.record(madeRun(QStringLiteral("thread-pool"), 10 * Ms)); // 5: as fast as 2

    // Finished by makespan, the first of equals first; then the others, by makespan too.
    QCOMPARE(schedule.ranking(), indices({2, 5, 4, 1, 3, 0}));
    QCOMPARE(schedule.fastest(), std::optional<std::size_t>{2});
}

void tst_Comparison::pairsParVizWithCPythonOnTheSamePlan()
{
    const RunResult parviz = ranRun(QStringLiteral("thread-pool"));
    RunResult cpython = ranRun(QStringLiteral("thread-pool"));
    cpython.engine = QStringLiteral("CPython 3.11.2");
    cpython.plan.tasks = parviz.plan.tasks; // as one Run in CPython Too runs them

    QVERIFY(ComparisonSchedule::samePlan(parviz, cpython));
    QVERIFY(!ComparisonSchedule::samePlan(cpython, parviz)); // ParViz's run comes first
    QVERIFY(!ComparisonSchedule::samePlan(parviz, parviz)); // two of ParViz's own
    RunResult other = cpython;
    other.plan = planOf(QStringLiteral("pool-map"));
    QVERIFY(!ComparisonSchedule::samePlan(parviz, other)); // another strategy
    RunResult moreWorkers = cpython;
    moreWorkers.workers = 3;
    QVERIFY(!ComparisonSchedule::samePlan(parviz, moreWorkers));
    RunResult cut = cpython;
    cut.stopped = true;
    QVERIFY(!ComparisonSchedule::samePlan(parviz, cut)); // a run cut short compares nothing
    // Runs opened from files: equal tasks, not the same ones.
    RunResult opened = cpython;
    opened.plan.tasks = std::make_shared<const std::vector<TaskSpec>>(*parviz.plan.tasks);
    QVERIFY(ComparisonSchedule::samePlan(parviz, opened));

    ComparisonSchedule alone;
    alone.record(parviz);
    alone.record(parviz);
    QVERIFY(!alone.truthPair());
    QVERIFY(alone.truthLines().empty());

    ComparisonSchedule schedule;
    schedule.record(other);
    schedule.record(cut);
    schedule.record(parviz);
    schedule.record(cpython);
    QCOMPARE(schedule.truthPair(), (std::optional<std::pair<std::size_t, std::size_t>>{{2, 3}}));
    const auto lines = schedule.truthLines();
    QVERIFY(!lines.empty());
    QCOMPARE(lines.front().name, QStringLiteral("makespan"));
    QCOMPARE(lines.front().ratio,
        double(cpython.metrics.makespanNs) / double(parviz.metrics.makespanNs));
}

void tst_Comparison::truthLinesAndTheirRatios()
{
    RunResult parviz = madeRun(QStringLiteral("thread-pool"), 100 * Ms);
    RunResult cpython = madeRun(QStringLiteral("thread-pool"), 110 * Ms);
    cpython.engine = QStringLiteral("CPython 3.11.2");
    parviz.metrics.boundRatio = 1.25;
    cpython.metrics.boundRatio = 1.5;
    parviz.metrics.speedup = 1.6;
    cpython.metrics.speedup = 1.2;
    parviz.metrics.efficiency = 0.8;
    cpython.metrics.efficiency = 0.6;
    // Worker time 200 ms and 220 ms: noise is under 2 ms and 2.2 ms.
    parviz.metrics.loss.spawnNs = 1 * Ms; // noise on ParViz's side only
    cpython.metrics.loss.spawnNs = 40 * Ms;
    parviz.metrics.loss.gilWaitNs = 30 * Ms;
    parviz.metrics.loss.idleQueuedNs = 10 * Ms;
    cpython.metrics.loss.idleQueuedNs = 25 * Ms;
    parviz.metrics.loss.contentionNs = 4 * Ms;
    cpython.metrics.loss.contentionNs = 200 * Ms;
    parviz.metrics.tasksCompleted = 8;
    cpython.metrics.tasksCompleted = 8;

    const auto lines = truthLines(parviz, &cpython);
    QStringList labels;
    for (const TruthLine &line : lines)
        labels << line.label();
    QCOMPARE(labels,
        QStringList({"makespan",
            "x bound",
            "speedup",
            "efficiency",
            "rows with tasks",
            "lost",
            "  spawn",
            "  dispatch",
            "  gil-wait",
            "  idle while queued",
            "  tail idle",
            "  contention",
            "tasks completed"}));
    const auto line = [&lines](const char *name) {
        for (const TruthLine &each : lines)
            if (each.name == QLatin1String(name))
                return each;
        qFatal("no line %s", name);
    };
    QCOMPARE(line("makespan").ratio, 1.1);
    QCOMPARE(line("makespan").ratioText, QStringLiteral("1.100"));
    QCOMPARE(line("x bound").ratio, 1.2);
    QCOMPARE(line("speedup").ratio, 0.75);
    QCOMPARE(line("speedup").parviz, QStringLiteral("1.60"));
    QCOMPARE(line("efficiency").ratioText, QStringLiteral("0.750"));
    // No trace, no rows that ran tasks: ParViz's zero has no ratio.
    QVERIFY(std::isnan(line("rows with tasks").ratio));
    QCOMPARE(line("rows with tasks").ratioText, QStringLiteral("-"));
    QCOMPARE(line("lost").ratio, (40.0 + 25.0 + 200.0) / (1.0 + 30.0 + 10.0 + 4.0));
    // A part as small as noise on either side has no ratio, and says why.
    QVERIFY(line("spawn").noise);
    QVERIFY(std::isnan(line("spawn").ratio));
    QCOMPARE(line("spawn").ratioText, QStringLiteral("(noise)"));
    QCOMPARE(line("spawn").cpython, QStringLiteral("40.0 ms"));
    QVERIFY(line("dispatch").noise); // zero on both sides
    QVERIFY(!line("idle while queued").noise);
    QCOMPARE(line("idle while queued").ratio, 2.5);
    QCOMPARE(line("contention").ratio, 50.0);
    QCOMPARE(line("contention").ratioText, QStringLiteral("50.0"));
    // CPython's GIL waits are not seen from outside: inside its tasks, in its contention.
    QVERIFY(std::isnan(line("gil-wait").ratio));
    QVERIFY(!line("gil-wait").noise);
    QCOMPARE(line("gil-wait").cpython, QStringLiteral("(in contention)"));
    QCOMPARE(line("gil-wait").ratioText, QStringLiteral("-"));
    QCOMPARE(line("tasks completed").cpython, QStringLiteral("8"));
    QVERIFY(line("tasks completed").ratioText.isEmpty());
    for (const TruthLine &each : lines)
        QCOMPARE(each.part, each.label().startsWith(u' '));
}

void tst_Comparison::truthLinesOfARunCutShort()
{
    RunResult parviz = madeRun(QStringLiteral("thread-pool"), 100 * Ms);
    RunResult cpython = madeRun(QStringLiteral("thread-pool"), 40 * Ms);
    cpython.engine = QStringLiteral("CPython 3.11.2");
    cpython.stopped = true;
    cpython.metrics.tasksCompleted = 3;
    parviz.metrics.speedup = 1.6;

    auto lines = truthLines(parviz, &cpython);
    for (const TruthLine &line : lines) {
        QVERIFY2(std::isnan(line.ratio), qPrintable(line.name)); // nothing to compare
        QVERIFY(!line.noise);
    }
    // What the cut run did until then: its makespan and its tasks; nothing else.
    QCOMPARE(lines[0].cpython, QStringLiteral("40.0 ms"));
    QCOMPARE(lines[2].name, QStringLiteral("speedup"));
    QCOMPARE(lines[2].parviz, QStringLiteral("1.60"));
    QCOMPARE(lines[2].cpython, QStringLiteral("-"));
    QCOMPARE(lines.back().name, QStringLiteral("status"));
    QCOMPARE(lines.back().parviz, QStringLiteral("ok"));
    QCOMPARE(lines.back().cpython, QStringLiteral("interrupted"));
    QCOMPARE(lines[lines.size() - 2].cpython, QStringLiteral("3"));

    // CPython's run never started.
    lines = truthLines(parviz, nullptr);
    QCOMPARE(lines[0].cpython, QStringLiteral("-"));
    QCOMPARE(lines.back().cpython, QStringLiteral("not run"));
}

void tst_Comparison::ratioText_data()
{
    QTest::addColumn<double>("ratio");
    QTest::addColumn<QString>("text");
    QTest::newRow("same") << 1.0 << QStringLiteral("1.000");
    QTest::newRow("three decimals") << 1.0449 << QStringLiteral("1.045");
    QTest::newRow("below one") << 0.3101 << QStringLiteral("0.310");
    QTest::newRow("ten and above: one decimal") << 53.34 << QStringLiteral("53.3");
    QTest::newRow("none") << std::nan("") << QStringLiteral("-");
    QTest::newRow("infinite") << HUGE_VAL << QStringLiteral("-");
}

void tst_Comparison::ratioText()
{
    QFETCH(double, ratio);
    QFETCH(QString, text);
    QCOMPARE(truthRatioText(ratio), text);
}

void tst_Comparison::summarySaysWhatSpeedupsAreAgainst()
{
    // Sleeps of 25 ms: two workers finish in half the sequential time, with room for a loaded
    // machine's late wake-ups, which reversed the order of 2 ms ones.
    ComparisonSchedule schedule({{planOf(QStringLiteral("thread-pool"), 2, 25 * Ms), {}, {}},
        {planOf(QStringLiteral("sequential"), 2, 25 * Ms), {}, {}}});
    while (const auto next = schedule.takeNext())
        schedule.record(executeRun(next->plan));
    const QString text = comparisonSummary(schedule);
    QVERIFY2(
        text.startsWith(QStringLiteral("4 sleep x 25ms, speedup against the sequential run\n")),
        qPrintable(text));
    // Fastest first: four tasks on two workers before four on one.
    const qsizetype pool = text.indexOf(QLatin1String("\nthread-pool "));
    const qsizetype sequential = text.indexOf(QLatin1String("\nsequential "));
    QVERIFY2(pool > 0 && sequential > pool, qPrintable(text));
    QVERIFY(!text.contains(QLatin1String("interrupted")));

    ComparisonSchedule stopped({{planOf(QStringLiteral("thread-pool")), {}, {}},
        {planOf(QStringLiteral("sequential")), {}, {}}});
    stopped.record(executeRun(stopped.takeNext()->plan));
    stopped.stop();
    const QString cut = comparisonSummary(stopped);
    QVERIFY2(cut.contains(QLatin1String("speedup against the work itself\n")), qPrintable(cut));
    QVERIFY2(cut.endsWith(QLatin1String("interrupted: 1 of 2 strategies did not run\n")),
        qPrintable(cut));
}

QTEST_GUILESS_MAIN(tst_Comparison)
#include "tst_comparison.moc"
