#pragma once

#include "plan/runplan.h"
#include "strategies/strategy.h"

#include <QLatin1String>

#include <memory>

namespace parviz {

// A person's own Python program, run unmodified and traced (RunPlan::program). Not one of the
// strategies a person chooses: strategyRegistry() does not list it, but findStrategy() finds
// it, so that a traced run's result, file and exports name it as any run's. Its rows are the
// threads and processes the program ran work on, found as it runs.
inline constexpr QLatin1String TracedProgramStrategyId("python-program");

class TracedProgramStrategy
{
public:
    static StrategyInfo describe();
};

// A plan that traces `program`: no tasks, no workers, this machine's CPUs. `python` runs it;
// null, findPython()'s as the run starts.
RunPlan makeTracedProgramPlan(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python = nullptr);

// The engine that runs a traced program (core/python/tracedprogramengine.cpp): the plan's
// program in CPython with ParViz's tracer loaded. makeEngine() chooses it for every plan with a
// program; a plan of this strategy without one fails, saying how to trace a program.
std::unique_ptr<Strategy> makeTracedProgramEngine();

} // namespace parviz
