#include "export/chrometrace.h"

#include "export/jsonstream.h"
#include "export/runjson.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace parviz {

namespace {

// The trace's time unit is the microsecond; ParViz's is the nanosecond. Written as a decimal
// with three places, never through a double, so no event moves.
void microseconds(JsonStream &json, std::int64_t ns)
{
    char text[32];
    const bool negative = ns < 0;
    const std::uint64_t magnitude =
        negative ? 0 - static_cast<std::uint64_t>(ns) : static_cast<std::uint64_t>(ns);
    const int length = std::snprintf(text,
        sizeof text,
        "%s%llu.%03llu",
        negative ? "-" : "",
        static_cast<unsigned long long>(magnitude / 1000),
        static_cast<unsigned long long>(magnitude % 1000));
    json.raw(std::string_view(text, static_cast<std::size_t>(length)));
}

// Thread ids: workers 1..W, then the caller, then the GIL. Perfetto orders them by sort index.
std::int64_t tidOf(int lane, int workerCount)
{
    if (lane == MainLane)
        return workerCount + 1;
    if (lane == GilLane)
        return workerCount + 2;
    return lane + 1;
}

QString laneName(int lane, const RunResult &run)
{
    // As the desktop program labels its rows.
    if (lane == MainLane)
        return QStringLiteral("main");
    if (lane == GilLane)
        return QStringLiteral("GIL");
    if (QString label = run.trace->label(lane); !label.isEmpty())
        return label; // a Dask worker's thread: "127.0.0.1:39041 · thread 2"
    const bool threadPerTask = run.strategy.rowPerTask();
    return QStringLiteral("%1 %2")
        .arg(threadPerTask ? QStringLiteral("thread") : QStringLiteral("worker"))
        .arg(lane);
}

// The desktop program's order: main, the workers, then the GIL.
std::int64_t sortIndexOf(int lane, int workerCount)
{
    if (lane == MainLane)
        return -1;
    if (lane == GilLane)
        return workerCount;
    return lane;
}

QString eventName(const TaskEvent &event)
{
    if (event.task < 0)
        return eventKindName(event.kind);
    if (event.kind == EventKind::Run)
        return QStringLiteral("task %1").arg(event.task);
    return QStringLiteral("%1 (task %2)").arg(eventKindName(event.kind)).arg(event.task);
}

void metadata(JsonStream &json,
    bool &first,
    std::int64_t pid,
    std::int64_t tid,
    std::string_view name,
    std::string_view argument,
    auto &&value)
{
    json.raw(first ? "\n" : ",\n");
    first = false;
    json.raw("{\"ph\":\"M\",\"pid\":").number(pid).raw(",\"tid\":").number(tid);
    json.raw(",\"name\":\"").raw(name).raw("\",\"args\":{").key(argument, true);
    value(json);
    json.raw("}}");
}

void writeRun(JsonStream &json, bool &first, const RunResult &run, std::int64_t pid)
{
    const TraceSnapshot *trace = run.trace.get();
    if (!trace)
        return;
    const int workerCount = trace->workerCount();
    QString processName = run.label();
    if (run.stopped)
        processName += QStringLiteral(" (interrupted)");
    else if (run.error)
        processName += QStringLiteral(" (failed)");
    metadata(
        json, first, pid, 0, "process_name", "name", [&](JsonStream &j) { j.string(processName); });
    metadata(json, first, pid, 0, "process_sort_index", "sort_index", [&](JsonStream &j) {
        j.number(pid);
    });
    for (int lane : trace->lanes()) {
        const std::int64_t tid = tidOf(lane, workerCount);
        metadata(json, first, pid, tid, "thread_name", "name", [&](JsonStream &j) {
            j.string(laneName(lane, run));
        });
        metadata(json, first, pid, tid, "thread_sort_index", "sort_index", [&](JsonStream &j) {
            j.number(sortIndexOf(lane, workerCount));
        });
    }

    // Busy workers: +1 where a task starts running on a worker, -1 where it ends.
    std::vector<std::pair<std::int64_t, int>> changes;
    trace->forEachEvent([&](const TaskEvent &event) {
        json.raw(",\n{\"ph\":\"X\",\"pid\":").number(pid);
        json.raw(",\"tid\":").number(tidOf(event.worker, workerCount));
        json.raw(",\"name\":").string(eventName(event));
        json.raw(",\"cat\":\"").raw(eventKindId(event.kind)).raw("\"");
        json.raw(",\"ts\":");
        microseconds(json, event.startNs);
        json.raw(",\"dur\":");
        microseconds(json, event.durationNs());
        json.raw(",\"args\":{\"task\":").number(std::int64_t{event.task});
        json.raw(",\"process\":").number(std::int64_t{event.pid});
        // A traced program's unit of work: the function it ran, and with what.
        if (event.task >= 0 && event.task < trace->taskCount()) {
            json.raw(",\"function\":").string(trace->taskName(event.task));
            json.raw(",\"arguments\":").string(trace->taskArguments(event.task));
        }
        writeEventFlagsJson(json, event);
        json.raw("}}");
        if (event.kind == EventKind::Run && event.worker >= 0) {
            changes.emplace_back(event.startNs, 1);
            changes.emplace_back(event.endNs, -1);
        }
    });
    // At equal times the ends come first, so back-to-back tasks do not count twice.
    std::sort(changes.begin(), changes.end());
    int busy = 0;
    for (std::size_t i = 0; i < changes.size();) {
        const std::int64_t time = changes[i].first;
        for (; i < changes.size() && changes[i].first == time; ++i)
            busy += changes[i].second;
        json.raw(",\n{\"ph\":\"C\",\"pid\":").number(pid).raw(",\"tid\":0");
        json.raw(",\"name\":\"busy workers\",\"ts\":");
        microseconds(json, time);
        json.raw(",\"args\":{\"busy\":").number(std::int64_t{busy}).raw("}}");
    }
}

} // namespace

bool writeChromeTrace(std::span<const RunResult> runs, QIODevice &device)
{
    JsonStream json(device);
    json.raw("{\"traceEvents\":[");
    bool first = true;
    std::int64_t pid = 1;
    for (const RunResult &run : runs)
        writeRun(json, first, run, pid++);
    json.raw("\n],\n\"otherData\":{\"generator\":\"ParViz\",\"runs\":[");
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const RunResult &run = runs[i];
        json.raw(i == 0 ? "{" : ",{").key("pid", true).number(static_cast<std::int64_t>(i + 1));
        json.key("strategy").string(run.strategy.id);
        json.key("workers").number(std::int64_t{run.workers});
        json.key("makespan_ns").number(run.metrics.makespanNs);
        json.key("interrupted").raw(run.stopped ? "true" : "false");
        json.key("error");
        if (run.error)
            json.string(run.error->message);
        else
            json.raw("null");
        json.raw("}");
    }
    json.raw("]}}\n");
    return json.flush();
}

} // namespace parviz
