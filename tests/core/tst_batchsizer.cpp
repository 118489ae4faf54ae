#include "python/interpreter.h"
#include "strategies/batchsizer.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>
#include <queue>

#include <deque>
#include <functional>
#include <optional>
#include <vector>

using namespace parviz;

class tst_BatchSizer : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void startsAtOne();
    void doublesWhileBatchesAreFast();
    void noChangeWithinTheTarget();
    void shrinksWhenBatchesAreSlow();
    void singleTaskBatchesNeverShrink();
    void staleMeasurementsAreIgnored();
    void durationIsSmoothed();
    void staysWithinTheTarget();
    void tinyDurationsDoNotOverflow();
    void iteratorCutsTheEndFiner();
    void oneWorkerIsNotSliced();

    // Against joblib 1.2's own code, run by tests/core/joblib_batches.py.
    void sizerMatchesJoblib_data();
    void sizerMatchesJoblib();
    void batchesMatchJoblib_data();
    void batchesMatchJoblib();

private:
    // joblib_batches.py's answer to `request`; empty, with `error` set, when it fails.
    std::optional<QJsonObject> askJoblib(const QJsonObject &request, QString &error) const;

    std::optional<PythonInterpreter> m_python; // /usr/bin/python3, when it has joblib
    QString m_noPython; // why not
};

namespace {
constexpr std::int64_t Ms = 1'000'000;
BatchSizer joblibSizer()
{
    return BatchSizer(200 * Ms, 2000 * Ms);
}
} // namespace

void tst_BatchSizer::startsAtOne()
{
    auto sizer = joblibSizer();
    QCOMPARE(sizer.computeBatchSize(), 1);
    QCOMPARE(sizer.computeBatchSize(), 1); // no measurement yet: no change
}

void tst_BatchSizer::doublesWhileBatchesAreFast()
{
    auto sizer = joblibSizer();
    // A batch of 1 took 10 ms: ideal is 1 * 200/10 * 2 = 40, capped at double: 2.
    sizer.batchCompleted(1, 10 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.0); // reset with the change
    sizer.batchCompleted(2, 20 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 4);
    sizer.batchCompleted(4, 40 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 8);
}

void tst_BatchSizer::noChangeWithinTheTarget()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 150 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    // 500 ms for a batch of 2 lies between 0.2 s and 2 s: the size holds.
    sizer.batchCompleted(2, 500 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.5);
}

void tst_BatchSizer::shrinksWhenBatchesAreSlow()
{
    auto sizer = joblibSizer();
    for (int size : {2, 4, 8, 16}) {
        sizer.batchCompleted(sizer.effectiveBatchSize(), 10 * Ms);
        QCOMPARE(sizer.computeBatchSize(), size);
    }
    // A batch of 16 took 4 s: ideal int(16 * 200/4000) = 0, times two, at least 1.
    sizer.batchCompleted(16, 4000 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 1);
}

void tst_BatchSizer::singleTaskBatchesNeverShrink()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 10'000 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 1);
}

void tst_BatchSizer::staleMeasurementsAreIgnored()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 10 * Ms);
    QCOMPARE(sizer.computeBatchSize(), 2);
    sizer.batchCompleted(1, 10 * Ms); // a batch dispatched at the old size
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.0);
    QCOMPARE(sizer.computeBatchSize(), 2);
}

void tst_BatchSizer::durationIsSmoothed()
{
    auto sizer = joblibSizer();
    sizer.batchCompleted(1, 300 * Ms);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.3);
    sizer.batchCompleted(1, 800 * Ms);
    QCOMPARE(sizer.smoothedDurationSeconds(), 0.8 * 0.3 + 0.2 * 0.8);
}

void tst_BatchSizer::staysWithinTheTarget()
{
    // Tasks of 1 ms each: the size settles where a batch takes between 0.2 s and 2 s.
    auto sizer = joblibSizer();
    for (int round = 0; round < 50; ++round) {
        const int size = sizer.computeBatchSize();
        sizer.batchCompleted(size, std::int64_t(size) * Ms);
    }
    const int size = sizer.effectiveBatchSize();
    QVERIFY2(size >= 200 && size <= 2000, qPrintable(QString::number(size)));
}

