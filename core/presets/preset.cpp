#include "presets/preset.h"

#include "metrics/runmetrics.h"
#include "run/planning.h"
#include "strategies/strategyregistry.h"
#include "util/format.h"
#include "util/output.h"
#include "util/regularfile.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QStandardPaths>

#include <algorithm>
#include <cmath>
#include <dirent.h>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

namespace parviz {

namespace {

// Reads a preset's members with one message per mistake, naming the member.
class PresetReader
{
public:
    explicit PresetReader(const QJsonObject &object)
        : m_object(object)
    { }

    Result<QString> text(
        const char *key, bool required, int maxLength = Preset::MaxExplanationLength) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined()) {
            if (required)
                return missing(key);
            return QString();
        }
        if (!value.isString())
            return wrongType(key, "a string");
        // Qt's JSON reader drops a U+FEFF (byte order mark) that starts a string or follows an
        // escape in it, and keeps one elsewhere, so the same text can read back differently
        // once saved with other escapes. The mark is invisible: it is never kept, anywhere,
        // and a preset saved and read again reads the same.
        QString text = value.toString();
        text.remove(QChar(0xFEFF));
        if (text.size() > maxLength)
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"%1\" is longer than %2 characters")
                    .arg(QLatin1String(key))
                    .arg(maxLength)};
        return text;
    }

    // A whole number in [min, max], or `fallback` when absent.
    Result<qint64> whole(
        const char *key, qint64 min, qint64 max, std::optional<qint64> fallback) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined()) {
            if (fallback)
                return *fallback;
            return missing(key);
        }
        const double number = value.toDouble(std::nan(""));
        if (!value.isDouble() || number != std::floor(number))
            return wrongType(key, "a whole number");
        if (number < double(min) || number > double(max))
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"%1\" is %2; use %3 to %4")
                    .arg(QLatin1String(key))
                    .arg(QString::number(number, 'g', 16))
                    .arg(min)
                    .arg(max)};
        return static_cast<qint64>(number);
    }

    Result<double> real(const char *key, double fallback) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            return fallback;
        if (!value.isDouble())
            return wrongType(key, "a number");
        return value.toDouble();
    }

    Result<bool> boolean(const char *key, bool fallback) const
    {
        const QJsonValue value = m_object.value(QLatin1String(key));
        if (value.isUndefined())
            return fallback;
        if (!value.isBool())
            return wrongType(key, "true or false");
        return value.toBool();
    }

    Result<std::int64_t> duration(const char *key, std::int64_t fallback) const
    {
        auto given = text(key, false);
        if (!given)
            return given.error();
        if (given->isEmpty())
            return fallback;
        auto ns = parseDurationNs(*given);
        if (!ns)
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"%1\": %2").arg(QLatin1String(key), ns.error().message)};
        return ns;
    }

    // Every member is one of `known`: a misspelt one would otherwise be silently ignored.
    Result<void> onlyKnown(std::initializer_list<const char *> known) const
    {
        for (auto it = m_object.begin(); it != m_object.end(); ++it) {
            const bool isKnown = std::any_of(known.begin(), known.end(), [&](const char *key) {
                return it.key() == QLatin1String(key);
            });
            if (!isKnown)
                return Error{QStringLiteral("bad-preset"),
                    QStringLiteral("unknown member \"%1\"").arg(it.key())};
        }
        return {};
    }

private:
    static Error missing(const char *key)
    {
        return {QStringLiteral("bad-preset"),
            QStringLiteral("\"%1\" is missing").arg(QLatin1String(key))};
    }
    static Error wrongType(const char *key, const char *what)
    {
        return {QStringLiteral("bad-preset"),
            QStringLiteral("\"%1\" must be %2").arg(QLatin1String(key), QLatin1String(what))};
    }

    const QJsonObject &m_object;
};

