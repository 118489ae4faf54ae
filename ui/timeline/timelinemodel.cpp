#include "timeline/timelinemodel.h"

#include <algorithm>
#include <cmath>
#include <unistd.h>

namespace parviz {

void TimelineModel::setTrace(std::shared_ptr<const TraceSnapshot> trace,
    std::shared_ptr<const std::vector<TaskSpec>> tasks,
    bool live)
{
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
    QString label = QStringLiteral("%1 %2").arg(m_rowNoun).arg(entry.lane);
    if (entry.pid != 0)
        label += QStringLiteral(" · pid %1").arg(entry.pid);
    return label;
}

std::size_t TimelineModel::firstEndingAfter(int lane, std::int64_t timeNs) const
{
    // Events of a lane are in time order and never overlap, so their ends are sorted too.
    std::size_t low = 0;
    std::size_t high = m_trace->eventCount(lane);
    while (low < high) {
        const std::size_t middle = low + (high - low) / 2;
        if (m_trace->event(lane, middle).endNs <= timeNs)
            low = middle + 1;
        else
            high = middle;
    }
    return low;
}

template <typename F>
void TimelineModel::forEachVisible(int row, std::int64_t t0Ns, std::int64_t t1Ns, F &&f) const
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
    for (std::size_t i = firstEndingAfter(entry.lane, t0Ns); i < count; ++i) {
        const TaskEvent &event = m_trace->event(entry.lane, i);
        if (event.startNs >= limit)
            break;
        visit(event, false);
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
    auto flush = [&] {
        if (!current)
            return;
        if (current->events > 1) {
            current->kind = static_cast<EventKind>(
                std::max_element(kindTime.begin(), kindTime.end()) - kindTime.begin());
        }
        out.push_back(*current);
        current.reset();
        kindTime.fill(0);
    };
    forEachVisible(row, t0Ns, t1Ns, [&](const TaskEvent &event, bool inFlight) {
        const std::int64_t duration = event.endNs - event.startNs;
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
            return;
        }
        flush();
        current = Bar{event.startNs, event.endNs, event.kind, 1, event.task, event.flags, inFlight};
        kindTime[static_cast<std::size_t>(event.kind)] = duration;
    });
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

std::vector<double> TimelineModel::busyWorkers(
    std::int64_t t0Ns, std::int64_t t1Ns, int columns) const
{
    std::vector<double> busy(static_cast<std::size_t>(std::max(columns, 0)), 0.0);
    if (!m_trace || columns <= 0 || t1Ns <= t0Ns)
        return busy;
    // Each run event adds its share of every column it covers: whole columns through a
    // difference array, the partial ones at its two ends directly. O(events + columns).
    std::vector<double> whole(busy.size() + 1, 0.0);
    const double columnNs = static_cast<double>(t1Ns - t0Ns) / columns;
    auto add = [&](std::int64_t from, std::int64_t to) {
        const double a = static_cast<double>(std::max(from, t0Ns) - t0Ns) / columnNs;
        const double b = static_cast<double>(std::min(to, t1Ns) - t0Ns) / columnNs;
        if (b <= a)
            return;
        const auto first = static_cast<std::size_t>(a);
        const auto last = std::min(static_cast<std::size_t>(b), busy.size() - 1);
        if (first >= last) {
            busy[first] += b - a;
            return;
        }
        busy[first] += static_cast<double>(first + 1) - a;
        whole[first + 1] += 1.0;
        whole[last] -= 1.0;
        busy[last] += b - static_cast<double>(last);
    };
    for (int row = 0; row < rowCount(); ++row) {
        if (laneOfRow(row) < 0)
            continue;
        forEachVisible(row, t0Ns, t1Ns, [&](const TaskEvent &event, bool) {
            if (event.kind == EventKind::Run)
                add(event.startNs, event.endNs);
        });
    }
    double running = 0.0;
    for (std::size_t i = 0; i < busy.size(); ++i) {
        running += whole[i];
        busy[i] += running;
    }
    return busy;
}

} // namespace parviz
