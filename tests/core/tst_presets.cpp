#include "presets/preset.h"
#include "processes.h"
#include "python/interpreter.h"
#include "run/planning.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QDir>
#include <QFile>
#include <QScopeGuard>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

using namespace parviz;

// The seed's examples as presets: every built-in one loads and runs, a broken file is reported
// with its name and reason while the others still load, and a saved preset reads back the same.
class tst_Presets : public QObject
{
    Q_OBJECT

private slots:
    void builtInPresetsLoad();
    void everyPresetRuns_data();
    void everyPresetRuns();
    void explanationsUseThisMachine();
    void malformedFilesAreReported();
    void savedPresetReadsBack();
    void fileNamesAreTidy();
    void refusesWhatIsNotARegularFile();
    void largestPresetFitsTheLimit();
    void fileNamesThatAreNotUtf8AreListed();
    void byteOrderMarksAreNotKept();
};

namespace {

constexpr std::int64_t Ms = 1'000'000;

void writeFile(const QString &path, const QByteArray &contents)
{
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(contents);
}

// The preset's workload, short enough for a test: at most 12 tasks of at most 5 ms.
WorkloadSpec shortened(WorkloadSpec spec)
{
    spec.taskCount = std::min(spec.taskCount, 12);
    DurationSpec &d = spec.duration;
    d.valueNs = std::min<std::int64_t>(d.valueNs, 5 * Ms);
    d.upperNs = std::min<std::int64_t>(d.upperNs, 5 * Ms);
    d.valueNs = std::min(d.valueNs, d.upperNs > 0 ? d.upperNs : d.valueNs);
    for (auto &ns : d.listNs)
        ns = std::min<std::int64_t>(ns, 5 * Ms);
    if (d.distribution == DurationSpec::Distribution::List)
        spec.taskCount = static_cast<int>(d.listNs.size());
    return spec;
}

const QByteArray Valid = R"({"parviz_preset": 1, "title": "Fine", "strategy": "thread-pool",
    "tasks": 4, "duration": "1ms", "workers": 2})";

} // namespace

void tst_Presets::builtInPresetsLoad()
{
    const PresetLibrary library = loadPresets(QString());
    for (const auto &problem : library.problems)
        qWarning("%s", qPrintable(problem.message()));
    QVERIFY(library.problems.empty());
    QCOMPARE(library.presets.size(), std::size_t(10));
    QStringList ids;
    for (const Preset &preset : library.presets) {
        ids << preset.id;
        QVERIFY(preset.builtIn);
        QVERIFY(!preset.title.isEmpty());
        QVERIFY2(preset.explanation.size() > 100, qPrintable(preset.id));
    }
    QCOMPARE(ids.first(), QStringLiteral("1-sequential"));
    // By their numbers, 10 after 9, as the menu's shortcuts count them.
    QCOMPARE(ids.at(8), QStringLiteral("9-threads-that-release-the-gil"));
    QCOMPARE(ids.last(), QStringLiteral("10-outgrowing-one-machine"));

    // The seed's numbers: 0.1 + 1 + 0.3 s one after another; three processes, joined or not;
    // joblib's 30 x 10 tasks of 0.1 s on all CPUs.
    const Preset &sequential = library.presets[0];
    QCOMPARE(sequential.strategy, QStringLiteral("sequential"));
    QCOMPARE(sequential.workload.duration.toString(), QStringLiteral("list:100ms,1s,300ms"));
    QVERIFY(!library.presets[1].options.join);
    QVERIFY(library.presets[2].options.join);
    QCOMPARE(library.presets[1].workload, library.presets[2].workload);
    const Preset &joblib = library.presets[6];
    QCOMPARE(joblib.strategy, QStringLiteral("batched"));
    QCOMPARE(joblib.workload.taskCount, 300);
    QCOMPARE(joblib.workers, WorkerCount::ofCpus(1.0));
    QCOMPARE(library.presets[4].workers, WorkerCount::ofCpus(0.8));
    // Threads against processes on the same Python CPU work, then the same threads on work
    // that releases the GIL.
    const QStringList threadsAndProcesses{
        QStringLiteral("thread-pool"), QStringLiteral("process-pool")};
    QCOMPARE(library.presets[7].compare, threadsAndProcesses);
    QCOMPARE(library.presets[7].workload.gil, TaskGil::Held);
    QCOMPARE(library.presets[8].compare, threadsAndProcesses);
    QCOMPARE(library.presets[8].workload.gil, TaskGil::Released);
    QCOMPARE(library.presets[8].workload.kind, library.presets[7].workload.kind);
    // joblib's tasks again, on a Dask cluster started for the run: 80% of the CPUs, as the
    // seed's pools, each worker one thread.
    const Preset &dask = library.presets[9];
    QCOMPARE(dask.strategy, QStringLiteral("dask"));
    QCOMPARE(dask.workload, joblib.workload);
    QCOMPARE(dask.workers, WorkerCount::ofCpus(0.8));
    QCOMPARE(dask.options.threadsPerWorker, 1);
    QVERIFY(dask.options.daskScheduler.isEmpty());
    QVERIFY(dask.explanation.contains(QStringLiteral("2.98 s")));
}

