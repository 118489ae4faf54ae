#include "python/pythonsnippet.h"
#include "run/planning.h"
#include "strategies/strategyregistry.h"

#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

Q_DECLARE_METATYPE(parviz::DurationSpec)

using namespace parviz;

namespace {

constexpr std::int64_t Ms = 1'000'000;

WorkloadSpec workloadOf(int tasks, TaskKind kind, const DurationSpec &duration)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.kind = kind;
    workload.ioShare = 0.5;
    workload.duration = duration;
    workload.seed = 7;
    return workload;
}

RunPlan checkedPlan(const QString &strategy,
    const WorkloadSpec &workload,
    const WorkerCount &workers = WorkerCount::exactly(2),
    const StrategyOptions &options = {})
{
    auto plan = checkRunPlan(strategy, workload, workers, options, /*cpus=*/4);
    if (!plan)
        qFatal("bad plan for %s: %s", qPrintable(strategy), qPrintable(plan.error().message));
    return plan.value();
}

} // namespace

// The Python beside the picture: every strategy's program is valid Python, runs under CPython
// with the plan's numbers, and stays short for a million tasks; every strategy has its C++.
class tst_PythonSnippet : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void everyProgramCompiles();
    void programsRun_data();
    void programsRun();
    void withoutJoinTheClockStopsFirst_data();
    void withoutJoinTheClockStopsFirst();
    void numbersAppear();
    void shortRandomListsAreParVizsOwnDurations();
    void aMillionTasksMakeAShortProgram_data();
    void aMillionTasksMakeAShortProgram();
    void everyStrategyHasItsCpp();
    void daskHasNoCppOfItsOwn();
    void aClusterProgramTracedHasEveryPart_data();
    void aClusterProgramTracedHasEveryPart();

private:
    // Runs python3 with `arguments`; the exit code, and the output on failure.
    int runPython(const QStringList &arguments, QString *output, int timeoutMs = 30'000);
    QString writeProgram(const QString &name, const QString &program);

    QString m_python;
    bool m_hasJoblib = false;
    QTemporaryDir m_dir;
};

void tst_PythonSnippet::initTestCase()
{
    QVERIFY(m_dir.isValid());
    // The python3 on PATH, or Debian's own: the first that has joblib (a python3 of pyenv or a
    // virtual environment may not), so that the joblib programs run too.
    QStringList candidates{QStandardPaths::findExecutable(QStringLiteral("python3")),
        QStringLiteral("/usr/bin/python3")};
    if (const QString chosen = qEnvironmentVariable("PARVIZ_PYTHON"); !chosen.isEmpty())
        candidates.prepend(chosen);
    for (const QString &candidate : candidates) {
        if (candidate.isEmpty() || !QFileInfo(candidate).isExecutable())
            continue;
        const QString previous = m_python;
        m_python = candidate;
        QString output;
        if (runPython({QStringLiteral("-c"), QStringLiteral("import joblib")}, &output) == 0) {
            m_hasJoblib = true;
            break;
        }
        m_python = previous.isEmpty() ? candidate : previous;
    }
    qInfo("python3: %s%s", qPrintable(m_python), m_hasJoblib ? ", with joblib" : "");
}

int tst_PythonSnippet::runPython(const QStringList &arguments, QString *output, int timeoutMs)
{
    QProcess python;
    python.setProcessChannelMode(QProcess::MergedChannels);
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(QStringLiteral("PYTHONDONTWRITEBYTECODE"), QStringLiteral("1"));
    python.setProcessEnvironment(environment);
    python.setWorkingDirectory(m_dir.path());
    python.start(m_python, arguments);
    if (!python.waitForFinished(timeoutMs)) {
        python.kill();
        python.waitForFinished();
        *output = QStringLiteral("timed out: ") + QString::fromLocal8Bit(python.readAll());
        return -1;
    }
    *output = QString::fromLocal8Bit(python.readAll());
    return python.exitStatus() == QProcess::NormalExit ? python.exitCode() : -1;
}

