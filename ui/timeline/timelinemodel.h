#pragma once

#include "trace/tracesnapshot.h"
#include "workload/taskspec.h"

#include <QString>

#include <array>
#include <cstdint>
#include <limits>
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
// Level of detail: each row keeps summaries of its events in blocks of 16, 256, 4096, ...
// (their span, longest event, widest gap, time per kind), extended by setTrace() with the
// events that are new since the last snapshot of the same recording. A block whose events would
// all merge at the current resolution is taken whole, so a frame costs about what is on screen,
// not what the run has recorded; the bars are the same as event by event. The concurrency
// comes from the blocks' running sums of run time, O(columns x log(events)) per row.
//
// Groups: where a strategy marks the tasks a worker received at once (EventFlag::GroupStart on a
// run), the bars of every other group on a row are told apart as `alternateGroup`. Which group
// a run is in counts the marks before it: the blocks' running sums of them give it in
// O(log(events)) for the first visible event, and the bars after it follow on.
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
        // A run bar whose runs all belong to the 2nd, 4th, ... group of tasks handed out together
        // on its row: drawn in the other shade, so that neighbouring groups are told apart. A
        // merged bar has it only if its runs are of one group (a dispatch sliver merged into a
        // task's bar does not take its shade away); one whose runs span groups never has it.
        bool alternateGroup = false;
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
    // Events of one row, summarised (see the class comment).
    struct Block
    {
        std::int64_t startNs = 0; // of the first event
        std::int64_t lastStartNs = 0; // of the last event
        std::int64_t endNs = 0; // the latest end
        std::int64_t longestNs = 0; // the longest event
        // The widest gap from the latest end so far to an event's start, within the block.
        std::int64_t widestGapNs = std::numeric_limits<std::int64_t>::min();
        std::array<std::int64_t, EventKindCount> kindNs{}; // time per kind
        std::uint8_t flags = 0; // EventFlag::Failed and Interrupted of any of its events
        std::uint32_t groupStarts = 0; // runs that start a group
        bool hasRun = false;
        bool groupStartAfterFirstRun = false; // its runs span groups
    };
    static constexpr unsigned BlockBits = 4; // 16 events, then 16 blocks, ...
    struct RowIndex
    {
        std::vector<std::vector<Block>> levels; // levels[k]: blocks of 16^(k+1) events
        std::vector<std::int64_t> runBeforeNs{0}; // run time before each block of levels[0]
        std::vector<std::uint32_t> groupStartsBefore{0}; // group starts before each of them
        std::size_t indexed() const { return levels.empty() ? 0 : levels[0].size() << BlockBits; }
    };
    static Block combine(const Block &a, const Block &b);
    // Summarises the events of each row not yet in a block.
    void extendIndex();
    // The largest block starting at event `index` of `row` whose events all merge into one bar
    // at `nsPerPixel` and are all shown whole before `limitNs`; null if none.
    const Block *mergeableBlock(int row,
        std::size_t index,
        std::int64_t limitNs,
        double nsPerPixel,
        std::size_t &events) const;
    // The run time of `row` from 0 to `timeNs`; `hint`: an event index at or before the one
    // that ends after `timeNs` (it is moved there).
    std::int64_t runTimeUntil(int row, std::int64_t timeNs, std::size_t &hint) const;
    // How many runs of `row` before event `index` start a group.
    std::uint32_t groupStartsBefore(int row, std::size_t index) const;
    // Index of the first event of `lane` that ends after `timeNs`, from index `from` on.
    std::size_t firstEndingAfter(int lane, std::int64_t timeNs, std::size_t from = 0) const;
    // Calls f(event, inFlight) for each event of `row` shown in [t0Ns, t1Ns), in time order.
    // Before each finished one, skip(index, event) may take it and those after it at once: it
    // returns how many it took (0: none).
    template <typename F, typename Skip>
    void forEachVisible(int row, std::int64_t t0Ns, std::int64_t t1Ns, F &&f, Skip &&skip) const;
    template <typename F>
    void forEachVisible(int row, std::int64_t t0Ns, std::int64_t t1Ns, F &&f) const
    {
        forEachVisible(
            row, t0Ns, t1Ns, f, [](std::size_t, const TaskEvent &) { return std::size_t{0}; });
    }

    std::shared_ptr<const TraceSnapshot> m_trace;
    std::shared_ptr<const std::vector<TaskSpec>> m_tasks;
    std::vector<Row> m_rows;
    std::vector<RowIndex> m_index; // by row
    std::int64_t m_endNs = 0;
    bool m_live = false;
    std::optional<std::int64_t> m_visibleUntil;
    QString m_rowNoun = QStringLiteral("worker");
    std::uint64_t m_generation = 0;
};

} // namespace parviz