void tst_Presets::everyPresetRuns_data()
{
    QTest::addColumn<int>("index");
    QTest::addColumn<QString>("strategy");
    const PresetLibrary library = loadPresets(QString());
    for (std::size_t i = 0; i < library.presets.size(); ++i) {
        const Preset &preset = library.presets[i];
        QStringList strategies = preset.compare;
        if (!strategies.contains(preset.strategy))
            strategies.prepend(preset.strategy);
        for (const QString &strategy : strategies)
            QTest::addRow("%s/%s", qPrintable(preset.id), qPrintable(strategy))
                << int(i) << strategy;
    }
}

void tst_Presets::everyPresetRuns()
{
    QFETCH(int, index);
    QFETCH(QString, strategy);
    const Preset preset = loadPresets(QString()).presets.at(static_cast<std::size_t>(index));
    WorkerCount workers = preset.workers;
    if (workers.count)
        workers = WorkerCount::exactly(std::min(*workers.count, 4));
    auto plan = makeRunPlan(strategy, shortened(preset.workload), workers, preset.options);
    QVERIFY2(plan.ok(), plan ? "" : qPrintable(plan.error().message));
    // A Dask cluster runs in CPython, which needs Dask's distributed.
    const StrategyEntry *entry = findStrategy(strategy);
    if (entry && entry->info.workersWith(plan->options) == WorkerKind::Cluster) {
        const auto python = findPython();
        if (!python || !python->canRun(*plan))
            QSKIP("no CPython with Dask's distributed here");
    }
    const RunResult run = executeRun(*plan);
    QVERIFY2(run.ok(), run.error ? qPrintable(run.error->message) : "");
    QCOMPARE(run.metrics.tasksCompleted, static_cast<int>(plan->tasks->size()));
    if (!preset.options.join)
        QCOMPARE(run.trace->eventCount(MainLane), std::size_t(1));
}

