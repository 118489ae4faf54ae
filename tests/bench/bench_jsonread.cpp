// Opening a run file three ways, to choose the JSON library the run reader is built on:
//
//   today       loadRunJson(), ParViz's own reader: the whole file read into memory, then a pull
//               parser over it that streams the events into a TraceRecorder;
//   today-mapped
//               readRunJson() over the file mapped into memory (QFile::map());
//   rapidjson   RapidJSON's SAX reader over the file, read through a 64 KiB buffer;
//   rapidjson-memory
//               the same handler over the file read into memory first, as readRunJson(), whose
//               callers hand it the bytes, would use it;
//   simdjson    simdjson's On-Demand front end over the whole file (it wants the document in
//               memory, padded).
//
// The three library readers build what loadRunJson() builds: the plan made again from the
// file's strategy, workload, worker count, options and CPU count, every event checked (its
// row, task, pid, times, kind and order on its row) and appended to a TraceRecorder, and the
// metrics computed again. They read format 1 as the writer writes it, the events after the
// plan's members; the checks name the byte offset and the event index as loadRunJson() does.
//
// A plain program that reads one file once and prints what it read (event count, makespan, a
// checksum of the events, the same for every reader), so that each reader is timed, and its
// peak memory taken, in its own process from outside:
//
//   build/dev/bin/parviz-cli run -n 1000000 -d 0ms -w 2 --json /tmp/run.json
//   /usr/bin/time -v build/dev/bin/bench_jsonread today /tmp/run.json
//   /usr/bin/time -v build/dev/bin/bench_jsonread rapidjson /tmp/run.json

#include "export/runjsonreader.h"
#include "metrics/runmetrics.h"
#include "plan/runplan.h"
#include "run/planning.h"
#include "strategies/strategyregistry.h"
#include "trace/tracerecorder.h"
#include "util/regularfile.h"

#include <QFile>
#include <QString>

#include <charconv>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <limits>
#include <memory>
#include <optional>
#include <rapidjson/error/en.h>
#include <rapidjson/filereadstream.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <simdjson.h>
#include <string>
#include <string_view>
#include <vector>

using namespace parviz;

namespace {

QString fromUtf8(std::string_view text)
{
    return QString::fromUtf8(text.data(), static_cast<qsizetype>(text.size()));
}

std::optional<EventKind> eventKindFromId(std::string_view id)
{
    for (int i = 0; i < EventKindCount; ++i) {
        if (id == eventKindId(static_cast<EventKind>(i)))
            return static_cast<EventKind>(i);
    }
    return std::nullopt;
}

// What the plan is made from, as the file has it.
struct RunHeader
{
    QString strategy;
    int workers = 0;
    std::optional<int> explicitWorkers;
    std::optional<double> workerFraction;
    int cpus = 0;
    int tasks = 0;
    QString taskKind;
    QString duration;
    std::optional<QString> gil;
    std::optional<double> ioShare;
    std::uint64_t seed = WorkloadSpec{}.seed;
    StrategyOptions options = [] {
        StrategyOptions options;
        options.backend = JoblibBackend::Threading;
        return options;
    }();
};

// One event's members, as the file has them, before they are checked.
struct EventFields
{
    std::int64_t task = 0;
    std::int64_t worker = 0;
    std::int64_t pid = 0;
    std::int64_t startNs = 0;
    std::int64_t endNs = 0;
    std::optional<EventKind> kind;
    std::uint8_t flags = 0;
};

// What the library readers share with loadRunJson() beyond the JSON: the plan made again, the
// events checked and recorded, the metrics computed. Errors name a byte offset and an event
// index, as loadRunJson()'s do.
class RunAssembler
{
public:
    const QString &error() const { return m_error; }
    bool fail(std::size_t offset, const QString &message)
    {
        if (m_error.isEmpty())
            m_error = QStringLiteral("byte %1: %2").arg(offset).arg(message);
        return false;
    }

