// How close each pooled strategy gets to the best possible schedule on sleep tasks, next to
// std::thread, QThreadPool and oneTBB running the very same sleeps in the same process.
//
// N sleep tasks of d on W workers: no schedule beats ceil(N / W) rounds of d. Each benchmark
// runs every runner once per round, rounds interleaved (and each round starting with a different
// runner), so that the machine's noise hits them alike. It reports, per runner, the median of
// makespan / (ceil(N/W) * d) ("<runner>"), the best of the three peers ("best_peer") and each
// ParViz strategy's median over the best peer's ("<strategy>/peer", target: at most 1.005).
//
// Rounds: 5, or PARVIZ_BENCH_ROUNDS.

#include "run/planning.h"
#include "run/runsession.h"
#include "util/clock.h"

#include <QThreadPool>

#include <algorithm>
#include <atomic>
#include <benchmark/benchmark.h>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <oneapi/tbb/global_control.h>
#include <oneapi/tbb/parallel_for.h>
#include <oneapi/tbb/partitioner.h>
#include <oneapi/tbb/task_arena.h>
#include <string>
#include <thread>
#include <vector>

using namespace parviz;

namespace {

struct Workload
{
    int tasks;
    std::int64_t taskNs;
    int workers;

    double rounds() const { return double((tasks + workers - 1) / workers) * double(taskNs); }
};

// Runs the workload once; returns its makespan in nanoseconds.
using Runner = std::function<double(const Workload &)>;

template <typename RunAll>
double timed(RunAll runAll)
{
    const std::int64_t start = monotonicNowNs();
    runAll();
    return double(monotonicNowNs() - start);
}

double stdThreads(const Workload &w)
{
    return timed([&] {
        std::atomic<int> next{0};
        std::vector<std::jthread> threads;
        for (int i = 0; i < w.workers; ++i) {
            threads.emplace_back([&] {
                while (next.fetch_add(1) < w.tasks)
                    std::this_thread::sleep_for(std::chrono::nanoseconds(w.taskNs));
            });
        }
    });
}

double qThreadPool(const Workload &w)
{
    return timed([&] {
        QThreadPool pool;
        pool.setMaxThreadCount(w.workers);
        for (int i = 0; i < w.tasks; ++i)
            pool.start([&w] { std::this_thread::sleep_for(std::chrono::nanoseconds(w.taskNs)); });
        pool.waitForDone();
    });
}

double oneTbb(const Workload &w)
{
    // oneTBB never runs more threads than cores unless told it may: sleeping tasks need it.
    tbb::global_control allowOversubscription(
        tbb::global_control::max_allowed_parallelism, std::size_t(w.workers));
    return timed([&] {
        tbb::task_arena arena(w.workers);
        arena.execute([&] {
            tbb::parallel_for(
                tbb::blocked_range<int>(0, w.tasks, 1),
                [&](const tbb::blocked_range<int> &range) {
                    for (int i = range.begin(); i < range.end(); ++i)
                        std::this_thread::sleep_for(std::chrono::nanoseconds(w.taskNs));
                },
                tbb::simple_partitioner());
        });
    });
}

// `gil`: the tasks' use of the GIL; held, the default, is pure Python: each sleep takes the
// GIL before and after it.
Runner parviz(const char *strategy, TaskGil gil = TaskGil::Held)
{
    return [strategy, gil](const Workload &w) {
        WorkloadSpec workload;
        workload.taskCount = w.tasks;
        workload.duration = DurationSpec::fixed(w.taskNs);
        workload.gil = gil;
        const auto plan =
            makeRunPlan(QString::fromLatin1(strategy), workload, WorkerCount::exactly(w.workers));
        const RunResult result = executeRun(plan.value());
        if (!result.ok())
            std::abort(); // a benchmark of a failed run would be a lie
        return double(result.metrics.makespanNs);
    };
}

struct Named
{
    std::string name;
    Runner run;
    bool peer;
};

const std::vector<Named> &runners()
{
    static const std::vector<Named> all = {
        {"std_thread", stdThreads, true},
        {"QThreadPool", qThreadPool, true},
        {"oneTBB", oneTbb, true},
        {"thread-pool", parviz("thread-pool"), false},
        {"pool-map", parviz("pool-map"), false},
        {"thread-pool-nogil", parviz("thread-pool", TaskGil::None), false},
        {"batched", parviz("batched"), false},
        {"process-pool", parviz("process-pool"), false},
    };
    return all;
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const std::size_t n = values.size();
    return n % 2 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

int roundsToRun()
{
    const char *given = std::getenv("PARVIZ_BENCH_ROUNDS");
    const int rounds = given ? std::atoi(given) : 5;
    return std::max(1, rounds);
}

void makespan(benchmark::State &state)
{
    const Workload w{int(state.range(0)), state.range(1) * 1'000'000, int(state.range(2))};
    const auto &all = runners();
    std::vector<std::vector<double>> ratios(all.size());
    for (auto _ : state) {
        const int rounds = roundsToRun();
        for (int round = 0; round < rounds; ++round) {
            for (std::size_t k = 0; k < all.size(); ++k) {
                const std::size_t r = (k + std::size_t(round)) % all.size();
                ratios[r].push_back(all[r].run(w) / w.rounds());
            }
        }
    }
    double bestPeer = 1e300;
    for (std::size_t r = 0; r < all.size(); ++r) {
        const double m = median(ratios[r]);
        state.counters[all[r].name] = m;
        if (all[r].peer)
            bestPeer = std::min(bestPeer, m);
    }
    state.counters["best_peer"] = bestPeer;
    for (std::size_t r = 0; r < all.size(); ++r) {
        if (!all[r].peer)
            state.counters[all[r].name + "/peer"] = median(ratios[r]) / bestPeer;
    }
}

} // namespace

// {tasks, task ms, workers}: 300 sleeps of 10 ms at W = 2, 4, 8, and the seed's 300 sleeps of
// 100 ms at W = 12, whatever this machine's CPU count (sleeping workers need no core).
BENCHMARK(makespan)
    ->Args({300, 10, 2})
    ->Args({300, 10, 4})
    ->Args({300, 10, 8})
    ->Args({300, 100, 12})
    ->Iterations(1)
    ->Unit(benchmark::kSecond);

BENCHMARK_MAIN();
