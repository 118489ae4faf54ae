#include "python/tracedprogramengine.h"

#include "run/runsession.h"
#include "strategies/strategyregistry.h"
#include "strategies/tracedprogram.h"

namespace parviz {

TracedProgramEngine::TracedProgramEngine(PythonInterpreter python)
    : m_python(std::move(python))
{ }

void TracedProgramEngine::run(RunContext &context)
{
    context.fail({QStringLiteral("python-failed"),
        QStringLiteral("tracing a Python program is not built yet")});
}

namespace {

// The engine makeEngine() gives a plan with a program: the interpreter its front end chose,
// else the one findPython() finds as the run starts.
class TracedProgramLauncher : public Strategy
{
public:
    int laneCount(const RunPlan &) const override { return 0; }
    bool hasGilLane(const RunPlan &) const override { return false; }
    void run(RunContext &context) override
    {
        if (!context.plan().program)
            return context.fail({QStringLiteral("bad-strategy"),
                QStringLiteral("the strategy '%1' runs a Python program of your own: use "
                               "parviz-cli trace -- PROGRAM.py, or File > Trace Python Program...")
                    .arg(TracedProgramStrategyId)});
        if (const auto &chosen = context.plan().python)
            return TracedProgramEngine(*chosen).run(context);
        auto python = findPython();
        if (!python)
            return context.fail(python.error());
        TracedProgramEngine(*python).run(context);
    }
};

} // namespace

std::unique_ptr<Strategy> makeTracedProgramEngine()
{
    return std::make_unique<TracedProgramLauncher>();
}

RunPlan makeTracedProgramPlan(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python)
{
    RunPlan plan;
    plan.strategy = QString(TracedProgramStrategyId);
    plan.workload.taskCount = 0;
    plan.tasks = std::make_shared<const std::vector<TaskSpec>>();
    plan.workerCount = WorkerCount::exactly(1);
    plan.workers = 0;
    plan.cpus = logicalCpus();
    plan.python = std::move(python);
    plan.program = std::make_shared<const TracedProgram>(std::move(program));
    return plan;
}

std::unique_ptr<RunSession> makeTracedProgramSession(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python)
{
    const QString engine = python ? QStringLiteral("CPython %1").arg(python->version) : QString();
    auto plan = makeTracedProgramPlan(std::move(program), std::move(python));
    auto strategy = makeEngine(plan);
    return std::make_unique<RunSession>(std::move(plan), std::move(strategy), engine);
}

} // namespace parviz
