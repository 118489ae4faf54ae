#include "timeline/timelinemodel.h"
#include "trace/tracerecorder.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <numeric>
#include <random>
#include <unistd.h>

using namespace parviz;

class tst_TimelineModel : public QObject
{
    Q_OBJECT

private slots:
    void rowsAndLabels();
    void processRowsNameTheirPid();
    void labelledRowsReadTheirLabel();
    void barsAtFullResolution();
    void subPixelBarsMerge_data();
    void subPixelBarsMerge();
    void mergedBarKeepsItsDominantKind();
    void inFlightEventIsABar();
    void groupsAlternateAlongARow();
    void eventUnderTheCursor();
    void busyWorkersPerColumn();
    void visibleUntilShowsTheTraceAsItWas();
    void levelOfDetailDrawsWhatEventByEventWould_data();
    void levelOfDetailDrawsWhatEventByEventWould();
    void rowsAddedWhileLiveKeepTheirSummaries();
};

void tst_TimelineModel::rowsAndLabels()
{
    TraceRecorder recorder(3, true);
    TimelineModel model;
    QVERIFY(model.isEmpty());
    model.setTrace(recorder.snapshot(), nullptr, false);
    QCOMPARE(model.rowCount(), 5);
    QCOMPARE(model.rowLabel(0), QStringLiteral("main"));
    QCOMPARE(model.rowLabel(1), QStringLiteral("worker 0"));
    QCOMPARE(model.rowLabel(3), QStringLiteral("worker 2"));
    QCOMPARE(model.rowLabel(4), QStringLiteral("GIL held by"));
    QCOMPARE(model.laneOfRow(0), MainLane);
    QCOMPARE(model.laneOfRow(4), GilLane);
    QCOMPARE(model.rowOfLane(1), 2);
    const auto generation = model.generation();
    model.setTrace(recorder.snapshot(), nullptr, false);
    QVERIFY(model.generation() != generation);
}

void tst_TimelineModel::processRowsNameTheirPid()
{
    TraceRecorder recorder(2, false);
    recorder.worker(1).setPid(4242);
    recorder.worker(1).append(-1, EventKind::Spawn, 0, 10);
    recorder.worker(0).append(0, EventKind::Run, 0, 10); // this process: no pid shown
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    QCOMPARE(model.rowLabel(1), QStringLiteral("worker 0"));
    QCOMPARE(model.rowLabel(2), QStringLiteral("worker 1 · pid 4242"));
}

void tst_TimelineModel::labelledRowsReadTheirLabel()
{
    // A Dask worker's threads: the label says which worker, the pid stays; a row without a
    // label keeps its number.
    TraceRecorder recorder(3, false);
    recorder.worker(0).setPid(4242);
    recorder.worker(0).setLabel(QStringLiteral("127.0.0.1:39041 · thread 0"));
    recorder.worker(0).append(0, EventKind::Run, 0, 10);
    recorder.worker(1).setLabel(QStringLiteral("127.0.0.1:39041 · thread 1"));
    recorder.worker(1).append(1, EventKind::Run, 0, 10); // this process: no pid shown
    recorder.worker(2).setPid(4243);
    recorder.worker(2).append(2, EventKind::Run, 0, 10);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    QCOMPARE(model.rowLabel(0), QStringLiteral("main"));
    QCOMPARE(model.rowLabel(1), QStringLiteral("127.0.0.1:39041 · thread 0 · pid 4242"));
    QCOMPARE(model.rowLabel(2), QStringLiteral("127.0.0.1:39041 · thread 1"));
    QCOMPARE(model.rowLabel(3), QStringLiteral("worker 2 · pid 4243"));
    // A label set while the run goes on shows at once.
    recorder.worker(2).setLabel(QStringLiteral("10.0.0.7:40000 · thread 0"));
    QCOMPARE(model.rowLabel(3), QStringLiteral("10.0.0.7:40000 · thread 0 · pid 4243"));
}

