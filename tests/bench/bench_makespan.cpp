// How close each pooled strategy gets to the best possible schedule on sleep tasks, next to
// std::thread, QThreadPool and oneTBB running the very same sleeps in the same process.
//
// 300 sleep tasks of 10 ms on W workers: no schedule beats ceil(300 / W) rounds of 10 ms.
// "vs_rounds" is makespan / (ceil(N/W) * d); ParViz runs also report "vs_lower_bound", the
// makespan over the lower bound of its own metrics. Run with --benchmark_repetitions=5 and read
// the medians.

#include "run/runsession.h"
#include "util/clock.h"

#include <QThreadPool>

#include <atomic>
#include <benchmark/benchmark.h>
#include <chrono>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#include <thread>
#include <vector>

using namespace parviz;

namespace {

constexpr int Tasks = 300;
constexpr std::int64_t TaskNs = 10'000'000;

double rounds(int workers)
{
    return double((Tasks + workers - 1) / workers) * double(TaskNs);
}

void sleepOneTask()
{
    std::this_thread::sleep_for(std::chrono::nanoseconds(TaskNs));
}

void parvizStrategy(benchmark::State &state, const char *strategy)
{
    const int workers = int(state.range(0));
    WorkloadSpec workload;
    workload.taskCount = Tasks;
    workload.duration = DurationSpec::fixed(TaskNs);
    const auto plan =
        RunPlan::make(QString::fromLatin1(strategy), workload, WorkerCount::exactly(workers));
    double makespan = 0;
    double lowerBound = 0;
    for (auto _ : state) {
        const RunResult result = executeRun(plan.value());
        makespan = double(result.metrics.makespanNs);
        lowerBound = double(result.metrics.lowerBoundNs);
        state.SetIterationTime(makespan / 1e9);
    }
    state.counters["vs_rounds"] = makespan / rounds(workers);
    state.counters["vs_lower_bound"] = makespan / lowerBound;
}

// Times `runAll(workers)` once per iteration and reports it against the ideal rounds.
template <typename RunAll>
void timeReference(benchmark::State &state, RunAll runAll)
{
    const int workers = int(state.range(0));
    double makespan = 0;
    for (auto _ : state) {
        const std::int64_t start = monotonicNowNs();
        runAll(workers);
        makespan = double(monotonicNowNs() - start);
        state.SetIterationTime(makespan / 1e9);
    }
    state.counters["vs_rounds"] = makespan / rounds(workers);
}

void referenceStdThreads(benchmark::State &state)
{
    timeReference(state, [](int workers) {
        std::atomic<int> next{0};
        std::vector<std::jthread> threads;
        for (int w = 0; w < workers; ++w) {
            threads.emplace_back([&next] {
                while (next.fetch_add(1) < Tasks)
                    sleepOneTask();
            });
        }
    });
}

void referenceQThreadPool(benchmark::State &state)
{
    timeReference(state, [](int workers) {
        QThreadPool pool;
        pool.setMaxThreadCount(workers);
        for (int i = 0; i < Tasks; ++i)
            pool.start(sleepOneTask);
        pool.waitForDone();
    });
}

void referenceOneTbb(benchmark::State &state)
{
    // oneTBB never runs more threads than cores unless told it may: sleeping tasks need it.
    tbb::global_control allowOversubscription(
        tbb::global_control::max_allowed_parallelism, std::size_t(state.range(0)));
    timeReference(state, [](int workers) {
        tbb::task_arena arena(workers);
        arena.execute([] {
            tbb::parallel_for(
                tbb::blocked_range<int>(0, Tasks, 1),
                [](const tbb::blocked_range<int> &range) {
                    for (int i = range.begin(); i < range.end(); ++i)
                        sleepOneTask();
                },
                tbb::simple_partitioner());
        });
    });
}

void configure(benchmark::internal::Benchmark *benchmark)
{
    benchmark->Arg(2)->Arg(4)->Arg(8)->UseManualTime()->Iterations(1)->Unit(
        benchmark::kMillisecond);
}

} // namespace

BENCHMARK(referenceStdThreads)->Apply(configure);
BENCHMARK(referenceQThreadPool)->Apply(configure);
BENCHMARK(referenceOneTbb)->Apply(configure);
BENCHMARK_CAPTURE(parvizStrategy, thread_pool, "thread-pool")->Apply(configure);
BENCHMARK_CAPTURE(parvizStrategy, pool_map, "pool-map")->Apply(configure);
BENCHMARK_CAPTURE(parvizStrategy, gil_threads, "gil-threads")->Apply(configure);
BENCHMARK_CAPTURE(parvizStrategy, batched, "batched")->Apply(configure);

BENCHMARK_MAIN();
