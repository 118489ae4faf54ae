#pragma once

#include "strategies/strategy.h"

#include <cstddef>
#include <cstdint>
#include <vector>

namespace parviz {

// Where a pool of worker processes gets its tasks: the chunks of executor.map, or joblib's
// batches. A group is the tasks a worker is sent in one message; its tag is the feed's own.
//
// Called on the run's main thread only.
class PoolFeed
{
public:
    struct Group
    {
        std::vector<std::size_t> tasks; // indices into the run's tasks, in order
        std::int64_t tag = 0;
    };

    virtual ~PoolFeed() = default;
    // The next group for a worker; empty when none is ready now.
    virtual Group take() = 0;
    // Whether a worker that starts the last group it holds may be sent the next one while it
    // works, so that no round trip stands between the two.
    virtual bool sendsAhead(std::size_t workers) const = 0;
    // Every task of the group with this tag has completed.
    virtual void completed(std::int64_t tag) = 0;
    // A dead worker's unfinished tasks of a group, to be taken again before anything else.
    virtual void putBack(Group group) = 0;
    // Nothing is left to take, now or later.
    virtual bool exhausted() const = 0;
    // Whether each group's first task starts a group on its worker's row.
    virtual bool marksGroups() const = 0;
};

// How a pool's workers come and go.
enum class PoolWorkers : std::uint8_t {
    // Started for the run and ended with it, as ProcessPoolExecutor's `with` block does.
    PerRun,
    // Taken from and left to ReusableWorkers, as loky's reusable executor keeps them.
    Reused,
};

// Runs the context's tasks in W worker processes (parviz-worker), fed by `feed`.
void runInWorkerProcesses(RunContext &context, PoolFeed &feed, PoolWorkers workers);

// concurrent.futures.ProcessPoolExecutor(max_workers=W) / multiprocessing.Pool(W): tasks run in
// W real worker processes (parviz-worker), handed out C at a time as each worker finishes.
class ProcessPoolStrategy : public Strategy
{
public:
    // How long stopped workers get to exit before they are killed.
    static constexpr std::int64_t StopGraceNs = 500'000'000;
    // A task that takes down its worker this often is not tried again.
    static constexpr int MaxAttempts = 3;

    static StrategyInfo describe();
    void run(RunContext &context) override;
};

} // namespace parviz
