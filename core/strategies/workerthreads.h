#pragma once

#include "plan/runcontext.h"

#include <functional>
#include <thread>
#include <vector>

namespace parviz {

// The threads of one strategy. start(w) asks the system for a thread for worker w; the thread
// first records a `spawn` event on its lane, from the moment it was asked for to its first
// instruction, so the cost of starting threads is visible, then runs body(w).
// All threads are joined by joinAll() or the destructor (CP.25).
//
// The caller's thread only (the run's main thread).
class WorkerThreads
{
public:
    using Body = std::function<void(int worker)>;

    WorkerThreads(RunContext &context, Body body);
    ~WorkerThreads();
    WorkerThreads(const WorkerThreads &) = delete;
    WorkerThreads &operator=(const WorkerThreads &) = delete;

    // Returns false, and fails the run, if the system refuses a new thread.
    bool start(int worker);
    // Starts workers 0..count-1, stopping at the first refusal or at Stop.
    void startAll(int count);
    void joinAll();
    int startedCount() const { return static_cast<int>(m_threads.size()); }

private:
    RunContext &m_context;
    Body m_body;
    std::vector<std::jthread> m_threads;
    const int m_uncaughtAtStart; // std::uncaught_exceptions() when constructed
};

} // namespace parviz
