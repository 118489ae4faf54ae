#include "trace/tracerecorder.h"
#include "traceinvariants.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>
#include <unistd.h>
#include <vector>

using namespace parviz;

class tst_TraceRecorder : public QObject
{
    Q_OBJECT

private slots:
    void emptyRecorder();
    void appendAndRead();
    void openEventIsInFlight();
    void growsAcrossSegments_data();
    void growsAcrossSegments();
    void snapshotOutlivesRecorder();
    void lanesInDisplayOrder();
    void concurrentWritersAndSnapshots();
    void snapshotsAtDisplayRateSeeNoTornEvent();
    void completedTasksAreCounted();
    void unevenLanesShareTheReservedRoom();
    void unusedRoomIsReleased();
    void lanesAndTasksAddedWhileSnapshotsRead();
    void addedLanesStopAtTheCap();
    void taskNamesAreSharedAndReadBack();
};

void tst_TraceRecorder::emptyRecorder()
{
    TraceRecorder recorder(3, false);
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->workerCount(), 3);
    QVERIFY(!snapshot->hasGilLane());
    QCOMPARE(snapshot->totalEventCount(), std::size_t(0));
    QCOMPARE(snapshot->eventCount(GilLane), std::size_t(0));
    QCOMPARE(snapshot->eventCount(7), std::size_t(0));
    QVERIFY(snapshot->inFlight().empty());
    QVERIFY(snapshot->events(GilLane).empty());
}

void tst_TraceRecorder::appendAndRead()
{
    TraceRecorder recorder(2, false);
    recorder.worker(1).append(4, EventKind::Run, 10, 20);
    recorder.worker(1).append(-1, EventKind::Dispatch, 20, 25, EventFlag::Interrupted);
    recorder.main().append(-1, EventKind::Submit, 0, 5);
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->eventCount(1), std::size_t(2));
    QCOMPARE(snapshot->eventCount(0), std::size_t(0));
    QCOMPARE(snapshot->eventCount(MainLane), std::size_t(1));
    const TaskEvent &run = snapshot->event(1, 0);
    QCOMPARE(run.task, 4);
    QCOMPARE(run.worker, 1);
    QCOMPARE(run.kind, EventKind::Run);
    QCOMPARE(run.startNs, std::int64_t(10));
    QCOMPARE(run.endNs, std::int64_t(20));
    QCOMPARE(run.pid, std::int32_t(::getpid()));
    QVERIFY(!run.interrupted());
    QVERIFY(snapshot->event(1, 1).interrupted());
    const auto all = snapshot->allEvents();
    QCOMPARE(all.size(), std::size_t(3));
    QCOMPARE(all.front().worker, MainLane); // main first
}

void tst_TraceRecorder::openEventIsInFlight()
{
    TraceRecorder recorder(1, true);
    recorder.startClock();
    recorder.worker(0).begin(9, EventKind::Run, 3, EventFlag::GroupStart);
    recorder.gil().begin(9, EventKind::GilHold, 3);
    auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->eventCount(0), std::size_t(0));
    QCOMPARE(snapshot->inFlight().size(), std::size_t(2));
    const TaskEvent &open = snapshot->inFlight().front();
    QCOMPARE(open.task, 9);
    QCOMPARE(open.startNs, std::int64_t(3));
    QCOMPARE(open.endNs, std::max<std::int64_t>(snapshot->takenAtNs(), 3));
    // What is known as it starts shows while it runs.
    QCOMPARE(open.flags, EventFlag::GroupStart);
    QCOMPARE(snapshot->inFlight().back().flags, std::uint8_t(0));

    recorder.worker(0).end(40, EventFlag::Interrupted);
    recorder.gil().end(40);
    snapshot = recorder.snapshot();
    QVERIFY(snapshot->inFlight().empty());
    QCOMPARE(snapshot->eventCount(0), std::size_t(1));
    QCOMPARE(snapshot->event(0, 0).endNs, std::int64_t(40));
    QCOMPARE(
        snapshot->event(0, 0).flags, std::uint8_t(EventFlag::GroupStart | EventFlag::Interrupted));
    QCOMPARE(snapshot->eventCount(GilLane), std::size_t(1));
}

