#include "flags.h"

#include "util/format.h"
#include "util/output.h"

#include <QApplication>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRegularExpression>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <limits>
#include <map>
#include <set>
#include <sys/stat.h>

namespace parviz::cli {

Error usage(const QString &flag, const QString &message)
{
    return Error{flag, message};
}

void printError(const QString &message)
{
    std::fprintf(stderr, "parviz-cli: %s\n", qPrintable(message.simplified()));
}

int report(const Error &usageError)
{
    printError(usageError.code.isEmpty()
            ? usageError.message
            : usageError.code + QStringLiteral(": ") + usageError.message);
    return ExitUsage;
}

Result<long long> wholeNumber(
    const char *flag, const std::string &text, long long min, long long max)
{
    const QString trimmed = QString::fromStdString(text).trimmed();
    bool ok = false;
    const long long value = trimmed.toLongLong(&ok);
    const QString allowed = QStringLiteral("use a whole number from %1 to %2").arg(min).arg(max);
    // Digits that do not fit in 64 bits are a whole number still, far out of range.
    static const QRegularExpression digits(QStringLiteral("^[+-]?[0-9]+$"));
    if (!ok && digits.match(trimmed).hasMatch())
        return usage(QLatin1String(flag),
            QStringLiteral("%1 is out of range (%2)").arg(excerpt(trimmed), allowed));
    if (!ok)
        return usage(QLatin1String(flag),
            QStringLiteral("'%1' is not a whole number (%2)").arg(excerpt(trimmed), allowed));
    if (value < min || value > max)
        return usage(
            QLatin1String(flag), QStringLiteral("%1 is out of range (%2)").arg(value).arg(allowed));
    return value;
}

Result<double> realNumber(const char *flag, const std::string &text, double min, double max)
{
    bool ok = false;
    const double value = QString::fromStdString(text).trimmed().toDouble(&ok);
    const QString allowed = QStringLiteral("use a number from %1 to %2").arg(min).arg(max);
    if (!ok || !std::isfinite(value))
        return usage(QLatin1String(flag),
            QStringLiteral("'%1' is not a number (%2)")
                .arg(excerpt(QString::fromStdString(text)), allowed));
    if (value < min || value > max)
        return usage(
            QLatin1String(flag), QStringLiteral("%1 is out of range (%2)").arg(value).arg(allowed));
    return value;
}

void WorkloadFlags::addTo(CLI::App &command, bool workerFlags)
{
    tasksOption = command
                      .add_option("--tasks,-n",
                          tasks,
                          "Number of tasks, 1 to 1000000 (default 10, or one per duration of a "
                          "list:)")
                      ->type_name("N");
    command
        .add_option("--duration,-d",
            duration,
            "How long each task takes: 100ms, 0.1s, uniform:50ms..150ms, exp:100ms, "
            "list:0.1s,1s,0.3s")
        ->type_name("SPEC")
        ->capture_default_str();
    command.add_option("--kind,-k", kind, "sleep (I/O-bound), cpu (real arithmetic) or mixed")
        ->type_name("KIND")
        ->capture_default_str();
    command
        .add_option("--gil",
            gil,
            "How the tasks' computing uses the GIL, where they run as threads of one process: "
            "held (pure Python: threads take turns), released (hashlib, NumPy: threads compute "
            "in parallel) or none (a free-threaded CPython)")
        ->type_name("held|released|none")
        ->capture_default_str();
    command.add_option("--io-share", ioShare, "For mixed tasks: the share spent sleeping, 0 to 1")
        ->type_name("X")
        ->capture_default_str();
    if (workerFlags) {
        workersOption = command.add_option("--workers,-w", workers, "Number of workers, 1 to 1024")
                            ->type_name("N");
        auto *fractionOption = command
                                   .add_option("--fraction,-f",
                                       fraction,
                                       "Workers as a fraction of the logical CPUs, 0.05 to 4: "
                                       "max(1, floor(F * cpus)), as int(0.8 * cpu_count())")
                                   ->type_name("F")
                                   ->capture_default_str();
        workersOption->excludes(fractionOption);
    }
    command.add_option("--seed", seed, "Seed for random durations, 0 to 2^64-1")
        ->type_name("N")
        ->capture_default_str();
    command
        .add_option("--chunksize", chunkSize, "pool-map, process-pool: tasks handed out at once")
        ->type_name("N")
        ->capture_default_str();
    command
        .add_option("--switch-interval",
            switchInterval,
            "Threads under the GIL: its switch interval, as sys.setswitchinterval()")
        ->type_name("TIME")
        ->capture_default_str();
    command
        .add_option("--on-worker-death",
            onWorkerDeath,
            "process-pool: fail the run when a worker process dies (as BrokenProcessPool), or "
            "restart it and run its tasks again")
        ->type_name("fail|restart")
        ->capture_default_str();
    command
        .add_option("--backend",
            backend,
            "batched: joblib's backend, loky (worker processes, kept for the next run), "
            "threading (threads of this process) or dask (each batch a task on a Dask cluster: "
            "see --threads-per-worker, --dask-scheduler)")
        ->type_name("loky|threading|dask")
        ->capture_default_str();
    command
        .add_option("--threads-per-worker",
            threadsPerWorker,
            "dask, and batched with --backend dask: the threads of each Dask worker process, 1 "
            "to 256; a row each")
        ->type_name("T")
        ->capture_default_str();
    command
        .add_option("--dask-scheduler",
            daskScheduler,
            "dask, and batched with --backend dask: run on the existing cluster whose scheduler "
            "is at this address, and leave it running (default: start a LocalCluster for the "
            "run)")
        ->type_name("tcp://HOST:PORT");
    command
        .add_option("--stall-timeout",
            stallTimeout,
            "process-pool, batched with loky: a worker process holding a task that sends nothing "
            "for this long, or ten times the task's planned duration if that is longer, is "
            "stalled: it is killed, and --on-worker-death applies")
        ->type_name("TIME")
        ->capture_default_str();
    command
        .add_option("--start-timeout",
            startTimeout,
            "process-pool: how long a worker process may take to start")
        ->type_name("TIME")
        ->capture_default_str();
    command.add_flag("--no-join",
        noJoin,
        "The caller does not wait for its workers (start() without join()): the main row ends "
        "once everything is submitted; the workers still finish");
}

Result<Workload> parseWorkload(const WorkloadFlags &flags)
{
    Workload result;
    WorkloadSpec &workload = result.spec;
    auto duration = DurationSpec::parse(QString::fromStdString(flags.duration));
    if (!duration)
        return usage(QStringLiteral("--duration"), duration.error().message);
    workload.duration = *duration;
    const auto kind = taskKindFromName(QString::fromStdString(flags.kind));
    if (!kind)
        return usage(QStringLiteral("--kind"),
            QStringLiteral("'%1' is not a task kind (use sleep, cpu or mixed)")
                .arg(excerpt(QString::fromStdString(flags.kind))));
    workload.kind = *kind;
    const auto gil = taskGilFromName(QString::fromStdString(flags.gil));
    if (!gil)
        return usage(QStringLiteral("--gil"),
            QStringLiteral("'%1' is not a choice (use held, released or none)")
                .arg(excerpt(QString::fromStdString(flags.gil))));
    workload.gil = *gil;
    const auto ioShare = realNumber("--io-share", flags.ioShare, 0.0, 1.0);
    if (!ioShare)
        return ioShare.error();
    workload.ioShare = *ioShare;
    bool seedOk = false;
    workload.seed = QString::fromStdString(flags.seed).toULongLong(&seedOk);
    if (!seedOk)
        return usage(QStringLiteral("--seed"),
            QStringLiteral("'%1' is not a seed (use a whole number from 0 to %2)")
                .arg(excerpt(QString::fromStdString(flags.seed)))
                .arg(std::numeric_limits<std::uint64_t>::max()));
    const auto tasks = wholeNumber("--tasks", flags.tasks, 1, WorkloadSpec::MaxTasks);
    if (!tasks)
        return tasks.error();
    // A list of durations without --tasks means one task per listed duration.
    const bool tasksGiven = flags.tasksOption && flags.tasksOption->count() > 0;
    workload.taskCount =
        !tasksGiven && workload.duration.distribution == DurationSpec::Distribution::List
        ? static_cast<int>(workload.duration.listNs.size())
        : static_cast<int>(*tasks);

    if (flags.workersOption && flags.workersOption->count() > 0) {
        const auto workers = wholeNumber("--workers", flags.workers, 1, WorkerCount::MaxWorkers);
        if (!workers)
            return workers.error();
        result.workers = WorkerCount::exactly(static_cast<int>(*workers));
    } else {
        const auto fraction = realNumber(
            "--fraction", flags.fraction, WorkerCount::MinFraction, WorkerCount::MaxFraction);
        if (!fraction)
            return fraction.error();
        result.workers = WorkerCount::ofCpus(*fraction);
    }

    StrategyOptions &options = result.options;
    const auto chunkSize = wholeNumber("--chunksize", flags.chunkSize, 1, WorkloadSpec::MaxTasks);
    if (!chunkSize)
        return chunkSize.error();
    options.chunkSize = static_cast<int>(*chunkSize);
    auto switchInterval = parseDurationNs(QString::fromStdString(flags.switchInterval));
    if (!switchInterval)
        return usage(QStringLiteral("--switch-interval"), switchInterval.error().message);
    options.switchIntervalNs = *switchInterval;
    if (flags.onWorkerDeath == "restart")
        options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    else if (flags.onWorkerDeath != "fail")
        return usage(QStringLiteral("--on-worker-death"),
            QStringLiteral("'%1' is not a choice (use fail or restart)")
                .arg(excerpt(QString::fromStdString(flags.onWorkerDeath))));
    const auto backend = joblibBackendFromName(QString::fromStdString(flags.backend));
    if (!backend)
        return usage(QStringLiteral("--backend"),
            QStringLiteral("'%1' is not a choice (use loky, threading or dask)")
                .arg(excerpt(QString::fromStdString(flags.backend))));
    options.backend = *backend;
    // The bounds StrategyOptions::validate() checks, said as every other flag says them.
    const auto threadsPerWorker =
        wholeNumber("--threads-per-worker", flags.threadsPerWorker, 1, 256);
    if (!threadsPerWorker)
        return threadsPerWorker.error();
    options.threadsPerWorker = static_cast<int>(*threadsPerWorker);
    options.daskScheduler = QString::fromStdString(flags.daskScheduler).trimmed();
    auto startTimeout = parseDurationNs(QString::fromStdString(flags.startTimeout));
    if (!startTimeout)
        return usage(QStringLiteral("--start-timeout"), startTimeout.error().message);
    options.workerStartTimeoutNs = *startTimeout;
    auto stallTimeout = parseDurationNs(QString::fromStdString(flags.stallTimeout));
    if (!stallTimeout)
        return usage(QStringLiteral("--stall-timeout"), stallTimeout.error().message);
    options.workerStallTimeoutNs = *stallTimeout;
    options.join = !flags.noJoin;
    return result;
}

QString flagForPlanError(const QString &code)
{
    static const std::map<QString, QString> flags{
        {QStringLiteral("unknown-strategy"), QStringLiteral("--strategy")},
        {QStringLiteral("bad-tasks"), QStringLiteral("--tasks")},
        {QStringLiteral("bad-duration"), QStringLiteral("--duration")},
        {QStringLiteral("bad-io-share"), QStringLiteral("--io-share")},
        {QStringLiteral("bad-workers"), QStringLiteral("--workers")},
        {QStringLiteral("bad-fraction"), QStringLiteral("--fraction")},
        {QStringLiteral("bad-chunksize"), QStringLiteral("--chunksize")},
        {QStringLiteral("bad-switch-interval"), QStringLiteral("--switch-interval")},
        {QStringLiteral("bad-start-timeout"), QStringLiteral("--start-timeout")},
        {QStringLiteral("bad-stall-timeout"), QStringLiteral("--stall-timeout")},
        {QStringLiteral("bad-threads-per-worker"), QStringLiteral("--threads-per-worker")},
        {QStringLiteral("bad-dask-scheduler"), QStringLiteral("--dask-scheduler")},
    };
    const auto found = flags.find(code);
    return found == flags.end() ? QString() : found->second;
}

void ExportFlags::addTo(CLI::App &command, bool withTrace, const char *pictureOf)
{
    // An empty FILE ("--json ''", an unset shell variable) would otherwise mean no export at
    // all, silently.
    const CLI::Validator fileName(
        [](std::string &path) {
            return path.empty() ? std::string("needs a file name ('-' for standard output), not an "
                                              "empty one")
                                : std::string();
        },
        std::string()); // no description: the help says FILE already
    command.add_option("--json", json, "Write the results, every event included, as JSON to FILE")
        ->type_name("FILE")
        ->check(fileName);
    command
        .add_option("--csv",
            csv,
            withTrace ? "Write every event as CSV to FILE"
                      : "Write the speedup table as CSV to FILE")
        ->type_name("FILE")
        ->check(fileName);
    if (withTrace)
        command
            .add_option("--trace",
                trace,
                "Write a Chrome trace to FILE, for ui.perfetto.dev or chrome://tracing")
            ->type_name("FILE")
            ->check(fileName);
    const std::string picture = std::string("Draw ") + pictureOf;
    command.add_option("--png", png, picture + " as a PNG image to FILE")
        ->type_name("FILE")
        ->check(fileName);
    command.add_option("--svg", svg, picture + " as an SVG drawing to FILE")
        ->type_name("FILE")
        ->check(fileName);
    command.add_option("--pdf", pdf, picture + " as a one-page PDF to FILE")
        ->type_name("FILE")
        ->check(fileName);
    command
        .add_option("--picture-width",
            pictureWidth,
            "Width of the pictures in pixels (points in the PDF), 400 to 8000")
        ->type_name("PX")
        ->capture_default_str();
    command
        .add_option("--picture-scale",
            pictureScale,
            "Pixels per picture pixel in the PNG, 1 to 4: 2 for slides and print")
        ->type_name("X")
        ->capture_default_str();
    command.add_flag(
        "--dark-pictures", darkPictures, "Draw the pictures in the dark theme (default: light)");
}

namespace {

// What a path names, whatever its spelling: an existing file by its device and inode (a
// symbolic link, a hard link and "w/./s.out" are all that file); a file still to be made by
// its folder's canonical path and its name. Two exports with one identity would write one file.
QString fileIdentity(const std::string &path)
{
    const QString name = QString::fromStdString(path);
    struct stat status;
    if (::stat(QFile::encodeName(name).constData(), &status) == 0)
        return QStringLiteral("inode %1:%2").arg(status.st_dev).arg(status.st_ino);
    const QFileInfo info(name);
    const QString folder = info.absolutePath();
    const QString canonical = QFileInfo(folder).canonicalFilePath();
    // A folder that does not exist either: the export will fail, but not twice over.
    return QStringLiteral("path ")
        + (canonical.isEmpty() ? QDir::cleanPath(info.absoluteFilePath())
                               : canonical + u'/' + info.fileName());
}

} // namespace

Result<void> ExportFlags::check() const
{
    const std::pair<const char *, const std::string *> exports[] = {{"--json", &json},
        {"--csv", &csv},
        {"--trace", &trace},
        {"--png", &png},
        {"--svg", &svg},
        {"--pdf", &pdf}};
    std::map<QString, std::pair<const char *, const std::string *>> seen; // by identity
    for (const auto &[flag, path] : exports) {
        if (path->empty())
            continue;
        const QString identity = *path == "-" ? QStringLiteral("-") : fileIdentity(*path);
        if (const auto found = seen.find(identity); found != seen.end()) {
            const auto &[otherFlag, otherPath] = found->second;
            if (*path == "-")
                return usage(QLatin1String(flag),
                    QStringLiteral("only one export can go to standard output; %1 already does")
                        .arg(QLatin1String(otherFlag)));
            if (*path == *otherPath)
                return usage(QLatin1String(flag),
                    QStringLiteral("'%1' is already written by %2")
                        .arg(QString::fromStdString(*path), QLatin1String(otherFlag)));
            return usage(QLatin1String(flag),
                QStringLiteral("'%1' is the file '%2' that %3 already writes")
                    .arg(QString::fromStdString(*path),
                        QString::fromStdString(*otherPath),
                        QLatin1String(otherFlag)));
        }
        seen.emplace(identity, std::pair{flag, path});
    }
    const auto width = wholeNumber("--picture-width", pictureWidth, 400, 8000);
    if (!width)
        return width.error();
    const auto scale = realNumber("--picture-scale", pictureScale, 1.0, 4.0);
    if (!scale)
        return scale.error();
    // A picture of 8000 x 4 pixels a side would need gigabytes.
    if (const double pixels = double(*width) * *scale; pixels > MaxPicturePixels)
        return usage(QStringLiteral("--picture-scale"),
            QStringLiteral("the PNG would be %1 pixels wide; keep width x scale at most %2")
                .arg(pixels)
                .arg(MaxPicturePixels));
    return {};
}

Result<void> ExportFlags::checkWritable() const
{
    for (const std::string *path : {&json, &csv, &trace, &png, &svg, &pdf}) {
        if (path->empty())
            continue;
        if (auto writable = parviz::checkWritable(QString::fromStdString(*path)); !writable)
            return writable.error();
    }
    return {};
}

bool ExportFlags::toStdout() const
{
    return json == "-" || csv == "-" || trace == "-" || png == "-" || svg == "-" || pdf == "-";
}

int ExportFlags::width() const
{
    return static_cast<int>(wholeNumber("--picture-width", pictureWidth, 400, 8000).value());
}

double ExportFlags::scale() const
{
    return realNumber("--picture-scale", pictureScale, 1.0, 4.0).value();
}

struct PictureApplication::Private
{
    std::unique_ptr<QApplication> app;
};

namespace {

QtMessageHandler defaultHandler = nullptr;

// Without a desktop session Qt warns that XDG_RUNTIME_DIR is unset, and the offscreen platform
// that it cannot propagate size hints; a command line that only draws pictures has no use for
// either, and its stderr is for the user's errors.
void quietHandler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    if (type == QtWarningMsg
        && (message.contains(QLatin1String("XDG_RUNTIME_DIR"))
            || message.contains(QLatin1String("propagateSizeHints"))))
        return;
    defaultHandler(type, context, message);
}

} // namespace

PictureApplication::PictureApplication(int &argc, char **argv)
    : d(std::make_unique<Private>())
{
    defaultHandler = qInstallMessageHandler(quietHandler);
    // A command line draws its pictures without a window: no display needed, none used, even
    // where the environment names one that is not there.
    qputenv("QT_QPA_PLATFORM", "offscreen");
    d->app = std::make_unique<QApplication>(argc, argv);
}

PictureApplication::~PictureApplication() = default;

} // namespace parviz::cli