    bool start(const RunHeader &header)
    {
        const WorkerCount count = header.explicitWorkers
            ? WorkerCount::exactly(*header.explicitWorkers)
            : WorkerCount::ofCpus(header.workerFraction.value_or(1.0));
        WorkloadSpec workload;
        workload.taskCount = header.tasks;
        const auto kind = taskKindFromName(header.taskKind);
        auto duration = DurationSpec::parse(header.duration);
        if (!kind || !duration)
            return fail(0, QStringLiteral("bad workload"));
        workload.kind = *kind;
        if (*kind == TaskKind::Mixed && header.ioShare)
            workload.ioShare = *header.ioShare;
        workload.duration = std::move(duration).value();
        workload.seed = header.seed;
        workload.gil =
            header.gil ? taskGilFromName(*header.gil).value_or(TaskGil::None) : TaskGil::None;
        m_entry = findStrategy(header.strategy);
        if (!m_entry)
            return fail(0, QStringLiteral("unknown strategy"));
        auto plan = makeRunPlan(header.strategy, workload, count, header.options, header.cpus);
        if (!plan)
            return fail(0, plan.error().message);
        const auto strategy = makeEngine(*plan);
        if (strategy->laneCount(*plan) != header.workers)
            return fail(0, QStringLiteral("worker rows do not match"));
        m_workers = header.workers;
        m_recorder = std::make_unique<TraceRecorder>(m_workers, strategy->hasGilLane(*plan));
        m_plan = std::move(plan).value();
        const auto lanes = static_cast<std::size_t>(m_workers) + 2;
        m_laneEndNs.assign(lanes, 0);
        m_lanePid.assign(lanes, std::numeric_limits<std::int64_t>::min());
        m_taskEnds.assign(m_plan->tasks->size(), TaskEnd{});
        return true;
    }
    bool started() const { return m_recorder != nullptr; }

    // The event that starts at byte `at`.
    bool add(const EventFields &fields, std::size_t at)
    {
        const std::size_t index = m_events;
        if (!fields.kind)
            return fail(at, QStringLiteral("event %1 has no \"kind\"").arg(index));
        if (fields.worker < GilLane || fields.worker >= m_workers)
            return fail(
                at, QStringLiteral("event %1 is on worker %2").arg(index).arg(fields.worker));
        const auto tasks = static_cast<std::int64_t>(m_plan->tasks->size());
        if (fields.task < -1 || fields.task >= tasks)
            return fail(at, QStringLiteral("event %1 names task %2").arg(index).arg(fields.task));
        if (fields.pid < 0 || fields.pid > std::numeric_limits<std::int32_t>::max())
            return fail(at, QStringLiteral("event %1 has the impossible pid").arg(index));
        TaskEvent event;
        event.task = static_cast<std::int32_t>(fields.task);
        event.worker = static_cast<std::int32_t>(fields.worker);
        event.pid = static_cast<std::int32_t>(fields.pid);
        event.kind = *fields.kind;
        event.startNs = fields.startNs;
        event.endNs = fields.endNs;
        event.flags = fields.flags;
        if (event.startNs < 0 || event.endNs < event.startNs)
            return fail(at, QStringLiteral("event %1 has bad times").arg(index));
        if (!eventKindBelongsOn(event.worker, event.kind))
            return fail(at, QStringLiteral("event %1 does not belong on its row").arg(index));
        const auto lane = static_cast<std::size_t>(event.worker + 2);
        if (event.startNs < m_laneEndNs[lane])
            return fail(at, QStringLiteral("event %1 overlaps").arg(index));
        m_laneEndNs[lane] = event.endNs;
        if (event.worker == GilLane && !m_recorder->hasGilLane())
            return fail(at, QStringLiteral("event %1 on a GIL row the run lacks").arg(index));
        TraceLane &target = m_recorder->lane(event.worker);
        if (m_lanePid[lane] != event.pid) {
            target.setPid(event.pid);
            m_lanePid[lane] = event.pid;
        }
        target.append(event.task, event.kind, event.startNs, event.endNs, event.flags);
        if (event.worker >= 0 && event.task >= 0 && !event.abandoned()
            && (event.kind == EventKind::Run || event.kind == EventKind::GilWait)) {
            TaskEnd &end = m_taskEnds[static_cast<std::size_t>(event.task)];
            if (event.kind == EventKind::Run)
                end.worker = event.worker;
            end.cutShort = end.cutShort || event.interrupted() || event.failed();
        }
        ++m_events;
        return true;
    }
    std::size_t eventIndex() const { return m_events; }

