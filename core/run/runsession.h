#pragma once

#include "plan/runplan.h"
#include "run/planning.h"
#include "run/runresult.h"
#include "strategies/strategy.h"
#include "trace/tracerecorder.h"

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <stop_token>
#include <thread>

namespace parviz {

class Strategy;

// One run of a plan. run() executes it on the calling thread; start() on a background thread of
// its own. While it runs, snapshot() shows the trace so far and requestStop() ends it promptly
// (sleeping tasks wake, queued tasks are dropped); the result keeps what finished.
//
// Thread affinity: run()/start()/wait()/result() from the owning thread; snapshot(),
// requestStop(), isFinished() from any thread. The destructor stops and joins a started run.
class RunSession
{
public:
    // The plan must come from makeRunPlan() (its strategy exists).
    explicit RunSession(RunPlan plan);
    // Runs the plan with another engine than ParViz's own strategy (CPython running the
    // strategy's Python program), named `engineName` in the result.
    RunSession(RunPlan plan, std::unique_ptr<Strategy> engine, QString engineName);
    ~RunSession();
    RunSession(const RunSession &) = delete;
    RunSession &operator=(const RunSession &) = delete;

    const RunPlan &plan() const { return m_plan; }
    int laneCount() const;

    // A session runs its plan once: a second run() or start() does nothing.
    void run();
    void start();
    // Waits for a started run; false if it has not finished within `timeout`.
    bool wait(std::chrono::milliseconds timeout = std::chrono::milliseconds::max());

    void requestStop() { m_stop.request_stop(); }
    bool isFinished() const { return m_finished.load(std::memory_order_acquire); }
    std::shared_ptr<const TraceSnapshot> snapshot() const { return m_recorder->snapshot(); }

    // The result of a finished run.
    const RunResult &result() const { return m_result; }
    RunResult takeResult() { return std::move(m_result); }

private:
    void execute();

    RunPlan m_plan;
    std::unique_ptr<Strategy> m_strategy;
    std::unique_ptr<TraceRecorder> m_recorder;
    std::stop_source m_stop;
    RunResult m_result;
    std::atomic<bool> m_used{false}; // a session runs its plan once
    std::atomic<bool> m_finished{false}; // release after m_result is written
    std::mutex m_finishedMutex; // with m_finishedChanged: where wait() sleeps
    std::condition_variable m_finishedChanged;
    std::jthread m_thread;
};

// Runs a plan to the end on the calling thread.
RunResult executeRun(const RunPlan &plan);

} // namespace parviz