Result<StrategyOptions> parseOptions(const QJsonValue &value)
{
    StrategyOptions options;
    if (value.isUndefined())
        return options;
    if (!value.isObject())
        return Error{QStringLiteral("bad-preset"), QStringLiteral("\"options\" must be an object")};
    const QJsonObject object = value.toObject();
    const PresetReader read(object);
    if (auto known = read.onlyKnown({"chunksize",
            "switch_interval",
            "join",
            "on_worker_death",
            "start_timeout",
            "stall_timeout",
            "backend",
            "threads_per_worker",
            "dask_scheduler"});
        !known)
        return known.error();
    auto chunkSize = read.whole("chunksize", 1, WorkloadSpec::MaxTasks, 1);
    if (!chunkSize)
        return chunkSize.error();
    options.chunkSize = static_cast<int>(*chunkSize);
    auto switchInterval = read.duration("switch_interval", options.switchIntervalNs);
    if (!switchInterval)
        return switchInterval.error();
    options.switchIntervalNs = *switchInterval;
    auto join = read.boolean("join", true);
    if (!join)
        return join.error();
    options.join = *join;
    auto death = read.text("on_worker_death", false);
    if (!death)
        return death.error();
    if (*death == QLatin1String("restart"))
        options.onWorkerDeath = StrategyOptions::WorkerDeath::Restart;
    else if (!death->isEmpty() && *death != QLatin1String("fail"))
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("\"on_worker_death\" is \"fail\" or \"restart\", not \"%1\"")
                .arg(*death)};
    auto backend = read.text("backend", false);
    if (!backend)
        return backend.error();
    if (!backend->isEmpty()) {
        const auto chosen = joblibBackendFromName(*backend);
        if (!chosen)
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"backend\" is \"loky\", \"threading\" or \"dask\", not \"%1\"")
                    .arg(backend->left(40))};
        options.backend = *chosen;
    }
    auto startTimeout = read.duration("start_timeout", options.workerStartTimeoutNs);
    if (!startTimeout)
        return startTimeout.error();
    options.workerStartTimeoutNs = *startTimeout;
    auto stallTimeout = read.duration("stall_timeout", options.workerStallTimeoutNs);
    if (!stallTimeout)
        return stallTimeout.error();
    options.workerStallTimeoutNs = *stallTimeout;
    auto threads = read.whole("threads_per_worker", 1, 256, options.threadsPerWorker);
    if (!threads)
        return threads.error();
    options.threadsPerWorker = static_cast<int>(*threads);
    auto scheduler = read.text("dask_scheduler", false, Preset::MaxSchedulerLength);
    if (!scheduler)
        return scheduler.error();
    options.daskScheduler = scheduler->trimmed();
    if (auto valid = options.validate(); !valid)
        return valid.error();
    return options;
}

// The first key that one object of `json` has twice, if any. `json` is valid JSON (as
// QJsonDocument read it, which keeps the last of such keys without a word).
std::optional<QString> repeatedKey(const QByteArray &json)
{
    struct Container
    {
        bool isObject = false;
        bool keyNext = false; // in an object: the next string is a key
        QSet<QString> keys;
    };
    std::vector<Container> open;
    for (qsizetype i = 0; i < json.size(); ++i) {
        switch (json[i]) {
        case '{':
            open.push_back({true, true, {}});
            break;
        case '[':
            open.push_back({false, false, {}});
            break;
        case '}':
        case ']':
            if (!open.empty())
                open.pop_back();
            break;
        case ',':
            if (!open.empty() && open.back().isObject)
                open.back().keyNext = true;
            break;
        case '"': {
            const qsizetype start = i;
            bool escaped = false;
            for (++i; i < json.size() && json[i] != '"'; ++i) {
                if (json[i] == '\\') {
                    escaped = true;
                    ++i;
                }
            }
            if (open.empty() || !open.back().keyNext)
                break;
            open.back().keyNext = false;
            const QByteArray quoted = json.mid(start, i - start + 1);
            // "t\u0069tle" is "title": let the JSON reader decode what has escapes.
            const QString key = escaped
                ? QJsonDocument::fromJson('[' + quoted + ']').array().at(0).toString()
                : QString::fromUtf8(quoted.mid(1, quoted.size() - 2));
            if (open.back().keys.contains(key))
                return key;
            open.back().keys.insert(key);
            break;
        }
        default:
            break;
        }
    }
    return std::nullopt;
}

