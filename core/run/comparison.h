#pragma once

#include "plan/runplan.h"
#include "run/runresult.h"
#include "run/truthlines.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <utility>
#include <vector>

namespace parviz {

class RunSession;

// One run of a comparison: a plan, and the engine that runs it.
struct ComparisonRun
{
    RunPlan plan;
    // What runs it, as RunResult::engine will say ("CPython 3.11.2"); empty for ParViz.
    QString engine;
    // Makes the session that runs the plan, when another engine runs it; none for ParViz.
    std::function<std::unique_ptr<RunSession>(const RunPlan &)> makeSession;

    // The session that runs it, not yet started.
    std::unique_ptr<RunSession> session() const;
};

// The same workload under several strategies or engines, one run after another, and runs that
// finished elsewhere (files) beside them. Whoever runs them takes the next run with takeNext(),
// runs it, and hands its result to record(). The comparison window drives it one run at a
// time, so that each can be watched; parviz-cli compare and truth drive it on one thread. So
// the window and the command line cannot disagree on:
// - the baseline: the first finished run of ParViz's own sequential strategy whose makespan is
//   above zero (CPython's sequential program measures CPython, not the work). Once there is
//   one, every run's speedup is against it, the runs recorded before it too; until then, each
//   run's is against its own work.
// - the ranking: by makespan, fastest first; the runs that did not finish after the others.
// - the pair of a ParViz run and CPython's run of the same plan, and its truthLines().
// Not thread-safe: one driver.
class ComparisonSchedule
{
public:
    ComparisonSchedule() = default;
    explicit ComparisonSchedule(std::vector<ComparisonRun> planned);

    // The next planned run, taken off the schedule; nullopt once every one was taken, or after
    // stop().
    std::optional<ComparisonRun> takeNext();
    // A run has finished: the one takeNext() gave, or one that finished elsewhere. It goes after
    // the others, its metrics rebased on the baseline.
    void record(RunResult run);
    // The planned runs not yet taken will not run.
    void stop() { m_stopped = true; }

    bool stopped() const { return m_stopped; }
    const std::vector<ComparisonRun> &planned() const { return m_planned; }
    int runsPlanned() const { return static_cast<int>(m_planned.size()); }
    // The planned runs not taken: after a stop, those that did not run.
    int runsNotRun() const { return runsPlanned() - static_cast<int>(m_taken); }
    // In the order they were recorded, the metrics rebased on the baseline when there is one.
    const std::vector<RunResult> &runs() const { return m_runs; }

    // The baseline's index in runs(), once there is one.
    std::optional<std::size_t> baseline() const { return m_baseline; }
    // The baseline's makespan, as it was recorded; -1 without one.
    std::int64_t baselineNs() const { return m_baselineNs; }
    // Whether `run` is of the kind a baseline is made of: ParViz's own sequential strategy.
    static bool isParVizSequential(const RunResult &run);

    // Indices into runs(), fastest first; the runs that did not finish after those that did,
    // by makespan too. Equal makespans keep the order they ran in.
    std::vector<std::size_t> ranking() const;
    // The fastest finished run; nullopt when none finished.
    std::optional<std::size_t> fastest() const;

    // Whether `parviz` (ParViz's own) and `cpython` (another engine's) both finished the same
    // plan: the same strategy, workers and tasks.
    static bool samePlan(const RunResult &parviz, const RunResult &cpython);
    // The first CPython run with a ParViz run of the same plan: their indices in runs()
    // (ParViz's, CPython's), if any.
    std::optional<std::pair<std::size_t, std::size_t>> truthPair() const;
    // The pair's lines (see truthLines()); none without a pair.
    std::vector<TruthLine> truthLines() const;

private:
    void rebase(RunResult &run) const;

    std::vector<ComparisonRun> m_planned;
    std::size_t m_taken = 0;
    bool m_stopped = false;
    std::vector<RunResult> m_runs;
    std::optional<std::size_t> m_baseline;
    std::int64_t m_baselineNs = -1;
};

} // namespace parviz
