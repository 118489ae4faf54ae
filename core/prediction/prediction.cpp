#include "prediction/prediction.h"

#include "run/runresult.h"
#include "strategies/batchsizer.h"
#include "strategies/strategyregistry.h"

#include <QSettings>
#include <queue>

#include <algorithm>
#include <cmath>
#include <deque>
#include <functional>
#include <limits>
#include <optional>

namespace parviz {

namespace {

constexpr double Never = std::numeric_limits<double>::infinity();

std::int64_t medianOrZero(std::vector<std::int64_t> values)
{
    return values.empty() ? 0 : medianOf(std::move(values));
}

// Tasks [first, last) that one worker takes at once and runs back to back: a task, a chunk,
// a batch.
struct Unit
{
    std::size_t first = 0;
    std::size_t last = 0;
    double dispatchedNs = 0.0; // batched: when it was dispatched, for the batch sizer
};

// Where a strategy's units come from, in its order. Free workers take them first come, first
// served.
class UnitSource
{
public:
    virtual ~UnitSource() = default;
    // The next unit for a free worker, or nullopt if none is ready now.
    virtual std::optional<Unit> next() = 0;
    // `unit` completed at `nowNs`: how long its worker is then kept busy dispatching more.
    virtual double completed(const Unit &, double /*nowNs*/) { return 0.0; }
};

// Every task in order, `size` at a time: a thread pool's queue (1), a map's chunks.
class FixedUnits : public UnitSource
{
public:
    FixedUnits(std::size_t taskCount, std::size_t size)
        : m_taskCount(taskCount)
        , m_size(std::max<std::size_t>(size, 1))
    { }

    std::optional<Unit> next() override
    {
        if (m_next >= m_taskCount)
            return std::nullopt;
        const Unit unit{m_next, std::min(m_next + m_size, m_taskCount)};
        m_next = unit.last;
        return unit;
    }

private:
    const std::size_t m_taskCount;
    const std::size_t m_size;
    std::size_t m_next = 0;
};

// joblib's batches, as strategies/batched.cpp dispatches them: pre-dispatch of 2 x W tasks as
// batches of one, then a batch per completion, sized by the same BatchSizer on the simulated
// durations, and cut ten times finer near the end.
class Batches : public UnitSource
{
public:
    Batches(std::size_t taskCount,
        std::size_t workers,
        const StrategyOptions &options,
        double preDispatchAtNs,
        double dispatchCostNs,
        JoblibBackend backend)
        : m_sizer(options.minBatchDurationNs, options.maxBatchDurationNs)
        , m_dispatchCostNs(dispatchCostNs)
        , m_autoBatching(backend == JoblibBackend::Loky && workers > 1)
        , m_iterating(workers > 1)
        , m_tasks(taskCount, workers)
    {
        // One worker: SequentialBackend, and the caller dispatches every task itself.
        m_tasks.setPreDispatchLimit(workers > 1
                ? std::min(static_cast<std::size_t>(options.preDispatchFactor) * workers, taskCount)
                : taskCount);
        while (dispatchOne(false, preDispatchAtNs)) { }
    }

    std::optional<Unit> next() override
    {
        if (m_queue.empty())
            return std::nullopt;
        const Unit unit = m_queue.front();
        m_queue.pop_front();
        return unit;
    }

    double completed(const Unit &unit, double nowNs) override
    {
        if (m_autoBatching)
            m_sizer.batchCompleted(static_cast<int>(unit.last - unit.first),
                static_cast<std::int64_t>(std::llround(nowNs - unit.dispatchedNs)));
        if (!m_iterating)
            return 0.0;
        m_iterating = dispatchOne(true, nowNs);
        return m_iterating ? m_dispatchCostNs : 0.0;
    }

private:
    bool dispatchOne(bool fromOriginal, double nowNs)
    {
        const auto batchSize =
            m_autoBatching ? static_cast<std::size_t>(m_sizer.computeBatchSize()) : 1;
        if (m_ready.empty()
            && !m_tasks.take(batchSize, fromOriginal, [this](std::size_t first, std::size_t last) {
                   m_ready.push_back({first, last});
               }))
            return false;
        Unit unit = m_ready.front();
        m_ready.pop_front();
        unit.dispatchedNs = nowNs;
        m_queue.push_back(unit);
        return true;
    }