    RunResult finish()
    {
        for (const TaskEnd &end : m_taskEnds) {
            if (end.worker >= 0 && !end.cutShort)
                m_recorder->worker(end.worker).countCompletedTask();
        }
        RunResult run;
        run.plan = std::move(*m_plan);
        run.strategy = m_entry->info;
        run.workers = m_workers;
        run.trace = m_recorder->snapshot();
        run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks);
        return run;
    }

private:
    struct TaskEnd
    {
        std::int32_t worker = -1;
        bool cutShort = false;
    };
    QString m_error;
    const StrategyEntry *m_entry = nullptr;
    std::optional<RunPlan> m_plan;
    int m_workers = 0;
    std::unique_ptr<TraceRecorder> m_recorder;
    std::size_t m_events = 0;
    std::vector<std::int64_t> m_laneEndNs;
    std::vector<std::int64_t> m_lanePid;
    std::vector<TaskEnd> m_taskEnds;
};

// --- RapidJSON: SAX ---------------------------------------------------------------------------

// The run object's members the plan is made from, and "events".
enum class RunMember {
    Other,
    Format,
    Strategy,
    Workers,
    WorkerCount,
    Cpus,
    Tasks,
    Workload,
    Options,
    Events
};

RunMember runMemberFromName(std::string_view name)
{
    static constexpr std::pair<std::string_view, RunMember> Names[] = {
        {"format", RunMember::Format},
        {"strategy", RunMember::Strategy},
        {"workers", RunMember::Workers},
        {"worker_count", RunMember::WorkerCount},
        {"cpus", RunMember::Cpus},
        {"tasks", RunMember::Tasks},
        {"workload", RunMember::Workload},
        {"options", RunMember::Options},
        {"events", RunMember::Events},
    };
    for (const auto &[text, member] : Names) {
        if (text == name)
            return member;
    }
    return RunMember::Other;
}

enum class EventMember {
    Other,
    Task,
    Worker,
    Kind,
    StartNs,
    EndNs,
    Pid,
    Interrupted,
    Failed,
    Abandoned,
    GroupStart
};

EventMember eventMemberFromName(std::string_view name)
{
    static constexpr std::pair<std::string_view, EventMember> Names[] = {
        {"task", EventMember::Task},
        {"worker", EventMember::Worker},
        {"kind", EventMember::Kind},
        {"start_ns", EventMember::StartNs},
        {"end_ns", EventMember::EndNs},
        {"pid", EventMember::Pid},
        {"interrupted", EventMember::Interrupted},
        {"failed", EventMember::Failed},
        {"abandoned", EventMember::Abandoned},
        {"group_start", EventMember::GroupStart},
    };
    for (const auto &[text, member] : Names) {
        if (text == name)
            return member;
    }
    return EventMember::Other;
}

// Numbers come as their text (kParseNumbersAsStringsFlag): converted here with from_chars, as
// loadRunJson() converts them, and the text's length gives the byte offset where they start.
template <typename Stream>
class RunSaxHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, RunSaxHandler<Stream>>
{
public:
    RunSaxHandler(const Stream &stream, RunAssembler &run)
        : m_stream(stream)
        , m_run(run)
    { }