void tst_TimelineModel::barsAtFullResolution()
{
    TraceRecorder recorder(1, false);
    for (int i = 0; i < 100; ++i)
        recorder.worker(0).append(i, EventKind::Run, i * 2000, i * 2000 + 500);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, 200'000, 10.0, bars); // 50 px per bar, 150 px apart: no merging
    QCOMPARE(bars.size(), std::size_t(100));
    QCOMPARE(bars[7].task, 7);
    QCOMPARE(bars[7].events, 1);
    // A window picks only what overlaps it, found by binary search: event 5 ends inside it,
    // event 6 lies within, event 7 starts at 14,000, after it.
    model.bars(1, 10'250, 13'900, 10.0, bars);
    QCOMPARE(bars.size(), std::size_t(2));
    QCOMPARE(bars.front().task, 5);
    QCOMPARE(bars.back().task, 6);
    QCOMPARE(model.endNs(), std::int64_t(99 * 2000 + 500));
}

void tst_TimelineModel::subPixelBarsMerge_data()
{
    QTest::addColumn<double>("nsPerPixel");
    QTest::newRow("10 ns per pixel") << 10.0;
    QTest::newRow("1 µs per pixel") << 1'000.0;
    QTest::newRow("100 µs per pixel") << 100'000.0;
    QTest::newRow("whole run in one pixel") << 1e9;
}

void tst_TimelineModel::subPixelBarsMerge()
{
    // 100,000 events of 300 ns every 1 µs: however far out one zooms, a row gives no more bars
    // than it has pixels, and the bars stand for every event.
    QFETCH(double, nsPerPixel);
    constexpr int Events = 100'000;
    TraceRecorder recorder(1, false);
    for (int i = 0; i < Events; ++i)
        recorder.worker(0).append(i, EventKind::Run, i * 1000LL, i * 1000LL + 300);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    const std::int64_t end = Events * 1000LL;
    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, end, nsPerPixel, bars);
    const double pixels = end / nsPerPixel;
    QVERIFY2(bars.size() <= std::max<std::size_t>(1, static_cast<std::size_t>(pixels) + 1),
        qPrintable(QStringLiteral("%1 bars for %2 pixels").arg(bars.size()).arg(pixels)));
    const int covered = std::accumulate(
        bars.begin(), bars.end(), 0, [](int sum, const auto &bar) { return sum + bar.events; });
    QCOMPARE(covered, Events);
    for (std::size_t i = 1; i < bars.size(); ++i)
        QVERIFY(bars[i].startNs >= bars[i - 1].endNs);
}

void tst_TimelineModel::mergedBarKeepsItsDominantKind()
{
    // Tiny run, long dispatch, tiny run: merged, it is mostly dispatch.
    TraceRecorder recorder(1, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 10);
    recorder.worker(0).append(-1, EventKind::Dispatch, 10, 80);
    recorder.worker(0).append(1, EventKind::Run, 80, 90);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, 1000, 1000.0, bars);
    QCOMPARE(bars.size(), std::size_t(1));
    QCOMPARE(bars.front().events, 3);
    QCOMPARE(bars.front().kind, EventKind::Dispatch);
    QCOMPARE(bars.front().task, -1);
}

void tst_TimelineModel::inFlightEventIsABar()
{
    TraceRecorder recorder(1, false);
    recorder.startClock();
    recorder.worker(0).begin(3, EventKind::Run, 0);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, true);
    QVERIFY(model.isLive());
    QVERIFY(model.nowNs() >= 0);
    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, model.endNs() + 1, 1.0, bars);
    QCOMPARE(bars.size(), std::size_t(1));
    QVERIFY(bars.front().inFlight);
    QCOMPARE(bars.front().task, 3);
    recorder.worker(0).end(model.endNs());
    model.setTrace(recorder.snapshot(), nullptr, false);
    QCOMPARE(model.nowNs(), std::int64_t(-1));
}

