#pragma once

#include "workload/taskspec.h"

#include <cstdint>
#include <stop_token>

namespace parviz {

// Where a task would touch a Python-style global lock: a blocking call releases it, CPU work
// offers to switch between slices, and code that releases it to compute (a C call) does so
// around each call, taking it back for the caller's own code between two calls. Threads under
// a GIL implement it (core/strategies/threadgil.h); everyone else passes nullptr. Called on
// the thread running the task.
class CpuGate
{
public:
    virtual ~CpuGate() = default;
    virtual void beforeSleep() = 0;
    virtual void afterSleep() = 0;
    virtual void beforeCompute() = 0;
    virtual void afterCompute() = 0;
    // Between two slices of CPU work.
    virtual void checkpoint() = 0;
    // Between two calls that release the lock to compute: takes it for the caller's own code
    // and returns true, or returns false when the task's computing never released it.
    virtual bool enterCallerCode() = 0;
    virtual void leaveCallerCode() = 0;
};

enum class TaskOutcome : std::uint8_t { Completed, Interrupted };

struct TaskResult
{
    TaskOutcome outcome = TaskOutcome::Completed;
    std::uint64_t value = 0; // what the task computed: its arithmetic's final state
};

// Runs one task on the calling thread: sleeps (interruptibly) and/or computes, as its kind says.
// Returns early, Interrupted, once `stop` is requested. A test-only throwing task throws
// std::runtime_error. Any thread.
TaskResult executeTask(const TaskSpec &task, const std::stop_token &stop, CpuGate *gate = nullptr);

// Sleeps for `ns` unless `stop` is requested first; returns false when interrupted.
bool interruptibleSleep(std::int64_t ns, const std::stop_token &stop);

} // namespace parviz