void tst_Presets::explanationsUseThisMachine()
{
    const PresetLibrary library = loadPresets(QString());
    for (const Preset &preset : library.presets) {
        for (int cpus : {1, 2, 12, 64}) {
            auto plan = preset.plan(cpus);
            QVERIFY(plan.ok());
            const QString text = preset.explanationFor(*plan);
            QVERIFY2(!text.contains(u'{') && !text.contains(u'}'), qPrintable(text));
            // A count agrees with its noun: "1 core", never "1 cores".
            for (const char *plural : {" cores", " workers", " tasks", " logical CPUs"})
                QVERIFY2(
                    !text.contains(QStringLiteral(" 1") + QLatin1String(plural)), qPrintable(text));
        }
    }
    // 80% of two CPUs is one worker: its tasks run on one core.
    const Preset &processPool = library.presets[4];
    const QString onTwoCpus = processPool.explanationFor(*processPool.plan(2));
    QVERIFY2(onTwoCpus.contains(QStringLiteral("up to 1 core at once")), qPrintable(onTwoCpus));
    // joblib's preset on the seed's 12 CPUs: 300 x 0.1 s / 12 = 2.5 s at best.
    const Preset &joblib = library.presets[6];
    const QString onTwelve = joblib.explanationFor(*joblib.plan(12));
    QVERIFY2(onTwelve.contains(formatDuration(2'500'000'000)), qPrintable(onTwelve));
    QVERIFY(onTwelve.contains(QStringLiteral("n_jobs=12")));
    const QString onTwo = joblib.explanationFor(*joblib.plan(2));
    QVERIFY2(onTwo.contains(formatDuration(15'000'000'000)), qPrintable(onTwo));
}

void tst_Presets::malformedFilesAreReported()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const struct
    {
        const char *file;
        QByteArray contents;
        const char *reason;
    } cases[] = {
        {"a-not-json.json", "{\"parviz_preset\": 1, \"title\": ", "not JSON"},
        {"b-empty.json", "", "not JSON"},
        {"c-array.json", "[1, 2]", "not a JSON object"},
        {"d-no-format.json", R"({"title": "x"})", "not a ParViz preset"},
        {"e-future.json", R"({"parviz_preset": 9, "title": "x"})", "format 9"},
        {"f-typo.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "taks": 3})",
            "unknown member \"taks\""},
        {"g-strategy.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "green-threads", "tasks": 3,
                "duration": "1ms"})",
            "green-threads"},
        {"h-tasks-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": "3",
                "duration": "1ms"})",
            "\"tasks\" must be a whole number"},
        {"i-both.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "workers": 2, "fraction": 0.5})",
            "not both"},
        {"j-duration.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "fast"})",
            "\"duration\""},
        {"k-join.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "options": {"join": "no"}})",
            "\"join\" must be true or false"},
        {"l-compare.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "compare": ["thread-pool", 7]})",
            "\"compare\""},
        {"m-too-many.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 2000000,
                "duration": "1ms"})",
            "\"tasks\" is 2000000"},
        // Huge files: one beyond the limit is not read at all; one within it is read and
        // refused for what it holds.
        {"n-huge.json",
            QByteArray(2 * 1024 * 1024, ' ') + Valid,
            "larger than any preset ParViz writes"},
        {"na-just-beyond.json",
            QByteArray(MaxPresetBytes + 1 - Valid.size(), ' ') + Valid,
            "larger than any preset ParViz writes"},
        {"o-deep.json",
            "{\"parviz_preset\": 1, \"x\": " + QByteArray(60'000, '[') + QByteArray(60'000, ']')
                + "}",
            "not JSON: too deeply nested"},
        {"p-long.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "explanation": ")"
                + QByteArray(100'000, 'x') + "\"}",
            "\"explanation\" is longer than 4000 characters"},
        // Truncated and not text.
        {"q-truncated.json", Valid.left(Valid.indexOf("thread-pool") + 4), "not JSON"},
        {"r-binary.json", QByteArray("\x00\x01\xff\xfe{", 5), "not JSON"},
        {"s-utf16.json", QByteArray("{\0\"\0p\0\"\0:\0001\0}\0", 14), "not JSON"},
        // Wrong types: each names the member and what it should be.
        {"t-null.json", "null", "not JSON"},
        {"u-format-type.json",
            R"({"parviz_preset": "1", "title": "x"})",
            "\"parviz_preset\" must be a whole number"},
        {"v-title-type.json",
            R"({"parviz_preset": 1, "title": 7, "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms"})",
            "\"title\" must be a string"},
        {"w-workers-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "workers": "2"})",
            "\"workers\" must be a whole number"},
        {"x-duration-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": 10})",
            "\"duration\" must be a string"},
        {"ya-fraction-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "fraction": null})",
            "\"fraction\" must be a number"},
        {"yb-options-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "options": [1]})",
            "\"options\" must be an object"},
        {"yc-compare-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "compare": "gil-threads"})",
            "\"compare\" must be a list"},
        {"yd-chunksize-type.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "options": {"chunksize": true}})",
            "\"chunksize\" must be a whole number"},
        // A member given twice: JSON readers disagree on which one counts, so neither does.
        {"ye-twice.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "tasks": 300})",
            "\"tasks\" is given twice"},
        {"yf-twice-escaped.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "t\u0069tle": "y"})",
            "\"title\" is given twice"},
        {"yg-twice-in-options.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "thread-pool", "tasks": 3,
                "duration": "1ms", "options": {"join": true, "join": false}})",
            "\"join\" is given twice"},
        {"yh-threads-per-worker.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "dask", "tasks": 3,
                "duration": "1ms", "options": {"threads_per_worker": 0}})",
            "\"threads_per_worker\" is 0"},
        {"yi-scheduler.json",
            R"({"parviz_preset": 1, "title": "x", "strategy": "dask", "tasks": 3,
                "duration": "1ms", "options": {"dask_scheduler": "localhost:8786"}})",
            "tcp://HOST:PORT"},
    };
    for (const auto &c : cases)
        writeFile(dir.filePath(QLatin1String(c.file)), c.contents);
    writeFile(dir.filePath(QStringLiteral("z-fine.json")), Valid);
    writeFile(dir.filePath(QStringLiteral("not-a-preset.txt")), "ignored");

    PresetLibrary library;
    loadPresetDirectory(dir.path(), false, library);
    QCOMPARE(library.presets.size(), std::size_t(1));
    QCOMPARE(library.presets[0].id, QStringLiteral("user/z-fine"));
    QVERIFY(!library.presets[0].builtIn);
    QCOMPARE(library.problems.size(), std::size_t(std::size(cases)));
    for (std::size_t i = 0; i < library.problems.size(); ++i) {
        const PresetProblem &problem = library.problems[i];
        QCOMPARE(problem.file, dir.filePath(QLatin1String(cases[i].file)));
        QVERIFY2(
            problem.reason.contains(QLatin1String(cases[i].reason)), qPrintable(problem.message()));
        QVERIFY(problem.message().startsWith(problem.file));
    }

    // The built-in ones still load next to a broken folder.
    const PresetLibrary all = loadPresets(dir.path());
    QCOMPARE(all.presets.size(), loadPresets(QString()).presets.size() + 1);
    QCOMPARE(all.problems.size(), std::size_t(std::size(cases)));
}