void tst_TimelineModel::groupsAlternateAlongARow()
{
    // Groups {0, 1}, {2}, {3} and {4}, still running; task 3 waited for the GIL first, which
    // is no run and has no shade of its own.
    TraceRecorder recorder(1, false);
    recorder.startClock();
    TraceLane &lane = recorder.worker(0);
    lane.append(0, EventKind::Run, 0, 10, EventFlag::GroupStart);
    lane.append(1, EventKind::Run, 10, 20);
    lane.append(2, EventKind::Run, 20, 30, EventFlag::GroupStart);
    lane.append(3, EventKind::GilWait, 30, 35);
    lane.append(3, EventKind::Run, 35, 40, EventFlag::GroupStart);
    lane.begin(4, EventKind::Run, 40, EventFlag::GroupStart);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, true);
    auto alternates = [&](std::int64_t t0Ns) {
        std::vector<TimelineModel::Bar> bars;
        model.bars(1, t0Ns, model.endNs() + 1, 1.0, bars);
        std::vector<bool> alternate;
        for (const auto &bar : bars)
            alternate.push_back(bar.alternateGroup);
        return alternate;
    };
    QCOMPARE(alternates(0), (std::vector<bool>{false, false, true, false, false, true}));
    // A window that starts late still counts the groups before it.
    QCOMPARE(alternates(36), (std::vector<bool>{false, true}));

    // At 10 ns a pixel, the hand-over of a batch (1 ns) merges into the bar of the task before
    // it, which keeps its group's shade; a bar of tasks from two groups has none.
    TraceRecorder batches(1, false);
    TraceLane &worker = batches.worker(0);
    worker.append(0, EventKind::Run, 0, 100, EventFlag::GroupStart);
    worker.append(1, EventKind::Run, 100, 200, EventFlag::GroupStart);
    worker.append(-1, EventKind::Dispatch, 200, 201);
    worker.append(2, EventKind::Run, 201, 300, EventFlag::GroupStart);
    worker.append(3, EventKind::Run, 400, 402, EventFlag::GroupStart);
    worker.append(4, EventKind::Run, 402, 404, EventFlag::GroupStart);
    model.setTrace(batches.snapshot(), nullptr, false);
    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, 500, 10.0, bars);
    QCOMPARE(bars.size(), std::size_t(4));
    QCOMPARE(bars[1].events, 2); // task 1 and the dispatch
    QCOMPARE(bars[1].kind, EventKind::Run);
    QVERIFY(bars[1].alternateGroup);
    QVERIFY(!bars[2].alternateGroup);
    QCOMPARE(bars[3].events, 2); // tasks 3 and 4, groups 4 and 5
    QVERIFY(!bars[3].alternateGroup);

    // Four blocks of 16 runs of 1 ns, far apart, each merged whole at 100 ns a pixel: groups
    // 1, 2 and 3, each started by the block's first run; then group 3 going on, and group 4 from
    // the block's ninth run.
    TraceRecorder blocks(1, false);
    for (int task = 0; task < 64; ++task) {
        const std::int64_t start = (task / 16) * 10'000 + task % 16;
        const bool starts = task == 0 || task == 16 || task == 32 || task == 56;
        blocks.worker(0).append(
            task, EventKind::Run, start, start + 1, starts ? EventFlag::GroupStart : 0);
    }
    model.setTrace(blocks.snapshot(), nullptr, false);
    model.bars(1, 0, 40'000, 100.0, bars);
    QCOMPARE(bars.size(), std::size_t(4));
    for (const auto &bar : bars)
        QCOMPARE(bar.events, 16);
    QVERIFY(!bars[0].alternateGroup);
    QVERIFY(bars[1].alternateGroup);
    QVERIFY(!bars[2].alternateGroup);
    QVERIFY(!bars[3].alternateGroup);
}

