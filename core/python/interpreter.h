#pragma once

#include "plan/runplan.h"
#include "util/result.h"

#include <QString>

namespace parviz {

// A CPython interpreter that runs the programs of ParViz's strategies.
struct PythonInterpreter
{
    QString path;
    QString version; // "3.11.2"
    bool hasJoblib = false; // the batched strategy needs it
    // A free-threaded build running without its GIL (sys._is_gil_enabled() false, PEP 703):
    // what a workload whose tasks have no GIL needs.
    bool freeThreaded = false;
    // Dask distributed imports (Debian's python3-distributed): the dask strategy, and joblib's
    // dask backend, need it.
    bool hasDistributed = false;

    // Whether this interpreter can run `strategy`'s program; the error names what to install.
    Result<void> canRun(const QString &strategy) const;
    // The same for a whole plan: its strategy, and a free-threaded build where the workload's
    // tasks have no GIL.
    Result<void> canRun(const RunPlan &plan) const;
};

// The interpreter to use: `chosen` when given (a preference); else $PARVIZ_PYTHON; else the
// python3 on PATH or Debian's /usr/bin/python3, the first of them that has joblib and Dask's
// distributed, else the first with joblib, else the first that runs at all. The error says what was
// looked for and what to install. Runs each candidate once (about 50 ms each); any thread.
Result<PythonInterpreter> findPython(const QString &chosen = {});
// A free-threaded CPython on PATH (python3.14t, python3.13t), running without its GIL; nothing
// if there is none. Runs each candidate found once; any thread.
std::optional<PythonInterpreter> findFreeThreadedPython();
// The interpreter that runs `plan`'s program: `python`, or, where the workload's tasks have no
// GIL and `python` has one, a free-threaded CPython on PATH. The error is python.canRun(plan)'s:
// nothing can run the program. May look on PATH (findFreeThreadedPython()); any thread.
Result<PythonInterpreter> pythonFor(const RunPlan &plan, const PythonInterpreter &python);

// What of a Python program's standard error a failure shows: its traceback, not a flood.
inline constexpr qsizetype MaxTracebackBytes = 8 * 1024;
// The last MaxTracebackBytes of `errors`, from a whole line on ("…" where lines were cut).
QString tracebackTail(const QByteArray &errors);

} // namespace parviz
