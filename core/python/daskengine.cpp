#include "python/daskengine.h"

#include "python/cpythonengine.h"

namespace parviz {

int DaskEngine::laneCount(const RunPlan &plan) const
{
    return DaskStrategy::laneCount(plan);
}

void DaskEngine::run(RunContext &context)
{
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
