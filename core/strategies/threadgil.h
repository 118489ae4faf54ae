#pragma once

#include "plan/runcontext.h"
#include "strategies/gil.h"

#include <optional>

namespace parviz {

// The GIL of the process whose threads run a strategy's tasks, as the plan's workload uses it:
// - `held` (pure Python): a task takes the GIL before it starts, computes only while holding
//   it, switches out between slices of CPU work when another thread asks, and releases it
//   around sleeps;
// - `released` (hashlib, NumPy, zlib): as `held`, but the task also releases the GIL for its
//   computing, as a C call does with Py_BEGIN_ALLOW_THREADS, and takes it back to return;
// - `none` (free-threaded CPython), or workers that are not threads: no GIL, and runTask()
//   is RunContext::runTask().
// A thread's waits for the lock are `gil-wait` on its row, splitting the task's `run`; who held
// it is the GIL row.
//
// Built on the run's main thread before the workers start; runTask() on any worker thread.
class ThreadGil
{
public:
    explicit ThreadGil(RunContext &context);
    ThreadGil(const ThreadGil &) = delete;
    ThreadGil &operator=(const ThreadGil &) = delete;

    // Runs `task` on worker `worker`'s thread under the GIL. Interrupted if the run is stopped
    // while the task waits for the lock before it starts. `firstRunFlags`: as for
    // RunContext::runTask(), on the task's first `run` event.
    RunContext::TaskEnd runTask(int worker, const TaskSpec &task, std::uint8_t firstRunFlags = 0);

private:
    RunContext &m_context;
    const TaskGil m_use;
    std::optional<Gil> m_gil;
};

} // namespace parviz