// A *.json file of a presets folder: its name for people, and for the system.
struct PresetFile
{
    QString path; // decoded, U+FFFD where the name is not valid UTF-8
    QByteArray nativePath; // empty for a resource
};

// The number a file's name starts with, as 10 of "10-outgrowing-one-machine.json"; names
// without one come after every number.
qint64 leadingNumber(const QString &path)
{
    const QString name = QFileInfo(path).fileName();
    const auto end =
        std::find_if(name.begin(), name.end(), [](QChar c) { return c < u'0' || c > u'9'; });
    bool isNumber = false; // not when there are no digits, or too many
    const qint64 number = name.left(end - name.begin()).toLongLong(&isNumber);
    return isNumber ? number : std::numeric_limits<qint64>::max();
}

// The *.json files of `directory`, in file-name order, a leading number by its value ("9-"
// before "10-", as the presets are numbered). A folder on disk is listed by the bytes of its
// names, which Qt's own listing decodes into names that no longer open.
std::vector<PresetFile> presetFiles(const QString &directory)
{
    std::vector<PresetFile> files;
    const auto inOrder = [](const PresetFile &a, const PresetFile &b) {
        return std::tuple(leadingNumber(a.path), a.path, a.nativePath)
            < std::tuple(leadingNumber(b.path), b.path, b.nativePath);
    };
    if (!QFileInfo(directory).isNativePath()) {
        const QDir dir(directory);
        for (const QFileInfo &info :
            dir.entryInfoList({QStringLiteral("*.json")}, QDir::Files, QDir::Name))
            files.push_back({info.filePath(), {}});
        std::sort(files.begin(), files.end(), inOrder);
        return files;
    }
    const QByteArray nativeDirectory = QFile::encodeName(directory);
    const std::unique_ptr<DIR, int (*)(DIR *)> dir(
        ::opendir(nativeDirectory.constData()), ::closedir);
    if (!dir)
        return files; // no folder: no presets of one's own yet
    while (const dirent *entry = ::readdir(dir.get())) {
        const QByteArray name(entry->d_name);
        if (name.startsWith('.') || !name.endsWith(".json"))
            continue;
        files.push_back({directory + u'/' + QFile::decodeName(name), nativeDirectory + '/' + name});
    }
    std::sort(files.begin(), files.end(), inOrder);
    return files;
}

} // namespace