    BatchSizer m_sizer;
    const double m_dispatchCostNs;
    std::deque<Unit> m_ready; // cut from the tasks, not yet dispatched
    std::deque<Unit> m_queue; // dispatched, waiting for a worker
    const bool m_autoBatching;
    bool m_iterating;
    BatchTaskIterator m_tasks;
};

struct Setup
{
    std::vector<double> readyNs; // per worker: when it can take its first unit
    double unitCostNs = 0.0; // before each unit: a queue pop, a round trip
    double sleepOvershootNs = 0.0;
    bool oneUnitPerWorker = false; // thread-per-task: a thread ends with its task
    // The CPU time handed out per unit of time to the CPU parts running at once: the cores, or
    // under the GIL one lock (less the switches while it is contended).
    double cores = 1.0;
    bool gil = false;
    double gilEfficiency = 1.0;
};

// A discrete-event simulation of the workers. Timed phases (starting, fetching a unit,
// dispatching, sleeping) wait in one heap by their end; CPU parts share the capacity evenly
// (processor sharing), so they wait in a second heap by the amount of shared CPU time at which
// they finish, and that amount grows at min(1, capacity / running) per nanosecond.
class Simulation
{
public:
    Simulation(const std::vector<TaskSpec> &tasks, const Setup &setup, UnitSource &units)
        : m_tasks(tasks)
        , m_setup(setup)
        , m_units(units)
        , m_workers(setup.readyNs.size())
    { }

    double run()
    {
        for (std::size_t w = 0; w < m_workers.size(); ++w)
            schedule(w, Phase::Starting, m_setup.readyNs[w]);
        for (;;) {
            const std::size_t computing = m_cpu.size();
            const double rate = computing == 0
                ? 0.0
                : std::min(1.0, capacity(computing) / static_cast<double>(computing));
            const double cpuAt =
                computing == 0 ? Never : m_now + (m_cpu.top().first - m_shared) / rate;
            const double timedAt = m_timed.empty() ? Never : m_timed.top().first;
            if (timedAt == Never && cpuAt == Never)
                break;
            if (timedAt <= cpuAt) {
                const std::size_t w = m_timed.top().second;
                m_timed.pop();
                m_shared += (std::max(timedAt, m_now) - m_now) * rate;
                m_now = std::max(timedAt, m_now);
                phaseEnded(w);
            } else {
                const std::size_t w = m_cpu.top().second;
                m_shared = m_cpu.top().first;
                m_now = cpuAt;
                m_cpu.pop();
                finishTask(w);
            }
        }
        return m_lastEndNs;
    }

private:
    enum class Phase { Starting, Fetching, Dispatching, Sleeping, Computing, Finishing, Idle };
    struct Worker
    {
        Phase phase = Phase::Idle;
        Unit unit;
        std::size_t task = 0;
    };
    using Entry = std::pair<double, std::size_t>; // (time or shared CPU time, worker)
    using MinHeap = std::priority_queue<Entry, std::vector<Entry>, std::greater<>>;

    double capacity(std::size_t computing) const
    {
        if (!m_setup.gil)
            return m_setup.cores;
        return computing >= 2 ? m_setup.gilEfficiency : 1.0;
    }

    void schedule(std::size_t w, Phase phase, double atNs)
    {
        m_workers[w].phase = phase;
        m_timed.push({atNs, w});
    }

    void phaseEnded(std::size_t w)
    {
        switch (m_workers[w].phase) {
        case Phase::Starting:
        case Phase::Dispatching:
            return fetch(w);
        case Phase::Fetching:
            return startTask(w);
        case Phase::Sleeping:
            return compute(w);
        case Phase::Finishing:
            return finishTask(w);
        case Phase::Computing:
        case Phase::Idle:
            return;
        }
    }

    void fetch(std::size_t w)
    {
        const auto unit = m_units.next();
        if (!unit) {
            m_workers[w].phase = Phase::Idle;
            m_idle.push_back(w);
            return;
        }
        take(w, *unit);
    }

    void take(std::size_t w, const Unit &unit)
    {
        m_workers[w].unit = unit;
        m_workers[w].task = unit.first;
        schedule(w, Phase::Fetching, m_now + m_setup.unitCostNs);
    }

    void startTask(std::size_t w)
    {
        const TaskSpec &task = m_tasks[m_workers[w].task];
        if (const std::int64_t sleep = task.sleepNs(); sleep > 0)
            schedule(
                w, Phase::Sleeping, m_now + static_cast<double>(sleep) + m_setup.sleepOvershootNs);
        else
            compute(w);
    }

    void compute(std::size_t w)
    {
        const std::int64_t cpu = m_tasks[m_workers[w].task].cpuNs();
        if (cpu <= 0)
            return schedule(w, Phase::Finishing, m_now); // through the heap: no deep recursion
        m_workers[w].phase = Phase::Computing;
        m_cpu.push({m_shared + static_cast<double>(cpu), w});
    }