void tst_Presets::savedPresetReadsBack()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    for (const Preset &builtIn : loadPresets(QString()).presets) {
        Preset mine = builtIn;
        mine.title = QStringLiteral("Mine: ") + builtIn.title;
        mine.options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
        mine.options.switchIntervalNs = 2 * Ms;
        mine.options.threadsPerWorker = 3;
        mine.options.daskScheduler = QStringLiteral("tcp://10.0.0.7:8786");
        const auto path = savePreset(mine, dir.path() + QStringLiteral("/sub"));
        QVERIFY2(path.ok(), path ? "" : qPrintable(path.error().message));
        QFile file(*path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const auto back = parsePreset(file.readAll());
        QVERIFY2(back.ok(), back ? "" : qPrintable(back.error().message));
        QCOMPARE(back->title, mine.title);
        QCOMPARE(back->explanation, mine.explanation);
        QCOMPARE(back->strategy, mine.strategy);
        QCOMPARE(back->workload, mine.workload);
        QCOMPARE(back->workers, mine.workers);
        QCOMPARE(back->options, mine.options);
        QCOMPARE(back->compare, mine.compare);
    }
    PresetLibrary library;
    loadPresetDirectory(dir.path() + QStringLiteral("/sub"), false, library);
    QCOMPARE(library.presets.size(), loadPresets(QString()).presets.size());
    QVERIFY(library.problems.empty());
}

