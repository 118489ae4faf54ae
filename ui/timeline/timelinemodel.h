#pragma once

#include "trace/tracesnapshot.h"
#include "workload/taskspec.h"

#include <QString>

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace parviz {

// What the Gantt shows, answered without widgets: its rows (the caller's main row, one per
// worker, the GIL holder), and for a time window at a resolution, the bars to draw. A worker
// runs one thing at a time, so a row's events are sorted and never overlap: two binary searches
// find the visible slice. Neighbours narrower than a pixel merge into one bar that keeps its
// event count and dominant kind, so a row never yields more bars than it has pixels.
//
// One thread (the GUI thread); the trace it shows is immutable and shared.
class TimelineModel
{
public:
    struct Bar
    {
        std::int64_t startNs = 0;
        std::int64_t endNs = 0;
        EventKind kind = EventKind::Run; // for a merged bar: the kind that takes the most time
        int events = 1; // how many events the bar stands for
        std::int32_t task = -1; // for a single event
        std::uint8_t flags = 0; // for a single event
        bool inFlight = false; // started, not ended when the trace was taken
    };

    // `live`: the run is still going; the trace's time is "now".
    void setTrace(std::shared_ptr<const TraceSnapshot> trace,
        std::shared_ptr<const std::vector<TaskSpec>> tasks,
        bool live);
    void clear();
    // Shows the trace only as it was at `ns` (a replay): events that start later are left out,
    // and one under way then is cut there and drawn in flight, behind the "now" line at `ns`.
    // The time axis still ends where the whole trace does. nullopt shows all of it; setTrace()
    // does too. O(1): the cut is applied as bars are asked for.
    void setVisibleUntil(std::optional<std::int64_t> ns);
    std::optional<std::int64_t> visibleUntil() const { return m_visibleUntil; }
    // What a worker row is called: "worker" by default, "thread" for a thread per task.
    void setRowNoun(const QString &noun) { m_rowNoun = noun; }

    bool isEmpty() const { return !m_trace; }
    const TraceSnapshot *trace() const { return m_trace.get(); }
    bool isLive() const { return m_live; }
    // Changes with every setTrace(): for caches keyed on what is shown.
    std::uint64_t generation() const { return m_generation; }

    int rowCount() const { return static_cast<int>(m_rows.size()); }
    int workerCount() const { return m_trace ? m_trace->workerCount() : 0; }
    int laneOfRow(int row) const { return m_rows[static_cast<std::size_t>(row)].lane; }
    int rowOfLane(int lane) const;
    QString rowLabel(int row) const;

    // Time shown to the end of: the last event, or while live the moment the trace was taken.
    std::int64_t endNs() const { return m_endNs; }
    // While live: the moment the trace was taken; in a replay, where it has got to; otherwise -1.
    std::int64_t nowNs() const
    {
        if (m_visibleUntil && m_trace)
            return *m_visibleUntil;
        return m_live && m_trace ? m_trace->takenAtNs() : -1;
    }

    // The bars of `row` that overlap [t0Ns, t1Ns), in time order.
    void bars(int row,
        std::int64_t t0Ns,
        std::int64_t t1Ns,
        double nsPerPixel,
        std::vector<Bar> &out) const;
    // The event of `row` at `timeNs`, or the nearest one within `toleranceNs`.
    std::optional<TaskEvent> eventAt(int row, std::int64_t timeNs, std::int64_t toleranceNs) const;
    const TaskSpec *task(std::int32_t id) const;
    // How many workers were running a task, on average, in each of `columns` equal slices of
    // [t0Ns, t1Ns): the concurrency over time.
    std::vector<double> busyWorkers(std::int64_t t0Ns, std::int64_t t1Ns, int columns) const;

private:
    struct Row
    {
        int lane = 0;
        std::int32_t pid = 0; // the process of the row's events, when not ParViz's own
        std::optional<TaskEvent> inFlight;
    };
    // Index of the first event of `lane` that ends after `timeNs`.
    std::size_t firstEndingAfter(int lane, std::int64_t timeNs) const;
    template <typename F>
    void forEachVisible(int row, std::int64_t t0Ns, std::int64_t t1Ns, F &&f) const;

    std::shared_ptr<const TraceSnapshot> m_trace;
    std::shared_ptr<const std::vector<TaskSpec>> m_tasks;
    std::vector<Row> m_rows;
    std::int64_t m_endNs = 0;
    bool m_live = false;
    std::optional<std::int64_t> m_visibleUntil;
    QString m_rowNoun = QStringLiteral("worker");
    std::uint64_t m_generation = 0;
};

} // namespace parviz
