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
// (TraceRecorder::addWorkerLane), labelled "thread name · pid N" ("fork · pid N", the start
// method, for a process's main thread): the name first, as it tells the rows of a pool apart. Each
// unit of work is a task of the trace (TraceRecorder::addTask: its function's qualified name, its
// arguments) and a `run` event; the first unit of a chunk or batch is a GroupStart, one that raised
// is Failed. A worker process's first row begins with a spawn segment from when its parent asked
// for it (else from its first line). A unit that runs inside another on the same thread (joblib's
// sequential backend inside a pool's task) cuts it: the outer one goes on after it as another `run`
// event of the same task. The `main` row is the program's main thread (of its first process):
// submit where it handed out work, wait where it waited for it (result(), join(), shutdown, the end
// of a `with` block), nothing between. Submits and waits of other threads (a pool inside a worker
// process) are not drawn: a worker row holds only what it ran.
//
// The pipe is read in batches every 15 ms (PROTOCOL.md, step 4), each batch sorted by time,
// until it ends: when every process that held it has ended. A process that dies leaves its
// unit under way open until then, and it ends Interrupted. Whatever of the program still runs
// after that (a process that did not trace) is killed.
//
// The program runs in a process group of its own, from the plan's program's working folder:
// Stop ends it and every process it started (SIGTERM, then SIGKILL after 300 ms), its open
// events end Interrupted. Its output goes where TracedProgram::output says. Forwarded, with
// ParViz in the foreground of a terminal on its standard input, the program's group is given
// the terminal while its main thread waits to read from it (it was stopped by SIGTTIN), as a
// shell's `fg` does, and ParViz takes it back after: Ctrl+C is ParViz's (Stop) but during such
// a read, when it reaches the program itself, and Ctrl+Z then suspends ParViz's job with the
// program. If ParViz dies, a GroupWatchdog ends the program's group. A program that exits with
// another code than 0 fails the run ("the Python program exited with code N", with the end of its
// standard error when it is captured; Error::code "python-interrupted" when SIGINT ended it) and
// what it left running is ended; one that traced no parallel work completes with its main row and
// no tasks, which front ends say.
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

// A session that runs it, named "CPython 3.11.2" in its result when `python` is given.
std::unique_ptr<RunSession> makeTracedProgramSession(
    TracedProgram program, std::shared_ptr<const PythonInterpreter> python = nullptr);

} // namespace parviz