void tst_BatchSizer::tinyDurationsDoNotOverflow()
{
    // A batch of 1024 in 1 ns: joblib's ideal, int(1024 * 0.2 / 1e-9) * 2, is far beyond an
    // int; Python's int() has no bound, and min() with 2 x 1024 keeps the doubling.
    auto sizer = joblibSizer();
    for (int size = 1; size < 1024; size *= 2) {
        sizer.batchCompleted(size, 1 * Ms);
        QCOMPARE(sizer.computeBatchSize(), 2 * size);
    }
    sizer.batchCompleted(1024, 1);
    QCOMPARE(sizer.computeBatchSize(), 2048);
}

namespace {
using Slices = std::vector<std::pair<std::size_t, std::size_t>>;

Slices take(BatchTaskIterator &tasks, std::size_t batchSize, bool fromOriginal)
{
    Slices slices;
    tasks.take(batchSize, fromOriginal, [&](std::size_t first, std::size_t last) {
        slices.emplace_back(first, last);
    });
    return slices;
}
} // namespace

void tst_BatchSizer::iteratorCutsTheEndFiner()
{
    BatchTaskIterator tasks(10, 2);
    tasks.setPreDispatchLimit(4);
    QCOMPARE(take(tasks, 1, false), (Slices{{0, 1}, {1, 2}}));
    QCOMPARE(take(tasks, 1, false), (Slices{{2, 3}, {3, 4}}));
    QVERIFY(take(tasks, 1, false).empty()); // the pre-dispatch slice is used up
    QCOMPARE(take(tasks, 2, true), (Slices{{4, 6}, {6, 8}})); // a full 2 x 2
    // Two left of 2 x 2: the end of the original iterator, max(1, 2 // (10 * 2)) a batch.
    QCOMPARE(take(tasks, 2, true), (Slices{{8, 9}, {9, 10}}));
    QVERIFY(take(tasks, 2, true).empty());

    // A short pre-dispatch slice is not the end of the input: split by n_jobs only.
    BatchTaskIterator pre(100, 4);
    pre.setPreDispatchLimit(8);
    QCOMPARE(take(pre, 4, false), (Slices{{0, 2}, {2, 4}, {4, 6}, {6, 8}}));
}

void tst_BatchSizer::oneWorkerIsNotSliced()
{
    // Parallel.__call__ with n_jobs == 1: no pre-dispatch islice, the caller takes every task.
    BatchTaskIterator tasks(5, 1);
    tasks.setPreDispatchLimit(2);
    for (std::size_t i = 0; i < 5; ++i)
        QCOMPARE(take(tasks, 1, false), (Slices{{i, i + 1}}));
    QVERIFY(take(tasks, 1, false).empty());
}

// -- Against joblib 1.2 ---------------------------------------------------------------------------