    bool StartObject()
    {
        ++m_depth;
        if (m_depth > 64)
            return m_run.fail(m_stream.Tell(), QStringLiteral("nested too deep"));
        if (m_depth == 3 && m_member == RunMember::Events) {
            m_event = EventFields{};
            m_eventAt = m_stream.Tell(); // at the brace: the handler is called before it is taken
        }
        return true;
    }
    bool EndObject(rapidjson::SizeType)
    {
        --m_depth;
        if (m_depth == 2 && m_member == RunMember::Events)
            return m_run.add(m_event, m_eventAt);
        return true;
    }
    bool StartArray()
    {
        ++m_depth;
        if (m_depth > 64)
            return m_run.fail(m_stream.Tell(), QStringLiteral("nested too deep"));
        if (m_depth == 2 && m_member == RunMember::Events && !m_run.start(m_header))
            return false;
        return true;
    }
    bool EndArray(rapidjson::SizeType)
    {
        --m_depth;
        return true;
    }
    bool Key(const char *text, rapidjson::SizeType length, bool)
    {
        const std::string_view name(text, length);
        if (m_depth == 1)
            m_member = runMemberFromName(name);
        else if (m_depth == 2)
            m_innerKey.assign(name);
        else if (m_depth == 3 && m_member == RunMember::Events)
            m_eventMember = eventMemberFromName(name);
        return true;
    }
    bool RawNumber(const char *text, rapidjson::SizeType length, bool)
    {
        const std::string_view number(text, length);
        const std::size_t at = m_stream.Tell() - length;
        if (m_depth == 3 && m_member == RunMember::Events) {
            switch (m_eventMember) {
            case EventMember::Task:
                return whole(number, at, m_event.task);
            case EventMember::Worker:
                return whole(number, at, m_event.worker);
            case EventMember::StartNs:
                return whole(number, at, m_event.startNs);
            case EventMember::EndNs:
                return whole(number, at, m_event.endNs);
            case EventMember::Pid:
                return whole(number, at, m_event.pid);
            default:
                return true;
            }
        }
        if (m_depth == 1) {
            switch (m_member) {
            case RunMember::Format: {
                int format = 0;
                return whole(number, at, format)
                    && (format == 1 || m_run.fail(at, QStringLiteral("not format 1")));
            }
            case RunMember::Workers:
                return whole(number, at, m_header.workers);
            case RunMember::Cpus:
                return whole(number, at, m_header.cpus);
            case RunMember::Tasks:
                return whole(number, at, m_header.tasks);
            default:
                return true;
            }
        }
        if (m_depth == 2 && m_member == RunMember::WorkerCount) {
            if (m_innerKey == "explicit")
                return whole(number, at, m_header.explicitWorkers.emplace());
            if (m_innerKey == "fraction")
                return real(number, at, m_header.workerFraction.emplace());
        }
        if (m_depth == 2 && m_member == RunMember::Workload) {
            if (m_innerKey == "io_share")
                return real(number, at, m_header.ioShare.emplace());
            if (m_innerKey == "seed")
                return whole(number, at, m_header.seed);
        }
        if (m_depth == 2 && m_member == RunMember::Options) {
            StrategyOptions &options = m_header.options;
            if (m_innerKey == "chunksize")
                return whole(number, at, options.chunkSize);
            if (m_innerKey == "switch_interval_ns")
                return whole(number, at, options.switchIntervalNs);
            if (m_innerKey == "worker_stall_timeout_ns")
                return whole(number, at, options.workerStallTimeoutNs);
            if (m_innerKey == "worker_start_timeout_ns")
                return whole(number, at, options.workerStartTimeoutNs);
        }
        return true;
    }
    bool String(const char *text, rapidjson::SizeType length, bool)
    {
        const std::string_view value(text, length);
        if (m_depth == 3 && m_member == RunMember::Events) {
            if (m_eventMember != EventMember::Kind)
                return true;
            m_event.kind = eventKindFromId(value);
            return m_event.kind
                || m_run.fail(m_stream.Tell() - length - 2,
                    QStringLiteral("event %1 has an unknown kind").arg(m_run.eventIndex()));
        }
        if (m_depth == 1 && m_member == RunMember::Strategy)
            m_header.strategy = fromUtf8(value);
        if (m_depth == 2 && m_member == RunMember::Workload) {
            if (m_innerKey == "kind")
                m_header.taskKind = fromUtf8(value);
            else if (m_innerKey == "duration")
                m_header.duration = fromUtf8(value);
            else if (m_innerKey == "gil")
                m_header.gil = fromUtf8(value);
        }
        if (m_depth == 2 && m_member == RunMember::Options) {
            if (m_innerKey == "backend")
                m_header.options.backend =
                    joblibBackendFromName(fromUtf8(value)).value_or(JoblibBackend::Threading);
            else if (m_innerKey == "on_worker_death")
                m_header.options.onWorkerDeath = value == "restart"
                    ? StrategyOptions::WorkerDeath::Restart
                    : StrategyOptions::WorkerDeath::Fail;
        }
        return true;
    }
    bool Bool(bool value)
    {
        if (m_depth == 3 && m_member == RunMember::Events && value) {
            switch (m_eventMember) {
            case EventMember::Interrupted:
                m_event.flags |= EventFlag::Interrupted;
                break;
            case EventMember::Failed:
                m_event.flags |= EventFlag::Failed;
                break;
            case EventMember::Abandoned:
                m_event.flags |= EventFlag::Abandoned;
                break;
            case EventMember::GroupStart:
                m_event.flags |= EventFlag::GroupStart;
                break;
            default:
                break;
            }
        }
        if (m_depth == 2 && m_member == RunMember::Options && m_innerKey == "join")
            m_header.options.join = value;
        return true;
    }
    bool Null() { return true; }

private:
    template <typename Whole>
    bool whole(std::string_view text, std::size_t at, Whole &out)
    {
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
        if (error == std::errc() && end == text.data() + text.size())
            return true;
        return m_run.fail(
            at, QStringLiteral("%1 is not a whole number in range").arg(fromUtf8(text)));
    }
    bool real(std::string_view text, std::size_t at, double &out)
    {
        const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
        if (error == std::errc() && end == text.data() + text.size())
            return true;
        return m_run.fail(at, QStringLiteral("%1 is out of range").arg(fromUtf8(text)));
    }

