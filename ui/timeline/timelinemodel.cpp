#include "timeline/timelinemodel.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

namespace parviz {

namespace {

bool startsGroup(const TaskEvent &event)
{
    return event.kind == EventKind::Run && event.groupStart();
}

} // namespace

void TimelineModel::setTrace(std::shared_ptr<const TraceSnapshot> trace,
    std::shared_ptr<const std::vector<TaskSpec>> tasks,
    bool live)
{
    // A later snapshot of the same recording holds the same events and more: the summaries
    // made so far stand, and only the new events are read.
    const bool sameRecording = m_trace && trace && m_trace->sameRecording(*trace);
    if (!sameRecording)
        m_index.clear();
    m_trace = std::move(trace);
    m_tasks = std::move(tasks);
    m_live = live;
    m_visibleUntil.reset();
    ++m_generation;
    m_rows.clear();
    m_endNs = 0;
    if (!m_trace)
        return;

    const auto ownPid = static_cast<std::int32_t>(::getpid());
    for (int lane : m_trace->lanes()) {
        Row row;
        row.lane = lane;
        if (const std::size_t count = m_trace->eventCount(lane); count > 0) {
            const TaskEvent &last = m_trace->event(lane, count - 1);
            m_endNs = std::max(m_endNs, last.endNs);
            if (last.pid != ownPid)
                row.pid = last.pid;
        }
        m_rows.push_back(row);
    }
    for (const TaskEvent &open : m_trace->inFlight()) {
        Row &row = m_rows[static_cast<std::size_t>(rowOfLane(open.worker))];
        row.inFlight = open;
        if (open.pid != ownPid)
            row.pid = open.pid;
        m_endNs = std::max(m_endNs, open.endNs);
    }
    if (m_live)
        m_endNs = std::max(m_endNs, m_trace->takenAtNs());
    // A run may add worker rows as it goes (a traced program's threads and processes): they
    // come before the GIL row, whose summaries move down with it.
    if (sameRecording && m_trace->hasGilLane() && !m_index.empty()
        && m_rows.size() > m_index.size()) {
        RowIndex gil = std::move(m_index.back());
        m_index.back() = RowIndex{};
        m_index.resize(m_rows.size());
        m_index.back() = std::move(gil);
    }
    m_index.resize(m_rows.size());
    extendIndex();
}

TimelineModel::Block TimelineModel::combine(const Block &a, const Block &b)
{
    Block block;
    block.startNs = a.startNs;
    block.lastStartNs = b.lastStartNs;
    block.endNs = std::max(a.endNs, b.endNs);
    block.longestNs = std::max(a.longestNs, b.longestNs);
    block.widestGapNs = std::max({a.widestGapNs, b.widestGapNs, b.startNs - a.endNs});
    for (std::size_t kind = 0; kind < block.kindNs.size(); ++kind)
        block.kindNs[kind] = a.kindNs[kind] + b.kindNs[kind];
    block.flags = a.flags | b.flags;
    block.groupStarts = a.groupStarts + b.groupStarts;
    block.hasRun = a.hasRun || b.hasRun;
    block.groupStartAfterFirstRun =
        a.groupStartAfterFirstRun || b.groupStartAfterFirstRun || (a.hasRun && b.groupStarts > 0);
    return block;
}

void TimelineModel::extendIndex()
{
    constexpr std::size_t Size = std::size_t{1} << BlockBits;
    for (int row = 0; row < rowCount(); ++row) {
        const int lane = laneOfRow(row);
        RowIndex &index = m_index[static_cast<std::size_t>(row)];
        const std::size_t count = m_trace->eventCount(lane);
        for (std::size_t first = index.indexed(); first + Size <= count; first += Size) {
            Block block;
            std::int64_t latestEndNs = 0;
            for (std::size_t i = first; i < first + Size; ++i) {
                const TaskEvent &event = m_trace->event(lane, i);
                if (i == first) {
                    block.startNs = event.startNs;
                    latestEndNs = event.endNs;
                } else {
                    block.widestGapNs = std::max(block.widestGapNs, event.startNs - latestEndNs);
                    latestEndNs = std::max(latestEndNs, event.endNs);
                }
                block.lastStartNs = event.startNs;
                block.longestNs = std::max(block.longestNs, event.durationNs());
                block.kindNs[static_cast<std::size_t>(event.kind)] += event.durationNs();
                block.flags |= event.flags & (EventFlag::Failed | EventFlag::Interrupted);
                if (startsGroup(event)) {
                    ++block.groupStarts;
                    block.groupStartAfterFirstRun = block.groupStartAfterFirstRun || block.hasRun;
                }
                block.hasRun = block.hasRun || event.kind == EventKind::Run;
            }
            block.endNs = latestEndNs;
            if (index.levels.empty())
                index.levels.emplace_back();
            index.runBeforeNs.push_back(
                index.runBeforeNs.back() + block.kindNs[static_cast<std::size_t>(EventKind::Run)]);
            index.groupStartsBefore.push_back(index.groupStartsBefore.back() + block.groupStarts);
            index.levels[0].push_back(block);
            // Every 16 blocks of a level make one of the next.
            for (std::size_t level = 0; index.levels[level].size() % Size == 0; ++level) {
                if (level + 1 == index.levels.size())
                    index.levels.emplace_back();
                const std::vector<Block> &below = index.levels[level];
                Block up = below[below.size() - Size];
                for (std::size_t i = below.size() - Size + 1; i < below.size(); ++i)
                    up = combine(up, below[i]);
                index.levels[level + 1].push_back(up);
            }
        }
    }
}

const TimelineModel::Block *TimelineModel::mergeableBlock(
    int row, std::size_t index, std::int64_t limitNs, double nsPerPixel, std::size_t &events) const
{
    const RowIndex &rowIndex = m_index[static_cast<std::size_t>(row)];
    for (std::size_t level = rowIndex.levels.size(); level-- > 0;) {
        const auto bits = static_cast<unsigned>(BlockBits * (level + 1));
        if ((index & ((std::size_t{1} << bits) - 1)) != 0)
            continue;
        const std::vector<Block> &blocks = rowIndex.levels[level];
        if ((index >> bits) >= blocks.size())
            continue;
        // Every event of the block narrower than a pixel, and every gap within it: each one
        // merges into the bar of the one before, as bars() would find event by event.
        const Block &block = blocks[index >> bits];
        if (block.lastStartNs < limitNs && (!m_visibleUntil || block.endNs <= *m_visibleUntil)
            && static_cast<double>(block.longestNs) < nsPerPixel
            && static_cast<double>(block.widestGapNs) < nsPerPixel) {
            events = std::size_t{1} << bits;
            return &block;
        }
    }
    return nullptr;
}

void TimelineModel::clear()
{
    setTrace(nullptr, nullptr, false);
}

void TimelineModel::setVisibleUntil(std::optional<std::int64_t> ns)
{
    if (ns == m_visibleUntil)
        return;
    m_visibleUntil = ns;
    ++m_generation;
}

int TimelineModel::rowOfLane(int lane) const
{
    if (lane == MainLane)
        return 0;
    if (lane == GilLane)
        return rowCount() - 1;
    return lane + 1;
}

QString TimelineModel::rowLabel(int row) const
{
    const Row &entry = m_rows[static_cast<std::size_t>(row)];
    if (entry.lane == MainLane)
        return QStringLiteral("main");
    if (entry.lane == GilLane)
        return QStringLiteral("GIL held by");
    // A row whose number says little (a Dask worker's thread, on whichever host) has a label of
    // its own, set by the strategy as the run goes: read from the trace each time it is asked,
    // and followed by the pid as a numbered row's is.
    QString label = m_trace->label(entry.lane);
    if (label.isEmpty())
        label = QStringLiteral("%1 %2").arg(m_rowNoun).arg(entry.lane);
    // Unless the label names it already (a traced program's "fork · pid 1234").
    const QString pid = QStringLiteral("pid %1").arg(entry.pid);
    if (entry.pid != 0 && !label.endsWith(QStringLiteral(" · ") + pid) && label != pid)
        label += QStringLiteral(" · ") + pid;
    return label;
}

std::size_t TimelineModel::firstEndingAfter(int lane, std::int64_t timeNs, std::size_t from) const
{
    // Events of a lane are in time order and never overlap, so their ends are sorted too.
    // Galloping from `from`, then halving: O(log(distance)), and the concurrency's column
    // edges, asked in order, are each a few events past the one before.
    const std::size_t count = m_trace->eventCount(lane);
    if (from >= count || m_trace->event(lane, from).endNs > timeNs)
        return from;
    std::size_t low = from; // ends at or before timeNs
    std::size_t step = 1;
    while (low + step < count && m_trace->event(lane, low + step).endNs <= timeNs) {
        low += step;
        step *= 2;
    }
    std::size_t high = std::min(low + step, count); // count, or ends after timeNs
    ++low;
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (m_trace->event(lane, middle).endNs <= timeNs)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

std::uint32_t TimelineModel::groupStartsBefore(int row, std::size_t index) const
{
    // The blocks' running sum up to the block of `index` (or the last one summarised), then the
    // events from there one by one: fewer than a block's worth past the summaries.
    const int lane = laneOfRow(row);
    const RowIndex &rowIndex = m_index[static_cast<std::size_t>(row)];
    const std::size_t block = std::min(index >> BlockBits, rowIndex.groupStartsBefore.size() - 1);
    std::uint32_t starts = rowIndex.groupStartsBefore[block];
    for (std::size_t i = block << BlockBits; i < index; ++i)
        starts += startsGroup(m_trace->event(lane, i)) ? 1 : 0;
    return starts;
}

template <typename F, typename Skip>
void TimelineModel::forEachVisible(
    int row, std::int64_t t0Ns, std::int64_t t1Ns, F &&f, Skip &&skip) const
{
    const Row &entry = m_rows[static_cast<std::size_t>(row)];
    const std::size_t count = m_trace->eventCount(entry.lane);
    // In a replay nothing shows from the cut on, and what is under way at the cut ends there,
    // in flight. Events past the cut are never visited: a frame costs what it shows.
    const std::int64_t limit = m_visibleUntil ? std::min(t1Ns, *m_visibleUntil) : t1Ns;
    if (m_visibleUntil && limit <= t0Ns)
        return;
    auto visit = [&](const TaskEvent &event, bool inFlight) {
        if (m_visibleUntil && event.endNs > *m_visibleUntil) {
            TaskEvent cut = event;
            cut.endNs = *m_visibleUntil;
            f(cut, true);
        } else {
            f(event, inFlight);
        }
    };
    for (std::size_t i = firstEndingAfter(entry.lane, t0Ns); i < count;) {
        const TaskEvent &event = m_trace->event(entry.lane, i);
        if (event.startNs >= limit)
            break;
        if (const std::size_t taken = skip(i, event); taken > 0) {
            i += taken;
            continue;
        }
        visit(event, false);
        ++i;
    }
    if (entry.inFlight && entry.inFlight->startNs < limit && entry.inFlight->endNs > t0Ns)
        visit(*entry.inFlight, true);
}

void TimelineModel::bars(
    int row, std::int64_t t0Ns, std::int64_t t1Ns, double nsPerPixel, std::vector<Bar> &out) const
{
    out.clear();
    if (!m_trace || row < 0 || row >= rowCount())
        return;
    std::optional<Bar> current;
    std::array<std::int64_t, EventKindCount> kindTime{};
    // Group starts up to the event being looked at: the number of its group on the row. The
    // first event visited is the first that ends after t0Ns (see forEachVisible()).
    std::uint32_t groups = groupStartsBefore(row, firstEndingAfter(laneOfRow(row), t0Ns));
    // The group of the current bar's first run, and whether a later run of it starts another.
    std::optional<std::uint32_t> barGroup;
    bool barSpansGroups = false;
    auto flush = [&] {
        if (!current)
            return;
        if (current->events > 1) {
            current->kind = static_cast<EventKind>(
                std::max_element(kindTime.begin(), kindTime.end()) - kindTime.begin());
        }
        current->alternateGroup = current->kind == EventKind::Run && barGroup && !barSpansGroups
            && *barGroup > 0 && *barGroup % 2 == 0;
        out.push_back(*current);
        current.reset();
        kindTime.fill(0);
        barGroup.reset();
        barSpansGroups = false;
    };
    const std::int64_t limit = m_visibleUntil ? std::min(t1Ns, *m_visibleUntil) : t1Ns;
    // A block whose events all merge is taken whole: the bar it makes, or grows, is the one
    // its events would make one by one.
    auto takeBlock = [&](std::size_t index, const TaskEvent &first) {
        std::size_t events = 0;
        const Block *block = mergeableBlock(row, index, limit, nsPerPixel, events);
        if (!block)
            return std::size_t{0};
        if (current && static_cast<double>(block->startNs - current->endNs) < nsPerPixel) {
            current->endNs = std::max(current->endNs, block->endNs);
            current->events += static_cast<int>(events);
            current->task = -1;
            current->flags |= block->flags;
            for (std::size_t kind = 0; kind < kindTime.size(); ++kind)
                kindTime[kind] += block->kindNs[kind];
        } else {
            flush();
            current = Bar{block->startNs,
                block->endNs,
                first.kind,
                static_cast<int>(events),
                -1,
                static_cast<std::uint8_t>(first.flags | block->flags),
                false};
            kindTime = block->kindNs;
        }
        // As its runs one by one: the first joins the group it starts or the one before it.
        if (block->hasRun) {
            if (barGroup) {
                barSpansGroups = barSpansGroups || block->groupStarts > 0;
            } else {
                barGroup = groups + (block->groupStarts > 0 ? 1 : 0);
                barSpansGroups = barSpansGroups || block->groupStartAfterFirstRun;
            }
        }
        groups += block->groupStarts;
        return events;
    };
    auto addEvent = [&](const TaskEvent &event, bool inFlight) {
        const std::int64_t duration = event.endNs - event.startNs;
        const bool startsAGroup = startsGroup(event);
        groups += startsAGroup ? 1 : 0;
        // Merge into the current bar if one of the two is narrower than a pixel and the gap
        // between them is too: they could not be told apart on screen anyway.
        if (current && static_cast<double>(event.startNs - current->endNs) < nsPerPixel
            && (static_cast<double>(current->endNs - current->startNs) < nsPerPixel
                || static_cast<double>(duration) < nsPerPixel)) {
            current->endNs = std::max(current->endNs, event.endNs);
            current->events += 1;
            current->task = -1;
            // A failure or an interruption stays visible however far out one zooms.
            current->flags |= event.flags & (EventFlag::Failed | EventFlag::Interrupted);
            current->inFlight = current->inFlight || inFlight;
            kindTime[static_cast<std::size_t>(event.kind)] += duration;
        } else {
            flush();
            current =
                Bar{event.startNs, event.endNs, event.kind, 1, event.task, event.flags, inFlight};
            kindTime[static_cast<std::size_t>(event.kind)] = duration;
        }
        if (event.kind == EventKind::Run) {
            if (barGroup)
                barSpansGroups = barSpansGroups || startsAGroup;
            else
                barGroup = groups;
        }
    };
    forEachVisible(row, t0Ns, t1Ns, addEvent, takeBlock);
    flush();
}

std::optional<TaskEvent> TimelineModel::eventAt(
    int row, std::int64_t timeNs, std::int64_t toleranceNs) const
{
    if (!m_trace || row < 0 || row >= rowCount())
        return std::nullopt;
    std::optional<TaskEvent> best;
    std::int64_t bestDistance = toleranceNs + 1;
    forEachVisible(
        row, timeNs - toleranceNs, timeNs + toleranceNs + 1, [&](const TaskEvent &event, bool) {
            const std::int64_t distance = timeNs < event.startNs ? event.startNs - timeNs
                : timeNs > event.endNs                           ? timeNs - event.endNs
                                                                 : 0;
            if (distance < bestDistance) {
                bestDistance = distance;
                best = event;
            }
        });
    return best;
}

const TaskSpec *TimelineModel::task(std::int32_t id) const
{
    if (!m_tasks || id < 0 || static_cast<std::size_t>(id) >= m_tasks->size())
        return nullptr;
    return &(*m_tasks)[static_cast<std::size_t>(id)];
}

std::int64_t TimelineModel::runTimeUntil(int row, std::int64_t timeNs, std::size_t &hint) const
{
    const Row &entry = m_rows[static_cast<std::size_t>(row)];
    if (m_visibleUntil)
        timeNs = std::min(timeNs, *m_visibleUntil); // in a replay, nothing runs after the cut
    // Events before the first that ends after timeNs ran whole: the block sums give all but
    // the last few of them. Of the events after it, only that one can have started by then.
    const std::size_t count = m_trace->eventCount(entry.lane);
    const std::size_t index = firstEndingAfter(entry.lane, timeNs, hint);
    hint = index;
    const RowIndex &rowIndex = m_index[static_cast<std::size_t>(row)];
    const std::size_t block = std::min(index >> BlockBits, rowIndex.runBeforeNs.size() - 1);
    std::int64_t total = rowIndex.runBeforeNs[block];
    for (std::size_t i = block << BlockBits; i < index; ++i) {
        const TaskEvent &event = m_trace->event(entry.lane, i);
        if (event.kind == EventKind::Run)
            total += event.durationNs();
    }
    if (index < count) {
        const TaskEvent &event = m_trace->event(entry.lane, index);
        if (event.kind == EventKind::Run && event.startNs < timeNs)
            total += timeNs - event.startNs;
    }
    if (entry.inFlight && entry.inFlight->kind == EventKind::Run
        && entry.inFlight->startNs < timeNs)
        total += std::min(timeNs, entry.inFlight->endNs) - entry.inFlight->startNs;
    return total;
}

std::vector<double> TimelineModel::busyWorkers(
    std::int64_t t0Ns, std::int64_t t1Ns, int columns) const
{
    std::vector<double> busy(static_cast<std::size_t>(std::max(columns, 0)), 0.0);
    if (!m_trace || columns <= 0 || t1Ns <= t0Ns)
        return busy;
    // A column's busy workers are the run time within it over its width: the difference of
    // each worker's run time until its two edges. O(columns x log(events)) per worker, however
    // many events the columns hold.
    const double columnNs = static_cast<double>(t1Ns - t0Ns) / columns;
    for (int row = 0; row < rowCount(); ++row) {
        if (laneOfRow(row) < 0)
            continue;
        std::size_t hint = 0;
        std::int64_t before = runTimeUntil(row, t0Ns, hint);
        for (int column = 0; column < columns; ++column) {
            const std::int64_t edge = column + 1 == columns
                ? t1Ns
                : t0Ns + static_cast<std::int64_t>(std::llround((column + 1) * columnNs));
            const std::int64_t until = runTimeUntil(row, edge, hint);
            busy[static_cast<std::size_t>(column)] +=
                static_cast<double>(until - before) / columnNs;
            before = until;
        }
    }
    return busy;
}

} // namespace parviz
