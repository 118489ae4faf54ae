#include "python/daskengine.h"

#include "python/cpythonengine.h"

namespace parviz {

int DaskEngine::laneCount(const RunPlan &plan) const
{
    return DaskStrategy::laneCount(plan);
}

void DaskEngine::run(RunContext &context)
{
    // Chosen once by the front end for all its runs: looking again costs 50-100 ms a candidate,
    // and might find another interpreter than the one chosen.
    if (const auto &chosen = context.plan().python)
        return CPythonEngine(*chosen).run(context);
    auto python = findPython();
    if (!python)
        return context.fail(python.error());
    CPythonEngine(*python).run(context);
}

std::unique_ptr<Strategy> makeDaskEngine()
{
    return std::make_unique<DaskEngine>();
}

} // namespace parviz
