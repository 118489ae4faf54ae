#pragma once

#include "process/workerprocess.h"

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace parviz {

// Worker processes kept between runs, as joblib's loky backend keeps its workers between
// Parallel calls (loky's reusable executor): a run that ends cleanly leaves its workers here,
// idle, and the next run that asks for workers of the same program and arguments takes them
// instead of starting new ones, so only the first run of a program, or of a sweep, shows their
// start. As loky does, workers idle for longer than joblib's idle_worker_timeout end, and a run
// that asks for fewer workers than are kept ends the rest. What is left ends when ParViz does.
//
// Any thread.
class ReusableWorkers
{
public:
    // joblib's LokyBackend: get_reusable_executor(..., idle_worker_timeout=300).
    static constexpr std::int64_t IdleTimeoutNs = 300'000'000'000;

    static ReusableWorkers &instance();
    ~ReusableWorkers();

    // Starts a worker that may be kept. It is started from a thread of ReusableWorkers' own,
    // which lives as long as ParViz: a worker dies with the thread that started it (its
    // parent-death signal follows that thread, not the process), and a kept worker must outlive
    // the run's thread.
    Result<std::unique_ptr<WorkerProcess>> start(
        const std::string &program, const std::vector<std::string> &arguments);

    // Up to `count` idle workers started as `program` with `arguments`, still running. Any
    // others kept (another program or arguments, beyond `count`, idle too long) are ended.
    std::vector<std::unique_ptr<WorkerProcess>> take(
        const std::string &program, const std::vector<std::string> &arguments, std::size_t count);
    // Workers that finished a run cleanly and are waiting for their next task, for the next run.
    void keep(const std::string &program,
        const std::vector<std::string> &arguments,
        std::vector<std::unique_ptr<WorkerProcess>> workers);
    // Ends every idle worker: the next run starts its own.
    void clear();
    std::size_t idleCount() const;
    // The process ids of the idle workers: ParViz's children alive between runs, whose CPU
    // time the machine's load must count as ParViz's own (see machineload.h).
    std::vector<pid_t> idlePids() const;

private:
    ReusableWorkers() = default;

    std::mutex m_startMutex; // guards the three below
    std::condition_variable m_startWanted;
    std::deque<std::function<void()>> m_starts;
    std::jthread m_starter; // started with the first start()

    mutable std::mutex m_mutex; // guards everything below
    std::string m_program;
    std::vector<std::string> m_arguments;
    std::vector<std::unique_ptr<WorkerProcess>> m_idle;
    std::int64_t m_keptAtNs = 0; // when the last run left them (CLOCK_MONOTONIC)
};

} // namespace parviz
