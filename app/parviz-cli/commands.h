#pragma once

#include "flags.h"

#include <stop_token>
#include <string>
#include <vector>

namespace parviz::cli {

struct RunFlags
{
    std::string strategy = "thread-pool";
    WorkloadFlags workload;
    ExportFlags exports;
    bool quiet = false;
};

struct SweepFlags
{
    std::string strategy = "thread-pool";
    std::string maxWorkers; // default: the logical CPUs
    std::string repeat = "1";
    WorkloadFlags workload;
    ExportFlags exports;
    bool quiet = false;
};

struct CompareFlags
{
    std::string strategies;
    WorkloadFlags workload;
    ExportFlags exports;
    bool quiet = false;
};

struct TruthFlags
{
    std::string strategy = "thread-pool";
    std::string python; // default: $PARVIZ_PYTHON, else python3 on PATH (findPython())
    WorkloadFlags workload;
    ExportFlags exports;
    bool quiet = false;
};

struct TraceFlags
{
    std::string python; // default: $PARVIZ_PYTHON, else python3 on PATH (findPython())
    std::vector<std::string> program; // PROGRAM.py [ARGS...]
    ExportFlags exports;
    bool quiet = false;
};

// Each returns the exit status: ExitOk, ExitFailed or ExitUsage. A stop requested through
// `stop` (a signal) ends the command early; what finished is still reported and exported.
int listStrategies();
int runCommand(const RunFlags &flags, std::stop_token stop);
int sweepCommand(const SweepFlags &flags, std::stop_token stop);
int compareCommand(const CompareFlags &flags, std::stop_token stop);
// Runs the plan with ParViz, then in CPython (its strategy's Python program), and prints them
// side by side. No usable interpreter is bad usage: nothing runs.
int truthCommand(const TruthFlags &flags, std::stop_token stop);
// Runs a Python program of one's own, traced (TracedProgramEngine), its standard streams
// ParViz's own; the summary goes to stderr, so that the program's output stays its own. 0 when
// it ran and exited with 0, 1 when it failed (its exit code in the message) or an export could
// not be written, 2 bad usage or no interpreter.
int traceCommand(const TraceFlags &flags, std::stop_token stop);

} // namespace parviz::cli
