#pragma once

#include "python/interpreter.h"
#include "run/runresult.h"
#include "strategies/strategy.h"

#include <memory>

namespace parviz {

class RunSession;

// Runs a plan in real CPython: the strategy's own Python program (pythonProgram(), traced),
// with the very module it mirrors (threading, concurrent.futures, multiprocessing, joblib),
// read live into the same kind of trace as ParViz's own runs.
//
// Rows: the threads and processes that ran tasks, in the order they first started one, each
// with the pid of its process. A worker process's row begins with a spawn segment, from the
// moment the program's clock started (the pool is made then) to its first task. CPython's GIL
// is not seen from outside: a GIL thread's waits are inside its tasks' bars. The `main` row submits
// until the first task starts and waits until the program's clock stops. Time zero is the program's
// `start = time.perf_counter()`, on the same clock as ParViz's (CLOCK_MONOTONIC).
//
// The interpreter runs in a process group of its own: Stop, a failure or the end of the run
// leaves no process of it behind, and neither does ParViz killed with SIGKILL (the program
// watches its standard input, see PythonTracing::On). A program that fails ends the run with
// its traceback.
//
// run() on the run's own thread, as every strategy.
class CPythonEngine : public Strategy
{
public:
    explicit CPythonEngine(PythonInterpreter python);

    int laneCount(const RunPlan &plan) const override;
    // CPython's GIL is not seen from outside: its waits are inside the tasks' bars.
    bool hasGilLane(const RunPlan &) const override { return false; }
    void run(RunContext &context) override;

    // The engine's name in a result: "CPython 3.11.2".
    static QString engineName(const PythonInterpreter &python);

private:
    PythonInterpreter m_python;
};

// A session that runs `plan` in CPython (see CPythonEngine); the plan's strategy must be one of
// ParViz's and runnable by `python` (PythonInterpreter::canRun()). Where the plan's tasks have
// no GIL and `python` has one, a free-threaded CPython on PATH runs it instead, if there is
// one; else the run fails, saying so.
std::unique_ptr<RunSession> makeCPythonSession(
    const RunPlan &plan, const PythonInterpreter &python);
// Runs it to the end on the calling thread.
RunResult executeInCPython(const RunPlan &plan, const PythonInterpreter &python);

} // namespace parviz