void tst_TimelineModel::eventUnderTheCursor()
{
    TraceRecorder recorder(1, false);
    recorder.worker(0).append(4, EventKind::Run, 100, 200);
    recorder.worker(0).append(5, EventKind::Run, 300, 400);
    std::vector<TaskSpec> tasks(6);
    tasks[4].durationNs = 90;
    TimelineModel model;
    model.setTrace(
        recorder.snapshot(), std::make_shared<const std::vector<TaskSpec>>(tasks), false);
    QCOMPARE(model.eventAt(1, 150, 0)->task, 4);
    QCOMPARE(model.eventAt(1, 290, 20)->task, 5); // nearest within the tolerance
    QVERIFY(!model.eventAt(1, 250, 20).has_value());
    QCOMPARE(model.task(4)->durationNs, std::int64_t(90));
    QVERIFY(model.task(17) == nullptr);
}

void tst_TimelineModel::busyWorkersPerColumn()
{
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(-1, EventKind::Spawn, 0, 10); // not a task: not busy
    recorder.worker(0).append(0, EventKind::Run, 10, 100);
    recorder.worker(1).append(1, EventKind::Run, 50, 150);
    recorder.main().append(-1, EventKind::Wait, 0, 200); // the caller is not a worker
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    const auto busy = model.busyWorkers(0, 200, 4); // columns of 50 ns
    QCOMPARE(busy.size(), std::size_t(4));
    QCOMPARE(busy[0], 40.0 / 50.0);
    QCOMPARE(busy[1], 2.0);
    QCOMPARE(busy[2], 1.0);
    QCOMPARE(busy[3], 0.0);
    QVERIFY(model.busyWorkers(0, 0, 4) == std::vector<double>(4, 0.0));
}

void tst_TimelineModel::visibleUntilShowsTheTraceAsItWas()
{
    // Worker 0 runs task 0 over [0, 100) and task 1 over [100, 200); worker 1 task 2 over
    // [50, 150). At 120, task 0 is done, task 1 and task 2 are under way, nothing else shows.
    TraceRecorder recorder(2, false);
    recorder.worker(0).append(0, EventKind::Run, 0, 100);
    recorder.worker(0).append(1, EventKind::Run, 100, 200);
    recorder.worker(1).append(2, EventKind::Run, 50, 150);
    TimelineModel model;
    model.setTrace(recorder.snapshot(), nullptr, false);
    const auto generation = model.generation();
    model.setVisibleUntil(120);
    QVERIFY(model.generation() != generation);
    QCOMPARE(model.nowNs(), std::int64_t(120));
    QCOMPARE(model.endNs(), std::int64_t(200)); // the axis stays the whole run's

    std::vector<TimelineModel::Bar> bars;
    model.bars(1, 0, 1000, 1.0, bars);
    QCOMPARE(bars.size(), std::size_t(2));
    QCOMPARE(bars[0].endNs, std::int64_t(100));
    QVERIFY(!bars[0].inFlight);
    QCOMPARE(bars[1].task, 1);
    QCOMPARE(bars[1].endNs, std::int64_t(120));
    QVERIFY(bars[1].inFlight);
    model.bars(2, 0, 1000, 1.0, bars);
    QCOMPARE(bars.size(), std::size_t(1));
    QCOMPARE(bars[0].endNs, std::int64_t(120));
    // Nothing after the cut, not even a sliver at a window's edge.
    model.bars(1, 130, 1000, 1.0, bars);
    QVERIFY(bars.empty());
    QVERIFY(!model.eventAt(1, 150, 5).has_value());
    const auto busy = model.busyWorkers(0, 200, 2); // columns of 100 ns
    QCOMPARE(busy[0], 1.5);
    QCOMPARE(busy[1], 0.4);

    // Before anything started: nothing at all.
    model.setVisibleUntil(0);
    model.bars(1, 0, 1000, 1.0, bars);
    QVERIFY(bars.empty());
    // And then all of it again; a new trace shows whole too.
    model.setVisibleUntil(std::nullopt);
    model.bars(1, 0, 1000, 1.0, bars);
    QCOMPARE(bars.size(), std::size_t(2));
    QCOMPARE(model.nowNs(), std::int64_t(-1));
    model.setVisibleUntil(10);
    model.setTrace(recorder.snapshot(), nullptr, false);
    QCOMPARE(model.visibleUntil(), std::nullopt);
}