void tst_TraceRecorder::growsAcrossSegments_data()
{
    QTest::addColumn<int>("count");
    QTest::newRow("one") << 1;
    QTest::newRow("first segment full") << 16;
    QTest::newRow("second segment begins") << 17;
    QTest::newRow("segment boundary 48") << 48;
    QTest::newRow("segment boundary 49") << 49;
    // The doubling segments end at 32752 events; blocks of 16384 follow.
    QTest::newRow("last doubling segment full") << 32'752;
    QTest::newRow("first block begins") << 32'753;
    QTest::newRow("second block begins") << 32'752 + 16'384 + 1;
    QTest::newRow("a hundred thousand") << 100'000;
}

void tst_TraceRecorder::growsAcrossSegments()
{
    QFETCH(int, count);
    TraceRecorder recorder(1, false);
    for (int i = 0; i < count; ++i)
        recorder.worker(0).append(i, EventKind::Run, 2 * i, 2 * i + 1);
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->eventCount(0), std::size_t(count));
    int expected = 0;
    bool inOrder = true;
    snapshot->forEachEvent(0, [&](const TaskEvent &event) {
        inOrder = inOrder && event.task == expected && event.startNs == 2 * expected;
        ++expected;
    });
    QVERIFY(inOrder);
    QCOMPARE(expected, count);
    QCOMPARE(snapshot->event(0, std::size_t(count - 1)).task, count - 1);
}

void tst_TraceRecorder::snapshotOutlivesRecorder()
{
    std::shared_ptr<const TraceSnapshot> snapshot;
    {
        TraceRecorder recorder(1, false);
        for (int i = 0; i < 1000; ++i)
            recorder.worker(0).append(i, EventKind::Run, i, i + 1);
        snapshot = recorder.snapshot();
    }
    QCOMPARE(snapshot->eventCount(0), std::size_t(1000));
    QCOMPARE(snapshot->event(0, 999).task, 999);
}

void tst_TraceRecorder::lanesInDisplayOrder()
{
    TraceRecorder withGil(2, true);
    QCOMPARE(withGil.snapshot()->lanes(), (std::vector<int>{MainLane, 0, 1, GilLane}));
    TraceRecorder withoutGil(1, false);
    QCOMPARE(withoutGil.snapshot()->lanes(), (std::vector<int>{MainLane, 0}));
}

void tst_TraceRecorder::concurrentWritersAndSnapshots()
{
    // Four writers append 20,000 events each, alternating open events and whole ones, while a
    // reader takes snapshots as fast as it can: every snapshot is a prefix of the final trace,
    // counts only grow, and an in-flight event is the one the lane will publish next.
    constexpr int Writers = 4;
    constexpr int Events = 20'000;
    TraceRecorder recorder(Writers, false);
    std::atomic<bool> done{false};
    std::vector<std::shared_ptr<const TraceSnapshot>> snapshots;
    QString inFlightProblem;
    std::atomic<bool> readerStarted{false};

    std::thread reader([&] {
        std::vector<std::size_t> lastCounts(Writers, 0);
        do {
            auto snapshot = recorder.snapshot();
            for (int w = 0; w < Writers; ++w) {
                const std::size_t count = snapshot->eventCount(w);
                if (count < lastCounts[std::size_t(w)] && inFlightProblem.isEmpty())
                    inFlightProblem = QStringLiteral("lane %1 went from %2 to %3 events")
                                          .arg(w)
                                          .arg(lastCounts[std::size_t(w)])
                                          .arg(count);
                lastCounts[std::size_t(w)] = count;
            }
            for (const TaskEvent &open : snapshot->inFlight()) {
                // Writer w begins event i with task = i and start = i: the next one to publish.
                const std::size_t published = snapshot->eventCount(open.worker);
                if (open.task != int(published) && inFlightProblem.isEmpty())
                    inFlightProblem = QStringLiteral("open task %1 on a lane with %2 published")
                                          .arg(open.task)
                                          .arg(published);
            }
            if (snapshots.size() < 200)
                snapshots.push_back(std::move(snapshot));
            readerStarted = true;
        } while (!done.load());
    });
    std::vector<std::thread> writers;
    for (int w = 0; w < Writers; ++w) {
        writers.emplace_back([&recorder, &readerStarted, w] {
            // Under load the reader may be scheduled late; make sure it overlaps the writers.
            while (!readerStarted.load())
                std::this_thread::yield();
            TraceLane &lane = recorder.worker(w);
            for (int i = 0; i < Events; ++i) {
                if (i % 2 == 0) {
                    lane.begin(i, EventKind::Run, i);
                    lane.end(i + 1);
                } else {
                    lane.append(i, EventKind::Run, i, i + 1);
                }
            }
        });
    }
    for (auto &writer : writers)
        writer.join();
    done = true;
    reader.join();

    QVERIFY2(inFlightProblem.isEmpty(), qPrintable(inFlightProblem));
    const auto final = recorder.snapshot();
    for (int w = 0; w < Writers; ++w)
        QCOMPARE(final->eventCount(w), std::size_t(Events));
    QVERIFY(!snapshots.empty());
    for (const auto &snapshot : snapshots) {
        const QString problem = test::checkPrefix(*snapshot, *final);
        QVERIFY2(problem.isEmpty(), qPrintable(problem));
    }
}