QString tst_PythonSnippet::writeProgram(const QString &name, const QString &program)
{
    const QString path = m_dir.filePath(name + QStringLiteral(".py"));
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    file.write(program.toUtf8());
    return path;
}

void tst_PythonSnippet::everyProgramCompiles()
{
    if (m_python.isEmpty())
        QSKIP("python3 is not on PATH");
    const DurationSpec durations[] = {DurationSpec::fixed(100 * Ms),
        DurationSpec::list({100 * Ms, 1000 * Ms, 300 * Ms}),
        DurationSpec::uniform(50 * Ms, 150 * Ms),
        DurationSpec::exponential(100 * Ms)};
    StrategyOptions options;
    options.chunkSize = 3;
    options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    QStringList files;
    for (const auto &entry : strategyRegistry()) {
        for (auto kind : {TaskKind::Sleep, TaskKind::Cpu, TaskKind::Mixed}) {
            for (std::size_t d = 0; d < std::size(durations); ++d) {
                // 3 tasks write the list out, 300 cycle it or draw it in Python.
                for (int tasks : {3, 300}) {
                    // Every use of the GIL with the fixed durations; held with the others.
                    for (auto gil : {TaskGil::Held, TaskGil::Released, TaskGil::None}) {
                        if (d > 0 && gil != TaskGil::Held)
                            continue;
                        const auto workers =
                            tasks == 3 ? WorkerCount::exactly(2) : WorkerCount::ofCpus(0.8);
                        WorkloadSpec workload = workloadOf(tasks, kind, durations[d]);
                        workload.gil = gil;
                        const RunPlan plan = checkedPlan(entry.info.id, workload, workers, options);
                        const QString program = pythonProgram(plan);
                        // PEP 8's 79 columns: the panel shows it without scrolling sideways.
                        for (const QString &line : program.split(u'\n'))
                            QVERIFY2(line.size() <= 79, qPrintable(line));
                        files << writeProgram(QStringLiteral("compile_%1_%2_%3_%4_%5")
                                                  .arg(entry.info.id, taskKindName(kind))
                                                  .arg(d)
                                                  .arg(tasks)
                                                  .arg(taskGilName(gil))
                                                  .replace(u'-', u'_'),
                            program);
                    }
                }
            }
        }
    }
    QString output;
    QVERIFY2(
        runPython(QStringList{QStringLiteral("-m"), QStringLiteral("py_compile")} + files, &output)
            == 0,
        qPrintable(output));
}

void tst_PythonSnippet::programsRun_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<int>("kind");
    QTest::addColumn<int>("tasks");
    QTest::addColumn<DurationSpec>("duration");
    QTest::addColumn<int>("gil");
    for (const auto &entry : strategyRegistry()) {
        for (auto kind : {TaskKind::Sleep, TaskKind::Cpu, TaskKind::Mixed}) {
            QTest::addRow("%s %s", qPrintable(entry.info.id), qPrintable(taskKindName(kind)))
                << entry.info.id << static_cast<int>(kind) << 3 << DurationSpec::fixed(10 * Ms)
                << static_cast<int>(TaskGil::Held);
        }
        // Computing that releases the GIL: hashlib, in every strategy's program.
        QTest::addRow("%s cpu, GIL released", qPrintable(entry.info.id))
            << entry.info.id << static_cast<int>(TaskKind::Cpu) << 3 << DurationSpec::fixed(10 * Ms)
            << static_cast<int>(TaskGil::Released);
    }
    QTest::newRow("thread-pool mixed, GIL released")
        << QStringLiteral("thread-pool") << static_cast<int>(TaskKind::Mixed) << 3
        << DurationSpec::fixed(10 * Ms) << static_cast<int>(TaskGil::Released);
    // Written for a free-threaded Python, and still a program any CPython runs.
    QTest::newRow("thread-pool cpu, no GIL")
        << QStringLiteral("thread-pool") << static_cast<int>(TaskKind::Cpu) << 3
        << DurationSpec::fixed(10 * Ms) << static_cast<int>(TaskGil::None);
    // Durations Python draws itself.
    QTest::newRow("sequential, uniform drawn in Python")
        << QStringLiteral("sequential") << static_cast<int>(TaskKind::Sleep) << 25
        << DurationSpec::uniform(Ms / 2, Ms) << static_cast<int>(TaskGil::Held);
    QTest::newRow("thread-pool, exponential drawn in Python")
        << QStringLiteral("thread-pool") << static_cast<int>(TaskKind::Sleep) << 25
        << DurationSpec::exponential(Ms) << static_cast<int>(TaskGil::Held);
    QTest::newRow("pool-map, a cycled list")
        << QStringLiteral("pool-map") << static_cast<int>(TaskKind::Cpu) << 5
        << DurationSpec::list({Ms, 2 * Ms}) << static_cast<int>(TaskGil::Held);
}