    const Stream &m_stream;
    RunAssembler &m_run;
    RunHeader m_header;
    int m_depth = 0;
    RunMember m_member = RunMember::Other;
    std::string m_innerKey;
    EventMember m_eventMember = EventMember::Other;
    EventFields m_event;
    std::size_t m_eventAt = 0;
};

constexpr unsigned RapidJsonFlags = rapidjson::kParseIterativeFlag
    | rapidjson::kParseNumbersAsStringsFlag | rapidjson::kParseStopWhenDoneFlag;

template <typename Stream>
bool parseWithRapidJson(Stream &stream, RunAssembler &run)
{
    RunSaxHandler<Stream> handler(stream, run);
    rapidjson::Reader reader;
    const rapidjson::ParseResult parsed = reader.Parse<RapidJsonFlags>(stream, handler);
    if (parsed || !run.error().isEmpty())
        return bool(parsed);
    return run.fail(parsed.Offset(), QString::fromUtf8(rapidjson::GetParseError_En(parsed.Code())));
}

std::optional<RunResult> readWithRapidJson(const char *path, QString &error)
{
    std::FILE *file = std::fopen(path, "rb");
    if (!file) {
        error = QStringLiteral("cannot open the file");
        return std::nullopt;
    }
    char buffer[64 * 1024];
    rapidjson::FileReadStream stream(file, buffer, sizeof buffer);
    RunAssembler run;
    const bool read = parseWithRapidJson(stream, run);
    std::fclose(file);
    if (!read || !run.started()) {
        error = read ? QStringLiteral("no events") : run.error();
        return std::nullopt;
    }
    return run.finish();
}

