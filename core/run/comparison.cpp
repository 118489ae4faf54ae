#include "run/comparison.h"

#include "metrics/runmetrics.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"

#include <algorithm>
#include <numeric>

namespace parviz {

std::unique_ptr<RunSession> ComparisonRun::session() const
{
    return makeSession ? makeSession(plan) : std::make_unique<RunSession>(plan);
}

ComparisonSchedule::ComparisonSchedule(std::vector<ComparisonRun> planned)
    : m_planned(std::move(planned))
{ }

std::optional<ComparisonRun> ComparisonSchedule::takeNext()
{
    if (m_stopped || m_taken >= m_planned.size())
        return std::nullopt;
    return m_planned[m_taken++];
}

bool ComparisonSchedule::isParVizSequential(const RunResult &run)
{
    if (!run.engine.isEmpty())
        return false;
    // A run from elsewhere names its strategy; ParViz's own runs are in the registry too.
    if (!run.strategy.id.isEmpty())
        return run.strategy.workers == WorkerKind::Caller;
    const StrategyEntry *entry = findStrategy(run.plan.strategy);
    return entry && entry->info.workers == WorkerKind::Caller;
}

void ComparisonSchedule::rebase(RunResult &run) const
{
    if (run.trace && run.plan.tasks)
        run.metrics = computeRunMetrics(*run.trace, *run.plan.tasks, m_baselineNs);
}

void ComparisonSchedule::record(RunResult run)
{
    if (!m_baseline && isParVizSequential(run) && run.ok() && run.metrics.makespanNs > 0) {
        // The time the work takes one task after another, measured: every speedup is against
        // it from now on, those of the runs that came before too.
        m_baseline = m_runs.size();
        m_baselineNs = run.metrics.makespanNs;
        m_runs.push_back(std::move(run));
        for (RunResult &each : m_runs)
            rebase(each);
        return;
    }
    if (m_baseline)
        rebase(run);
    m_runs.push_back(std::move(run));
}

std::vector<std::size_t> ComparisonSchedule::ranking() const
{
    std::vector<std::size_t> order(m_runs.size());
    std::iota(order.begin(), order.end(), std::size_t{0});
    // Runs that did not finish rank last: their makespans are not the work's.
    std::stable_sort(order.begin(), order.end(), [this](std::size_t a, std::size_t b) {
        const RunResult &first = m_runs[a];
        const RunResult &second = m_runs[b];
        if (first.ok() != second.ok())
            return first.ok();
        return first.metrics.makespanNs < second.metrics.makespanNs;
    });
    return order;
}

std::optional<std::size_t> ComparisonSchedule::fastest() const
{
    const std::vector<std::size_t> order = ranking();
    if (order.empty() || !m_runs[order.front()].ok())
        return std::nullopt;
    return order.front();
}

bool ComparisonSchedule::samePlan(const RunResult &parviz, const RunResult &cpython)
{
    if (!parviz.engine.isEmpty() || cpython.engine.isEmpty() || !parviz.ok() || !cpython.ok())
        return false;
    const RunPlan &a = parviz.plan;
    const RunPlan &b = cpython.plan;
    if (a.strategy != b.strategy || parviz.workers != cpython.workers || !a.tasks || !b.tasks)
        return false;
    // Runs of one comparison share their tasks; runs opened from files have equal ones.
    return a.tasks == b.tasks
        || (a.workload == b.workload && a.options == b.options
            && a.tasks->size() == b.tasks->size());
}

std::optional<std::pair<std::size_t, std::size_t>> ComparisonSchedule::truthPair() const
{
    for (std::size_t c = 0; c < m_runs.size(); ++c) {
        if (m_runs[c].engine.isEmpty())
            continue;
        for (std::size_t p = 0; p < m_runs.size(); ++p) {
            if (samePlan(m_runs[p], m_runs[c]))
                return std::pair{p, c};
        }
    }
    return std::nullopt;
}

std::vector<TruthLine> ComparisonSchedule::truthLines() const
{
    const auto pair = truthPair();
    if (!pair)
        return {};
    return parviz::truthLines(m_runs[pair->first], &m_runs[pair->second]);
}

} // namespace parviz