void tst_Presets::byteOrderMarksAreNotKept()
{
    // An invisible U+FEFF is dropped wherever it stands, beside an escape or not, so a preset
    // saved and read again reads the same.
    for (const QByteArray &title : {QByteArray("\xEF\xBB\xBFMine"),
             QByteArray("\xEF\xBB\xBFMi\\u006ee"),
             QByteArray("\\ufeffMine"),
             QByteArray("Mi\\u006e\xEF\xBB\xBF\xEF\xBB\xBF"
                        "e"),
             QByteArray("Mi\\u006e\\ufeff"
                        "e\xEF\xBB\xBF")}) {
        const QByteArray json = "{\"parviz_preset\":1,\"title\":\"" + title
            + "\",\"strategy\":\"thread-pool\",\"tasks\":2,\"duration\":\"1ms\",\"workers\":2}";
        const auto preset = parsePreset(json);
        QVERIFY2(preset.ok(), preset ? "" : qPrintable(preset.error().message));
        QCOMPARE(preset->title, QStringLiteral("Mine"));
        const auto back = parsePreset(presetJson(*preset));
        QVERIFY(back.ok());
        QCOMPARE(back->title, preset->title);
    }
}

void tst_Presets::fileNamesAreTidy()
{
    QCOMPARE(presetFileName(QStringLiteral("joblib: 30 x 10 tasks of 0.1 s")),
        QStringLiteral("joblib-30-x-10-tasks-of-0-1-s.json"));
    QCOMPARE(presetFileName(QStringLiteral("../../etc/passwd")), QStringLiteral("etc-passwd.json"));
    QCOMPARE(presetFileName(QStringLiteral("???")), QStringLiteral("preset.json"));
}

void tst_Presets::refusesWhatIsNotARegularFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QVERIFY(QFile::link(QStringLiteral("/dev/zero"), dir.filePath(QStringLiteral("a-zero.json"))));
    QVERIFY(QFile::link(
        QStringLiteral("/dev/urandom"), dir.filePath(QStringLiteral("b-urandom.json"))));
    const QString fifo = dir.filePath(QStringLiteral("c-fifo.json"));
    QCOMPARE(::mkfifo(QFile::encodeName(fifo).constData(), 0600), 0);
    QVERIFY(QFile::link(fifo, dir.filePath(QStringLiteral("d-to-fifo.json"))));
    writeFile(dir.filePath(QStringLiteral("e-fine.json")), Valid);

    // In a child that may take 64 MiB more: reading a device whole would take all memory, and
    // opening the FIFO, which nothing writes to, would wait for ever.
    const auto outcome = test::runInChild(
        [path = dir.path()] {
            PresetLibrary library;
            loadPresetDirectory(path, false, library);
            QStringList lines;
            for (const Preset &preset : library.presets)
                lines << QStringLiteral("loaded ") + preset.id;
            for (const PresetProblem &problem : library.problems)
                lines << QStringLiteral("problem ") + problem.message();
            return lines.join(u'\n').toUtf8();
        },
        64 << 20,
        60);
    QVERIFY2(outcome.returned, qPrintable(QStringLiteral("signal %1").arg(outcome.signal)));
    const QStringList lines = QString::fromUtf8(outcome.output).split(u'\n');
    QCOMPARE(lines.size(), 5);
    QCOMPARE(lines[0], QStringLiteral("loaded user/e-fine"));
    const char *const names[] = {"a-zero.json", "b-urandom.json", "c-fifo.json", "d-to-fifo.json"};
    const char *const kinds[] = {"a character device", "a character device", "a FIFO", "a FIFO"};
    for (int i = 0; i < 4; ++i) {
        const QString &line = lines[i + 1];
        QVERIFY2(
            line.startsWith(QStringLiteral("problem ") + dir.filePath(QLatin1String(names[i]))),
            qPrintable(line));
        QVERIFY2(line.contains(QStringLiteral("not a regular file")), qPrintable(line));
        QVERIFY2(line.contains(QLatin1String(kinds[i])), qPrintable(line));
    }
}

