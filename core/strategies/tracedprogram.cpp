#include "strategies/tracedprogram.h"

namespace parviz {

StrategyInfo TracedProgramStrategy::describe()
{
    return {
        QString(TracedProgramStrategyId),
        QStringLiteral("Python program"),
        QStringLiteral("python3 PROGRAM.py ARGS, unmodified, with ParViz's tracer loaded"),
        QStringLiteral(
            "A program of your own, run as it is under CPython, with ParViz's tracer loaded "
            "into it and into every interpreter it starts. Each unit of parallel work it hands "
            "out (a call submitted to or mapped by an executor, a Thread's or Process's target, "
            "a Pool's or joblib's calls and their chunks or batches) is a bar on the row of the "
            "thread or process that ran it, with the function's name and arguments in its "
            "tooltip. A worker process's row begins with its start; the main row shows where "
            "the program submitted work and where it waited for it."),
        /*usesWorkerCount=*/false,
        /*hasCaller=*/true,
        WorkerKind::Processes,
        HandOut::Queue,
    };
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

} // namespace parviz
