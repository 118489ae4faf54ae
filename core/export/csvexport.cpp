#include "export/csvexport.h"

#include <QIODevice>

#include <algorithm>
#include <cmath>

namespace parviz {

namespace {

// Rows go through a buffer: a million events are a million small writes otherwise.
class CsvStream
{
public:
    explicit CsvStream(QIODevice &device)
        : m_device(device)
    {
        m_buffer.reserve(Capacity + 256);
    }

    CsvStream &text(std::string_view text)
    {
        m_buffer.append(text.data(), static_cast<qsizetype>(text.size()));
        return *this;
    }
    // A field that may hold a comma or a quote: quoted, quotes doubled.
    CsvStream &field(const QString &value)
    {
        const QByteArray utf8 = value.toUtf8();
        if (!utf8.contains(',') && !utf8.contains('"') && !utf8.contains('\n')) {
            m_buffer.append(utf8);
            return *this;
        }
        m_buffer.append('"');
        for (char c : utf8) {
            if (c == '"')
                m_buffer.append('"');
            m_buffer.append(c);
        }
        m_buffer.append('"');
        return *this;
    }
    CsvStream &number(std::int64_t value)
    {
        m_buffer.append(QByteArray::number(static_cast<qlonglong>(value)));
        return *this;
    }
    // NaN (Karp-Flatt on one worker) is an empty field.
    CsvStream &number(double value)
    {
        if (std::isfinite(value))
            m_buffer.append(QByteArray::number(value, 'g', 17));
        return *this;
    }
    void endRow()
    {
        m_buffer.append('\n');
        if (m_buffer.size() >= Capacity)
            flush();
    }
    bool flush()
    {
        if (m_ok && !m_buffer.isEmpty())
            m_ok = m_device.write(m_buffer) == m_buffer.size();
        m_buffer.clear();
        return m_ok;
    }

private:
    static constexpr qsizetype Capacity = 1 << 16;
    QIODevice &m_device;
    QByteArray m_buffer;
    bool m_ok = true;
};

std::string_view statusOf(const TaskEvent &event)
{
    if (event.failed())
        return "failed";
    if (event.abandoned())
        return "abandoned";
    if (event.interrupted())
        return "interrupted";
    return "ok";
}

constexpr std::string_view EventHeader = "task,worker,kind,start_ns,end_ns,pid,status";
// A traced program's tasks are its units of work: each row names what ran, and with what.
constexpr std::string_view TracedColumns = ",function,arguments";

bool hasTracedTasks(const RunResult &run)
{
    return run.trace && run.trace->taskCount() > 0;
}

void writeEvents(CsvStream &csv, const RunResult &run, const QString *strategy, bool named)
{
    if (!run.trace)
        return;
    const TraceSnapshot &trace = *run.trace;
    trace.forEachEvent([&](const TaskEvent &event) {
        if (strategy)
            csv.field(*strategy).text(",");
        csv.number(std::int64_t{event.task}).text(",");
        csv.number(std::int64_t{event.worker}).text(",");
        csv.text(eventKindId(event.kind)).text(",");
        csv.number(event.startNs).text(",").number(event.endNs).text(",");
        csv.number(std::int64_t{event.pid}).text(",").text(statusOf(event));
        if (named) {
            // Empty for the caller's rows, and for runs of ParViz's own tasks beside it.
            csv.text(",").field(trace.taskName(event.task));
            csv.text(",").field(trace.taskArguments(event.task));
        }
        csv.endRow();
    });
}

} // namespace

bool writeRunCsv(const RunResult &run, QIODevice &device)
{
    CsvStream csv(device);
    const bool named = hasTracedTasks(run);
    csv.text(EventHeader).text(named ? TracedColumns : "").endRow();
    writeEvents(csv, run, nullptr, named);
    return csv.flush();
}

bool writeComparisonCsv(const std::vector<RunResult> &runs, QIODevice &device)
{
    CsvStream csv(device);
    const bool named = std::any_of(runs.begin(), runs.end(), hasTracedTasks);
    csv.text("strategy,").text(EventHeader).text(named ? TracedColumns : "").endRow();
    for (const RunResult &run : runs) {
        // "thread-pool", or "thread-pool (CPython 3.11.2)": a comparison may hold both.
        const QString label = run.label();
        writeEvents(csv, run, &label, named);
    }
    return csv.flush();
}

bool writeSweepCsv(const SweepResult &sweep, QIODevice &device)
{
    // other_cores: the most that other processes took of the machine in one of a point's runs;
    // disturbed: whether that was enough to make the point's times not this machine's alone.
    CsvStream csv(device);
    csv.text("strategy,workers,runs,makespan_ns,min_makespan_ns,max_makespan_ns,speedup,"
             "efficiency,karp_flatt,other_cores,disturbed")
        .endRow();
    auto row = [&](const QString &strategy,
                   int workers,
                   const std::vector<std::int64_t> &makespans,
                   std::int64_t median,
                   const SweepPoint &point) {
        if (makespans.empty())
            return;
        const auto [low, high] = std::minmax_element(makespans.begin(), makespans.end());
        csv.field(strategy).text(",").number(std::int64_t{workers}).text(",");
        csv.number(static_cast<std::int64_t>(makespans.size())).text(",");
        csv.number(median).text(",").number(*low).text(",").number(*high).text(",");
        csv.number(point.speedup).text(",").number(point.efficiency).text(",");
        csv.number(point.karpFlatt).text(",").number(point.otherCores).text(",");
        csv.text(point.disturbed ? "true" : "false");
        csv.endRow();
    };
    SweepPoint sequential;
    sequential.speedup = 1.0;
    sequential.efficiency = 1.0;
    sequential.karpFlatt = std::nan("");
    sequential.disturbed = sweep.sequentialDisturbed;
    row(QStringLiteral("sequential"), 1, sweep.sequentialNs, sweep.sequentialMedianNs, sequential);
    for (const SweepPoint &point : sweep.points)
        row(sweep.strategy, point.workers, point.makespansNs, point.medianNs, point);
    return csv.flush();
}

} // namespace parviz
