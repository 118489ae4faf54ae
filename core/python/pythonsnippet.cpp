#include "python/pythonsnippet.h"

#include "strategies/strategyregistry.h"
#include "util/format.h"

#include <QRegularExpression>
#include <QStringList>

#include <algorithm>
#include <utility>

namespace parviz {

namespace {

// Random durations are written out one by one up to this many tasks; beyond, a line of Python
// draws them, so that a million tasks still make a short program.
constexpr int MaxListedDurations = 20;
// PEP 8's line length.
constexpr int LineLimit = 79;
// Everything but the imports and the task function is in main(), one indent deep.
constexpr int MainIndent = 4;
constexpr int MainWidth = LineLimit - MainIndent;
const std::int64_t DefaultSwitchIntervalNs = StrategyOptions{}.switchIntervalNs;

using Fields = std::initializer_list<std::pair<const char *, QString>>;

// The Python construct a strategy mirrors, from what the registry says it is.
enum class Shape {
    Loop,
    ThreadEach,
    ThreadQueue,
    ThreadChunks,
    ThreadBatches,
    ProcessChunks,
    ProcessBatches,
    Cluster, // client.map on a Dask cluster
    ClusterBatches, // joblib with parallel_backend('dask')
};

Shape shapeOf(const StrategyInfo &info, const StrategyOptions &options)
{
    switch (info.workersWith(options)) {
    case WorkerKind::Caller:
        return Shape::Loop;
    case WorkerKind::Processes:
        return info.handOut == HandOut::AutoBatches ? Shape::ProcessBatches : Shape::ProcessChunks;
    case WorkerKind::Cluster:
        return info.handOut == HandOut::AutoBatches ? Shape::ClusterBatches : Shape::Cluster;
    case WorkerKind::Threads:
        break;
    }
    switch (info.handOut) {
    case HandOut::ThreadEach:
        return Shape::ThreadEach;
    case HandOut::Chunks:
        return Shape::ThreadChunks;
    case HandOut::AutoBatches:
        return Shape::ThreadBatches;
    case HandOut::Loop:
    case HandOut::Queue:
        break;
    }
    return Shape::ThreadQueue;
}

Shape shapeOf(const RunPlan &plan)
{
    const StrategyEntry *entry = findStrategy(plan.strategy);
    return entry ? shapeOf(entry->info, plan.options) : Shape::Loop;
}

// Replaces each {name} of `text` by its value. Braces that name no field stay as they are, so
// Python's f-strings and C++ blocks need no escaping.
QString fill(QString text, Fields fields)
{
    for (const auto &[name, value] : fields)
        text.replace(QLatin1Char('{') + QLatin1String(name) + QLatin1Char('}'), value);
    return text;
}

QString indented(const QString &text, int spaces = 4)
{
    const QString indent(spaces, u' ');
    QStringList lines = text.split(u'\n');
    for (QString &line : lines) {
        if (!line.isEmpty())
            line.prepend(indent);
    }
    return lines.join(u'\n');
}

// `text` as # comment lines of at most LineLimit characters once indented by `indent`.
QString comment(const QString &text, int indent = 0)
{
    const int width = LineLimit - indent;
    QString result;
    QString line = QStringLiteral("#");
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (line.size() > 1 && line.size() + 1 + word.size() > width) {
            result += line + u'\n';
            line = QStringLiteral("#");
        }
        line += u' ' + word;
    }
    return result + line + u'\n';
}

QString percent(double fraction)
{
    return QString::number(fraction * 100.0, 'g', 4) + u'%';
}

// Seconds as a Python float literal: 0.1, 1.0, 0.00025, 1e-06.
QString seconds(std::int64_t ns)
{
    QString text = QString::number(static_cast<double>(ns) / 1e9, 'g', 12);
    if (!text.contains(u'.') && !text.contains(u'e'))
        text += QStringLiteral(".0");
    return text;
}

// `name = [a, b, c]` on one line if it fits, else wrapped with one value list per line.
QString pythonList(const QString &name, const QStringList &values)
{
    const QString oneLine =
        name + QStringLiteral(" = [") + values.join(QStringLiteral(", ")) + QStringLiteral("]\n");
    if (oneLine.size() <= MainWidth + 1)
        return oneLine;
    QString text = name + QStringLiteral(" = [\n");
    QString line = QStringLiteral("   ");
    for (const QString &value : values) {
        if (line.size() + value.size() + 2 > MainWidth) {
            text += line + u'\n';
            line = QStringLiteral("   ");
        }
        line += u' ' + value + u',';
    }
    return text + line + QStringLiteral("\n]\n");
}

// A one-line statement of main(), broken as black breaks it when it is too long:
// `x = f(...)` or `x = [...]` becomes `x = f(` / the arguments, indented / `)`.
QString statement(const QString &line)
{
    if (line.size() <= MainWidth)
        return line + u'\n';
    const qsizetype open = line.indexOf(QRegularExpression(QStringLiteral("[\\[(]")));
    return line.left(open + 1) + QStringLiteral("\n    ") + line.mid(open + 1).chopped(1) + u'\n'
        + line.back() + u'\n';
}

QString kindPhrase(const WorkloadSpec &workload)
{
    if (workload.kind == TaskKind::Mixed)
        return QStringLiteral("mixed (%1 waiting)").arg(percent(workload.ioShare));
    return taskKindName(workload.kind);
}

QString workersPhrase(const RunPlan &plan, const StrategyInfo &info)
{
    if (info.rowPerTask())
        return QStringLiteral("One thread per task");
    if (!info.usesWorkerCount)
        return QStringLiteral("One after another");
    return QStringLiteral("On ") + plan.workerCount.describe(plan.cpus);
}

struct Durations
{
    QString code; // assigns `durations`, a list of seconds, one per task
    bool usesRandom = false;
};

// `exact`: always the very durations ParViz runs, however many (a traced program is compared
// with ParViz's run task by task).
Durations durationsCode(const RunPlan &plan, bool exact)
{
    const WorkloadSpec &workload = plan.workload;
    const DurationSpec &spec = workload.duration;
    const int count = workload.taskCount;
    switch (spec.distribution) {
    case DurationSpec::Distribution::Fixed:
        return {QStringLiteral("durations = [%1] * %2  # seconds, one per task\n")
                    .arg(seconds(spec.valueNs))
                    .arg(count)};
    case DurationSpec::Distribution::List: {
        QStringList values;
        for (const std::int64_t ns : spec.listNs)
            values << seconds(ns);
        if (values.size() == count)
            return {QStringLiteral("# seconds, one per task\n") + pythonList("durations", values)};
        return {comment(QStringLiteral("seconds: the tasks take these in turn, from the first "
                                       "again after the last"),
                    MainIndent)
            + pythonList("pattern", values)
            + statement(QStringLiteral("durations = [pattern[i % len(pattern)] for i in range(%1)]")
                            .arg(count))};
    }
    case DurationSpec::Distribution::Uniform:
    case DurationSpec::Distribution::Exponential:
        break;
    }

    if (count <= MaxListedDurations || exact) {
        // Few enough to write out: the very durations ParViz runs.
        const std::vector<TaskSpec> tasks = plan.tasks ? *plan.tasks : workload.makeTasks();
        QStringList values;
        for (const TaskSpec &task : tasks)
            values << seconds(task.durationNs);
        return {comment(QStringLiteral("seconds, as ParViz drew them from %1 with seed %2")
                            .arg(spec.toString())
                            .arg(workload.seed),
                    MainIndent)
            + pythonList("durations", values)};
    }
    QString draw;
    if (spec.distribution == DurationSpec::Distribution::Uniform) {
        draw =
            QStringLiteral("rng.uniform(%1, %2)").arg(seconds(spec.valueNs), seconds(spec.upperNs));
    } else {
        draw = QStringLiteral("rng.expovariate(1 / %1)").arg(seconds(spec.valueNs));
        // ParViz caps a task at an hour; only a long mean makes that cap likely to matter.
        if (static_cast<double>(spec.valueNs) * 40.0
            > static_cast<double>(DurationSpec::MaxDurationNs))
            draw = QStringLiteral("min(%1, %2)").arg(draw, seconds(DurationSpec::MaxDurationNs));
    }
    return {comment(QStringLiteral("seconds, from %1 with seed %2. Python's random draws other "
                                   "numbers than ParViz's generator (std::mt19937_64): the same "
                                   "distribution, not the same tasks.")
                        .arg(spec.toString())
                        .arg(workload.seed),
                MainIndent)
            + QStringLiteral("rng = random.Random(%1)\n").arg(workload.seed)
            + statement(QStringLiteral("durations = [%1 for _ in range(%2)]").arg(draw).arg(count)),
        true};
}

QString taskCode(const WorkloadSpec &workload)
{
    // CPU time of this thread, not the clock: see pythonProgram()'s note in the header.
    static const QString pureComputing =
        QStringLiteral("def {name}(seconds):\n"
                       "    \"\"\"{summary}\n"
                       "\n"
                       "    This really keeps a core busy. It counts this thread's own CPU time,\n"
                       "    not the clock, so time spent waiting for the GIL or for a core is not\n"
                       "    work: as in ParViz, a task is a fixed amount of computing that takes\n"
                       "    `seconds` on an idle core, and longer when it has to share.\n"
                       "    \"\"\"\n"
                       "    end = time.thread_time() + seconds\n"
                       "    x = 1\n"
                       "    while time.thread_time() < end:\n"
                       "        for _ in range(1000):  # look at the time every 1000 steps\n"
                       "            x = (x * 1103515245 + 12345) & 0x7FFFFFFF\n"
                       "    return x\n");
    // hashlib releases the GIL while it hashes more than 2 KiB, as NumPy and zlib do for their
    // work: the thread takes it back only between calls.
    static const QString releasingComputing =
        QStringLiteral("def {name}(seconds):\n"
                       "    \"\"\"{summary}\n"
                       "\n"
                       "    hashlib releases the GIL while it hashes a buffer of more than\n"
                       "    2 KiB, so threads running this compute on every core at once; each\n"
                       "    takes the GIL back only for a moment between calls. It counts this\n"
                       "    thread's own CPU time, not the clock: a task is a fixed amount of\n"
                       "    computing that takes `seconds` on an idle core.\n"
                       "    \"\"\"\n"
                       "    end = time.thread_time() + seconds\n"
                       "    digest = hashlib.sha256()\n"
                       "    while time.thread_time() < end:\n"
                       "        digest.update(BLOCK)  # the GIL is released in here\n"
                       "    return digest.hexdigest()\n");
    const bool releases = workload.gil == TaskGil::Released;
    const QString &compute = releases ? releasingComputing : pureComputing;
    const QString block = releases
        ? QStringLiteral("BLOCK = bytes(64 * 1024)  # hashed over and over by the CPU work\n\n\n")
        : QString();
    const QString cpuSummary = releases
        ? QStringLiteral("A CPU-bound task that releases the GIL: SHA-256 for `seconds`.")
        : QStringLiteral("A CPU-bound task: pure-Python arithmetic for `seconds`.");

    switch (workload.kind) {
    case TaskKind::Sleep:
        return QStringLiteral(
            "def task(seconds):\n"
            "    \"\"\"An I/O-bound task: it waits, as for a disk or the network.\n"
            "\n"
            "    time.sleep releases the GIL, so waiting threads overlap.\n"
            "    \"\"\"\n"
            "    time.sleep(seconds)\n"
            "    return seconds\n");
    case TaskKind::Cpu:
        return block + fill(compute, {{"name", QStringLiteral("task")}, {"summary", cpuSummary}});
    case TaskKind::Mixed:
        return block
            + fill(QStringLiteral("IO_SHARE = {share}  # the share of each task spent waiting\n"
                                  "\n"
                                  "\n"
                                  "{compute}"
                                  "\n"
                                  "\n"
                                  "def task(seconds):\n"
                                  "    \"\"\"A mixed task: waits IO_SHARE of `seconds`, then "
                                  "computes the rest.\"\"\"\n"
                                  "    time.sleep(seconds * IO_SHARE)\n"
                                  "    return compute(seconds * (1 - IO_SHARE))\n"),
                {{"share", QString::number(workload.ioShare, 'g', 6)},
                    {"compute",
                        fill(compute,
                            {{"name", QStringLiteral("compute")},
                                {"summary",
                                    releases ? QStringLiteral("SHA-256 for `seconds`, without "
                                                              "the GIL.")
                                             : QStringLiteral(
                                                 "Pure-Python arithmetic for `seconds`.")}})}});
    }
    return {};
}

struct Workers
{
    QString setup; // lines before the timing starts
    QString value; // the worker count as a Python expression
    bool usesCpuCount = false;
};

// `exact`: the count ParViz resolved, rather than the formula, so that CPython runs as many
// workers as ParViz even where it counts the CPUs otherwise (an affinity mask, a cgroup).
Workers workersCode(const RunPlan &plan, bool exact)
{
    if (plan.workerCount.count)
        return {{}, QString::number(*plan.workerCount.count)};
    if (exact)
        return {comment(QStringLiteral("%1 of ParViz's %2 logical CPUs.")
                            .arg(percent(plan.workerCount.fraction))
                            .arg(plan.cpus),
                    MainIndent),
            QString::number(plan.workers)};
    const QString fraction = QString::number(plan.workerCount.fraction, 'g', 6);
    return {comment(QStringLiteral("%1 of the logical CPUs (at least one), as in the seed.")
                        .arg(percent(plan.workerCount.fraction)),
                MainIndent)
            + comment(
                QStringLiteral("ParViz: %1.").arg(plan.workerCount.describe(plan.cpus)), MainIndent)
            + QStringLiteral("workers = max(1, int(%1 * multiprocessing.cpu_count()))\n")
                  .arg(fraction),
        QStringLiteral("workers"),
        true};
}

struct StrategyCode
{
    QStringList imports; // standard library: "import sys", "from x import Y"
    QString thirdParty; // "from joblib import ..."
    QString setup; // before the timing starts
    QString body; // timed
    // Without join: the waiting the program does after its clock stopped (as its exit would).
    QString after;
};

// The seed's p.start() without p.join(): the clock stops once everything is started, and the
// waiting moves after the print. `start` submits, `wait` waits.
StrategyCode withoutJoin(StrategyCode code, const QString &start, const QString &wait)
{
    code.body = start;
    code.after = comment(QStringLiteral("No join above: the time printed is only the start-up. "
                                        "The workers are still running; the program's exit "
                                        "waits for them, as this does:"),
                     MainIndent)
        + wait;
    return code;
}

StrategyCode joinedStrategyCode(const RunPlan &plan, const QString &workers, PythonTracing tracing);

// The comment lines before a `with` block, which a program without join keeps.
QString leadingComment(const QString &body)
{
    return body.left(body.indexOf(QLatin1String("\nwith ")) + 1);
}

StrategyCode strategyCode(const RunPlan &plan, const QString &workers, PythonTracing tracing)
{
    StrategyCode code = joinedStrategyCode(plan, workers, tracing);
    if (plan.options.join)
        return code;
    const QString chunk = QString::number(plan.options.chunkSize);
    switch (shapeOf(plan)) {
    case Shape::ThreadEach:
        return withoutJoin(code,
            statement(QStringLiteral("threads = [threading.Thread(target=task, args=(seconds,)) "
                                     "for seconds in durations]"))
                + QStringLiteral("for thread in threads:\n"
                                 "    thread.start()\n"),
            QStringLiteral("for thread in threads:\n"
                           "    thread.join()\n"));
    case Shape::ThreadQueue:
        return withoutJoin(code,
            leadingComment(code.body)
                + fill(QStringLiteral("executor = ThreadPoolExecutor(max_workers={workers})\n"
                                      "futures = [executor.submit(task, seconds) for seconds in "
                                      "durations]\n"),
                    {{"workers", workers}}),
            QStringLiteral("executor.shutdown(wait=True)\n"));
    case Shape::ThreadChunks:
        return withoutJoin(code,
            leadingComment(code.body)
                + fill(QStringLiteral("pool = ThreadPool(processes={workers})\n"
                                      "pending = pool.map_async(task, durations, "
                                      "chunksize={chunk})\n"),
                    {{"workers", workers}, {"chunk", chunk}}),
            QStringLiteral("results = pending.get()\n"
                           "pool.close()\n"
                           "pool.join()\n"));
    case Shape::ProcessChunks:
        return withoutJoin(code,
            leadingComment(code.body)
                + fill(QStringLiteral("executor = ProcessPoolExecutor(max_workers={workers})\n"
                                      "pending = executor.map(task, durations, "
                                      "chunksize={chunk})\n"),
                    {{"workers", workers}, {"chunk", chunk}}),
            QStringLiteral("results = list(pending)\n"
                           "executor.shutdown(wait=True)\n"));
    case Shape::Cluster:
    case Shape::ClusterBatches:
        return code; // client.gather and Parallel wait; without them nothing would run
    case Shape::ThreadBatches:
    case Shape::ProcessBatches:
        code.body = comment(QStringLiteral("joblib's Parallel always waits for its results: "
                                           "there is no call that goes on without them. ParViz's "
                                           "caller went on once the first batches were out."),
                        MainIndent)
            + code.body;
        return code;
    case Shape::Loop:
        break;
    }
    return code;
}

// What the threads of one process do with the GIL, said before the clock starts: the switch
// interval where pure-Python work takes turns, what a free-threaded build changes.
QString gilSetup(const RunPlan &plan, QStringList &imports)
{
    const Shape shape = shapeOf(plan);
    const bool threads =
        shape != Shape::Loop && shape != Shape::ProcessChunks && shape != Shape::ProcessBatches;
    if (!threads || plan.workload.kind == TaskKind::Sleep)
        return {};
    if (plan.workload.gil == TaskGil::None)
        return comment(QStringLiteral("No GIL: run this with a free-threaded CPython (python3.13t, "
                                      "PEP 703), where the threads compute on every core at "
                                      "once. With the GIL they would take turns."),
            MainIndent);
    const std::int64_t interval = plan.options.switchIntervalNs;
    const bool held = plan.workload.gil == TaskGil::Held;
    if (!held && interval == DefaultSwitchIntervalNs)
        return {};
    imports << QStringLiteral("import sys");
    const QString why = held
        ? QStringLiteral("Only the thread holding the GIL runs Python code; a waiting thread asks "
                         "for it after this many seconds (%1).")
        : QStringLiteral("A thread waiting for the GIL between hashlib calls asks for it after "
                         "this many seconds (%1).");
    return comment(why.arg(interval == DefaultSwitchIntervalNs
                           ? QStringLiteral("CPython's default")
                           : QStringLiteral("CPython's default is 0.005")),
               MainIndent)
        + QStringLiteral("sys.setswitchinterval(%1)\n").arg(seconds(interval));
}

// A Dask cluster: the LocalCluster ParViz starts (its start-up timed, as a pool's is) or the
// first W workers of an existing one; then client.map and client.gather, or joblib's Parallel
// on the dask backend. The cluster is left after the clock stops: closing it is not the work.
//
// Traced, the program also says when the tasks are sent (the rows' dispatch counts from there)
// and its workers' lines come through the relay (clusterTraceCode()): an embedded cluster's
// scheduler carries the Arrivals plugin, so that it hears every worker join from the start.
StrategyCode clusterCode(const RunPlan &plan, const QString &workers, PythonTracing tracing)
{
    const bool traced = tracing == PythonTracing::On;
    const bool joblib = shapeOf(plan) == Shape::ClusterBatches;
    const QString threads = QString::number(plan.options.threadsPerWorker);
    const QString address = plan.options.daskScheduler;
    StrategyCode code;
    code.imports << QStringLiteral("import sys");
    if (traced)
        code.imports << QStringLiteral("import select") << QStringLiteral("import socket");
    if (!traced) {
        code.thirdParty = joblib
            ? QStringLiteral("from dask.distributed import Client, LocalCluster")
            : QStringLiteral("from dask.distributed import Client, LocalCluster, "
                             "as_completed");
    } else {
        code.thirdParty = QStringLiteral("from dask.distributed import (\n"
                                         "    Client,\n"
                                         "    LocalCluster,\n"
                                         "    SchedulerPlugin,\n"
                                         "%1"
                                         "    get_worker,\n"
                                         ")\n"
                                         "from distributed.comm import get_address_host")
                              .arg(joblib ? QString() : QStringLiteral("    as_completed,\n"));
    }
    if (joblib)
        code.thirdParty +=
            QStringLiteral("\nfrom joblib import Parallel, delayed, parallel_backend");

    QString run = traced ? QStringLiteral("trace(\"submit\")\n") : QString();
    if (joblib) {
        run += comment(QStringLiteral("joblib's dask backend: each batch of tasks is one Dask task "
                                      "on the cluster's worker threads."),
                   MainIndent)
            + QStringLiteral("with parallel_backend(\"dask\"%1):\n"
                             "    parallel = Parallel(pre_dispatch=\"%2*n_jobs\")\n"
                             "    results = parallel(delayed(task)(seconds) for seconds in "
                             "durations)\n")
                  .arg(address.isEmpty() ? QString() : QStringLiteral(", workers=chosen"))
                  .arg(plan.options.preDispatchFactor);
    } else {
        run += comment(QStringLiteral("pure=False: tasks with equal arguments are still separate "
                                      "tasks. Each result is fetched as it is ready "
                                      "(as_completed), so a worker that dies loses only the "
                                      "tasks it was running, not results waiting to be "
                                      "gathered, which Dask would compute again."),
                   MainIndent)
            + statement(address.isEmpty()
                    ? QStringLiteral("pending = as_completed(client.map(task, durations, "
                                     "pure=False))")
                    : QStringLiteral("pending = as_completed(client.map(task, durations, "
                                     "workers=chosen, pure=False))"))
            + QStringLiteral("results = [future.result() for future in pending]\n");
    }
    if (address.isEmpty()) {
        code.body =
            comment(QStringLiteral("A LocalCluster on this machine: a scheduler and %1 worker "
                                   "processes of %2 thread%3 each. Starting it is timed, as a "
                                   "pool's start is.")
                        .arg(workers, threads, plan.options.threadsPerWorker == 1 ? "" : "s"),
                MainIndent)
            + (traced ? QStringLiteral("os.environ[\"PARVIZ_DASK_TOPIC\"] = TOPIC  # its workers "
                                       "write their own lines\n")
                      : QString())
            + fill(QStringLiteral("cluster = LocalCluster(\n"
                                  "    n_workers={workers},\n"
                                  "    threads_per_worker={threads},\n"
                                  "    dashboard_address=None,\n"
                                  "{plugins}"
                                  ")\n"
                                  "client = Client(cluster)\n"),
                {{"workers", workers},
                    {"threads", threads},
                    {"plugins",
                        traced
                            ? QStringLiteral("    scheduler_kwargs={\"plugins\": [Arrivals()]},\n")
                            : QString()}});
        if (traced)
            code.body +=
                QStringLiteral("relay = Relay(client, len(durations), own=True)\n"
                               "workers_up = sorted(client.scheduler_info()[\"workers\"])\n"
                               "relay.number(workers_up, %1, rounds=0)\n")
                    .arg(threads);
        code.body += run;
        code.after = QStringLiteral("client.close()\ncluster.close()\n");
        return code;
    }
    code.setup = comment(QStringLiteral("An existing cluster, left running: the first %1 of its "
                                        "workers, by address.")
                             .arg(workers),
                     MainIndent)
        + fill(QStringLiteral(
                   "address = \"{address}\"\n"
                   "try:\n"
                   "    client = Client(address, timeout=3)\n"
                   "except OSError as error:\n"
                   "    sys.exit(f\"No Dask scheduler answers at {address}: {error}\")\n"
                   "chosen = sorted(client.scheduler_info()[\"workers\"])[:{workers}]\n"
                   "if len(chosen) < {workers}:\n"
                   "    sys.exit(f\"The cluster has {len(chosen)} workers, not {workers}\")\n"),
            {{"address", address}, {"workers", workers}});
    if (traced)
        code.setup += QStringLiteral("relay = Relay(client, len(durations), own=False)\n"
                                     "relay.number(chosen, %1, rounds=5)\n")
                          .arg(threads);
    code.body = run;
    code.after = QStringLiteral("client.close()\n");
    return code;
}

StrategyCode joinedStrategyCode(const RunPlan &plan, const QString &workers, PythonTracing tracing)
{
    const QString chunk = QString::number(plan.options.chunkSize);
    switch (shapeOf(plan)) {
    case Shape::ThreadEach:
        return {{QStringLiteral("import threading")},
            {},
            {},
            statement(QStringLiteral("threads = [threading.Thread(target=task, args=(seconds,)) "
                                     "for seconds in durations]"))
                + QStringLiteral("for thread in threads:\n"
                                 "    thread.start()\n"
                                 "for thread in threads:\n"
                                 "    thread.join()\n"),
            {}};
    case Shape::ThreadQueue:
        return {{QStringLiteral("from concurrent.futures import ThreadPoolExecutor")},
            {},
            {},
            fill(QStringLiteral(
                     "with ThreadPoolExecutor(max_workers={workers}) as executor:\n"
                     "    futures = [executor.submit(task, seconds) for seconds in durations]\n"
                     "    results = [future.result() for future in futures]\n"),
                {{"workers", workers}}),
            {}};
    case Shape::ThreadChunks:
        return {{QStringLiteral("from multiprocessing.pool import ThreadPool")},
            {},
            {},
            comment(QStringLiteral("ThreadPoolExecutor.map would ignore chunksize; "
                                   "multiprocessing's ThreadPool hands each thread %1 at a time, "
                                   "as ParViz does.")
                        .arg(plan.options.chunkSize == 1
                                ? QStringLiteral("one task")
                                : QStringLiteral("%1 consecutive tasks").arg(chunk)),
                MainIndent)
                + fill(
                    QStringLiteral("with ThreadPool(processes={workers}) as pool:\n"
                                   "    results = pool.map(task, durations, chunksize={chunk})\n"),
                    {{"workers", workers}, {"chunk", chunk}}),
            {}};
    case Shape::ThreadBatches:
        return {{},
            QStringLiteral("from joblib import Parallel, delayed"),
            {},
            comment(QStringLiteral("The threading backend: the tasks run on threads of this "
                                   "process, as ParViz's do, and share its GIL. It hands out one "
                                   "task at a time; only loky, joblib's default backend with "
                                   "worker processes, makes batches grow."),
                MainIndent)
                + QStringLiteral("parallel = Parallel(\n"
                                 "    n_jobs=%1,\n"
                                 "    backend=\"threading\",\n"
                                 "    pre_dispatch=\"%2*n_jobs\",\n"
                                 ")\n")
                      .arg(workers)
                      .arg(plan.options.preDispatchFactor)
                + QStringLiteral(
                    "results = parallel(delayed(task)(seconds) for seconds in durations)\n"),
            {}};
    case Shape::ProcessBatches:
        return {{},
            QStringLiteral("from joblib import Parallel, delayed"),
            {},
            comment(QStringLiteral("loky, joblib's default backend: %1 worker processes, kept "
                                   "alive after the call for the next one. Batches start at "
                                   "one task and grow while they take under 0.2 s.")
                        .arg(workers),
                MainIndent)
                + QStringLiteral("parallel = Parallel(n_jobs=%1, pre_dispatch=\"%2*n_jobs\")\n")
                      .arg(workers)
                      .arg(plan.options.preDispatchFactor)
                + QStringLiteral(
                    "results = parallel(delayed(task)(seconds) for seconds in durations)\n"),
            {}};
    case Shape::Cluster:
    case Shape::ClusterBatches:
        return clusterCode(plan, workers, tracing);
    case Shape::ProcessChunks: {
        const QString restart = plan.options.onWorkerDeath == StrategyOptions::WorkerDeath::Restart
            ? comment(QStringLiteral("ParViz starts a new worker in place of one that dies; "
                                     "ProcessPoolExecutor raises BrokenProcessPool instead."),
                MainIndent)
            : QString();
        return {{QStringLiteral("from concurrent.futures import ProcessPoolExecutor")},
            {},
            {},
            restart
                + fill(
                    QStringLiteral(
                        "with ProcessPoolExecutor(max_workers={workers}) as executor:\n"
                        "    results = list(executor.map(task, durations, chunksize={chunk}))\n"),
                    {{"workers", workers}, {"chunk", chunk}}),
            {}};
    }
    case Shape::Loop:
        break;
    }
    return {{}, {}, {}, QStringLiteral("for seconds in durations:\n    task(seconds)\n"), {}};
}

QString importsCode(QStringList imports, const QString &thirdParty)
{
    imports << QStringLiteral("import time");
    imports.removeDuplicates();
    // isort's order: plain imports, then from-imports, each alphabetical.
    std::sort(imports.begin(), imports.end(), [](const QString &a, const QString &b) {
        const bool aFrom = a.startsWith(QLatin1String("from "));
        const bool bFrom = b.startsWith(QLatin1String("from "));
        return aFrom != bFrom ? bFrom : a < b;
    });
    QString text = imports.join(u'\n') + u'\n';
    if (!thirdParty.isEmpty())
        text += u'\n' + thirdParty + u'\n';
    return text;
}

QString taskBodySketch(const RunPlan &plan)
{
    const QString kind = taskKindName(plan.workload.kind);
    const Shape shape = shapeOf(plan);
    QString text = shape == Shape::ProcessChunks || shape == Shape::ProcessBatches
        ? QStringLiteral(
            "// Each parviz-worker runs executeTask() (core/workload/taskexecutor.cpp)\n"
            "// with its parent's CPU calibration; for a %1 task:\n")
        : QStringLiteral("// runTask() records the task's run on the worker's row and calls\n"
                         "// executeTask() (core/workload/taskexecutor.cpp); for a %1 task:\n");
    text = text.arg(kind);
    if (plan.workload.kind != TaskKind::Cpu)
        text += QStringLiteral(
            "interruptibleSleep(task.sleepNs(), stop);   // a condition_variable_any wait\n"
            "                                            // until the deadline, or Stop\n");
    if (plan.workload.kind != TaskKind::Sleep)
        text += QStringLiteral(
            "// CpuWork::crunch(): integer arithmetic, calibrated once to take the task's CPU\n"
            "// time on an idle core, in slices of 50 µs with a look at Stop between them.\n"
            "for (auto left = work.iterationsFor(task.cpuNs()); left > 0; left -= slice)\n"
            "    value = CpuWork::crunch(std::min(left, slice), value);\n");
    return text;
}

QString strategySketch(const RunPlan &plan)
{
    const QString tasks = QString::number(plan.workload.taskCount);
    const QString workers = QString::number(plan.workers);
    const QString chunk = QString::number(plan.options.chunkSize);
    const QString chunkTasks = countOf(plan.options.chunkSize, "task", "tasks");
    const Shape shape = shapeOf(plan);
    // Threads under the GIL run each task through ThreadGil (core/strategies/threadgil.h).
    const bool gil = tasksShareOneGil(plan);
    const QString runTask = gil ? QStringLiteral("gil.runTask") : QStringLiteral("context.runTask");
    const QString gilLine = gil
        ? fill(
            QStringLiteral("// Tasks that %1 the GIL: one Gil for the process's threads, with a\n"
                           "// switch interval of {interval} (core/strategies/gil.h).\n"
                           "ThreadGil gil(context);\n")
                .arg(plan.workload.gil == TaskGil::Held ? QStringLiteral("hold")
                                                        : QStringLiteral("release")),
            {{"interval", durationText(plan.options.switchIntervalNs)}})
        : QString();

    if (shape == Shape::Loop)
        return QStringLiteral("// core/strategies/sequential.cpp, on the run's own thread:\n"
                              "for (const TaskSpec &task : context.tasks())   // %1 tasks\n"
                              "    context.runTask(/*worker=*/0, task);\n")
            .arg(tasks);
    if (shape == Shape::ThreadEach)
        return fill(QStringLiteral(
                        "// core/strategies/threadpertask.cpp: one std::jthread per task.\n"
                        "{gil}"
                        "WorkerThreads threads(context, [&](int worker) {\n"
                        "    {runTask}(worker, tasks[worker]);\n"
                        "});\n"
                        "threads.startAll({tasks});   // each row begins with its thread's spawn\n"
                        "threads.joinAll();        // the main row waits\n"),
            {{"tasks", tasks}, {"gil", gilLine}, {"runTask", runTask}});
    if (shape == Shape::ThreadQueue)
        return fill(
            QStringLiteral(
                "// core/strategies/threadpool.cpp: ThreadPoolExecutor's shape.\n"
                "{gil}"
                "TaskQueue queue({tasks});   // one FIFO of task indices\n"
                "WorkerThreads threads(context, [&](int worker) {\n"
                "    while (auto index = queue.pop(stop))   // the next task, when free\n"
                "        {runTask}(worker, tasks[*index]);\n"
                "});\n"
                "for (std::size_t i = 0; i < {tasks}; ++i) {   // submit()\n"
                "    queue.push(i);\n"
                "    if (threads.startedCount() < {workers})   // a std::jthread with each of\n"
                "        threads.start(threads.startedCount());   // the first {workers} submits\n"
                "}\n"
                "queue.close();\n"
                "threads.joinAll();   // shutdown(wait=True)\n"),
            {{"tasks", tasks}, {"workers", workers}, {"gil", gilLine}, {"runTask", runTask}});
    if (shape == Shape::ThreadChunks) {
        const std::int64_t chunks =
            (plan.workload.taskCount + plan.options.chunkSize - 1) / plan.options.chunkSize;
        return fill(
            QStringLiteral(
                "// core/strategies/poolmap.cpp: {chunks} chunks of {chunkTasks}.\n"
                "{gil}"
                "TaskQueue queue({chunks});            // chunk indices, first in, first out\n"
                "ChunkCompletion completion({chunks});\n"
                "WorkerThreads threads(context, [&](int worker) {   // {workers} std::jthreads\n"
                "    while (auto chunk = queue.pop(stop)) {\n"
                "        for (auto i = *chunk * {chunk}; i < std::min(*chunk * {chunk} + {chunk}, "
                "{tasks}); ++i)\n"
                "            {runTask}(worker, tasks[i]);\n"
                "        completion.markEnded(*chunk);\n"
                "    }\n"
                "});\n"
                "threads.startAll({workers});\n"
                "for (std::size_t c = 0; c < {chunks}; ++c)\n"
                "    queue.push(c);\n"
                "queue.close();\n"
                "completion.waitForAll(stop);\n"
                "threads.joinAll();\n"
                "for (std::size_t c = 0; c < {chunks}; ++c)   // results in input order,\n"
                "    collect(c);                          // as map() yields them\n"),
            {{"tasks", tasks},
                {"workers", workers},
                {"chunk", chunk},
                {"chunkTasks", chunkTasks},
                {"chunks", QString::number(chunks)},
                {"gil", gilLine},
                {"runTask", runTask}});
    }
    if (shape == Shape::ThreadBatches)
        return fill(
            QStringLiteral(
                "// core/strategies/batched.cpp: joblib's dispatch, on {workers} std::jthreads.\n"
                "{gil}"
                "TaskQueue queue({tasks});   // batch indices, first in, first out\n"
                "// joblib's threading backend: every batch is one task.\n"
                "BatchDispatcher dispatcher(context, JoblibBackend::Threading, push to queue);\n"
                "WorkerThreads threads(context, [&](int worker) {\n"
                "    while (auto index = queue.pop(stop)) {\n"
                "        const Batch batch = dispatcher.batch(*index);\n"
                "        for (auto i = batch.first; i < batch.last; ++i)\n"
                "            {runTask}(worker, tasks[i]);\n"
                "        // Dispatch the next one, from this worker.\n"
                "        dispatcher.batchCompleted(batch, context.now());\n"
                "        completion.add(batch.size());\n"
                "    }\n"
                "});\n"
                "threads.startAll({workers});\n"
                "dispatcher.preDispatch({pre});   // pre_dispatch: {factor} x {workers} "
                "tasks, batches of 1\n"
                "completion.waitFor({tasks}, stop);\n"
                "dispatcher.stopIterating();\n"
                "queue.close();\n"
                "threads.joinAll();\n"),
            {{"tasks", tasks},
                {"workers", workers},
                {"factor", QString::number(plan.options.preDispatchFactor)},
                {"pre",
                    QString::number(std::min<std::int64_t>(
                        static_cast<std::int64_t>(plan.options.preDispatchFactor) * plan.workers,
                        plan.workload.taskCount))},
                {"gil", gilLine},
                {"runTask", runTask}});
    if (shape == Shape::ProcessBatches)
        return fill(
            QStringLiteral(
                "// core/strategies/batched.cpp: joblib's dispatch, to {workers} parviz-worker\n"
                "// processes (core/strategies/processpool.cpp's pool, fed batches).\n"
                "BatchFeed feed(context);   // BatchSizer: joblib's batch_size='auto'\n"
                "feed.dispatcher().preDispatch({pre});   // pre_dispatch: {factor} x {workers} "
                "tasks\n"
                "// Workers the last run left idle are taken first, as loky's reusable\n"
                "// executor keeps them; only new ones show a spawn segment.\n"
                "runInWorkerProcesses(context, feed, PoolWorkers::Reused);\n"
                "//   a free worker is sent the next ready batch as text lines; each batch\n"
                "//   that completes dispatches the next one (BatchDispatcher::batchCompleted);\n"
                "//   at the end the workers stay, idle, for the next run.\n"),
            {{"workers", workers},
                {"factor", QString::number(plan.options.preDispatchFactor)},
                {"pre",
                    QString::number(std::min<std::int64_t>(
                        static_cast<std::int64_t>(plan.options.preDispatchFactor) * plan.workers,
                        plan.workload.taskCount))}});
    if (shape == Shape::ProcessChunks)
        return fill(
            QStringLiteral(
                "// core/strategies/processpool.cpp, on the run's own thread. Each of {workers}\n"
                "// workers: socketpair(AF_UNIX) and posix_spawn(\"parviz-worker\") with the\n"
                "// child's end as its stdin and stdout (core/process/workerprocess.cpp).\n"
                "for (Slot &slot : slots)\n"
                "    spawn(slot);   // a spawn segment, until the worker says \"ready\"\n"
                "while (!allExited()) {\n"
                "    poll(fds);   // every worker's socket, and Stop\n"
                "    // \"ready\", or its tasks done: send that worker its next {chunkTasks} "
                "as text\n"
                "    // lines; its \"start\" and \"done\" reports become its row's run "
                "events.\n"
                "    // {death}\n"
                "    // All {tasks} done: close each worker's input; it exits and is "
                "reaped.\n"
                "}\n"),
            {{"tasks", tasks},
                {"workers", workers},
                {"chunkTasks", chunkTasks},
                {"death",
                    plan.options.onWorkerDeath == StrategyOptions::WorkerDeath::Restart
                        ? QStringLiteral("A worker that dies is replaced; its tasks go back in "
                                         "the queue.")
                        : QStringLiteral("A worker that dies ends the run, as BrokenProcessPool "
                                         "does.")}});
    return {};
}

// The traced program's trace(): one line on standard output, written at once.
QString localTraceCode()
{
    return QStringLiteral(
        "def trace(event, **fields):\n"
        "    \"\"\"One line for ParViz, in one write: processes never interleave.\"\"\"\n"
        "    fields.update(e=event, t=time.monotonic_ns(), pid=os.getpid(),\n"
        "                  tid=threading.get_native_id())\n"
        "    os.write(1, (TRACE + json.dumps(fields) + \"\\n\").encode())\n"
        "\n"
        "\n");
}

// On a Dask cluster the tasks run in worker processes that may be on other machines: their
// lines travel through Dask's own event channel (Worker.log_event) to the program, whose Relay
// writes them on ParViz's clock with the scheduler's news of workers that join and leave.
QString clusterTraceCode()
{
    return QStringLiteral(
        R"py(TOPIC = f"parviz-{os.getpid()}-{time.monotonic_ns()}"  # this run's events


def trace(event, **fields):
    """One line for ParViz, in one write. A worker of this program's own
    LocalCluster (started with this run's TOPIC in its environment) shares the
    program's standard output and clock, and writes it there itself. A worker
    of a cluster elsewhere sends it to this program over a line of its own
    (connect()), already on this program's clock, or, where it has none,
    through Dask's own event channel; the Relay writes it."""
    fields.update(e=event, pid=os.getpid(), tid=threading.get_native_id())
    fields.setdefault("t", time.monotonic_ns())
    try:
        worker = get_worker()
    except ValueError:
        os.write(1, (TRACE + json.dumps(fields) + "\n").encode())
        return
    fields["worker"] = worker.address
    if os.environ.get("PARVIZ_DASK_TOPIC") == TOPIC:
        os.write(1, (TRACE + json.dumps(fields) + "\n").encode())
        return
    lines = getattr(worker, "parviz_lines", {})
    if TOPIC in lines:
        line, lock, offset = lines[TOPIC]
        fields["t"] -= offset  # onto the program's clock; log_event's is moved there
        try:
            with lock:
                line.sendall((TRACE + json.dumps(fields) + "\n").encode())
            return
        except OSError:
            lines.pop(TOPIC, None)
            fields["t"] += offset
    worker.log_event(TOPIC, fields)


def connect(host, port, offsets):
    """On a worker: opens its line to this program. False where it cannot."""
    worker = get_worker()
    try:
        line = socket.create_connection((host, port), timeout=2)
        line.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        line.sendall((TOPIC + "\n").encode())
    except OSError:
        return False
    if not hasattr(worker, "parviz_lines"):
        worker.parviz_lines = {}
    worker.parviz_lines[TOPIC] = (line, threading.Lock(), offsets[worker.address])
    return True


def disconnect():
    """On a worker: closes its line to this program."""
    line = getattr(get_worker(), "parviz_lines", {}).pop(TOPIC, None)
    if line:
        line[0].close()


def machine():
    """This machine's boot id: processes that share it share a clock."""
    try:
        with open("/proc/sys/kernel/random/boot_id") as boot:
            return boot.read().strip()
    except OSError:
        return ""


def clock():
    """A worker's clock, process, machine and threads."""
    return time.monotonic_ns(), os.getpid(), machine(), get_worker().nthreads


class Relay:
    """Writes the workers' lines, and the scheduler's news of workers that join
    (ready) and leave (lost), from a cluster elsewhere: lines that come over the
    workers' own connections as they are, and those that come through Dask's
    event channel on this program's clock. The workers of this program's own
    LocalCluster write their lines themselves, and its scheduler's plugin
    (Arrivals) the news."""

    def __init__(self, client, tasks, own):
        self.client = client
        self.offsets = {}  # worker address: its clock minus this one's
        self.left = tasks
        self.counting = threading.Lock()
        self.finished = threading.Event()
        self.news = not own
        self.connected = []
        if self.news:
            client.subscribe_topic(TOPIC, self.worker_event)
            client.subscribe_topic("all", self.cluster_event)
            # Where the workers reach this program: the address it reaches the
            # scheduler from.
            here = get_address_host(client.scheduler_comm.comm.local_address)
            self.server = socket.create_server((here, 0))
            threading.Thread(target=self.serve, daemon=True).start()
        else:
            self.finished.set()  # each line is written before its result is sent

    def done(self, count):
        with self.counting:
            self.left -= count
            if self.left <= 0:
                self.finished.set()

    def worker_event(self, event):
        fields = event[1]
        fields["t"] -= self.offsets.get(fields["worker"], 0)
        os.write(1, (TRACE + json.dumps(fields) + "\n").encode())
        if fields["e"] == "done":
            self.done(1)

    def serve(self):
        """The workers' lines, written on as whole lines, at most 4096 bytes a
        write so that they never mix with another thread's on the pipe. It
        looks every 10 ms, not at every line: waking this program at each line
        would take the cluster's processes time on a core."""
        hello = TOPIC.encode() + b"\n"
        pending = {}  # a connection: what came since its last whole line
        heard = set()  # connections that said hello: this run's workers
        while True:
            try:
                ready, _, _ = select.select([self.server, *pending], [], [], 1)
            except (OSError, ValueError):
                return  # closed
            for line in ready:
                if line is self.server:
                    try:
                        pending[self.server.accept()[0]] = b""
                    except OSError:
                        return
                    continue
                more = line.recv(65536)
                whole = pending[line] + more
                if line not in heard and len(whole) >= len(hello):
                    if not whole.startswith(hello):
                        more = b""  # not a worker of this run
                    heard.add(line)
                    whole = whole[len(hello):]
                if not more:
                    line.close()
                    del pending[line]
                    heard.discard(line)
                    continue
                while line in heard and (end := whole.rfind(b"\n", 0, 4096) + 1):
                    os.write(1, whole[:end])
                    self.done(whole.count(b'"e": "done"', 0, end))
                    whole = whole[end:]
                pending[line] = whole
            time.sleep(0.01)

    def cluster_event(self, event):
        news = event[1]
        if news.get("action") == "add-worker":
            trace("ready", worker=news["worker"])
        elif news.get("action") == "remove-worker":
            trace("lost", worker=news["worker"])

    def number(self, workers, threads, rounds):
        """Gives each worker its rows, and measures its clock against this one:
        `rounds` round trips, keeping the tightest. On this machine it is the
        same clock. Then the workers of a cluster elsewhere connect."""
        here = machine()
        best = {}
        for _ in range(rounds):
            before = time.monotonic_ns()
            readings = self.client.run(clock, workers=workers)
            after = time.monotonic_ns()
            half = (after - before) // 2
            for address, (now, pid, boot, nthreads) in readings.items():
                if address not in best or half < best[address][1]:
                    offset = now - before - half
                    best[address] = (offset, half, pid, boot == here, nthreads)
        for slot, address in enumerate(workers):
            offset, half, pid, same, nthreads = best.get(
                address, (0, 0, 0, True, threads))
            if nthreads > threads:
                sys.exit(f"{address} has {nthreads} threads: tell ParViz "
                         f"(threads per worker {nthreads})")
            if same:
                offset, half = 0, 0
            self.offsets[address] = offset
            trace("worker", worker=address, slot=slot, worker_pid=pid,
                  offset=offset, uncertainty=half)
        if self.news:
            host, port = self.server.getsockname()[:2]
            opened = self.client.run(connect, host, port, self.offsets, workers=workers)
            self.connected = [address for address, ok in opened.items() if ok]

    def wait(self):
        """Now; returned once the workers' last lines are in (at most 5 s)."""
        now = time.monotonic_ns()
        self.finished.wait(5)
        if self.news:
            self.client.unsubscribe_topic(TOPIC)
            self.client.unsubscribe_topic("all")
            if self.connected:  # a worker lost meanwhile has closed its own
                self.client.run(disconnect, workers=self.connected, on_error="ignore")
            self.server.close()
        return now


class Arrivals(SchedulerPlugin):
    """In this program's own scheduler (a LocalCluster's), on its clock:
    workers that join (ready) and leave (lost)."""

    def add_worker(self, scheduler=None, worker=None, **kwargs):
        trace("ready", worker=worker)

    def remove_worker(self, scheduler=None, worker=None, **kwargs):
        trace("lost", worker=worker)


)py");
}
} // namespace

