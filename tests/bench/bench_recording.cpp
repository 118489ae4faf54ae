// What recording costs: a task's two timestamps and the store of its event, against the two
// clock reads alone; what a snapshot costs while a run of a million tasks is under way; and
// what a million tasks' trace weighs.

#include "run/planning.h"
#include "run/runsession.h"
#include "trace/tracerecorder.h"

#include <benchmark/benchmark.h>
#include <fstream>
#include <string>

using namespace parviz;

namespace {

// The floor: the two clock reads every task needs anyway.
void clockReadsOnly(benchmark::State &state)
{
    TraceRecorder recorder(1, false);
    for (auto _ : state) {
        benchmark::DoNotOptimize(recorder.now());
        benchmark::DoNotOptimize(recorder.now());
    }
}
BENCHMARK(clockReadsOnly);

// A task as the strategies record it: begin at one clock read, end at the next. A fresh
// recorder every few million tasks keeps memory bounded; `reserved` gives its lane room up
// front, as a run does before its clock starts.
void recordTasks(benchmark::State &state, bool reserved)
{
    constexpr std::int32_t PerRecorder = 4'000'000;
    auto fresh = [reserved] {
        auto recorder = std::make_unique<TraceRecorder>(1, false);
        if (reserved)
            recorder->reserve(PerRecorder);
        return recorder;
    };
    auto recorder = fresh();
    std::int32_t task = 0;
    for (auto _ : state) {
        TraceLane &lane = recorder->worker(0);
        lane.begin(task, EventKind::Run, recorder->now());
        lane.end(recorder->now());
        if (++task == PerRecorder) {
            state.PauseTiming();
            recorder = fresh();
            task = 0;
            state.ResumeTiming();
        }
    }
}
BENCHMARK_CAPTURE(recordTasks, growing, false);
BENCHMARK_CAPTURE(recordTasks, reserved, true);

// The store alone: a finished event appended with known times.
void appendOneEvent(benchmark::State &state)
{
    auto recorder = std::make_unique<TraceRecorder>(1, false);
    std::int32_t task = 0;
    for (auto _ : state) {
        recorder->worker(0).append(task, EventKind::Run, task, task + 1);
        if (++task == 4'000'000) {
            state.PauseTiming();
            recorder = std::make_unique<TraceRecorder>(1, false);
            task = 0;
            state.ResumeTiming();
        }
    }
}
BENCHMARK(appendOneEvent);

// A snapshot taken while 1,000,000 empty tasks run on a thread pool of 2 workers: as the GUI
// does 60 times a second. Its cost does not grow with the events recorded.
void snapshotDuringMillionTaskRun(benchmark::State &state)
{
    WorkloadSpec workload;
    workload.taskCount = 1'000'000;
    workload.duration = DurationSpec::fixed(0);
    auto plan = makeRunPlan(QStringLiteral("thread-pool"), workload, WorkerCount::exactly(2));
    RunSession session(plan.value());
    session.start();
    std::size_t events = 0;
    for (auto _ : state) {
        auto snapshot = session.snapshot();
        events = snapshot->totalEventCount();
        benchmark::DoNotOptimize(snapshot);
    }
    session.wait();
    state.counters["events_seen"] = double(events);
    state.counters["events_total"] = double(session.result().trace->totalEventCount());
}
BENCHMARK(snapshotDuringMillionTaskRun)->UseRealTime();

// A field of /proc/self/status ("VmHWM", "VmRSS"), in bytes.
double procStatusBytes(const std::string &field)
{
    std::ifstream status("/proc/self/status");
    std::string line;
    while (std::getline(status, line)) {
        if (line.rfind(field + ":", 0) == 0)
            return std::stod(line.substr(field.size() + 1)) * 1024.0; // "VmHWM:   1234 kB"
    }
    return 0;
}

// A million empty tasks on W threads of a pool, as `parviz-cli run -n 1000000 -d 0ms -w W`:
// the bytes the trace holds per event (allocated, used or not), and the process's peak RSS
// over the run, the peak reset before it (/proc/self/clear_refs), so other benchmarks in the
// same process do not count.
void millionTaskTrace(benchmark::State &state)
{
    WorkloadSpec workload;
    workload.taskCount = 1'000'000;
    workload.duration = DurationSpec::fixed(0);
    const auto plan = makeRunPlan(
        QStringLiteral("thread-pool"), workload, WorkerCount::exactly(int(state.range(0))))
                          .value();
    double bytesPerEvent = 0;
    double events = 0;
    double peakBytes = 0;
    double before = 0;
    for (auto _ : state) {
        std::ofstream("/proc/self/clear_refs") << "5"; // resets VmHWM to VmRSS
        before = procStatusBytes("VmRSS");
        const RunResult result = executeRun(plan);
        peakBytes = procStatusBytes("VmHWM");
        events = double(result.trace->totalEventCount());
        bytesPerEvent = double(result.trace->allocatedBytes()) / events;
    }
    state.counters["events"] = events;
    state.counters["bytes_per_event"] = bytesPerEvent;
    state.counters["rss_before_MB"] = before / 1e6;
    state.counters["peak_rss_MB"] = peakBytes / 1e6;
}
BENCHMARK(millionTaskTrace)
    ->Arg(1)
    ->Arg(2)
    ->Arg(8)
    ->Iterations(3)
    ->Unit(benchmark::kMillisecond)
    ->UseRealTime();

} // namespace

BENCHMARK_MAIN();