namespace {

// joblib_batches.py's clock counts in 1/512 s, so that joblib's float timestamps, and their
// differences, are exact: every simulated duration is a whole number of these.
constexpr std::int64_t Tick = 1'953'125;

QJsonArray toJson(const QList<qint64> &values)
{
    QJsonArray array;
    for (const qint64 value : values)
        array.append(value);
    return array;
}

// Where two answers part: the first index that differs, with a few values around it.
QString difference(const QJsonArray &parviz, const QJsonArray &joblib)
{
    const auto around = [](const QJsonArray &array, qsizetype at) {
        QJsonArray part;
        for (qsizetype i = std::max<qsizetype>(0, at - 3);
             i < std::min<qsizetype>(array.size(), at + 4);
             ++i)
            part.append(array.at(i));
        return QString::fromUtf8(QJsonDocument(part).toJson(QJsonDocument::Compact));
    };
    qsizetype at = 0;
    while (at < parviz.size() && at < joblib.size() && parviz.at(at) == joblib.at(at))
        ++at;
    return QStringLiteral("at %1 of %2 (ParViz) / %3 (joblib): ParViz %4, joblib %5")
        .arg(at)
        .arg(parviz.size())
        .arg(joblib.size())
        .arg(around(parviz, at), around(joblib, at));
}

// The run both sides simulate: W workers, pre_dispatch = F x W, the caller's time per
// pre-dispatch step, and each task's duration.
struct Run
{
    int workers = 0;
    int preDispatchFactor = 2;
    qint64 dispatchNs = 0;
    QList<qint64> durationsNs;
};

// What the batched strategy's BatchDispatcher (strategies/batched.cpp) does with BatchSizer and
// BatchTaskIterator, on the simulated pool joblib_batches.py describes: W workers take the
// dispatched batches in order, a batch takes the sum of its tasks' durations, completions come
// in order of time then of dispatch, and a completion's dispatch takes no time. The caller's
// pre-dispatch takes `dispatchNs` before each step; the batches that end meanwhile complete
// first, at their own times.
struct Trace
{
    QJsonArray batches; // [first, last) per batch, in dispatch order
    QJsonArray sizes; // what each computeBatchSize() returned
    QJsonArray completions; // [size, duration ns] per batchCompleted()
    // What the run went through, so that each row shows what it is there for.
    bool grew = false;
    bool held = false; // a measured size kept
    bool shrank = false;
    bool stale = false; // a completion at a size no longer effective
    bool endCut = false; // the end of the input cut ten times finer
    bool shortPreDispatch = false; // a short pre-dispatch slice that the end cut would change
};

Trace simulateBatched(const Run &run)
{
    struct Batch
    {
        std::size_t first = 0;
        std::size_t last = 0;
        std::int64_t dispatchedNs = 0;
    };
    const auto taskCount = static_cast<std::size_t>(run.durationsNs.size());
    const auto w = static_cast<std::size_t>(run.workers);
    BatchSizer sizer(200 * Ms, 2000 * Ms);
    BatchTaskIterator tasks(taskCount, w);
    const bool autoBatching = run.workers > 1;
    bool iterating = autoBatching;
    std::deque<Batch> ready;
    std::vector<Batch> dispatched;
    std::deque<std::size_t> waiting; // dispatched, for a free worker
    using Running = std::pair<std::int64_t, std::size_t>; // end, dispatch index
    std::priority_queue<Running, std::vector<Running>, std::greater<>> running;
    std::size_t idle = w;
    std::int64_t now = 0;
    Trace trace;

    const auto startWaiting = [&] {
        for (; idle > 0 && !waiting.empty(); --idle) {
            const std::size_t index = waiting.front();
            waiting.pop_front();
            std::int64_t end = now;
            for (std::size_t i = dispatched[index].first; i < dispatched[index].last; ++i)
                end += run.durationsNs[static_cast<qsizetype>(i)];
            running.emplace(end, index);
        }
    };
    // BatchDispatcher::dispatchOneLocked().
    const auto dispatchOne = [&](bool fromOriginal) {
        std::size_t batchSize = 1;
        if (autoBatching) {
            const int before = sizer.effectiveBatchSize();
            const bool measured = sizer.smoothedDurationSeconds() > 0.0;
            const int size = sizer.computeBatchSize();
            trace.sizes.append(size);
            trace.grew = trace.grew || size > before;
            trace.shrank = trace.shrank || size < before;
            trace.held = trace.held || (measured && size == before);
            batchSize = static_cast<std::size_t>(size);
        }
        if (ready.empty()) {
            std::size_t taken = 0;
            if (!tasks.take(batchSize, fromOriginal, [&](std::size_t first, std::size_t last) {
                    ready.push_back({first, last, 0});
                    taken += last - first;
                }))
                return false;
            const bool isShort = taken < batchSize * w;
            trace.endCut = trace.endCut || (fromOriginal && isShort);
            trace.shortPreDispatch =
                trace.shortPreDispatch || (!fromOriginal && isShort && taken / w > 1);
        }
        Batch batch = ready.front();
        ready.pop_front();
        batch.dispatchedNs = now;
        trace.batches.append(QJsonArray{qint64(batch.first), qint64(batch.last)});
        dispatched.push_back(batch);
        waiting.push_back(dispatched.size() - 1);
        startWaiting();
        return true;
    };
    // BatchDispatcher::batchCompleted(), for the next batch to end.
    const auto completeNext = [&] {
        const auto [end, index] = running.top();
        running.pop();
        now = end;
        ++idle;
        const Batch batch = dispatched[index];
        if (autoBatching) {
            const int size = static_cast<int>(batch.last - batch.first);
            trace.stale = trace.stale || size != sizer.effectiveBatchSize();
            trace.completions.append(QJsonArray{size, qint64(now - batch.dispatchedNs)});
            sizer.batchCompleted(size, now - batch.dispatchedNs);
        }
        if (iterating)
            iterating = dispatchOne(true);
        startWaiting();
    };

    // BatchedStrategy::run(): the caller's pre-dispatch of pre_dispatch = F * n_jobs tasks.
    tasks.setPreDispatchLimit(
        std::min(static_cast<std::size_t>(run.preDispatchFactor) * w, taskCount));
    for (;;) {
        const std::int64_t at = now + run.dispatchNs;
        while (!running.empty() && running.top().first <= at)
            completeNext();
        now = at;
        if (!dispatchOne(false))
            break;
    }
    while (!running.empty())
        completeNext();
    return trace;
}

// Task durations, in ticks: `count` tasks of `ticks` each, after `before`.
QList<qint64> tasksOf(qsizetype count, qint64 ticks, QList<qint64> before = {})
{
    for (qsizetype i = 0; i < count; ++i)
        before.append(ticks * Tick);
    return before;
}

// `count` tasks of 1 to `maxTicks` ticks, from a fixed linear congruential sequence.
QList<qint64> variedTasks(qsizetype count, qint64 maxTicks)
{
    QList<qint64> durations;
    std::uint32_t state = 12345;
    for (qsizetype i = 0; i < count; ++i) {
        state = state * 1664525u + 1013904223u;
        durations.append((1 + static_cast<qint64>(state >> 8) % maxTicks) * Tick);
    }
    return durations;
}

// What a row goes through (Trace's flags).
constexpr int Grows = 1, Holds = 2, Shrinks = 4, Stale = 8, EndCut = 16, ShortPreDispatch = 32;

QString wentThrough(int flags)
{
    QStringList names;
    for (const auto &[flag, name] : {std::pair{Grows, "grows"},
             {Holds, "holds"},
             {Shrinks, "shrinks"},
             {Stale, "stale"},
             {EndCut, "end cut"},
             {ShortPreDispatch, "short pre-dispatch"}})
        if (flags & flag)
            names.append(QLatin1String(name));
    return names.join(QLatin1String(", "));
}

QString wentThrough(const Trace &trace)
{
    return wentThrough((trace.grew ? Grows : 0) | (trace.held ? Holds : 0)
        | (trace.shrank ? Shrinks : 0) | (trace.stale ? Stale : 0) | (trace.endCut ? EndCut : 0)
        | (trace.shortPreDispatch ? ShortPreDispatch : 0));
}

} // namespace

