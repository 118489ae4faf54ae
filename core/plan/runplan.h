#pragma once

#include "util/result.h"
#include "workload/taskspec.h"
#include "workload/workloadspec.h"

#include <QString>
#include <QStringList>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

namespace parviz {

struct PythonInterpreter; // python/interpreter.h
class ProgramOutput; // python/programoutput.h

// The logical CPUs of this machine, as QThread::idealThreadCount() (Python's os.cpu_count()).
int logicalCpus();

// How many workers: an explicit count, or a fraction of the logical CPUs as the seed's
// int(0.8 * cpu_count()), that is max(1, floor(fraction * cpus)). Above 1.0 oversubscribes,
// which is the point for I/O-bound work.
struct WorkerCount
{
    static constexpr double MinFraction = 0.05;
    static constexpr double MaxFraction = 4.0;
    static constexpr int MaxWorkers = 1024;

    std::optional<int> count;
    double fraction = 0.8;

    static WorkerCount exactly(int workers) { return {workers, 1.0}; }
    static WorkerCount ofCpus(double fraction) { return {std::nullopt, fraction}; }

    Result<void> validate() const;
    int resolve(int cpus) const;
    // "80% of 12 logical CPUs = 9 workers" or "8 workers (chosen)".
    QString describe(int cpus) const;

    bool operator==(const WorkerCount &) const = default;
};

// Where joblib's Parallel runs its batches. Loky, joblib's default, runs them in worker processes
// that outlive one Parallel call (loky's reusable executor) and sizes batches automatically;
// threading runs them on threads of the caller's process, one task per batch; dask sends each
// batch to a Dask cluster as one task (parallel_backend('dask')), and only CPython runs it.
enum class JoblibBackend : std::uint8_t { Loky, Threading, Dask };

QString joblibBackendName(JoblibBackend backend); // "loky", "threading", "dask"
std::optional<JoblibBackend> joblibBackendFromName(QStringView name);

// Knobs some strategies have; the defaults are Python's.
struct StrategyOptions
{
    int chunkSize = 1; // pool-map: executor.map(..., chunksize=1)
    // Threads under a GIL: sys.getswitchinterval() = 0.005.
    std::int64_t switchIntervalNs = 5'000'000;
    std::int64_t minBatchDurationNs = 200'000'000; // batched: joblib's MIN_IDEAL_BATCH_DURATION
    std::int64_t maxBatchDurationNs = 2'000'000'000; // batched: joblib's MAX_IDEAL_BATCH_DURATION
    int preDispatchFactor = 2; // batched: pre_dispatch='2*n_jobs'
    JoblibBackend backend = JoblibBackend::Loky; // batched: Parallel(backend=...)
    // process-pool: what a worker process that dies mid-run does to the run. Fail is what
    // ProcessPoolExecutor does (BrokenProcessPool); Restart starts a new worker in its place
    // and queues its tasks again.
    enum class WorkerDeath { Fail, Restart };
    WorkerDeath onWorkerDeath = WorkerDeath::Fail;
    // process-pool: how long a worker process may take to say it is ready.
    std::int64_t workerStartTimeoutNs = 10'000'000'000;
    // Worker processes: how long one may go without a word while it holds a task, at the
    // least; a task planned to take longer gets ten times its planned duration. A worker silent
    // for longer is stalled (stopped, or hung): it is killed, and its death handled as any.
    std::int64_t workerStallTimeoutNs = 10'000'000'000;
    // The stall bound for a task planned to take `plannedNs`.
    std::int64_t stallBoundNs(std::int64_t plannedNs) const;
    // Whether the caller waits for its workers (join(), or leaving the executor's `with`). Off,
    // the caller's program goes on as soon as everything is submitted, as the seed's
    // p.start() without p.join() does; the workers still run to the end, as Python's own exit
    // waits for them, but the `main` row stops where the caller's clock would.
    bool join = true;
    // dask, and joblib's dask backend: the threads of each Dask worker process of a cluster
    // ParViz starts (LocalCluster(threads_per_worker=T)); for an existing cluster, what its
    // workers are expected to have, which bounds the rows.
    int threadsPerWorker = 1;
    // dask: the scheduler of an existing cluster ("tcp://host:8786"); empty, ParViz starts a
    // LocalCluster of its own for the run and shuts it down after it.
    QString daskScheduler;

    Result<void> validate() const;

    bool operator==(const StrategyOptions &) const = default;
};

// A person's own Python program, run unmodified under ParViz's tracer (parviz-cli trace, File >
// Trace Python Program...): what runs, and where its output goes. Its units of work are found as
// it runs: a plan with one has no tasks, and its rows are added as threads and processes start
// running work (see TracedProgramEngine).
struct TracedProgram
{
    QString path; // the program, as the person named it
    QStringList arguments;
    QString workingDirectory; // empty: the front end's own
    // Where the program's standard output and error go: null, to ParViz's own, and its
    // standard input is ParViz's (parviz-cli); else kept here for the front end to show, with
    // an empty standard input (the window). Not part of what the program is: never saved.
    std::shared_ptr<ProgramOutput> output = nullptr;

    bool operator==(const TracedProgram &) const = default;
};

// What the plan runs, in a few words, for titles and legends: the workload's label ("8 cpu x
// 100ms"), or a traced program's file name and arguments ("pool.py 4 --big").
QString workLabel(const struct RunPlan &plan);
// A traced program as a command: its path as given (or its file name alone), then its
// arguments, quoted where a space would split one: "examples/pool.py 4 'a b'".
QString programCommand(const struct TracedProgram &program, bool fileNameOnly = false);

// Everything one run needs: the strategy, the tasks, the workers. checkRunPlan() and
// makeRunPlan() (run/planning.h) make one that the strategy can run.
struct RunPlan
{
    // The most rows a run has: a thread per task, or a Dask cluster's worker threads. Beyond
    // it a timeline is unreadable and the run file's limits (runjsonreader.h) no longer hold.
    static constexpr int MaxLanes = 20'000;

    QString strategy;
    WorkloadSpec workload;
    std::shared_ptr<const std::vector<TaskSpec>> tasks;
    WorkerCount workerCount;
    int workers = 1; // resolved from workerCount on this machine
    int cpus = 1;
    StrategyOptions options;
    // The CPython that runs the plan where only CPython can (its workers are a Dask cluster):
    // the front end's choice (the window's preference, parviz-cli's $PARVIZ_PYTHON or --python),
    // found once and shared by every plan made from it. How this machine runs the plan, not
    // what the plan is: never saved with it. Null: the engine looks for one as the run starts
    // (findPython()), as a library's caller that chose none gets.
    std::shared_ptr<const PythonInterpreter> python = nullptr;
    // Set for a traced program's run (strategy TracedProgramStrategyId, see
    // makeTracedProgramPlan()): its workload, tasks and workers say nothing, as they are found
    // while it runs.
    std::shared_ptr<const TracedProgram> program = nullptr;
};

} // namespace parviz
