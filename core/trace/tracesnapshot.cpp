#include "trace/tracesnapshot.h"

#include "trace/tracerecorder.h"
#include "util/clock.h"

#include <algorithm>

namespace parviz {

TraceSnapshot::TraceSnapshot(std::shared_ptr<const TraceStore> store, std::int64_t takenAtNs)
    : TraceSnapshot(std::move(store))
{
    m_takenAtNs = takenAtNs;
    for (TaskEvent &open : m_inFlight)
        open.endNs = std::max(m_takenAtNs, open.startNs);
}

TraceSnapshot::TraceSnapshot(std::shared_ptr<const TraceStore> store)
    : m_store(std::move(store))
{
    // Pairs with the release in TraceRecorder::addWorkerLane(): every lane below the count is
    // fully made. Lanes added after this load are not part of the snapshot.
    const std::size_t workers = m_store->workers.size();
    m_workerCount = static_cast<int>(workers);
    m_states.resize(workers + 2);
    auto capture = [this](const TraceLane &lane, LaneState &state) {
        const TraceLane::View view = lane.view();
        state.published = view.published;
        if (view.open)
            m_inFlight.push_back(*view.open);
        m_completedTasks += lane.completedTasks();
    };
    capture(*m_store->main, m_states.front());
    std::size_t state = 1;
    m_store->workers.visit(workers,
        [&](const std::unique_ptr<TraceLane> &lane) { capture(*lane, m_states[state++]); });
    if (m_store->gil)
        capture(*m_store->gil, m_states.back());
    // After the lanes: the recording thread adds a task before its events, so every task an
    // event captured above names is below this count.
    m_taskCount = static_cast<std::int32_t>(m_store->tasks.size());
    // After the tasks: a name is pushed before the first task that refers to it.
    m_taskNameCount = static_cast<std::int32_t>(m_store->taskNames.size());
    // Read the clock after the lanes: everything captured happened before this moment.
    m_takenAtNs = monotonicNowNs() - m_store->originNs.load(std::memory_order_acquire);
    for (TaskEvent &open : m_inFlight)
        open.endNs = std::max(m_takenAtNs, open.startNs);
}

std::shared_ptr<const TraceSnapshot> TraceSnapshot::until(std::int64_t timeNs) const
{
    std::shared_ptr<TraceSnapshot> moment(new TraceSnapshot);
    moment->m_store = m_store;
    moment->m_takenAtNs = std::min(timeNs, m_takenAtNs);
    moment->m_states.resize(m_states.size());
    moment->m_workerCount = m_workerCount;
    moment->m_taskCount = m_taskCount;
    moment->m_taskNameCount = m_taskNameCount;
    for (int lane : lanes()) {
        const std::size_t count = eventCount(lane);
        std::size_t ended = 0;
        const TraceLane &events = laneAt(lane);
        while (ended < count && events.at(ended).endNs <= moment->m_takenAtNs) {
            const TaskEvent &event = events.at(ended);
            // A task is complete once its last run ends well: the next event of its lane is
            // not another part of it.
            const bool last = ended + 1 >= count || events.at(ended + 1).task != event.task;
            if (event.kind == EventKind::Run && event.task >= 0 && last && !event.failed()
                && !event.interrupted())
                ++moment->m_completedTasks;
            ++ended;
        }
        moment->m_states[stateIndex(lane)].published = ended;
        if (ended < count && events.at(ended).startNs < moment->m_takenAtNs) {
            TaskEvent open = events.at(ended);
            open.endNs = moment->m_takenAtNs;
            moment->m_inFlight.push_back(open);
        }
    }
    for (const TaskEvent &open : m_inFlight) {
        if (open.startNs < moment->m_takenAtNs) {
            TaskEvent cut = open;
            cut.endNs = moment->m_takenAtNs;
            moment->m_inFlight.push_back(cut);
        }
    }
    return moment;
}

bool TraceSnapshot::hasGilLane() const
{
    return m_store->gil != nullptr;
}

std::int64_t TraceSnapshot::originNs() const
{
    return m_store->originNs.load(std::memory_order_acquire);
}

std::size_t TraceSnapshot::allocatedBytes() const
{
    std::size_t bytes = m_store->blocks.spareBytes();
    for (int lane : lanes())
        bytes += laneAt(lane).allocatedBytes();
    return bytes;
}

std::vector<int> TraceSnapshot::lanes() const
{
    std::vector<int> result;
    result.reserve(m_states.size());
    result.push_back(MainLane);
    for (int i = 0; i < workerCount(); ++i)
        result.push_back(i);
    if (hasGilLane())
        result.push_back(GilLane);
    return result;
}

std::size_t TraceSnapshot::stateIndex(int lane) const
{
    if (lane == MainLane)
        return 0;
    if (lane == GilLane)
        return m_states.size() - 1;
    return static_cast<std::size_t>(lane) + 1;
}

const TraceLane &TraceSnapshot::laneAt(int lane) const
{
    if (lane == MainLane)
        return *m_store->main;
    if (lane == GilLane)
        return *m_store->gil;
    return *m_store->workers[static_cast<std::size_t>(lane)];
}

std::size_t TraceSnapshot::eventCount(int lane) const
{
    if (lane == GilLane && !hasGilLane())
        return 0;
    if (lane < GilLane || lane >= workerCount())
        return 0;
    return m_states[stateIndex(lane)].published;
}

const TaskEvent &TraceSnapshot::event(int lane, std::size_t index) const
{
    return laneAt(lane).at(index);
}

std::size_t TraceSnapshot::totalEventCount() const
{
    std::size_t total = 0;
    for (int lane : lanes())
        total += eventCount(lane);
    return total;
}

std::vector<TaskEvent> TraceSnapshot::events(int lane) const
{
    std::vector<TaskEvent> result;
    result.reserve(eventCount(lane));
    forEachEvent(lane, [&](const TaskEvent &event) { result.push_back(event); });
    return result;
}

std::vector<TaskEvent> TraceSnapshot::allEvents() const
{
    std::vector<TaskEvent> result;
    result.reserve(totalEventCount());
    forEachEvent([&](const TaskEvent &event) { result.push_back(event); });
    return result;
}

QString TraceSnapshot::label(int lane) const
{
    return laneAt(lane).label();
}

QString TraceSnapshot::taskName(std::int32_t task) const
{
    return taskNameAt(taskNameIndex(task));
}

QString TraceSnapshot::taskNameAt(std::int32_t name) const
{
    if (name < 0 || name >= m_taskNameCount)
        return {};
    return m_store->taskNames[static_cast<std::size_t>(name)];
}

std::int32_t TraceSnapshot::taskNameIndex(std::int32_t task) const
{
    if (task < 0 || task >= m_taskCount)
        return -1;
    return m_store->tasks[static_cast<std::size_t>(task)].name;
}

QString TraceSnapshot::taskArguments(std::int32_t task) const
{
    if (task < 0 || task >= m_taskCount)
        return {};
    return m_store->tasks[static_cast<std::size_t>(task)].arguments;
}

} // namespace parviz