Q_DECLARE_METATYPE(Run)

void tst_BatchSizer::initTestCase()
{
    // Debian's interpreter, for which the CI installs python3-joblib (1.2 on Debian 12).
    auto python = findPython(QStringLiteral("/usr/bin/python3"));
    if (!python)
        m_noPython = python.error().message;
    else if (!python->hasJoblib)
        m_noPython = QStringLiteral("/usr/bin/python3 cannot import joblib (Debian: apt-get "
                                    "install python3-joblib)");
    else
        m_python = *python;
}

std::optional<QJsonObject> tst_BatchSizer::askJoblib(
    const QJsonObject &request, QString &error) const
{
    QProcess python;
    python.setProcessChannelMode(QProcess::SeparateChannels);
    python.start(m_python->path, {QStringLiteral(PARVIZ_JOBLIB_BATCHES_SCRIPT)});
    python.write(QJsonDocument(request).toJson(QJsonDocument::Compact));
    python.closeWriteChannel();
    if (!python.waitForFinished(120'000)) {
        python.kill();
        python.waitForFinished();
        error = QStringLiteral("joblib_batches.py did not finish");
        return std::nullopt;
    }
    if (python.exitStatus() != QProcess::NormalExit || python.exitCode() != 0) {
        error = QStringLiteral("joblib_batches.py failed: ")
            + QString::fromUtf8(python.readAllStandardError());
        return std::nullopt;
    }
    QJsonParseError parse;
    const auto answer = QJsonDocument::fromJson(python.readAllStandardOutput(), &parse);
    if (parse.error != QJsonParseError::NoError || !answer.isObject()) {
        error = QStringLiteral("joblib_batches.py's answer is not JSON: ") + parse.errorString();
        return std::nullopt;
    }
    const QString version = answer.object().value(QLatin1String("joblib")).toString();
    if (!version.startsWith(QLatin1String("1.2."))) {
        error = QStringLiteral("the rule compared is joblib 1.2's; %1 has joblib %2")
                    .arg(m_python->path, version);
        return std::nullopt;
    }
    return answer.object();
}

void tst_BatchSizer::sizerMatchesJoblib_data()
{
    // Completions fed to the sizer, each followed by a computeBatchSize(): the size a batch
    // was dispatched at (0: the current one) and how long it took, in ns.
    QTest::addColumn<QList<int>>("sizes");
    QTest::addColumn<QList<qint64>>("durationsNs");

    QList<int> grow(10, 0);
    QList<qint64> fast(10, 1 * Ms);
    // 1024 in 2.5 s: 2 x int(81.92) = 162; then 162 in 10.8 s: int(162 * 0.2 / 10.8) is
    // int(2.9999999999999996) = 2 in seconds, while the same in nanoseconds is exactly 3.
    QTest::newRow("truncation in seconds")
        << (grow + QList<int>{0, 0}) << (fast + QList<qint64>{2500 * Ms, 10'800 * Ms});
    QTest::newRow("tiny durations")
        << (grow + QList<int>{0, 0, 0}) << (fast + QList<qint64>{1, 3, 7});
    // Stale sizes in between, durations that smooth across the window's edges.
    QTest::newRow("smoothing and stale sizes")
        << QList<int>{0, 0, 1, 0, 0, 2, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
        << QList<qint64>{150 * Ms,
               90 * Ms,
               10 * Ms,
               180 * Ms,
               210 * Ms,
               5 * Ms,
               140 * Ms,
               199'999'999,
               60 * Ms,
               1 * Ms,
               700 * Ms,
               2100 * Ms,
               2300 * Ms,
               2'000'000'001,
               4100 * Ms,
               9 * Ms,
               3 * Ms,
               123'456'789,
               1 * Ms,
               2 * Ms,
               3100 * Ms,
               17 * Ms};
    QList<int> current(60, 0);
    QList<qint64> varied;
    std::uint64_t state = 99;
    for (int i = 0; i < 60; ++i) {
        // From 1 us to 8 s, spread over the orders of magnitude, so that the size grows,
        // holds and shrinks in turn.
        state = state * 6364136223846793005u + 1442695040888963407u;
        const std::uint64_t bits = state >> 20;
        const qint64 scale = qint64(1000) << (bits % 23);
        varied.append(scale + static_cast<qint64>((bits >> 5) % static_cast<std::uint64_t>(scale)));
    }
    QTest::newRow("60 varied durations") << current << varied;
}

void tst_BatchSizer::sizerMatchesJoblib()
{
    if (!m_python)
        QSKIP(qPrintable(QStringLiteral("joblib's rule cannot be run: ") + m_noPython));
    QFETCH(QList<int>, sizes);
    QFETCH(QList<qint64>, durationsNs);
    QCOMPARE(sizes.size(), durationsNs.size());

    auto sizer = joblibSizer();
    QJsonArray events;
    QJsonArray parviz;
    for (qsizetype i = 0; i < sizes.size(); ++i) {
        const int size = sizes[i] == 0 ? sizer.effectiveBatchSize() : sizes[i];
        events.append(QJsonArray{sizes[i] == 0 ? QJsonValue() : QJsonValue(size), durationsNs[i]});
        sizer.batchCompleted(size, durationsNs[i]);
        parviz.append(sizer.computeBatchSize());
    }
    QString error;
    const auto answer = askJoblib(QJsonObject{{QStringLiteral("mode"), QStringLiteral("sizer")},
                                      {QStringLiteral("events"), events}},
        error);
    QVERIFY2(answer, qPrintable(error));
    const QJsonArray joblib = answer->value(QLatin1String("sizes")).toArray();
    QVERIFY2(parviz == joblib, qPrintable(difference(parviz, joblib)));
}

void tst_BatchSizer::batchesMatchJoblib_data()
{
    QTest::addColumn<Run>("run");
    QTest::addColumn<int>("expect"); // Grows | Holds | ...

    // W workers, pre_dispatch = 2 x W, no time for the caller's pre-dispatch.
    const auto run = [](int workers, QList<qint64> durationsNs) {
        return Run{workers, 2, 0, std::move(durationsNs)};
    };

    // Tasks of 5 ticks (10 ms): batches double while many complete at an older size, until a
    // batch and its wait lie within 0.2 to 2 s; the last tasks are cut finer.
    QTest::newRow("fast, 2 workers, 300 tasks")
        << run(2, tasksOf(300, 5)) << (Grows | Holds | Stale | EndCut);
    QTest::newRow("fast, 4 workers, 300 tasks")
        << run(4, tasksOf(300, 5)) << (Grows | Holds | Stale | EndCut);
    QTest::newRow("fast, 12 workers, 300 tasks")
        << run(12, tasksOf(300, 5)) << (Grows | Stale | EndCut);
    // A short input: the end of the original iterator comes at the first slices after the
    // pre-dispatch.
    QTest::newRow("fast, 2 workers, 10 tasks")
        << run(2, tasksOf(10, 5)) << (Grows | Stale | EndCut);
    QTest::newRow("fast, 4 workers, 10 tasks")
        << run(4, tasksOf(10, 5)) << (Grows | Stale | EndCut);
    // 2 x 12 pre-dispatched: the pre-dispatch slice takes all 10 as batches of one, never cut
    // finer; the size grows after, with nothing left to dispatch.
    QTest::newRow("fast, 12 workers, 10 tasks") << run(12, tasksOf(10, 5)) << (Grows | Stale);
    // One worker: joblib's SequentialBackend, every task a batch of one.
    QTest::newRow("fast, 1 worker, 300 tasks") << run(1, tasksOf(300, 5)) << 0;
    QTest::newRow("slow, 1 worker, 10 tasks") << run(1, tasksOf(10, 1100)) << 0;
    // Tasks of 0.3 s: from dispatch to completion a batch of one takes 0.3 to 0.6 s, within
    // 0.2 to 2 s, so the size holds.
    QTest::newRow("within the window, 4 workers, 60 tasks") << run(4, tasksOf(60, 154)) << Holds;
    // Tasks of 0.08 s: the size grows until a batch with its wait lies within the window.
    QTest::newRow("grows into the window, 2 workers, 300 tasks")
        << run(2, tasksOf(300, 40)) << (Grows | Holds | Stale);
    // Fast tasks, then slow ones: the big batches take far more than 2 s and shrink.
    QTest::newRow("slow after fast, 4 workers, 300 tasks")
        << run(4, tasksOf(100, 700, tasksOf(200, 5))) << (Grows | Holds | Shrinks | Stale | EndCut);
    // With 12 workers the end cut reaches far back: more slow tasks, so that whole batches of
    // them complete at the effective size.
    QTest::newRow("slow after fast, 12 workers, 600 tasks")
        << run(12, tasksOf(450, 300, tasksOf(150, 5))) << (Grows | Holds | Shrinks | Stale);
    // Single tasks of 2.1 s: above the window, but a batch of one never shrinks.
    QTest::newRow("slow, 2 workers, 10 tasks") << run(2, tasksOf(10, 1100)) << Holds;
    // Durations that differ from task to task: the smoothing decides.
    QTest::newRow("varied, 2 workers, 300 tasks")
        << run(2, variedTasks(300, 100)) << (Grows | Holds | Stale);
    QTest::newRow("varied, 4 workers, 300 tasks")
        << run(4, variedTasks(300, 400)) << (Grows | Holds | Shrinks | Stale);
    QTest::newRow("varied, 12 workers, 300 tasks")
        << run(12, variedTasks(300, 40)) << (Grows | Holds | Stale | EndCut);
    // A caller slow to pre-dispatch: batches complete, and their callbacks dispatch from the
    // original iterator, while the pre-dispatch slice is still being used.
    QTest::newRow("slow pre-dispatch, 4 workers, 300 tasks")
        << Run{4, 2, 3 * Tick, tasksOf(300, 5)} << (Grows | Holds | Stale | EndCut);
    // pre_dispatch = 8 x W with sizes grown meanwhile: the last pre-dispatch slices run short
    // of size x W, and are split by n_jobs, not cut ten times finer as the end of the input.
    QTest::newRow("pre_dispatch 8 x W, 4 workers, 300 tasks")
        << Run{4, 8, 1 * Tick, tasksOf(300, 1)} << (Grows | Stale | EndCut | ShortPreDispatch);
    QTest::newRow("pre_dispatch 8 x W, 12 workers, 300 tasks")
        << Run{12, 8, 1 * Tick, tasksOf(300, 2)} << (Grows | Stale | ShortPreDispatch);
}

void tst_BatchSizer::batchesMatchJoblib()
{
    if (!m_python)
        QSKIP(qPrintable(QStringLiteral("joblib's rule cannot be run: ") + m_noPython));
    QFETCH(Run, run);
    QFETCH(int, expect);

    const Trace parviz = simulateBatched(run);
    QString error;
    const auto answer =
        askJoblib(QJsonObject{{QStringLiteral("mode"), QStringLiteral("parallel")},
                      {QStringLiteral("n_jobs"), run.workers},
                      {QStringLiteral("pre_dispatch_factor"), run.preDispatchFactor},
                      {QStringLiteral("dispatch_ns"), run.dispatchNs},
                      {QStringLiteral("durations_ns"), toJson(run.durationsNs)}},
            error);
    QVERIFY2(answer, qPrintable(error));
    const auto joblib = [&](const char *key) {
        return answer->value(QLatin1String(key)).toArray();
    };
    QVERIFY2(parviz.batches == joblib("batches"),
        qPrintable(QStringLiteral("batches ") + difference(parviz.batches, joblib("batches"))));
    QVERIFY2(parviz.sizes == joblib("sizes"),
        qPrintable(QStringLiteral("sizes ") + difference(parviz.sizes, joblib("sizes"))));
    // The same completions, the same durations: both sides went through the same events.
    QVERIFY2(parviz.completions == joblib("completions"),
        qPrintable(QStringLiteral("completions ")
            + difference(parviz.completions, joblib("completions"))));

    // The row exercises what it says it does.
    QCOMPARE(wentThrough(parviz), wentThrough(expect));
    if (run.workers == 1)
        QCOMPARE(answer->value(QLatin1String("backend")).toString(),
            QStringLiteral("SequentialBackend"));
}

QTEST_GUILESS_MAIN(tst_BatchSizer)
#include "tst_batchsizer.moc"