Result<Preset> parsePreset(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("not JSON: %1 at byte %2")
                .arg(parseError.errorString())
                .arg(parseError.offset)};
    if (!document.isObject())
        return Error{QStringLiteral("bad-preset"), QStringLiteral("not a JSON object")};
    if (const auto key = repeatedKey(json)) {
        const QString shown = key->size() > 40 ? key->left(40) + QStringLiteral("...") : *key;
        return Error{
            QStringLiteral("bad-preset"), QStringLiteral("\"%1\" is given twice").arg(shown)};
    }
    const QJsonObject object = document.object();
    const PresetReader read(object);

    const QJsonValue format = object.value(QLatin1String("parviz_preset"));
    if (format.isUndefined())
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("not a ParViz preset (it has no \"parviz_preset\" member)")};
    if (!format.isDouble())
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("\"parviz_preset\" must be a whole number (the preset format, %1)")
                .arg(Preset::Format)};
    if (format.toInt(-1) != Preset::Format)
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("preset format %1 is not one this ParViz reads (it reads %2)")
                .arg(format.toVariant().toString())
                .arg(Preset::Format)};
    if (auto known = read.onlyKnown({"parviz_preset",
            "title",
            "explanation",
            "strategy",
            "tasks",
            "kind",
            "gil",
            "io_share",
            "duration",
            "seed",
            "workers",
            "fraction",
            "options",
            "compare"});
        !known)
        return known.error();

    Preset preset;
    auto title = read.text("title", true, Preset::MaxTitleLength);
    if (!title)
        return title.error();
    if (title->trimmed().isEmpty())
        return Error{QStringLiteral("bad-preset"), QStringLiteral("\"title\" is empty")};
    preset.title = title->trimmed();
    auto explanation = read.text("explanation", false);
    if (!explanation)
        return explanation.error();
    preset.explanation = *explanation;
    auto strategy = read.text("strategy", true, 100);
    if (!strategy)
        return strategy.error();
    preset.strategy = *strategy;
    // An older id ("gil-threads") names the strategy it became, with the GIL use it implied.
    if (const StrategyEntry *entry = findStrategy(*strategy)) {
        if (const auto gil = gilImpliedBy(*strategy))
            preset.workload.gil = *gil;
        preset.strategy = entry->info.id;
    }

    auto tasks = read.whole("tasks", 1, WorkloadSpec::MaxTasks, std::nullopt);
    if (!tasks)
        return tasks.error();
    preset.workload.taskCount = static_cast<int>(*tasks);
    auto kind = read.text("kind", false, 20);
    if (!kind)
        return kind.error();
    if (!kind->isEmpty()) {
        const auto known = taskKindFromName(*kind);
        if (!known)
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"kind\" is sleep, cpu or mixed, not \"%1\"").arg(*kind)};
        preset.workload.kind = *known;
    }
    auto gil = read.text("gil", false, 20);
    if (!gil)
        return gil.error();
    if (!gil->isEmpty()) {
        const auto known = taskGilFromName(*gil);
        if (!known)
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"gil\" is held, released or none, not \"%1\"").arg(*gil)};
        preset.workload.gil = *known;
    }
    auto ioShare = read.real("io_share", preset.workload.ioShare);
    if (!ioShare)
        return ioShare.error();
    // Only mixed tasks have an I/O share of their own (the others sleep or compute throughout),
    // and only theirs is saved: taken from any other kind, it would be lost by saving.
    if (preset.workload.kind == TaskKind::Mixed)
        preset.workload.ioShare = *ioShare;
    auto duration = read.text("duration", true, Preset::MaxDurationLength);
    if (!duration)
        return duration.error();
    auto spec = DurationSpec::parse(*duration);
    if (!spec)
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("\"duration\": %1").arg(spec.error().message)};
    preset.workload.duration = std::move(spec).value();
    auto seed = read.whole("seed", 0, std::numeric_limits<int>::max(), 1);
    if (!seed)
        return seed.error();
    preset.workload.seed = static_cast<std::uint64_t>(*seed);

    const bool hasCount = object.contains(QLatin1String("workers"));
    const bool hasFraction = object.contains(QLatin1String("fraction"));
    if (hasCount && hasFraction)
        return Error{QStringLiteral("bad-preset"),
            QStringLiteral("give \"workers\" (a count) or \"fraction\" (of the CPUs), not both")};
    if (hasCount) {
        auto count = read.whole("workers", 1, WorkerCount::MaxWorkers, std::nullopt);
        if (!count)
            return count.error();
        preset.workers = WorkerCount::exactly(static_cast<int>(*count));
    } else {
        auto fraction = read.real("fraction", 0.8);
        if (!fraction)
            return fraction.error();
        preset.workers = WorkerCount::ofCpus(*fraction);
    }

    auto options = parseOptions(object.value(QLatin1String("options")));
    if (!options)
        return options.error();
    preset.options = *options;

    const QJsonValue compare = object.value(QLatin1String("compare"));
    if (!compare.isUndefined()) {
        if (!compare.isArray())
            return Error{QStringLiteral("bad-preset"),
                QStringLiteral("\"compare\" must be a list of strategy ids")};
        for (const QJsonValue &id : compare.toArray()) {
            if (!id.isString() || !findStrategy(id.toString()))
                return Error{QStringLiteral("bad-preset"),
                    QStringLiteral("\"compare\" names \"%1\", which is not a strategy")
                        .arg(id.toVariant().toString())};
            const QString strategyId = findStrategy(id.toString())->info.id;
            if (!preset.compare.contains(strategyId))
                preset.compare << strategyId;
        }
    }

    // Everything the engine checks, on a machine of one CPU (fractions always resolve).
    if (auto plan = preset.plan(1); !plan)
        return plan.error();
    return preset;
}

Result<RunPlan> Preset::plan(std::optional<int> cpus) const
{
    return checkRunPlan(strategy, workload, workers, options, cpus);
}