namespace {

// What writer `w` records as its event `i`: every field follows from (w, i), so a reader can
// tell a torn event (fields from two different writes) from a whole one.
TaskEvent expectedEvent(int w, std::size_t i)
{
    constexpr EventKind Kinds[] = {
        EventKind::Run, EventKind::Spawn, EventKind::GilWait, EventKind::Dispatch};
    TaskEvent event;
    event.task = static_cast<std::int32_t>(i);
    event.worker = w;
    event.pid = static_cast<std::int32_t>(::getpid());
    event.kind = Kinds[i % 4];
    event.startNs = std::int64_t(w) * 1'000'000'000 + std::int64_t(i) * 10;
    event.endNs = event.startNs + 1 + std::int64_t(i % 7);
    event.flags = static_cast<std::uint8_t>(
        (i % 3 == 0 ? EventFlag::Interrupted : 0) | (i % 5 == 0 ? EventFlag::GroupStart : 0));
    return event;
}

} // namespace

void tst_TraceRecorder::snapshotsAtDisplayRateSeeNoTornEvent()
{
    // Four writers record 10,000 events each, in bursts, while a reader takes a snapshot at
    // the timeline's 60 Hz and reads every event in it: each is whole, counts only grow, and
    // the open event is the next one its lane will publish.
    constexpr int Writers = 4;
    constexpr std::size_t Events = 10'000;
    TraceRecorder recorder(Writers, false);
    std::atomic<int> writersDone{0};
    QString problem; // the reader's
    int snapshotsTaken = 0;
    int snapshotsMidway = 0; // taken while some lane was part written

    std::thread reader([&] {
        const auto period = std::chrono::microseconds(1'000'000 / 60);
        auto next = std::chrono::steady_clock::now();
        std::vector<std::size_t> lastCounts(Writers, 0);
        std::int64_t lastCompleted = 0;
        while (problem.isEmpty()) {
            const bool last = writersDone.load() == Writers; // one more snapshot after the end
            const auto snapshot = recorder.snapshot();
            ++snapshotsTaken;
            bool midway = false;
            for (int w = 0; w < Writers && problem.isEmpty(); ++w) {
                const std::size_t count = snapshot->eventCount(w);
                midway = midway || (count > 0 && count < Events);
                if (count < lastCounts[std::size_t(w)])
                    problem = QStringLiteral("lane %1 went from %2 to %3 events")
                                  .arg(w)
                                  .arg(lastCounts[std::size_t(w)])
                                  .arg(count);
                lastCounts[std::size_t(w)] = count;
                std::size_t i = 0;
                snapshot->forEachEvent(w, [&](const TaskEvent &event) {
                    if (problem.isEmpty() && !(event == expectedEvent(w, i)))
                        problem = QStringLiteral("lane %1 event %2 is torn: task %3 [%4, %5]")
                                      .arg(w)
                                      .arg(i)
                                      .arg(event.task)
                                      .arg(event.startNs)
                                      .arg(event.endNs);
                    ++i;
                });
            }
            for (const TaskEvent &open : snapshot->inFlight()) {
                const TaskEvent expected =
                    expectedEvent(open.worker, snapshot->eventCount(open.worker));
                // Only the flags it began with: the rest are the end's.
                if (problem.isEmpty()
                    && (open.task != expected.task || open.startNs != expected.startNs
                        || open.kind != expected.kind
                        || open.flags != (expected.flags & EventFlag::GroupStart)))
                    problem = QStringLiteral("lane %1's open event is task %2 (flags %3), not %4")
                                  .arg(open.worker)
                                  .arg(open.task)
                                  .arg(open.flags)
                                  .arg(expected.task);
            }
            if (snapshot->completedTasks() < lastCompleted && problem.isEmpty())
                problem = QStringLiteral("the completed count went down");
            lastCompleted = snapshot->completedTasks();
            snapshotsMidway += midway;
            if (last)
                return;
            next += period;
            std::this_thread::sleep_until(next);
        }
    });
    std::vector<std::thread> writers;
    for (int w = 0; w < Writers; ++w) {
        writers.emplace_back([&recorder, &writersDone, w] {
            TraceLane &lane = recorder.worker(w);
            for (std::size_t i = 0; i < Events; ++i) {
                const TaskEvent e = expectedEvent(w, i);
                if (i % 2 == 0) {
                    lane.begin(e.task, e.kind, e.startNs, e.flags & EventFlag::GroupStart);
                    lane.end(e.endNs, e.flags & ~EventFlag::GroupStart);
                } else {
                    lane.append(e.task, e.kind, e.startNs, e.endNs, e.flags);
                }
                lane.countCompletedTask();
                // Bursts of 50 with a pause between: the writing spans many of the reader's
                // frames, as a run's recording does.
                if (i % 50 == 49)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            ++writersDone;
        });
    }
    for (auto &writer : writers)
        writer.join();
    reader.join();

    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    QVERIFY2(snapshotsMidway >= 3,
        qPrintable(QStringLiteral("only %1 of %2 snapshots were taken while the lanes were written")
                       .arg(snapshotsMidway)
                       .arg(snapshotsTaken)));
    qInfo("%d snapshots, %d of them while the lanes were written", snapshotsTaken, snapshotsMidway);
    const auto final = recorder.snapshot();
    for (int w = 0; w < Writers; ++w)
        QCOMPARE(final->eventCount(w), Events);
    QCOMPARE(final->completedTasks(), std::int64_t(Writers) * std::int64_t(Events));
}

void tst_TraceRecorder::completedTasksAreCounted()
{
    TraceRecorder recorder(2, false);
    recorder.worker(0).countCompletedTask();
    recorder.worker(1).countCompletedTask();
    recorder.worker(1).countCompletedTask();
    QCOMPARE(recorder.snapshot()->completedTasks(), std::int64_t(3));
}

// Room is reserved for the run, not per lane: a lane that records far more than its share
// takes what the other did not use, and the trace stays near 32 bytes an event (a lane's own
// doubling segments would have left up to half of its last segment unused).
void tst_TraceRecorder::unevenLanesShareTheReservedRoom()
{
    constexpr int Fast = 550'000;
    constexpr int Slow = 50'000;
    TraceRecorder recorder(2, false);
    recorder.reserve(300'000);
    for (int i = 0; i < Fast; ++i)
        recorder.worker(0).append(i, EventKind::Run, i, i + 1);
    for (int i = 0; i < Slow; ++i)
        recorder.worker(1).append(i, EventKind::Run, i, i + 1);
    recorder.releaseSpareRoom();
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->totalEventCount(), std::size_t(Fast + Slow));
    QCOMPARE(snapshot->event(0, Fast - 1).task, Fast - 1);
    const double bytesPerEvent = double(snapshot->allocatedBytes()) / (Fast + Slow);
    QVERIFY2(
        bytesPerEvent >= 32.0 && bytesPerEvent < 36.0, qPrintable(QString::number(bytesPerEvent)));
}

void tst_TraceRecorder::unusedRoomIsReleased()
{
    TraceRecorder recorder(2, false);
    recorder.reserve(300'000);
    for (int i = 0; i < 1000; ++i)
        recorder.worker(0).append(i, EventKind::Run, i, i + 1);
    const std::size_t reserved = recorder.snapshot()->allocatedBytes();
    QVERIFY2(reserved >= 2 * 300'000 * sizeof(TaskEvent), qPrintable(QString::number(reserved)));
    recorder.releaseSpareRoom();
    // What is left: each lane's doubling segments (32752 events) and its table of blocks.
    const std::size_t kept = recorder.snapshot()->allocatedBytes();
    QVERIFY2(kept < 3'000'000, qPrintable(QString::number(kept)));
    QCOMPARE(recorder.snapshot()->event(0, 999).task, 999);
}

namespace {

// What the writer of lanesAndTasksAddedWhileSnapshotsRead() gives task `task`.
QString tracedName(std::int32_t task)
{
    return QStringLiteral("__main__.work%1").arg(task % 3);
}
QString tracedArguments(std::int32_t task)
{
    return QStringLiteral("(%1, 'x')").arg(task);
}

} // namespace

void tst_TraceRecorder::lanesAndTasksAddedWhileSnapshotsRead()
{
    // One thread records a traced program as the engine's reader would: it adds a lane for
    // each thread it learns of, a task before each unit of work, and the work's events on any
    // lane, while another thread takes snapshots in a loop. Every snapshot is a consistent
    // prefix: lanes never disappear, each lane holds only its own events and label, and every
    // task an event names has its name and arguments.
    constexpr int Lanes = 400;
    constexpr int TasksPerLane = 40;
    TraceRecorder recorder(0, false);
    std::atomic<bool> done{false};
    std::atomic<bool> readerStarted{false};
    std::vector<std::shared_ptr<const TraceSnapshot>> kept;
    QString problem; // the reader's
    QString writerProblem;
    int snapshotsTaken = 0;
    int largestSeen = 0;

    std::thread reader([&] {
        int lastWorkers = 0;
        std::vector<std::size_t> lastCounts;
        auto fail = [&](const QString &what) {
            if (problem.isEmpty())
                problem = what;
        };
        do {
            const auto snapshot = recorder.snapshot();
            ++snapshotsTaken;
            readerStarted = true;
            const int workers = snapshot->workerCount();
            largestSeen = std::max(largestSeen, workers);
            if (workers < lastWorkers)
                fail(QStringLiteral("lanes went from %1 to %2").arg(lastWorkers).arg(workers));
            lastWorkers = workers;
            if (snapshot->lanes().size() != std::size_t(workers) + 1)
                fail(QStringLiteral("%1 lanes listed for %2 workers")
                         .arg(snapshot->lanes().size())
                         .arg(workers));
            lastCounts.resize(std::size_t(workers), 0);
            for (int w = 0; w < workers; ++w) {
                if (snapshot->label(w) != QStringLiteral("thread %1").arg(w))
                    fail(QStringLiteral("lane %1 is called '%2'").arg(w).arg(snapshot->label(w)));
                const std::size_t count = snapshot->eventCount(w);
                if (count < lastCounts[std::size_t(w)])
                    fail(QStringLiteral("lane %1 shrank to %2 events").arg(w).arg(count));
                lastCounts[std::size_t(w)] = count;
                snapshot->forEachEvent(w, [&](const TaskEvent &event) {
                    if (event.worker != w || event.pid != 1000 + w)
                        fail(QStringLiteral("lane %1 holds an event of lane %2, pid %3")
                                 .arg(w)
                                 .arg(event.worker)
                                 .arg(event.pid));
                    if (event.task < 0 || event.task >= snapshot->taskCount())
                        fail(QStringLiteral("task %1 beyond the %2 tasks")
                                 .arg(event.task)
                                 .arg(snapshot->taskCount()));
                    else if (snapshot->taskName(event.task) != tracedName(event.task)
                        || snapshot->taskArguments(event.task) != tracedArguments(event.task))
                        fail(QStringLiteral("task %1 reads back as %2%3")
                                 .arg(event.task)
                                 .arg(snapshot->taskName(event.task),
                                     snapshot->taskArguments(event.task)));
                });
            }
            for (const TaskEvent &open : snapshot->inFlight()) {
                if (open.worker >= workers || open.task >= snapshot->taskCount())
                    fail(QStringLiteral("open task %1 on lane %2 beyond the snapshot")
                             .arg(open.task)
                             .arg(open.worker));
            }
            if (kept.size() < 100 && snapshotsTaken % 5 == 0)
                kept.push_back(snapshot);
        } while (!done.load());
    });

    std::int64_t time = 0; // the writer's, until it is joined
    std::thread writer([&] {
        while (!readerStarted.load())
            std::this_thread::yield();
        std::int32_t expectedTask = 0;
        for (int l = 0; l < Lanes; ++l) {
            const int lane = recorder.addWorkerLane(1000 + l, QStringLiteral("thread %1").arg(l));
            if (lane != l && writerProblem.isEmpty())
                writerProblem = QStringLiteral("lane %1 added as %2").arg(l).arg(lane);
            // Work on the new lane and on an older one, as threads of a program overlap; the
            // last event of each round stays open until the next round.
            for (int k = 0; k < TasksPerLane; ++k) {
                const int on = k % 2 == 0 ? l : l / 2;
                const std::int32_t task =
                    recorder.addTask(tracedName(expectedTask), tracedArguments(expectedTask));
                if (task != expectedTask && writerProblem.isEmpty())
                    writerProblem =
                        QStringLiteral("task %1 added as %2").arg(expectedTask).arg(task);
                ++expectedTask;
                TraceLane &events = recorder.worker(on);
                if (events.isOpen())
                    events.end(time++);
                events.begin(task, EventKind::Run, time++);
                if (k + 2 < TasksPerLane)
                    events.end(time++);
            }
            recorder.main().append(-1, EventKind::Submit, time, time + 1);
            ++time;
            if (l % 16 == 0)
                std::this_thread::yield();
        }
    });
    writer.join();
    done = true;
    reader.join();

    QVERIFY2(writerProblem.isEmpty(), qPrintable(writerProblem));
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const auto final = recorder.snapshot();
    QCOMPARE(final->workerCount(), Lanes);
    QCOMPARE(final->taskCount(), Lanes * TasksPerLane);
    // Every task once: ended, or still open on its lane.
    QCOMPARE(final->totalEventCount() - final->eventCount(MainLane) + final->inFlight().size(),
        std::size_t(Lanes * TasksPerLane));
    QCOMPARE(final->eventCount(MainLane), std::size_t(Lanes));
    QCOMPARE(final->eventCount(Lanes - 1), std::size_t(TasksPerLane / 2 - 1));
    QCOMPARE(final->taskName(7), tracedName(7));
    QCOMPARE(
        final->taskArguments(Lanes * TasksPerLane - 1), tracedArguments(Lanes * TasksPerLane - 1));
    QVERIFY(final->taskName(Lanes * TasksPerLane).isEmpty());
    QVERIFY(final->taskName(-1).isEmpty());
    // The reader overlapped the growth: it saw some lanes, not all of them at once.
    qInfo("%d snapshots, the largest before the end with %d lanes", snapshotsTaken, largestSeen);
    QVERIFY(snapshotsTaken > 1);
    for (const auto &snapshot : kept) {
        const QString prefixProblem = test::checkPrefix(*snapshot, *final);
        QVERIFY2(prefixProblem.isEmpty(), qPrintable(prefixProblem));
        QVERIFY(snapshot->taskCount() <= final->taskCount());
    }
    // A moment of the finished run keeps its lanes and names.
    const auto moment = final->until(time / 2);
    QCOMPARE(moment->workerCount(), Lanes);
    QCOMPARE(moment->taskName(3), tracedName(3));
}

void tst_TraceRecorder::addedLanesStopAtTheCap()
{
    TraceRecorder recorder(2, false);
    for (int l = 2; l < TraceStore::MaxWorkerLanes; ++l)
        QCOMPARE(recorder.addWorkerLane(7), l);
    QCOMPARE(recorder.addWorkerLane(7), -1);
    QCOMPARE(recorder.workerCount(), TraceStore::MaxWorkerLanes);
    const int last = TraceStore::MaxWorkerLanes - 1;
    recorder.worker(last).append(0, EventKind::Run, 1, 2);
    const auto snapshot = recorder.snapshot();
    QCOMPARE(snapshot->workerCount(), TraceStore::MaxWorkerLanes);
    QCOMPARE(snapshot->eventCount(last), std::size_t(1));
    QCOMPARE(snapshot->event(last, 0).pid, 7);
    QCOMPARE(snapshot->event(last, 0).worker, last);
    QCOMPARE(snapshot->lanes().back(), last);
}

void tst_TraceRecorder::taskNamesAreSharedAndReadBack()
{
    TraceRecorder own(2, false);
    QCOMPARE(own.snapshot()->taskCount(), 0);
    QVERIFY(own.snapshot()->taskName(0).isEmpty());

    TraceRecorder traced(0, false);
    const auto before = traced.snapshot();
    for (int i = 0; i < 5000; ++i)
        QCOMPARE(traced.addTask(i % 2 ? QStringLiteral("__main__.work") : QStringLiteral("f"),
                     QString::number(i)),
            i);
    QCOMPARE(before->taskCount(), 0); // a snapshot keeps the tasks it saw
    const auto after = traced.snapshot();
    QCOMPARE(after->taskCount(), 5000);
    QCOMPARE(after->taskName(4999), QStringLiteral("__main__.work"));
    QCOMPARE(after->taskName(4998), QStringLiteral("f"));
    QCOMPARE(after->taskArguments(1234), QStringLiteral("1234"));
    QCOMPARE(after->taskArguments(0), QStringLiteral("0"));
}

QTEST_GUILESS_MAIN(tst_TraceRecorder)
#include "tst_tracerecorder.moc"
