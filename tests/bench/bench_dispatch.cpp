// The cost of handing out one empty task, on 2 workers: ParViz's thread-pool and pool-map
// strategies (recording included) next to a bare QThreadPool, QtConcurrent::map (bare, and
// recording each item as ParViz does), oneTBB and a shared atomic counter over std::threads, in
// the same process.
//
// "per_task" is wall time per task (seconds, with an SI suffix: 130n = 130 ns).

#include "run/planning.h"
#include "run/runsession.h"

#include <QThreadPool>
#include <QtConcurrent/QtConcurrentMap>

#include <atomic>
#include <benchmark/benchmark.h>
#include <chrono>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/task_arena.h>
#include <oneapi/tbb/task_group.h>
#include <thread>
#include <vector>

using namespace parviz;

namespace {

constexpr int Workers = 2;
constexpr int Tasks = 200'000;

void perTask(benchmark::State &state)
{
    state.counters["per_task"] = benchmark::Counter(double(state.iterations()) * Tasks,
        benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
}

// Tasks that hold the GIL (pure Python, the default) take it before they start and drop it
// when they end; `gil` none measures the pool alone.
void parvizStrategy(
    benchmark::State &state, const char *strategy, int chunkSize, TaskGil gil = TaskGil::Held)
{
    WorkloadSpec workload;
    workload.taskCount = Tasks;
    workload.duration = DurationSpec::fixed(0);
    workload.gil = gil;
    StrategyOptions options;
    options.chunkSize = chunkSize;
    const auto plan = makeRunPlan(
        QString::fromLatin1(strategy), workload, WorkerCount::exactly(Workers), options);
    for (auto _ : state) {
        RunSession session(plan.value()); // the recorder's lanes start empty each time
        session.run();
        benchmark::DoNotOptimize(session.result().metrics.makespanNs);
    }
    perTask(state);
}

void parvizThreadPool(benchmark::State &state)
{
    parvizStrategy(state, "thread-pool", 1);
}
BENCHMARK(parvizThreadPool)->UseRealTime()->Unit(benchmark::kMillisecond);

void parvizThreadPoolNoGil(benchmark::State &state)
{
    parvizStrategy(state, "thread-pool", 1, TaskGil::None);
}
BENCHMARK(parvizThreadPoolNoGil)->UseRealTime()->Unit(benchmark::kMillisecond);

void parvizPoolMapChunk1(benchmark::State &state)
{
    parvizStrategy(state, "pool-map", 1);
}
BENCHMARK(parvizPoolMapChunk1)->UseRealTime()->Unit(benchmark::kMillisecond);

void parvizPoolMapChunk64(benchmark::State &state)
{
    parvizStrategy(state, "pool-map", 64);
}
BENCHMARK(parvizPoolMapChunk64)->UseRealTime()->Unit(benchmark::kMillisecond);

void parvizPoolMapChunk64NoGil(benchmark::State &state)
{
    parvizStrategy(state, "pool-map", 64, TaskGil::None);
}
BENCHMARK(parvizPoolMapChunk64NoGil)->UseRealTime()->Unit(benchmark::kMillisecond);

void qThreadPoolStart(benchmark::State &state)
{
    QThreadPool pool;
    pool.setMaxThreadCount(Workers);
    std::atomic<int> done{0};
    for (auto _ : state) {
        for (int i = 0; i < Tasks; ++i)
            pool.start([&done] { done.fetch_add(1, std::memory_order_relaxed); });
        pool.waitForDone();
    }
    benchmark::DoNotOptimize(done.load());
    perTask(state);
}
BENCHMARK(qThreadPoolStart)->UseRealTime()->Unit(benchmark::kMillisecond);

void qtConcurrentMap(benchmark::State &state)
{
    QThreadPool pool;
    pool.setMaxThreadCount(Workers);
    std::vector<int> items(Tasks, 1);
    for (auto _ : state) {
        QtConcurrent::blockingMap(&pool, items, [](int &item) { benchmark::DoNotOptimize(item); });
    }
    perTask(state);
}
BENCHMARK(qtConcurrentMap)->UseRealTime()->Unit(benchmark::kMillisecond);

// The same map, recording each item as ParViz records a task: two clock reads and a store of a
// 32-byte event. ParViz cannot run a task without recording it, so this is its like-for-like peer.
void qtConcurrentMapRecording(benchmark::State &state)
{
    struct Event
    {
        std::int64_t startNs = 0;
        std::int64_t endNs = 0;
        std::int32_t task = 0;
        std::int32_t worker = 0;
        std::int32_t pid = 0;
        std::int32_t flags = 0;
    };
    static_assert(sizeof(Event) == 32);
    QThreadPool pool;
    pool.setMaxThreadCount(Workers);
    std::vector<Event> events(Tasks);
    for (auto _ : state) {
        QtConcurrent::blockingMap(&pool, events, [](Event &event) {
            using Clock = std::chrono::steady_clock;
            event.startNs = Clock::now().time_since_epoch().count();
            event.endNs = Clock::now().time_since_epoch().count();
        });
    }
    benchmark::DoNotOptimize(events.back().endNs);
    perTask(state);
}
BENCHMARK(qtConcurrentMapRecording)->UseRealTime()->Unit(benchmark::kMillisecond);

void tbbParallelFor(benchmark::State &state)
{
    tbb::task_arena arena(Workers);
    for (auto _ : state) {
        arena.execute(
            [] { tbb::parallel_for(0, Tasks, [](int i) { benchmark::DoNotOptimize(i); }); });
    }
    perTask(state);
}
BENCHMARK(tbbParallelFor)->UseRealTime()->Unit(benchmark::kMillisecond);

void tbbTaskGroup(benchmark::State &state)
{
    tbb::task_arena arena(Workers);
    std::atomic<int> done{0};
    for (auto _ : state) {
        arena.execute([&] {
            tbb::task_group group;
            for (int i = 0; i < Tasks; ++i)
                group.run([&done] { done.fetch_add(1, std::memory_order_relaxed); });
            group.wait();
        });
    }
    perTask(state);
}
BENCHMARK(tbbTaskGroup)->UseRealTime()->Unit(benchmark::kMillisecond);

void stdThreadsAtomicCounter(benchmark::State &state)
{
    for (auto _ : state) {
        std::atomic<int> next{0};
        std::vector<std::jthread> threads;
        for (int w = 0; w < Workers; ++w) {
            threads.emplace_back([&next] {
                while (next.fetch_add(1, std::memory_order_relaxed) < Tasks) { }
            });
        }
    }
    perTask(state);
}
BENCHMARK(stdThreadsAtomicCounter)->UseRealTime()->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