void tst_PythonSnippet::programsRun()
{
    QFETCH(QString, strategy);
    QFETCH(int, kind);
    QFETCH(int, tasks);
    QFETCH(DurationSpec, duration);
    QFETCH(int, gil);
    if (m_python.isEmpty())
        QSKIP("python3 is not on PATH");
    if (findStrategy(strategy)->info.handOut == HandOut::AutoBatches && !m_hasJoblib)
        QSKIP("joblib cannot be imported by python3 (Debian: apt-get install python3-joblib)");

    StrategyOptions options;
    options.chunkSize = 2;
    options.switchIntervalNs = 1 * Ms;
    WorkloadSpec workload = workloadOf(tasks, static_cast<TaskKind>(kind), duration);
    workload.gil = static_cast<TaskGil>(gil);
    const RunPlan plan = checkedPlan(strategy, workload, WorkerCount::exactly(2), options);
    const QString path = writeProgram(
        QStringLiteral("run_%1").arg(strategy).replace(u'-', u'_'), pythonProgram(plan));
    QString output;
    const int exitCode = runPython({path}, &output);
    QVERIFY2(exitCode == 0, qPrintable(output));
    QVERIFY2(output.contains(QLatin1String("Finished in ")), qPrintable(output));
}

void tst_PythonSnippet::withoutJoinTheClockStopsFirst_data()
{
    QTest::addColumn<QString>("strategy");
    for (const auto &entry : strategyRegistry()) {
        // A plain loop has nothing to join; joblib's Parallel and Dask's results always wait.
        if (entry.info.hasCaller && entry.info.id != QLatin1String("batched")
            && entry.info.workers != WorkerKind::Cluster)
            QTest::newRow(qPrintable(entry.info.id)) << entry.info.id;
    }
}

// The seed's processes started and never joined: the program prints its time while the
// workers still sleep, then waits for them as Python's exit would.
void tst_PythonSnippet::withoutJoinTheClockStopsFirst()
{
    QFETCH(QString, strategy);
    if (m_python.isEmpty())
        QSKIP("python3 is not on PATH");
    StrategyOptions options;
    options.join = false;
    const RunPlan plan = checkedPlan(strategy,
        workloadOf(3, TaskKind::Sleep, DurationSpec::fixed(400 * Ms)),
        WorkerCount::exactly(3),
        options);
    const QString program = pythonProgram(plan);
    QVERIFY(program.contains(QLatin1String("No join above")));
    const QString path =
        writeProgram(QStringLiteral("nojoin_%1").arg(strategy).replace(u'-', u'_'), program);
    QString output;
    QVERIFY2(runPython({path}, &output) == 0, qPrintable(output));
    static const QRegularExpression finished(QStringLiteral("Finished in ([0-9.]+) seconds"));
    const auto match = finished.match(output);
    QVERIFY2(match.hasMatch(), qPrintable(output));
    // Before the first sleep of 0.4 s could have ended. A process pool's start on a loaded
    // 2-core machine takes up to a few tenths of that.
    QVERIFY2(match.captured(1).toDouble() < 0.35, qPrintable(output));
}