namespace {

// The bars of one row event by event, with no summaries: how bars() merged before it had levels
// of detail, and what they must still give.
std::vector<TimelineModel::Bar> barsOneByOne(const TraceSnapshot &trace,
    int lane,
    std::int64_t t0Ns,
    std::int64_t t1Ns,
    double nsPerPixel,
    std::optional<std::int64_t> visibleUntil)
{
    std::vector<TimelineModel::Bar> out;
    std::optional<TimelineModel::Bar> current;
    std::array<std::int64_t, EventKindCount> kindTime{};
    std::vector<int> runGroups; // the group of each run of the current bar
    auto flush = [&] {
        if (!current)
            return;
        if (current->events > 1)
            current->kind = static_cast<EventKind>(
                std::max_element(kindTime.begin(), kindTime.end()) - kindTime.begin());
        // A run bar takes the other shade when all its runs are of one even-numbered group.
        const bool oneGroup =
            !runGroups.empty() && std::all_of(runGroups.begin(), runGroups.end(), [&](int group) {
                return group == runGroups.front();
            });
        current->alternateGroup = current->kind == EventKind::Run && oneGroup
            && runGroups.front() > 0 && runGroups.front() % 2 == 0;
        out.push_back(*current);
        current.reset();
        kindTime.fill(0);
        runGroups.clear();
    };
    const std::int64_t limit = visibleUntil ? std::min(t1Ns, *visibleUntil) : t1Ns;
    int groups = 0; // runs that started a group so far, those before the window too
    for (TaskEvent event : trace.events(lane)) {
        groups += event.kind == EventKind::Run && event.groupStart() ? 1 : 0;
        if (event.endNs <= t0Ns)
            continue;
        if (event.startNs >= limit)
            break;
        bool inFlight = false;
        if (visibleUntil && event.endNs > *visibleUntil) {
            event.endNs = *visibleUntil;
            inFlight = true;
        }
        const std::int64_t duration = event.endNs - event.startNs;
        if (current && double(event.startNs - current->endNs) < nsPerPixel
            && (double(current->endNs - current->startNs) < nsPerPixel
                || double(duration) < nsPerPixel)) {
            current->endNs = std::max(current->endNs, event.endNs);
            current->events += 1;
            current->task = -1;
            current->flags |= event.flags & (EventFlag::Failed | EventFlag::Interrupted);
            current->inFlight = current->inFlight || inFlight;
            kindTime[static_cast<std::size_t>(event.kind)] += duration;
        } else {
            flush();
            current = TimelineModel::Bar{
                event.startNs, event.endNs, event.kind, 1, event.task, event.flags, inFlight};
            kindTime[static_cast<std::size_t>(event.kind)] = duration;
        }
        if (event.kind == EventKind::Run)
            runGroups.push_back(groups);
    }
    flush();
    return out;
}

// The busy workers of [t0Ns, t1Ns) in `columns` columns, event by event.
std::vector<double> busyOneByOne(
    const TraceSnapshot &trace, std::int64_t t0Ns, std::int64_t t1Ns, int columns)
{
    std::vector<double> busy(std::size_t(columns), 0.0);
    const double columnNs = double(t1Ns - t0Ns) / columns;
    for (int worker = 0; worker < trace.workerCount(); ++worker) {
        for (const TaskEvent &event : trace.events(worker)) {
            if (event.kind != EventKind::Run)
                continue;
            for (int column = 0; column < columns; ++column) {
                const double from = std::max(double(event.startNs), t0Ns + column * columnNs);
                const double to = std::min(double(event.endNs), t0Ns + (column + 1) * columnNs);
                if (to > from)
                    busy[std::size_t(column)] += (to - from) / columnNs;
            }
        }
    }
    return busy;
}

bool sameBars(const std::vector<TimelineModel::Bar> &a, const std::vector<TimelineModel::Bar> &b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        if (a[i].startNs != b[i].startNs || a[i].endNs != b[i].endNs || a[i].kind != b[i].kind
            || a[i].events != b[i].events || a[i].task != b[i].task || a[i].flags != b[i].flags
            || a[i].inFlight != b[i].inFlight || a[i].alternateGroup != b[i].alternateGroup)
            return false;
    }
    return true;
}

} // namespace

