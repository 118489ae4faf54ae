#pragma once

#include "plan/runplan.h"
#include "trace/tracerecorder.h"
#include "util/result.h"
#include "workload/taskexecutor.h"

#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <utility>
#include <vector>

namespace parviz {

// The clock of a worker process on ParViz's: its CLOCK_MONOTONIC reading minus ParViz's at the
// same moment, estimated from round trips (the tightest of several), give or take
// `uncertaintyNs` (half that round trip). Worker times are moved by -offsetNs into the trace.
struct WorkerClock
{
    QString worker; // "tcp://10.0.0.7:39041"
    std::int32_t pid = 0;
    std::int64_t offsetNs = 0;
    std::int64_t uncertaintyNs = 0;

    bool operator==(const WorkerClock &) const = default;
};

// What a strategy's threads share during one run: the plan, the recorder, one stop signal
// (set by the user's Stop or by the first failure) and the first failure.
// Any thread, except where a function says otherwise.
class RunContext
{
public:
    RunContext(const RunPlan &plan, TraceRecorder &recorder, std::stop_token userStop);
    RunContext(const RunContext &) = delete;
    RunContext &operator=(const RunContext &) = delete;

    const RunPlan &plan() const { return m_plan; }
    const std::vector<TaskSpec> &tasks() const { return *m_plan.tasks; }
    TraceRecorder &recorder() { return m_recorder; }
    std::int64_t now() const { return m_recorder.now(); }

    // One token for the whole run: copying a stop_token is an atomic increment on state every
    // worker shares, which per task would cost more than recording the task.
    const std::stop_token &stopToken() const { return m_stopToken; }
    bool stopRequested() const { return m_stop.stop_requested(); }

    // Ends the run with this error; the first one wins, and the rest of the run stops.
    void fail(Error error);
    std::optional<Error> failure() const;
    // Runs `part`, the body of one of the run's threads: an exception that leaves it fails the
    // run (see failWith()), where it would otherwise end the program (std::terminate). Tasks'
    // own exceptions never get here: runTask() catches them.
    template <typename Part>
    void guard(Part &&part)
    {
        try {
            std::forward<Part>(part)();
        } catch (const std::exception &exception) {
            failWith(exception);
        }
    }
    // Fails the run with what escaped a part of it: memory exhausted (std::bad_alloc, which
    // recording a million tasks can meet anywhere), else a broken invariant.
    void failWith(const std::exception &exception);

    // Runs one task on the calling thread, which must own worker lane `worker`: records its
    // `run` event (split by the gate into run and gil-wait for GIL threads), counts it when it
    // completes, and turns an exception into fail(). `firstRunFlags` go on the task's first
    // `run` event only, not on the parts a gate splits off after it: EventFlag::GroupStart for
    // the first task of a chunk or batch.
    enum class TaskEnd : std::uint8_t { Completed, Interrupted, Failed };
    TaskEnd runTask(
        int worker, const TaskSpec &task, CpuGate *gate = nullptr, std::uint8_t firstRunFlags = 0);

    // The order in which the caller received results (pool-map), for the RunResult.
    // The caller's thread only.
    void setResultOrder(std::vector<std::int32_t> order) { m_resultOrder = std::move(order); }
    std::vector<std::int32_t> takeResultOrder() { return std::move(m_resultOrder); }
    // How the clocks of the processes that ran tasks relate to ParViz's (a Dask cluster's
    // workers, which may be on other hosts), for the RunResult. The caller's thread only.
    void addWorkerClock(WorkerClock clock) { m_workerClocks.push_back(std::move(clock)); }
    std::vector<WorkerClock> takeWorkerClocks() { return std::move(m_workerClocks); }

private:
    struct ForwardStop
    {
        std::stop_source *target;
        void operator()() const { target->request_stop(); }
    };

    const RunPlan &m_plan;
    TraceRecorder &m_recorder;
    std::stop_source m_stop;
    const std::stop_token m_stopToken = m_stop.get_token();
    std::stop_callback<ForwardStop> m_forwardUserStop;
    mutable std::mutex m_failureMutex; // guards m_failure
    std::optional<Error> m_failure;
    std::vector<std::int32_t> m_resultOrder;
    std::vector<WorkerClock> m_workerClocks;
};

} // namespace parviz