void tst_PythonSnippet::numbersAppear()
{
    StrategyOptions options;
    options.chunkSize = 4;
    options.switchIntervalNs = 2 * Ms;
    const WorkloadSpec sleeps = workloadOf(3, TaskKind::Sleep, DurationSpec::fixed(10 * Ms));
    auto program = [&](const QString &strategy,
                       const WorkerCount &workers = WorkerCount::exactly(2)) {
        return pythonProgram(checkedPlan(strategy, sleeps, workers, options));
    };

    QVERIFY(
        program(QStringLiteral("sequential")).contains(QLatin1String("durations = [0.01] * 3")));
    QVERIFY(
        program(QStringLiteral("thread-per-task")).contains(QLatin1String("threading.Thread(")));
    QVERIFY(program(QStringLiteral("thread-pool")).contains(QLatin1String("max_workers=2")));
    const QString poolMap = program(QStringLiteral("pool-map"));
    QVERIFY(poolMap.contains(QLatin1String("processes=2")));
    QVERIFY(poolMap.contains(QLatin1String("chunksize=4")));
    // Pure-Python CPU work on threads: the GIL's switch interval. "gil-threads" is a thread
    // pool with such tasks.
    const QString gil = pythonProgram(checkedPlan(QStringLiteral("gil-threads"),
        workloadOf(3, TaskKind::Cpu, DurationSpec::fixed(10 * Ms)),
        WorkerCount::exactly(2),
        options));
    QVERIFY(gil.contains(QLatin1String("sys.setswitchinterval(0.002)")));
    QVERIFY(gil.contains(QLatin1String("ThreadPoolExecutor(max_workers=2)")));
    QVERIFY(!gil.contains(QLatin1String("hashlib")));
    // joblib: loky, its default backend, names none; threading is named.
    const QString loky = program(QStringLiteral("batched"));
    QVERIFY(loky.contains(QLatin1String("Parallel(n_jobs=2, pre_dispatch=\"2*n_jobs\")")));
    QVERIFY(!loky.contains(QLatin1String("backend=")));
    StrategyOptions threading = options;
    threading.backend = JoblibBackend::Threading;
    const QString onThreads = pythonProgram(
        checkedPlan(QStringLiteral("batched"), sleeps, WorkerCount::exactly(2), threading));
    QVERIFY(onThreads.contains(QLatin1String("n_jobs=2")));
    QVERIFY(onThreads.contains(QLatin1String("backend=\"threading\"")));
    const QString processes = program(QStringLiteral("process-pool"));
    QVERIFY(processes.contains(QLatin1String("ProcessPoolExecutor(max_workers=2)")));
    QVERIFY(processes.contains(QLatin1String("chunksize=4")));

    // A share of the CPUs is the seed's expression, with this machine's count in a comment.
    const QString fraction = program(QStringLiteral("process-pool"), WorkerCount::ofCpus(0.8));
    QVERIFY(fraction.contains(QLatin1String("int(0.8 * multiprocessing.cpu_count())")));
    QVERIFY(fraction.contains(QLatin1String("max_workers=workers")));
    QVERIFY(fraction.contains(QLatin1String("80% of 4 logical CPUs = 3 workers")));

    // The seed's three calls, and the same list cycled over more tasks.
    const DurationSpec seed = DurationSpec::list({100 * Ms, 1000 * Ms, 300 * Ms});
    QVERIFY(pythonProgram(
        checkedPlan(QStringLiteral("sequential"), workloadOf(3, TaskKind::Sleep, seed)))
                .contains(QLatin1String("durations = [0.1, 1.0, 0.3]")));
    const QString cycled = pythonProgram(
        checkedPlan(QStringLiteral("sequential"), workloadOf(7, TaskKind::Sleep, seed)));
    QVERIFY(cycled.contains(QLatin1String("pattern = [0.1, 1.0, 0.3]")));
    QVERIFY(cycled.contains(QLatin1String("range(7)")));

    const QString mixed = pythonProgram(checkedPlan(QStringLiteral("thread-pool"),
        workloadOf(3, TaskKind::Mixed, DurationSpec::fixed(10 * Ms))));
    QVERIFY(mixed.contains(QLatin1String("IO_SHARE = 0.5")));
    QVERIFY(mixed.contains(QLatin1String("time.thread_time()")));
}