void tst_TimelineModel::levelOfDetailDrawsWhatEventByEventWould_data()
{
    QTest::addColumn<std::uint32_t>("seed");
    QTest::addColumn<std::int64_t>("longestNs"); // events last 1 ns to this
    QTest::addColumn<std::int64_t>("widestGapNs");
    QTest::addColumn<int>("runsPerGroup"); // on average: one run in this many starts a group
    QTest::newRow("short events, short gaps") << 1u << std::int64_t(100) << std::int64_t(20) << 4;
    QTest::newRow("short events, some long gaps")
        << 2u << std::int64_t(100) << std::int64_t(5000) << 4;
    QTest::newRow("some long events") << 3u << std::int64_t(20'000) << std::int64_t(50) << 4;
    QTest::newRow("anything") << 4u << std::int64_t(100'000) << std::int64_t(100'000) << 4;
    // Groups longer than the blocks, so that whole blocks lie within one.
    QTest::newRow("long groups, short events")
        << 5u << std::int64_t(100) << std::int64_t(20) << 100;
    QTest::newRow("long groups, anything")
        << 6u << std::int64_t(100'000) << std::int64_t(100'000) << 100;
}

void tst_TimelineModel::levelOfDetailDrawsWhatEventByEventWould()
{
    // A run of 3 workers written in steps, the model following it snapshot by snapshot as the
    // window does: at every resolution, in every window, the bars are those of the events one
    // by one, and so is the concurrency.
    QFETCH(std::uint32_t, seed);
    QFETCH(std::int64_t, longestNs);
    QFETCH(std::int64_t, widestGapNs);
    QFETCH(int, runsPerGroup);
    std::mt19937 random(seed);
    auto pick = [&](std::int64_t low, std::int64_t high) {
        return std::uniform_int_distribution<std::int64_t>(low, high)(random);
    };
    constexpr int Workers = 3;
    TraceRecorder recorder(Workers, false);
    std::array<std::int64_t, Workers> cursor{};
    TimelineModel model;
    int task = 0;
    for (int step = 0; step < 12; ++step) {
        for (int i = 0; i < 1500; ++i) {
            const int worker = int(pick(0, Workers - 1));
            const std::int64_t start = cursor[std::size_t(worker)] + pick(0, widestGapNs);
            const std::int64_t end = start + pick(1, pick(0, 9) == 0 ? longestNs : 50);
            cursor[std::size_t(worker)] = end;
            const auto kind = pick(0, 5) == 0 ? EventKind::GilWait
                : pick(0, 9) == 0             ? EventKind::Dispatch
                                              : EventKind::Run;
            std::uint8_t flags = pick(0, 200) == 0 ? EventFlag::Failed
                : pick(0, 200) == 0                ? EventFlag::Interrupted
                                                   : 0;
            if (kind == EventKind::Run && pick(1, runsPerGroup) == 1)
                flags |= EventFlag::GroupStart;
            recorder.worker(worker).append(task++, kind, start, end, flags);
        }
        model.setTrace(recorder.snapshot(), nullptr, true);
    }
    model.setTrace(recorder.snapshot(), nullptr, false);
    const TraceSnapshot &trace = *model.trace();
    const std::int64_t end = model.endNs();
    struct Window
    {
        double from, to;
    };
    for (const std::optional<std::int64_t> &cut :
        {std::optional<std::int64_t>{}, std::optional<std::int64_t>{end / 3}}) {
        model.setVisibleUntil(cut);
        for (const Window window : {Window{0, 1}, Window{0.25, 0.3}, Window{0.5, 0.5001}}) {
            const auto t0 = std::int64_t(window.from * double(end));
            const auto t1 = std::int64_t(window.to * double(end)) + 1;
            for (const double pixels : {10.0, 300.0, 1400.0, 100'000.0}) {
                const double nsPerPixel = double(t1 - t0) / pixels;
                std::vector<TimelineModel::Bar> bars;
                for (int worker = 0; worker < Workers; ++worker) {
                    model.bars(worker + 1, t0, t1, nsPerPixel, bars);
                    QVERIFY2(sameBars(bars, barsOneByOne(trace, worker, t0, t1, nsPerPixel, cut)),
                        qPrintable(QStringLiteral("worker %1, [%2, %3), %4 px%5")
                                       .arg(worker)
                                       .arg(t0)
                                       .arg(t1)
                                       .arg(pixels)
                                       .arg(cut ? QStringLiteral(", cut") : QString())));
                }
            }
            if (!cut) {
                constexpr int Columns = 700;
                const auto busy = model.busyWorkers(t0, t1, Columns);
                const auto expected = busyOneByOne(trace, t0, t1, Columns);
                // The model puts the columns' edges on whole nanoseconds: each worker may count
                // up to a nanosecond more or less at each edge.
                const double tolerance = 2.0 * Workers * Columns / double(t1 - t0);
                for (std::size_t column = 0; column < busy.size(); ++column)
                    QVERIFY2(std::abs(busy[column] - expected[column]) <= tolerance,
                        qPrintable(QStringLiteral("column %1: %2, not %3")
                                       .arg(column)
                                       .arg(busy[column])
                                       .arg(expected[column])));
            }
        }
    }
}

void tst_TimelineModel::rowsAddedWhileLiveKeepTheirSummaries()
{
    // A traced program's rows appear as its threads start, before the GIL row: followed
    // snapshot by snapshot, every row draws as a model given the whole trace at once does.
    TraceRecorder recorder(1, true);
    TimelineModel live;
    std::int64_t time = 0;
    auto record = [&](int lanes) {
        for (int i = 0; i < 600; ++i, time += 10) {
            recorder.worker(i % lanes).append(i, EventKind::Run, time, time + 8);
            recorder.gil().append(i, EventKind::GilHold, time, time + 8);
        }
    };
    record(1);
    live.setTrace(recorder.snapshot(), nullptr, true);
    QCOMPARE(live.rowCount(), 3);
    QCOMPARE(recorder.addWorkerLane(4242, QStringLiteral("Thread-1")), 1);
    QCOMPARE(recorder.addWorkerLane(4243), 2);
    record(3);
    live.setTrace(recorder.snapshot(), nullptr, true);
    QCOMPARE(live.rowCount(), 5);
    QCOMPARE(live.laneOfRow(4), GilLane);
    QCOMPARE(live.rowLabel(2), QStringLiteral("Thread-1 · pid 4242"));
    TimelineModel whole;
    whole.setTrace(recorder.snapshot(), nullptr, true);
    for (int row = 0; row < 5; ++row) {
        for (const double nsPerPixel : {1.0, 40.0, 2000.0}) {
            std::vector<TimelineModel::Bar> a;
            std::vector<TimelineModel::Bar> b;
            live.bars(row, 0, time, nsPerPixel, a);
            whole.bars(row, 0, time, nsPerPixel, b);
            QVERIFY2(sameBars(a, b),
                qPrintable(QStringLiteral("row %1, %2 ns a pixel").arg(row).arg(nsPerPixel)));
        }
    }
}

QTEST_GUILESS_MAIN(tst_TimelineModel)
#include "tst_timelinemodel.moc"