QString pythonProgram(const RunPlan &plan, PythonTracing tracing)
{
    const bool traced = tracing == PythonTracing::On;
    const StrategyEntry *entry = findStrategy(plan.strategy);
    if (!entry)
        return {};
    const StrategyInfo &info = entry->info;
    const WorkloadSpec &workload = plan.workload;

    const Durations durations = durationsCode(plan, traced);
    const Workers workers = info.usesWorkerCount ? workersCode(plan, traced) : Workers{};
    const StrategyCode strategy = strategyCode(plan, workers.value, tracing);
    QStringList imports = strategy.imports;
    const QString gil = gilSetup(plan, imports);
    if (workload.gil == TaskGil::Released && workload.kind != TaskKind::Sleep)
        imports << QStringLiteral("import hashlib");
    if (traced)
        imports << QStringLiteral("import json") << QStringLiteral("import os")
                << QStringLiteral("import signal") << QStringLiteral("import threading");
    if (durations.usesRandom)
        imports << QStringLiteral("import random");
    if (workers.usesCpuCount)
        imports << QStringLiteral("import multiprocessing");

    const QString fileName = pythonFileName(plan);
    const QString header = comment(QStringLiteral("%1: %2 %3 tasks of %4")
                                       .arg(info.name,
                                           QString::number(workload.taskCount),
                                           kindPhrase(workload),
                                           workload.duration.toString()))
        + comment(workersPhrase(plan, info) + u'.')
        + comment(QStringLiteral("Save as %1 and run: python3 %1").arg(fileName));

    const Shape shape = shapeOf(plan);
    const bool cluster = shape == Shape::Cluster || shape == Shape::ClusterBatches;
    QString tasks = taskCode(workload);
    QString main;
    if (traced)
        main += QStringLiteral("threading.Thread(target=leave_with_parent, daemon=True).start()\n");
    main += durations.code;
    if (traced) {
        // The task as shown becomes work(); task() wraps it with the tracer's two lines.
        const auto at = tasks.lastIndexOf(QLatin1String("def task("));
        tasks.replace(at, 9, QStringLiteral("def work("));
        tasks = QStringLiteral(
                    "TRACE = \"\\x1eparviz \"  # lines for ParViz; the rest is the program's\n"
                    "\n"
                    "\n")
            + (cluster ? clusterTraceCode() : localTraceCode())
            + QStringLiteral(
                "def leave_with_parent():\n"
                "    \"\"\"ParViz holds standard input open while it runs: its end means ParViz "
                "is\n"
                "    gone (killed, perhaps). Remove this file and its folder, which ParViz\n"
                "    cannot any more, and end the program with its worker processes: its\n"
                "    process group, which ParViz made for it.\"\"\"\n"
                "    while os.read(0, 4096):\n"
                "        pass\n"
                "    try:\n"
                "        os.remove(__file__)\n"
                "        os.rmdir(os.path.dirname(os.path.abspath(__file__)))\n"
                "    except OSError:\n"
                "        pass\n"
                "    if os.getpgrp() == os.getpid():\n"
                "        os.killpg(0, signal.SIGKILL)\n"
                "    os._exit(1)\n"
                "\n"
                "\n")
            + tasks
            + QStringLiteral("\n\n"
                             "def task(item):\n"
                             "    \"\"\"work(seconds), traced: when, on which thread of which "
                             "process.\"\"\"\n"
                             "    index, seconds = item\n"
                             "    trace(\"start\", task=index)\n"
                             "    result = work(seconds)\n"
                             "    trace(\"done\", task=index)\n"
                             "    return result\n");
        main += QStringLiteral("durations = list(enumerate(durations))  # (task, seconds)\n");
    }
    main += workers.setup + gil + strategy.setup + QStringLiteral("start = time.perf_counter()\n");
    if (traced)
        main += QStringLiteral("trace(\"begin\")\n");
    main += strategy.body;
    if (traced)
        main += cluster ? QStringLiteral("trace(\"end\", t=relay.wait())\n")
                        : QStringLiteral("trace(\"end\")\n");
    main += QStringLiteral("print(f\"Finished in {time.perf_counter() - start:.2f} seconds\")\n")
        + strategy.after;
    return header + u'\n' + importsCode(imports, strategy.thirdParty) + QStringLiteral("\n\n")
        + tasks + QStringLiteral("\n\ndef main():\n") + indented(main)
        + QStringLiteral("\n\nif __name__ == \"__main__\":\n    main()\n");
}