std::optional<RunResult> readWithRapidJsonInMemory(const char *path, QString &error)
{
    const auto data = readRegularFile(QByteArray(path), MaxRunFileBytes, "run file");
    if (!data) {
        error = data.error().message;
        return std::nullopt;
    }
    rapidjson::MemoryStream stream(data->constData(), static_cast<std::size_t>(data->size()));
    RunAssembler run;
    const bool read = parseWithRapidJson(stream, run);
    if (!read || !run.started()) {
        error = read ? QStringLiteral("no events") : run.error();
        return std::nullopt;
    }
    return run.finish();
}

// --- simdjson: On-Demand ----------------------------------------------------------------------

class SimdjsonRunReader
{
public:
    SimdjsonRunReader(const simdjson::padded_string &json,
        simdjson::ondemand::document &document,
        RunAssembler &run)
        : m_json(json)
        , m_document(document)
        , m_run(run)
    { }

    bool read()
    {
        simdjson::ondemand::object object;
        if (const auto error = m_document.get_object().get(object))
            return failed(error);
        for (auto member : object) {
            std::string_view key;
            if (const auto error = member.unescaped_key().get(key))
                return failed(error);
            simdjson::ondemand::value value;
            if (const auto error = member.value().get(value))
                return failed(error);
            if (!readMember(runMemberFromName(key), value))
                return false;
        }
        return true;
    }

private:
    // The document knows where it stopped.
    bool failed(simdjson::error_code error)
    {
        const char *at = nullptr;
        const std::size_t offset = m_document.current_location().get(at) == simdjson::SUCCESS
            ? static_cast<std::size_t>(at - m_json.data())
            : m_json.size();
        return m_run.fail(offset, QString::fromUtf8(simdjson::error_message(error)));
    }
    template <typename T>
    bool get(simdjson::ondemand::value &value, T &out)
    {
        if (const auto error = value.get(out))
            return failed(error);
        return true;
    }
    template <typename Whole>
    bool whole(simdjson::ondemand::value &value, Whole &out)
    {
        std::int64_t number = 0;
        if (!get(value, number))
            return false;
        out = static_cast<Whole>(number);
        return true;
    }
    bool string(simdjson::ondemand::value &value, QString &out)
    {
        std::string_view text;
        if (!get(value, text))
            return false;
        out = fromUtf8(text);
        return true;
    }
    // Calls f(key, value) for each member of the object `value`.
    template <typename F>
    bool forEachMember(simdjson::ondemand::value &value, F &&f)
    {
        simdjson::ondemand::object object;
        if (!get(value, object))
            return false;
        for (auto member : object) {
            std::string_view key;
            simdjson::ondemand::value inner;
            if (const auto error = member.unescaped_key().get(key))
                return failed(error);
            if (const auto error = member.value().get(inner))
                return failed(error);
            if (!f(key, inner))
                return false;
        }
        return true;
    }

