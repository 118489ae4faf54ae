#pragma once

#include "python/interpreter.h"
#include "run/runresult.h"
#include "strategies/strategy.h"

#include <memory>

namespace parviz {

class RunSession;

// Runs a person's own Python program (RunPlan::program) unmodified under CPython, with ParViz's
// tracer (resources/python/tracer, PROTOCOL.md) loaded into it and into every interpreter it
// starts, and reads its trace lines live into the run's trace.
//
// The tracer's two files are copied into a private temporary folder (mode 0700) put first on
// the program's PYTHONPATH; the program writes its lines into a FIFO there, which ParViz reads
// every few milliseconds. ParViz removes the folder; the tracer writes nothing elsewhere.
//
// Rows: one per thread or process that ran a unit of work, added as it runs its first one
// (TraceRecorder::addWorkerLane), labelled "pid N · thread name". Each unit of work is a task
// of the trace (TraceRecorder::addTask: its function's qualified name, its arguments) and a
// `run` event; the first unit of a chunk or batch is a GroupStart, one that raised is Failed.
// A worker process's row begins with a spawn segment from when its parent asked for it. The
// `main` row is the program's main thread: submit where it handed out work, wait where it
// waited for it (result(), join(), shutdown, the end of a `with` block).
//
// The program runs in a process group of its own, from the plan's program's working folder:
// Stop ends it and every process it started. Its output goes where TracedProgram::output says.
// A program that exits with an error fails the run with its traceback; one that traced no
// parallel work completes with its main row and no tasks, which front ends say.
//
// run() on the run's own thread, as every strategy.
class TracedProgramEngine : public Strategy
{
public:
    explicit TracedProgramEngine(PythonInterpreter python);

    // None at the start: rows are added as the program runs work.
    int laneCount(const RunPlan &) const override { return 0; }
    bool hasGilLane(const RunPlan &) const override { return false; }
    void run(RunContext &context) override;

private:
    PythonInterpreter m_python;
};

// A plan that traces `program` (strategy TracedProgramStrategyId): no tasks, no workers, this
// machine's CPUs. `python` runs it; null, findPython()'s as the run starts.
RunPlan makeTracedProgramPlan(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python = nullptr);
// A session that runs it, named "CPython 3.11.2" in its result when `python` is given.
std::unique_ptr<RunSession> makeTracedProgramSession(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python = nullptr);

} // namespace parviz