void tst_Presets::largestPresetFitsTheLimit()
{
    // Every member at the longest the reader takes, in characters JSON escapes as \u0001 (six
    // bytes each), every option set, every strategy to compare.
    Preset preset;
    preset.title = QString(120, QChar(1));
    preset.explanation = QString(4000, QChar(1));
    preset.strategy = QStringLiteral("process-pool");
    preset.workload.taskCount = WorkloadSpec::MaxTasks;
    preset.workload.kind = TaskKind::Mixed;
    preset.workload.ioShare = 0.123456789012345678;
    preset.workload.gil = TaskGil::Released;
    preset.workload.seed = std::numeric_limits<int>::max();
    std::vector<std::int64_t> longest;
    const std::int64_t hardest = DurationSpec::MaxDurationNs - 1;
    const qsizetype entry = durationText(hardest).size() + 1;
    while (5 + qsizetype(longest.size() + 1) * entry - 1 <= 100'000)
        longest.push_back(hardest);
    preset.workload.duration = DurationSpec::list(longest);
    QVERIFY(preset.workload.duration.toString().size() > 100'000 - entry);
    preset.workers = WorkerCount::ofCpus(0.123456789012345678);
    preset.options.chunkSize = WorkloadSpec::MaxTasks;
    preset.options.switchIntervalNs = 9'999'999'999;
    preset.options.join = false;
    preset.options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    preset.options.workerStartTimeoutNs = 599'999'999'999;
    preset.options.threadsPerWorker = 256;
    preset.options.daskScheduler =
        QStringLiteral("tcp://") + QString(Preset::MaxSchedulerLength - 6, QChar(1));
    for (const StrategyEntry &strategy : strategyRegistry())
        preset.compare << strategy.info.id;

    const QByteArray json = presetJson(preset);
    QVERIFY2(json.size() <= MaxPresetBytes,
        qPrintable(QStringLiteral("%1 bytes, more than %2").arg(json.size()).arg(MaxPresetBytes)));
    const auto back = parsePreset(json);
    QVERIFY2(back.ok(), back ? "" : qPrintable(back.error().message));
    QCOMPARE(back->explanation, preset.explanation);
    QCOMPARE(back->workload.duration, preset.workload.duration);
    QCOMPARE(back->options, preset.options);
}

void tst_Presets::fileNamesThatAreNotUtf8AreListed()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    // Latin-1 names, as an older system or a USB stick may hold: not valid UTF-8.
    const QByteArray folder = QFile::encodeName(dir.path());
    QList<QByteArray> written;
    // QTemporaryDir cannot remove what it cannot name.
    const auto removeWritten = qScopeGuard([&] {
        for (const QByteArray &path : std::as_const(written))
            ::unlink(path.constData());
    });
    const auto writeRaw = [&](const QByteArray &name, const QByteArray &contents) {
        const QByteArray path = folder + '/' + name;
        const int fd = ::open(path.constData(), O_WRONLY | O_CREAT | O_EXCL, 0600);
        QVERIFY(fd >= 0);
        written << path;
        QCOMPARE(::write(fd, contents.constData(), std::size_t(contents.size())),
            ssize_t(contents.size()));
        ::close(fd);
    };
    writeRaw("caf\xe9.json", Valid);
    writeRaw("na\xefve.json", "{");
    if (QTest::currentTestFailed())
        return;

    PresetLibrary library;
    loadPresetDirectory(dir.path(), false, library);
    QCOMPARE(library.presets.size(), std::size_t(1));
    QCOMPARE(library.presets[0].id, QStringLiteral("user/caf\uFFFD"));
    QCOMPARE(library.presets[0].title, QStringLiteral("Fine"));
    QCOMPARE(library.problems.size(), std::size_t(1));
    QCOMPARE(library.problems[0].file, dir.filePath(QStringLiteral("na\uFFFDve.json")));
    QVERIFY2(library.problems[0].reason.contains(QStringLiteral("not JSON")),
        qPrintable(library.problems[0].message()));
}

QTEST_GUILESS_MAIN(tst_Presets)
#include "tst_presets.moc"