QString pythonFileName(const RunPlan &plan)
{
    QString name = QString(plan.strategy).replace(u'-', u'_');
    if (name == QLatin1String("dask"))
        name += QLatin1String("_cluster");
    return name + QStringLiteral(".py");
}

// No C++ of ParViz's runs a Dask cluster: Dask does, in the program beside, which ParViz runs
// and reads.
QString clusterSketch(const RunPlan &plan)
{
    return fill(
        QStringLiteral(
            "// core/python/cpythonengine.cpp: Dask runs the tasks, in the Python program\n"
            "// beside ({file}, traced); ParViz runs it and reads its lines as they come.\n"
            "QProcess python;   // a process group of its own: Stop ends it, and the\n"
            "                   // cluster it started, together\n"
            "python.start(interpreter, {program});\n"
            "while (python.state() != QProcess::NotRunning) {\n"
            "    python.waitForReadyRead(20);\n"
            "    // \"start\" and \"done\" of a worker thread (Worker.log_event, relayed):\n"
            "    //   a run on its row, after a dispatch gap while tasks were queued;\n"
            "    // \"ready\": the worker joined, its rows' spawn segments end;\n"
            "    // \"lost\": its tasks under way end interrupted; Dask runs them again.\n"
            "}\n"),
        {{"file", pythonFileName(plan)}});
}

QString cppCall(const RunPlan &plan)
{
    if (const Shape shape = shapeOf(plan);
        shape == Shape::Cluster || shape == Shape::ClusterBatches)
        return clusterSketch(plan);
    const QString sketch = strategySketch(plan);
    if (sketch.isEmpty())
        return {};
    return sketch + u'\n' + taskBodySketch(plan);
}

} // namespace parviz
