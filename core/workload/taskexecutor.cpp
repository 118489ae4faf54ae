#include "workload/taskexecutor.h"

#include "workload/cpuwork.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <stdexcept>
#include <string>

namespace parviz {

namespace {

// CPU work runs in slices of about this long, between which it checks for Stop and, under
// a GIL, for a request to switch (CPython checks at every turn of its eval loop).
constexpr double SliceMs = 0.05;

// Computing that releases the GIL does it one call at a time, a slice each here (a 64 KiB
// hashlib update takes about 36 us), and the caller's own code between two calls runs under
// the GIL: CPython's loop around update() spends about a twentieth of each turn there (a
// time.thread_time() call of 1.6 us and the loop's bytecode, against 36 us of hashing).
constexpr std::uint64_t CallerCodeShare = 20;

} // namespace

bool interruptibleSleep(std::int64_t ns, const std::stop_token &stop)
{
    if (ns <= 0)
        return !stop.stop_requested();
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::nanoseconds(ns);
    // One waiter per thread; condition_variable_any allocates when built, so build it once.
    thread_local std::mutex mutex;
    thread_local std::condition_variable_any wakeUp;
    std::unique_lock lock(mutex);
    wakeUp.wait_until(lock, stop, deadline, [] { return false; });
    return !stop.stop_requested();
}

TaskResult executeTask(const TaskSpec &task, const std::stop_token &stop, CpuGate *gate)
{
    if (task.throws)
        throw std::runtime_error("task " + std::to_string(task.id) + " threw on purpose");

    TaskResult result;
    result.value = static_cast<std::uint64_t>(task.id) * 0x9E3779B97F4A7C15ULL + 1;

    if (const auto sleepNs = task.sleepNs(); sleepNs > 0) {
        if (gate)
            gate->beforeSleep();
        bool slept = interruptibleSleep(sleepNs, stop);
        if (gate) {
            gate->afterSleep();
            // Stopped while waiting to take the lock back: the task never got to continue.
            slept = slept && !stop.stop_requested();
        }
        if (!slept) {
            result.outcome = TaskOutcome::Interrupted;
            return result;
        }
    }

    if (const auto cpuNs = task.cpuNs(); cpuNs > 0) {
        const CpuWork &work = CpuWork::calibrated();
        std::uint64_t remaining = work.iterationsFor(cpuNs);
        const auto slice = std::max<std::uint64_t>(
            1, work.iterationsFor(static_cast<std::int64_t>(SliceMs * 1e6)));
        if (gate)
            gate->beforeCompute();
        while (remaining > 0) {
            if (stop.stop_requested()) {
                result.outcome = TaskOutcome::Interrupted;
                return result;
            }
            const auto n = std::min(remaining, slice);
            // The last slice ends with the task's return (afterCompute), not the caller's code.
            // Split alike with a gate or without, so every engine computes the same value.
            const std::uint64_t callerCode = n < remaining ? n / CallerCodeShare : 0;
            result.value = CpuWork::crunch(n - callerCode, result.value);
            if (callerCode > 0) {
                const bool locked = gate && gate->enterCallerCode();
                result.value = CpuWork::crunch(callerCode, result.value);
                if (locked)
                    gate->leaveCallerCode();
            }
            remaining -= n;
            if (gate && remaining > 0)
                gate->checkpoint();
        }
        if (gate) {
            gate->afterCompute();
            // Stopped while waiting to take the lock back: the task never got to return.
            if (stop.stop_requested())
                result.outcome = TaskOutcome::Interrupted;
        }
    }
    return result;
}

} // namespace parviz