    bool readMember(RunMember member, simdjson::ondemand::value &value)
    {
        switch (member) {
        case RunMember::Format: {
            int format = 0;
            return whole(value, format)
                && (format == 1 || m_run.fail(0, QStringLiteral("not format 1")));
        }
        case RunMember::Strategy:
            return string(value, m_header.strategy);
        case RunMember::Workers:
            return whole(value, m_header.workers);
        case RunMember::Cpus:
            return whole(value, m_header.cpus);
        case RunMember::Tasks:
            return whole(value, m_header.tasks);
        case RunMember::WorkerCount:
            return forEachMember(value, [this](std::string_view key, auto &inner) {
                if (key == "explicit")
                    return whole(inner, m_header.explicitWorkers.emplace());
                if (key == "fraction")
                    return get(inner, m_header.workerFraction.emplace());
                return true;
            });
        case RunMember::Workload:
            return forEachMember(value, [this](std::string_view key, auto &inner) {
                if (key == "kind")
                    return string(inner, m_header.taskKind);
                if (key == "duration")
                    return string(inner, m_header.duration);
                if (key == "gil")
                    return string(inner, m_header.gil.emplace());
                if (key == "io_share")
                    return get(inner, m_header.ioShare.emplace());
                if (key == "seed")
                    return get(inner, m_header.seed);
                return true;
            });
        case RunMember::Options:
            return forEachMember(value, [this](std::string_view key, auto &inner) {
                StrategyOptions &options = m_header.options;
                if (key == "chunksize")
                    return whole(inner, options.chunkSize);
                if (key == "switch_interval_ns")
                    return get(inner, options.switchIntervalNs);
                if (key == "worker_stall_timeout_ns")
                    return get(inner, options.workerStallTimeoutNs);
                if (key == "worker_start_timeout_ns")
                    return get(inner, options.workerStartTimeoutNs);
                if (key == "join")
                    return get(inner, options.join);
                QString text;
                if (key == "backend" && !string(inner, text))
                    return false;
                if (key == "backend")
                    options.backend =
                        joblibBackendFromName(text).value_or(JoblibBackend::Threading);
                if (key == "on_worker_death" && !string(inner, text))
                    return false;
                if (key == "on_worker_death")
                    options.onWorkerDeath = text == QLatin1String("restart")
                        ? StrategyOptions::WorkerDeath::Restart
                        : StrategyOptions::WorkerDeath::Fail;
                return true;
            });
        case RunMember::Events:
            return readEvents(value);
        case RunMember::Other:
            break;
        }
        return true;
    }

    bool readEvents(simdjson::ondemand::value &value)
    {
        if (!m_run.start(m_header))
            return false;
        simdjson::ondemand::array events;
        if (!get(value, events))
            return false;
        for (auto element : events) {
            simdjson::ondemand::value event;
            if (const auto error = element.get(event))
                return failed(error);
            const char *start = nullptr;
            if (event.current_location().get(start))
                return m_run.fail(0, QStringLiteral("no location"));
            EventFields fields;
            const bool read = forEachMember(event, [&](std::string_view key, auto &inner) {
                bool flag = false;
                switch (eventMemberFromName(key)) {
                case EventMember::Task:
                    return get(inner, fields.task);
                case EventMember::Worker:
                    return get(inner, fields.worker);
                case EventMember::StartNs:
                    return get(inner, fields.startNs);
                case EventMember::EndNs:
                    return get(inner, fields.endNs);
                case EventMember::Pid:
                    return get(inner, fields.pid);
                case EventMember::Kind: {
                    std::string_view kind;
                    if (!get(inner, kind))
                        return false;
                    fields.kind = eventKindFromId(kind);
                    return true;
                }
                case EventMember::Interrupted:
                    if (!get(inner, flag))
                        return false;
                    fields.flags |= flag ? EventFlag::Interrupted : 0;
                    return true;
                case EventMember::Failed:
                    if (!get(inner, flag))
                        return false;
                    fields.flags |= flag ? EventFlag::Failed : 0;
                    return true;
                case EventMember::Abandoned:
                    if (!get(inner, flag))
                        return false;
                    fields.flags |= flag ? EventFlag::Abandoned : 0;
                    return true;
                case EventMember::GroupStart:
                    if (!get(inner, flag))
                        return false;
                    fields.flags |= flag ? EventFlag::GroupStart : 0;
                    return true;
                case EventMember::Other:
                    break;
                }
                return true;
            });
            if (!read || !m_run.add(fields, static_cast<std::size_t>(start - m_json.data())))
                return false;
        }
        return true;
    }

    const simdjson::padded_string &m_json;
    simdjson::ondemand::document &m_document;
    RunAssembler &m_run;
    RunHeader m_header;
};