    void finishTask(std::size_t w)
    {
        Worker &worker = m_workers[w];
        m_lastEndNs = std::max(m_lastEndNs, m_now);
        if (++worker.task < worker.unit.last)
            return startTask(w);
        const double dispatching = m_units.completed(worker.unit, m_now);
        // Whatever the completion dispatched goes to workers already waiting first.
        while (!m_idle.empty()) {
            const auto unit = m_units.next();
            if (!unit)
                break;
            const std::size_t waiting = m_idle.front();
            m_idle.pop_front();
            take(waiting, *unit);
        }
        if (m_setup.oneUnitPerWorker)
            worker.phase = Phase::Idle;
        else if (dispatching > 0.0)
            schedule(w, Phase::Dispatching, m_now + dispatching);
        else
            fetch(w);
    }

    const std::vector<TaskSpec> &m_tasks;
    const Setup &m_setup;
    UnitSource &m_units;
    std::vector<Worker> m_workers;
    std::deque<std::size_t> m_idle; // waiting for a unit, in the order they began waiting
    MinHeap m_timed;
    MinHeap m_cpu;
    double m_now = 0.0;
    double m_shared = 0.0; // CPU time each running CPU part has had since the start
    double m_lastEndNs = 0.0;
};

std::vector<double> staggered(std::size_t count, std::int64_t intervalNs, std::int64_t latencyNs)
{
    std::vector<double> ready(count);
    for (std::size_t i = 0; i < count; ++i)
        ready[i] = static_cast<double>(i) * static_cast<double>(intervalNs)
            + static_cast<double>(latencyNs);
    return ready;
}

} // namespace

std::int64_t predictMakespanNs(const QString &strategy,
    TaskGil gil,
    const std::vector<TaskSpec> &tasks,
    int workers,
    int cpus,
    const StrategyOptions &options,
    const MachineCosts &costs)
{
    const StrategyEntry *entry = findStrategy(strategy);
    if (tasks.empty() || !entry)
        return 0;
    const StrategyInfo &info = entry->info;
    const std::size_t taskCount = tasks.size();
    const auto poolSize = static_cast<std::size_t>(std::max(workers, 1));
    Setup setup;
    setup.cores = std::max(cpus, 1);
    setup.sleepOvershootNs = static_cast<double>(costs.sleepOvershootNs);
    double tailNs = 0.0;
    std::unique_ptr<UnitSource> units;
    const auto chunkSize = static_cast<std::size_t>(std::max(options.chunkSize, 1));

    switch (info.workersWith(options)) {
    case WorkerKind::Caller:
        // A plain loop on the caller's thread: nothing to start, nothing to hand out.
        setup.readyNs = {0.0};
        units = std::make_unique<FixedUnits>(taskCount, taskCount);
        break;
    case WorkerKind::Cluster:
        // A Dask cluster's worker processes: predicted as a process pool of as many workers,
        // one task at a time; the scheduler's own cost is measured, not modelled.
    case WorkerKind::Processes:
        setup.readyNs =
            staggered(poolSize, costs.processStartIntervalNs, costs.processStartLatencyNs);
        setup.unitCostNs = static_cast<double>(costs.processRoundTripNs);
        if (info.handOut == HandOut::AutoBatches) {
            // joblib on loky: the caller dispatches as soon as the executor exists, and its
            // workers stay alive after the call, so no exit ends the run.
            units = std::make_unique<Batches>(taskCount,
                poolSize,
                options,
                0.0,
                static_cast<double>(costs.batchDispatchNs),
                JoblibBackend::Loky);
        } else {
            units = std::make_unique<FixedUnits>(taskCount, info.chunks() ? chunkSize : 1);
            tailNs = static_cast<double>(costs.processExitNs);
        }
        break;
    case WorkerKind::Threads:
        setup.unitCostNs = static_cast<double>(costs.taskDispatchNs);
        if (info.rowPerTask()) {
            setup.readyNs =
                staggered(taskCount, costs.threadStartIntervalNs, costs.threadStartLatencyNs);
            setup.oneUnitPerWorker = true;
            setup.unitCostNs = 0.0;
            units = std::make_unique<FixedUnits>(taskCount, 1);
        } else {
            setup.readyNs =
                staggered(poolSize, costs.threadStartIntervalNs, costs.threadStartLatencyNs);
            if (info.handOut == HandOut::AutoBatches) {
                // The caller pre-dispatches once it has started every thread.
                const double preDispatchAt = static_cast<double>(poolSize - 1)
                    * static_cast<double>(costs.threadStartIntervalNs);
                units = std::make_unique<Batches>(taskCount,
                    poolSize,
                    options,
                    preDispatchAt,
                    static_cast<double>(costs.batchDispatchNs),
                    JoblibBackend::Threading);
            } else {
                units = std::make_unique<FixedUnits>(taskCount, info.chunks() ? chunkSize : 1);
            }
        }
        if (gil == TaskGil::Held) {
            // The switch interval decides how finely the turns are cut, not how much CPU work
            // gets done: one CPU part at a time, less a hand-over per interval while contended.
            // Tasks that release the GIL to compute take it only around their calls, which
            // this model leaves out.
            setup.gil = true;
            const auto interval =
                static_cast<double>(std::max<std::int64_t>(options.switchIntervalNs, 1));
            setup.gilEfficiency = interval / (interval + static_cast<double>(costs.gilSwitchNs));
        }
        break;
    }
    const double end = Simulation(tasks, setup, *units).run() + tailNs;
    return static_cast<std::int64_t>(std::llround(end));
}

std::int64_t predictMakespanNs(const RunPlan &plan, const MachineCosts &costs)
{
    if (plan.tasks)
        return predictMakespanNs(plan.strategy,
            plan.workload.gil,
            *plan.tasks,
            plan.workers,
            plan.cpus,
            plan.options,
            costs);
    const std::vector<TaskSpec> tasks = plan.workload.makeTasks();
    return predictMakespanNs(
        plan.strategy, plan.workload.gil, tasks, plan.workers, plan.cpus, plan.options, costs);
}

SweepPrediction predictSweep(const SweepPlan &plan, int cpus, const MachineCosts &costs)
{
    SweepPrediction prediction;
    const std::vector<TaskSpec> tasks = plan.workload.makeTasks();
    prediction.sequentialNs = predictMakespanNs(
        QStringLiteral("sequential"), plan.workload.gil, tasks, 1, cpus, plan.options, costs);
    for (int workers = 1; workers <= plan.maxWorkers; ++workers) {
        const std::int64_t makespan = predictMakespanNs(
            plan.strategy, plan.workload.gil, tasks, workers, cpus, plan.options, costs);
        prediction.makespansNs.push_back(makespan);
        prediction.speedups.push_back(makespan > 0
                ? static_cast<double>(prediction.sequentialNs) / static_cast<double>(makespan)
                : 0.0);
    }
    return prediction;
}

namespace {

struct CostField
{
    const char *key;
    std::int64_t MachineCosts::*member;
};

constexpr CostField CostFields[] = {
    {"threadStartIntervalNs", &MachineCosts::threadStartIntervalNs},
    {"threadStartLatencyNs", &MachineCosts::threadStartLatencyNs},
    {"processStartIntervalNs", &MachineCosts::processStartIntervalNs},
    {"processStartLatencyNs", &MachineCosts::processStartLatencyNs},
    {"processRoundTripNs", &MachineCosts::processRoundTripNs},
    {"processExitNs", &MachineCosts::processExitNs},
    {"taskDispatchNs", &MachineCosts::taskDispatchNs},
    {"batchDispatchNs", &MachineCosts::batchDispatchNs},
    {"sleepOvershootNs", &MachineCosts::sleepOvershootNs},
    {"gilSwitchNs", &MachineCosts::gilSwitchNs},
};

} // namespace

void MachineCosts::writeTo(QSettings &settings) const
{
    settings.beginGroup(QStringLiteral("machineCosts"));
    for (const CostField &field : CostFields)
        settings.setValue(QLatin1String(field.key), static_cast<qlonglong>(this->*field.member));
    settings.endGroup();
}

void MachineCosts::readFrom(QSettings &settings)
{
    settings.beginGroup(QStringLiteral("machineCosts"));
    for (const CostField &field : CostFields) {
        bool ok = false;
        const qlonglong value = settings.value(QLatin1String(field.key)).toLongLong(&ok);
        // At most a minute: anything larger is a damaged file, not this machine.
        if (ok && value > 0 && value < 60'000'000'000)
            this->*field.member = value;
    }
    settings.endGroup();
}

void MachineCosts::learnFrom(const RunResult &run)
{
    if (!run.ok() || !run.trace)
        return;
    const TraceSnapshot &trace = *run.trace;
    const StrategyEntry *entry = findStrategy(run.plan.strategy);
    if (!entry)
        return;
    const StrategyInfo &info = entry->info;
    const bool processes = info.workersWith(run.plan.options) == WorkerKind::Processes;
    const bool gilThreads = trace.hasGilLane();
    const std::vector<TaskSpec> *tasks = run.plan.tasks.get();

    std::vector<std::int64_t> spawnStarts;
    std::vector<std::int64_t> spawnLengths;
    std::vector<std::int64_t> dispatchLengths;
    std::vector<std::int64_t> gaps; // between a run and the next on one worker
    std::vector<std::int64_t> overshoots;
    std::int64_t lastRunEnd = 0;
    for (int lane = 0; lane < trace.workerCount(); ++lane) {
        std::int64_t previousRunEnd = -1; // -1: the previous event was no run
        trace.forEachEvent(lane, [&](const TaskEvent &event) {
            const std::int64_t length = event.endNs - event.startNs;
            // Cut short or lost: its length says nothing of the task's.
            if (event.interrupted() || event.failed() || event.abandoned()) {
                previousRunEnd = -1;
                return;
            }
            switch (event.kind) {
            case EventKind::Spawn:
                spawnStarts.push_back(event.startNs);
                spawnLengths.push_back(length);
                break;
            case EventKind::Dispatch:
                dispatchLengths.push_back(length);
                break;
            case EventKind::Run:
                lastRunEnd = std::max(lastRunEnd, event.endNs);
                if (previousRunEnd >= 0)
                    gaps.push_back(event.startNs - previousRunEnd);
                // Under the GIL a task's run is split by its waits: its parts say nothing of
                // how long a sleep takes.
                if (!gilThreads && tasks && event.task >= 0
                    && static_cast<std::size_t>(event.task) < tasks->size()) {
                    const TaskSpec &task = (*tasks)[static_cast<std::size_t>(event.task)];
                    if (task.kind == TaskKind::Sleep)
                        overshoots.push_back(std::max<std::int64_t>(0, length - task.durationNs));
                }
                previousRunEnd = event.endNs;
                return;
            default:
                break;
            }
            previousRunEnd = -1;
        });
    }

    if (!spawnLengths.empty() && info.workers != WorkerKind::Caller) {
        const auto [first, last] = std::minmax_element(spawnStarts.begin(), spawnStarts.end());
        const std::int64_t interval = spawnStarts.size() >= 2
            ? (*last - *first) / static_cast<std::int64_t>(spawnStarts.size() - 1)
            : -1;
        const std::int64_t latency = medianOrZero(spawnLengths);
        if (processes) {
            processStartLatencyNs = latency;
            if (interval >= 0)
                processStartIntervalNs = interval;
        } else {
            threadStartLatencyNs = latency;
            if (interval >= 0)
                threadStartIntervalNs = interval;
        }
    }
    if (!dispatchLengths.empty()) {
        if (processes)
            processRoundTripNs = medianOrZero(dispatchLengths);
        else if (info.handOut == HandOut::AutoBatches)
            batchDispatchNs = medianOrZero(dispatchLengths);
    }
    // joblib's loky workers stay alive after the call: nothing to learn of an exit.
    if (processes && info.handOut != HandOut::AutoBatches && run.plan.options.join
        && lastRunEnd > 0)
        processExitNs = std::max<std::int64_t>(0, run.metrics.makespanNs - lastRunEnd);
    // Only a pool of threads that pops one task per run, and takes no GIL, shows the hand-over
    // alone; elsewhere the gaps mix chunks and GIL waits.
    if (info.workersWith(run.plan.options) == WorkerKind::Threads && info.handOut == HandOut::Queue
        && !gilThreads && !gaps.empty())
        taskDispatchNs = std::max<std::int64_t>(0, medianOrZero(gaps));
    if (!overshoots.empty())
        sleepOvershootNs = medianOrZero(overshoots);

    if (gilThreads) {
        // A hand-over is a gap between holds shorter than a switch interval; a longer one is
        // the lock lying free while every thread slept.
        std::vector<std::int64_t> handOvers;
        std::int64_t previousEnd = -1;
        trace.forEachEvent(GilLane, [&](const TaskEvent &event) {
            if (previousEnd >= 0 && event.startNs - previousEnd < run.plan.options.switchIntervalNs)
                handOvers.push_back(std::max<std::int64_t>(0, event.startNs - previousEnd));
            previousEnd = event.endNs;
        });
        if (handOvers.size() >= 3)
            gilSwitchNs = medianOrZero(handOvers);
    }
}

} // namespace parviz