QString Preset::explanationFor(const RunPlan &plan) const
{
    if (!explanation.contains(u'{'))
        return explanation;
    // The planned work without making a million tasks: the mean of the duration, times the
    // count; the longest only for lists and fixed durations, where it is known exactly.
    const auto &duration = plan.workload.duration;
    const double totalNs = duration.meanNs() * plan.workload.taskCount;
    std::int64_t longestNs = 0;
    if (duration.distribution == DurationSpec::Distribution::Fixed)
        longestNs = duration.valueNs;
    else if (duration.distribution == DurationSpec::Distribution::List)
        longestNs = *std::max_element(duration.listNs.begin(), duration.listNs.end());
    else if (duration.distribution == DurationSpec::Distribution::Uniform)
        longestNs = duration.upperNs;
    const int lanes = laneCountOf(plan);
    const auto bound = std::max(static_cast<std::int64_t>(totalNs / std::max(1, lanes)), longestNs);
    QString text = explanation;
    // A count and its noun agree: "1 core", not "1 cores", on a machine that gives one worker.
    const std::pair<const char *, QString> counted[] = {
        {"{workers} cores", countOf(lanes, "core", "cores")},
        {"{workers} workers", countOf(lanes, "worker", "workers")},
        {"{tasks} tasks", countOf(plan.workload.taskCount, "task", "tasks")},
        {"{cpus} logical CPUs", countOf(plan.cpus, "logical CPU", "logical CPUs")}};
    for (const auto &[phrase, words] : counted)
        text.replace(QLatin1String(phrase), words);
    text.replace(QLatin1String("{cpus}"), QString::number(plan.cpus));
    text.replace(QLatin1String("{workers}"), QString::number(lanes));
    text.replace(QLatin1String("{tasks}"), QString::number(plan.workload.taskCount));
    text.replace(QLatin1String("{total_work}"), formatDuration(std::llround(totalNs)));
    text.replace(QLatin1String("{lower_bound}"), formatDuration(bound));
    return text;
}

QByteArray presetJson(const Preset &preset)
{
    QJsonObject object;
    object.insert(QLatin1String("parviz_preset"), Preset::Format);
    object.insert(QLatin1String("title"), preset.title);
    if (!preset.explanation.isEmpty())
        object.insert(QLatin1String("explanation"), preset.explanation);
    object.insert(QLatin1String("strategy"), preset.strategy);
    object.insert(QLatin1String("tasks"), preset.workload.taskCount);
    object.insert(QLatin1String("kind"), taskKindName(preset.workload.kind));
    if (preset.workload.gil != WorkloadSpec{}.gil)
        object.insert(QLatin1String("gil"), taskGilName(preset.workload.gil));
    if (preset.workload.kind == TaskKind::Mixed)
        object.insert(QLatin1String("io_share"), preset.workload.ioShare);
    object.insert(QLatin1String("duration"), preset.workload.duration.toString());
    object.insert(QLatin1String("seed"), static_cast<qint64>(preset.workload.seed));
    if (preset.workers.count)
        object.insert(QLatin1String("workers"), *preset.workers.count);
    else
        object.insert(QLatin1String("fraction"), preset.workers.fraction);
    const StrategyOptions defaults;
    QJsonObject options;
    if (preset.options.chunkSize != defaults.chunkSize)
        options.insert(QLatin1String("chunksize"), preset.options.chunkSize);
    if (preset.options.switchIntervalNs != defaults.switchIntervalNs)
        options.insert(
            QLatin1String("switch_interval"), durationText(preset.options.switchIntervalNs));
    if (preset.options.join != defaults.join)
        options.insert(QLatin1String("join"), preset.options.join);
    if (preset.options.onWorkerDeath != defaults.onWorkerDeath)
        options.insert(QLatin1String("on_worker_death"), QStringLiteral("restart"));
    if (preset.options.backend != defaults.backend)
        options.insert(QLatin1String("backend"), joblibBackendName(preset.options.backend));
    if (preset.options.workerStallTimeoutNs != defaults.workerStallTimeoutNs)
        options.insert(
            QLatin1String("stall_timeout"), durationText(preset.options.workerStallTimeoutNs));
    if (preset.options.workerStartTimeoutNs != defaults.workerStartTimeoutNs)
        options.insert(
            QLatin1String("start_timeout"), durationText(preset.options.workerStartTimeoutNs));
    if (preset.options.threadsPerWorker != defaults.threadsPerWorker)
        options.insert(QLatin1String("threads_per_worker"), preset.options.threadsPerWorker);
    if (preset.options.daskScheduler != defaults.daskScheduler)
        options.insert(QLatin1String("dask_scheduler"), preset.options.daskScheduler);
    if (!options.isEmpty())
        object.insert(QLatin1String("options"), options);
    if (!preset.compare.isEmpty())
        object.insert(QLatin1String("compare"), QJsonArray::fromStringList(preset.compare));
    return QJsonDocument(object).toJson(QJsonDocument::Indented);
}

