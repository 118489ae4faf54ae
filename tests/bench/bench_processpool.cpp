// What a process costs: the time from asking for W worker processes to all of them ready, and
// the round trip of one empty task, one at a time and in chunks. Next to them, in the same
// process, the floor: posix_spawn of a program that does nothing (/bin/true) until it exits.
//
// "ready_ms" is the time from asking for the first worker to the last one reporting ready;
// "per_task" is wall time per task (130u = 130 µs).
//
// firstResultAgainstTinyWorker is the yardstick for starting a pool: W workers of the least a
// worker can be (bench_tinyworker: a reply per line, no Qt, no threads), started with
// posix_spawn as WorkerProcess starts them and each sent one line, against ParViz's own pool
// of W asked for one empty task each, interleaved in the same process so that both see the
// same machine. Medians, and the quartiles to show how noisy the machine was.

#include "run/planning.h"
#include "run/runsession.h"
#include "util/clock.h"

#include <algorithm>
#include <benchmark/benchmark.h>
#include <cstring>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

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
    return executeRun(makeRunPlan(
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

// Times of one start of W workers, in nanoseconds from the first spawn (or the run's start).
struct StartTimes
{
    double firstNs = 0; // the first task's result is in
    double allNs = 0; // every worker's first result is in (the tiny workers) / every task's
    double wholeNs = 0; // and every worker has exited and been reaped
    // ParViz only, where its first result's time went: the first spawn asked for, the first
    // worker ready, and the first task started.
    double spawnNs = 0;
    double readyNs = 0;
    double startNs = 0;
};

// W tiny workers, each on a socket pair that is its stdin and stdout, each sent one line.
StartTimes runTinyWorkers(int workers)
{
    char program[] = PARVIZ_TINY_WORKER_PATH;
    char *argv[] = {program, nullptr};
    StartTimes times;
    const std::int64_t startNs = monotonicNowNs();
    std::vector<int> fds;
    std::vector<pid_t> pids;
    for (int i = 0; i < workers; ++i) {
        int sockets[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0)
            std::abort();
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_adddup2(&actions, sockets[1], STDIN_FILENO);
        posix_spawn_file_actions_adddup2(&actions, sockets[1], STDOUT_FILENO);
        pid_t pid = 0;
        if (::posix_spawn(&pid, program, &actions, nullptr, argv, environ) != 0)
            std::abort();
        posix_spawn_file_actions_destroy(&actions);
        ::close(sockets[1]);
        constexpr char Task[] = "task\n";
        if (::write(sockets[0], Task, sizeof Task - 1) != sizeof Task - 1)
            std::abort();
        fds.push_back(sockets[0]);
        pids.push_back(pid);
    }
    std::vector<pollfd> waiting;
    for (int fd : fds)
        waiting.push_back({fd, POLLIN, 0});
    int replies = 0;
    while (replies < workers) {
        ::poll(waiting.data(), waiting.size(), -1);
        for (pollfd &entry : waiting) {
            if (!(entry.revents & POLLIN))
                continue;
            char reply[64];
            if (::read(entry.fd, reply, sizeof reply) <= 0)
                std::abort();
            const double atNs = double(monotonicNowNs() - startNs);
            if (++replies == 1)
                times.firstNs = atNs;
            times.allNs = atNs;
            entry.fd = -1; // one reply each
        }
    }
    for (int fd : fds)
        ::close(fd); // end of input: the workers exit
    for (pid_t pid : pids) {
        int status = 0;
        ::waitpid(pid, &status, 0);
    }
    times.wholeNs = double(monotonicNowNs() - startNs);
    return times;
}

// ParViz's pool as a run uses it: W workers, W empty tasks. Times from the run's trace, whose
// clock starts as the strategy starts (before it looks for the worker program), so the pool's
// own setup counts; a result counts from the moment its worker wrote it.
StartTimes runParvizPool(int workers)
{
    const std::int64_t startNs = monotonicNowNs();
    const RunResult result = runPool(workers, workers, 1);
    StartTimes times;
    times.wholeNs = double(monotonicNowNs() - startNs);
    times.firstNs = times.spawnNs = times.readyNs = times.startNs = 1e18;
    for (int worker = 0; worker < workers; ++worker) {
        result.trace->forEachEvent(worker, [&](const TaskEvent &event) {
            if (event.kind == EventKind::Spawn) {
                times.spawnNs = std::min(times.spawnNs, double(event.startNs));
                times.readyNs = std::min(times.readyNs, double(event.endNs));
            }
            if (event.kind != EventKind::Run)
                return;
            times.startNs = std::min(times.startNs, double(event.startNs));
            times.firstNs = std::min(times.firstNs, double(event.endNs));
            times.allNs = std::max(times.allNs, double(event.endNs));
        });
    }
    if (result.error || result.trace->completedTasks() != workers)
        std::abort();
    return times;
}

double quantile(std::vector<double> values, double q)
{
    std::sort(values.begin(), values.end());
    return values[std::size_t(q * double(values.size() - 1) + 0.5)];
}

void firstResultAgainstTinyWorker(benchmark::State &state)
{
    const int workers = int(state.range(0));
    std::vector<StartTimes> tiny;
    std::vector<StartTimes> parviz;
    bool tinyFirst = true;
    for (auto _ : state) {
        // Alternate which goes first, so neither always inherits the other's aftermath.
        if (tinyFirst)
            tiny.push_back(runTinyWorkers(workers));
        parviz.push_back(runParvizPool(workers));
        if (!tinyFirst)
            tiny.push_back(runTinyWorkers(workers));
        tinyFirst = !tinyFirst;
        state.SetIterationTime(parviz.back().firstNs / 1e9);
    }
    auto column = [](const std::vector<StartTimes> &runs, double StartTimes::*field) {
        std::vector<double> values;
        for (const StartTimes &run : runs)
            values.push_back(run.*field / 1e6);
        return values;
    };
    auto report = [&](const char *name, double StartTimes::*field) {
        const auto ours = column(parviz, field);
        const auto theirs = column(tiny, field);
        const std::string prefix = name;
        state.counters["tiny_" + prefix + "_ms"] = quantile(theirs, 0.5);
        state.counters["pv_" + prefix + "_ms"] = quantile(ours, 0.5);
        state.counters["ratio_" + prefix] = quantile(ours, 0.5) / quantile(theirs, 0.5);
    };
    report("first", &StartTimes::firstNs);
    report("all", &StartTimes::allNs);
    report("whole", &StartTimes::wholeNs);
    state.counters["pv_spawn_ms"] = quantile(column(parviz, &StartTimes::spawnNs), 0.5);
    state.counters["pv_ready_ms"] = quantile(column(parviz, &StartTimes::readyNs), 0.5);
    state.counters["pv_start_ms"] = quantile(column(parviz, &StartTimes::startNs), 0.5);
    // The spread of the first result: how noisy the machine was.
    const auto ours = column(parviz, &StartTimes::firstNs);
    const auto theirs = column(tiny, &StartTimes::firstNs);
    state.counters["tiny_first_q1"] = quantile(theirs, 0.25);
    state.counters["tiny_first_q3"] = quantile(theirs, 0.75);
    state.counters["pv_first_q1"] = quantile(ours, 0.25);
    state.counters["pv_first_q3"] = quantile(ours, 0.75);
}
BENCHMARK(firstResultAgainstTinyWorker)
    ->Arg(2)
    ->Iterations(41)
    ->UseManualTime()
    ->Unit(benchmark::kMillisecond);

} // namespace

BENCHMARK_MAIN();
