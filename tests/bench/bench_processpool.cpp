// What a process costs: the time from asking for W worker processes to all of them ready, and
// the round trip of one empty task, one at a time and in chunks. Next to them, in the same
// process, the floor: posix_spawn of a program that does nothing (/bin/true) until it exits.
//
// "ready_ms" is the time from asking for the first worker to the last one reporting ready;
// "per_task" is wall time per task (130u = 130 µs).

#include "run/runsession.h"
#include "util/clock.h"

#include <benchmark/benchmark.h>
#include <spawn.h>
#include <sys/wait.h>

extern char **environ;

using namespace parviz;

namespace {

RunResult runPool(int workers, int tasks, int chunkSize)
{
    WorkloadSpec workload;
    workload.taskCount = tasks;
    workload.duration = DurationSpec::fixed(0);
    StrategyOptions options;
    options.chunkSize = chunkSize;
    return executeRun(RunPlan::make(
        QStringLiteral("process-pool"), workload, WorkerCount::exactly(workers), options)
                          .value());
}

void workersReady(benchmark::State &state)
{
    const int workers = int(state.range(0));
    double readyNs = 0;
    for (auto _ : state) {
        const RunResult result = runPool(workers, workers, 1);
        std::int64_t first = INT64_MAX;
        std::int64_t last = 0;
        for (int worker = 0; worker < workers; ++worker) {
            const TaskEvent &spawn = result.trace->event(worker, 0);
            first = std::min(first, spawn.startNs);
            last = std::max(last, spawn.endNs);
        }
        readyNs = double(last - first);
        state.SetIterationTime(readyNs / 1e9);
    }
    state.counters["ready_ms"] = readyNs / 1e6;
}
BENCHMARK(workersReady)->Arg(1)->Arg(2)->Arg(8)->UseManualTime()->Unit(benchmark::kMillisecond);

// Empty tasks on one worker, spawn left out: the cost of handing a task over and hearing back.
void emptyTaskRoundTrip(benchmark::State &state)
{
    constexpr int Tasks = 2000;
    const int chunkSize = int(state.range(0));
    double perTaskNs = 0;
    for (auto _ : state) {
        const RunResult result = runPool(1, Tasks, chunkSize);
        const TaskEvent &spawn = result.trace->event(0, 0);
        perTaskNs = double(result.metrics.makespanNs - spawn.endNs) / Tasks;
        state.SetIterationTime(perTaskNs * Tasks / 1e9);
    }
    state.counters["per_task_us"] = perTaskNs / 1e3;
}
BENCHMARK(emptyTaskRoundTrip)
    ->Arg(1)
    ->Arg(10)
    ->Arg(100)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

// The floor: starting a program that does nothing, and waiting for it to end.
void spawnTrue(benchmark::State &state)
{
    char program[] = "/bin/true";
    char *argv[] = {program, nullptr};
    for (auto _ : state) {
        pid_t pid = 0;
        posix_spawn(&pid, program, nullptr, nullptr, argv, environ);
        int status = 0;
        waitpid(pid, &status, 0);
    }
}
BENCHMARK(spawnTrue)->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