std::optional<RunResult> readWithSimdjson(const char *path, QString &error)
{
    simdjson::padded_string json;
    if (const auto loadError = simdjson::padded_string::load(path).get(json)) {
        error = QString::fromUtf8(simdjson::error_message(loadError));
        return std::nullopt;
    }
    // Finding the structure runs the best kernel of this processor; walking it, the kernel this
    // program was built for (the On-Demand code is inlined here).
    std::fprintf(stderr,
        "simdjson: structure by %s, On-Demand by %s\n",
        simdjson::get_active_implementation()->name().c_str(),
        SIMDJSON_STRINGIFY(SIMDJSON_BUILTIN_IMPLEMENTATION));
    simdjson::ondemand::parser parser;
    simdjson::ondemand::document document;
    if (const auto parseError = parser.iterate(json).get(document)) {
        error = QString::fromUtf8(simdjson::error_message(parseError));
        return std::nullopt;
    }
    RunAssembler run;
    SimdjsonRunReader reader(json, document, run);
    if (!reader.read() || !run.started()) {
        error = run.error().isEmpty() ? QStringLiteral("no events") : run.error();
        return std::nullopt;
    }
    return run.finish();
}

std::optional<RunResult> readToday(const char *path, QString &error)
{
    auto run = loadRunJson(QString::fromLocal8Bit(path));
    if (!run) {
        error = run.error().message;
        return std::nullopt;
    }
    return std::move(run).value();
}

// The same reader over the file mapped into memory rather than read into a buffer: the pages
// come from the page cache as the parser reaches them, none copied.
std::optional<RunResult> readTodayMapped(const char *path, QString &error)
{
    QFile file(QString::fromLocal8Bit(path));
    if (!file.open(QIODevice::ReadOnly)) {
        error = file.errorString();
        return std::nullopt;
    }
    const uchar *bytes = file.map(0, file.size());
    if (!bytes) {
        error = file.errorString();
        return std::nullopt;
    }
    auto run = readRunJson(QByteArray::fromRawData(
        reinterpret_cast<const char *>(bytes), static_cast<qsizetype>(file.size())));
    if (!run) {
        error = run.error().message;
        return std::nullopt;
    }
    return std::move(run).value();
}

} // namespace

int main(int argc, char **argv)
{
    const std::string_view reader = argc == 3 ? argv[1] : "";
    std::optional<RunResult> (*read)(const char *, QString &) = nullptr;
    if (reader == "today")
        read = readToday;
    else if (reader == "today-mapped")
        read = readTodayMapped;
    else if (reader == "rapidjson")
        read = readWithRapidJson;
    else if (reader == "rapidjson-memory")
        read = readWithRapidJsonInMemory;
    else if (reader == "simdjson")
        read = readWithSimdjson;
    if (!read) {
        std::fprintf(stderr,
            "usage: bench_jsonread today|today-mapped|rapidjson|rapidjson-memory|simdjson "
            "RUN.json\n");
        return 2;
    }

    const auto started = std::chrono::steady_clock::now();
    QString error;
    const auto run = read(argv[2], error);
    const std::chrono::duration<double, std::milli> took =
        std::chrono::steady_clock::now() - started;
    if (!run) {
        std::fprintf(stderr, "%s: %s\n", argv[2], qPrintable(error));
        return 1;
    }
    std::uint64_t checksum = 0;
    run->trace->forEachEvent([&checksum](const TaskEvent &event) {
        checksum = checksum * 31 + static_cast<std::uint64_t>(event.startNs ^ event.endNs)
            + static_cast<std::uint64_t>(event.task) + static_cast<std::uint64_t>(event.pid)
            + static_cast<std::uint64_t>(event.kind) * 7 + event.flags;
    });
    std::printf("%s: %zu events, %d workers, makespan %lld ns, checksum %016llx, read in %.0f ms\n",
        argv[1],
        run->trace->totalEventCount(),
        run->workers,
        static_cast<long long>(run->metrics.makespanNs),
        static_cast<unsigned long long>(checksum),
        took.count());
    return 0;
}