void loadPresetDirectory(const QString &directory, bool builtIn, PresetLibrary &into)
{
    for (const PresetFile &file : presetFiles(directory)) {
        auto json = file.nativePath.isEmpty()
            ? readRegularFile(file.path, MaxPresetBytes, "preset")
            : readRegularFile(file.nativePath, MaxPresetBytes, "preset");
        if (!json) {
            into.problems.push_back({file.path, json.error().message});
            continue;
        }
        auto preset = parsePreset(*json);
        if (!preset) {
            into.problems.push_back({file.path, preset.error().message});
            continue;
        }
        // A person's own preset may have a built-in one's file name: the ids stay apart.
        preset->id = (builtIn ? QString() : QStringLiteral("user/"))
            + QFileInfo(file.path).completeBaseName();
        preset->file = file.path;
        preset->builtIn = builtIn;
        into.presets.push_back(std::move(preset).value());
    }
}

PresetLibrary loadPresets(const QString &userDirectory, const QString &olderDirectory)
{
    PresetLibrary library;
    loadPresetDirectory(QStringLiteral(":/presets"), true, library);
    if (!userDirectory.isEmpty())
        loadPresetDirectory(userDirectory, false, library);
    if (olderDirectory.isEmpty() || olderDirectory == userDirectory)
        return library;
    // A file of the older folder that the newer one also has was copied there: the newer wins.
    PresetLibrary older;
    loadPresetDirectory(olderDirectory, false, older);
    const auto inNewer = [&library](const QString &file) {
        const QString name = QFileInfo(file).fileName();
        return std::any_of(library.presets.begin(),
                   library.presets.end(),
                   [&](const Preset &p) {
                       return !p.builtIn && QFileInfo(p.file).fileName() == name;
                   })
            || std::any_of(library.problems.begin(),
                library.problems.end(),
                [&](const PresetProblem &p) { return QFileInfo(p.file).fileName() == name; });
    };
    for (Preset &preset : older.presets) {
        if (!inNewer(preset.file))
            library.presets.push_back(std::move(preset));
    }
    for (PresetProblem &problem : older.problems) {
        if (!inNewer(problem.file))
            library.problems.push_back(std::move(problem));
    }
    return library;
}

QString userPresetDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation)
        + QStringLiteral("/ParViz/presets");
}

QString olderUserPresetDirectory()
{
    return QStandardPaths::writableLocation(QStandardPaths::AppDataLocation)
        + QStringLiteral("/presets");
}

QString presetFileName(const QString &title)
{
    QString name;
    for (const QChar c : title.toLower()) {
        if ((c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9'))
            name += c;
        else if (!name.isEmpty() && !name.endsWith(u'-'))
            name += u'-';
    }
    while (name.endsWith(u'-'))
        name.chop(1);
    if (name.isEmpty())
        name = QStringLiteral("preset");
    return name.left(60) + QStringLiteral(".json");
}

Result<QString> savePreset(const Preset &preset, const QString &directory)
{
    if (!QDir().mkpath(directory))
        return Error{QStringLiteral("cannot-write"),
            QStringLiteral("cannot make the folder %1").arg(directory)};
    const QString path = QDir(directory).filePath(presetFileName(preset.title));
    const QByteArray json = presetJson(preset);
    auto written =
        writeOutput(path, [&json](QIODevice &device) { return device.write(json) == json.size(); });
    if (!written)
        return written.error();
    return path;
}

} // namespace parviz