void tst_PythonSnippet::shortRandomListsAreParVizsOwnDurations()
{
    const WorkloadSpec workload =
        workloadOf(6, TaskKind::Sleep, DurationSpec::uniform(10 * Ms, 90 * Ms));
    const QString program = pythonProgram(checkedPlan(QStringLiteral("thread-pool"), workload));
    QVERIFY(!program.contains(QLatin1String("import random")));
    for (const TaskSpec &task : workload.makeTasks()) {
        const QString value = QString::number(static_cast<double>(task.durationNs) / 1e9, 'g', 12);
        QVERIFY2(program.contains(value), qPrintable(value));
    }
}

void tst_PythonSnippet::aMillionTasksMakeAShortProgram_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<DurationSpec>("duration");
    for (const auto &entry : strategyRegistry()) {
        for (const auto &[name, duration] : {std::pair{"fixed", DurationSpec::fixed(Ms)},
                 {"list", DurationSpec::list({Ms, 2 * Ms, 3 * Ms})},
                 {"uniform", DurationSpec::uniform(Ms, 2 * Ms)},
                 {"exponential", DurationSpec::exponential(Ms)}})
            QTest::addRow("%s %s", qPrintable(entry.info.id), name) << entry.info.id << duration;
    }
}

void tst_PythonSnippet::aMillionTasksMakeAShortProgram()
{
    QFETCH(QString, strategy);
    QFETCH(DurationSpec, duration);
    // Thread-per-task refuses a million threads; its largest plan stands in.
    const int tasks =
        strategy == QLatin1String("thread-per-task") ? 20'000 : WorkloadSpec::MaxTasks;
    const RunPlan plan = checkedPlan(strategy, workloadOf(tasks, TaskKind::Cpu, duration));
    QVERIFY(!plan.tasks);
    const QString program = pythonProgram(plan);
    QVERIFY2(program.toUtf8().size() < 10'000, qPrintable(QString::number(program.size())));
    QVERIFY(program.contains(QString::number(tasks)));
}

void tst_PythonSnippet::everyStrategyHasItsCpp()
{
    const WorkloadSpec workload = workloadOf(300, TaskKind::Mixed, DurationSpec::fixed(10 * Ms));
    for (const auto &entry : strategyRegistry()) {
        if (entry.info.workers == WorkerKind::Cluster)
            continue; // no C++ of ParViz's runs it: see daskHasNoCppOfItsOwn
        const QString cpp = cppCall(checkedPlan(entry.info.id, workload, WorkerCount::exactly(6)));
        QVERIFY2(cpp.size() > 100, qPrintable(entry.info.id));
        QVERIFY2(cpp.contains(QLatin1String("core/strategies/")), qPrintable(entry.info.id));
        QVERIFY2(cpp.contains(QLatin1String("interruptibleSleep")), qPrintable(entry.info.id));
        QVERIFY2(cpp.contains(QLatin1String("CpuWork::crunch")), qPrintable(entry.info.id));
        if (entry.info.usesWorkerCount)
            QVERIFY2(cpp.contains(QLatin1String("6")), qPrintable(entry.info.id));
        else
            QVERIFY2(cpp.contains(QLatin1String("300")), qPrintable(entry.info.id));
    }
}

void tst_PythonSnippet::daskHasNoCppOfItsOwn()
{
    // Dask runs the tasks: the C++ shown is ParViz reading the program beside, by its name.
    const WorkloadSpec workload = workloadOf(30, TaskKind::Sleep, DurationSpec::fixed(10 * Ms));
    const RunPlan plan = checkedPlan(QStringLiteral("dask"), workload, WorkerCount::exactly(2));
    const QString cpp = cppCall(plan);
    QVERIFY(cpp.contains(QLatin1String("core/python/cpythonengine.cpp")));
    QVERIFY(cpp.contains(pythonFileName(plan)));
    QCOMPARE(pythonFileName(plan), QStringLiteral("dask_cluster.py"));
    QVERIFY(!cpp.contains(QLatin1String("CpuWork::crunch")));
}

void tst_PythonSnippet::aClusterProgramTracedHasEveryPart_data()
{
    QTest::addColumn<QString>("strategy");
    QTest::addColumn<QString>("scheduler");
    for (const char *strategy : {"dask", "batched"}) {
        QTest::addRow("%s, its own cluster", strategy) << strategy << QString();
        QTest::addRow("%s, an existing cluster", strategy)
            << strategy << QStringLiteral("tcp://127.0.0.1:8786");
    }
}

void tst_PythonSnippet::aClusterProgramTracedHasEveryPart()
{
    QFETCH(QString, strategy);
    QFETCH(QString, scheduler);
    StrategyOptions options;
    options.backend = JoblibBackend::Dask;
    options.threadsPerWorker = 3;
    options.daskScheduler = scheduler;
    const WorkloadSpec workload = workloadOf(30, TaskKind::Sleep, DurationSpec::fixed(10 * Ms));
    const RunPlan plan = checkedPlan(strategy, workload, WorkerCount::exactly(2), options);
    const QString shown = pythonProgram(plan);
    const QString traced = pythonProgram(plan, PythonTracing::On);
    const bool own = scheduler.isEmpty();

    // The tracer's Dask names, its relay numbering the chosen workers' threads, and the moment
    // the tasks are sent, right before the call that sends them (main()'s lines are indented).
    const QString submitted = strategy == QLatin1String("dask")
        ? QStringLiteral("trace(\"submit\")\n    # pure=False")
        : QStringLiteral("trace(\"submit\")\n    # joblib's dask backend");
    const QString pieces[] = {QStringLiteral("    SchedulerPlugin,\n"),
        QStringLiteral("    get_worker,\n"),
        QStringLiteral("relay = Relay(client, len(durations), own=%1)\n")
            .arg(own ? QLatin1String("True") : QLatin1String("False")),
        own ? QStringLiteral("relay.number(workers_up, 3, rounds=0)\n")
            : QStringLiteral("relay.number(chosen, 3, rounds=5)\n"),
        submitted};
    for (const QString &piece : pieces) {
        QVERIFY2(traced.count(piece) == 1, qPrintable(piece));
        QVERIFY2(!shown.contains(piece), qPrintable(piece));
    }
    // Only a cluster of its own carries the plugin that hears its workers join, and starts its
    // workers with the run's topic, so that they write their lines themselves.
    for (const QLatin1String plugin :
        {QLatin1String("    os.environ[\"PARVIZ_DASK_TOPIC\"] = TOPIC"),
            QLatin1String("    scheduler_kwargs={\"plugins\": [Arrivals()]},\n")}) {
        QCOMPARE(traced.count(plugin), own ? 1 : 0);
        QVERIFY(!shown.contains(plugin));
    }
    // The cluster and the call that sends the tasks are the program's as shown.
    const QString sends = strategy == QLatin1String("dask")
        ? (own ? QStringLiteral("client.map(task, durations, pure=False)")
               : QStringLiteral("client.map(task, durations, workers=chosen, pure=False)"))
        : (own ? QStringLiteral("with parallel_backend(\"dask\"):")
               : QStringLiteral("with parallel_backend(\"dask\", workers=chosen):"));
    QVERIFY2(shown.contains(sends), qPrintable(shown));
    QVERIFY2(traced.contains(sends), qPrintable(traced));
    if (own) {
        for (const QLatin1String line : {QLatin1String("    n_workers=2,\n"),
                 QLatin1String("    threads_per_worker=3,\n"),
                 QLatin1String("    dashboard_address=None,\n")}) {
            QVERIFY2(shown.contains(line), qPrintable(line));
            QVERIFY2(traced.contains(line), qPrintable(line));
        }
    }
}

QTEST_GUILESS_MAIN(tst_PythonSnippet)
#include "tst_pythonsnippet.moc"
