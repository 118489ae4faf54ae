#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parviz {

// Test-only: a worker that fails on purpose at one point of the protocol, so that ParViz's
// tests can check what the pool makes of every way a worker can die. parviz-worker reads it
// once at start from PARVIZ_WORKER_TEST_FAULT; unset, nothing of it runs.
struct WorkerFault
{
    enum class Stage {
        BeforeRead, // its nth task has arrived; it dies before acting on it (no start report)
        MidTask, // after reporting the start of its nth task
        MidReply, // after running it, halfway through writing the done report
        AfterGarbage, // after running it, having written a line that is no report at all
    };
    enum class Action {
        Kill, // SIGKILL, as the OOM killer or `kill -9` would
        Segv, // SIGSEGV, as a crash would
        Exit, // exit status 0, without a word
    };
    Stage stage = Stage::MidTask;
    Action action = Action::Kill;
    int nth = 1; // the nth task this process is given, from 1
    // If set, only the first process of the run to reach the fault fails: it creates this
    // file, writing "<pid> <task>" into it; the others find it there and go on.
    std::string onceFile;

    // "<stage>:<action>[:<nth>[:<once file>]]", stage one of before-read, mid-task,
    // mid-reply, after-garbage, action one of kill, segv, exit; nullopt if malformed.
    static std::optional<WorkerFault> parse(std::string_view spec);
};

struct WorkerOptions
{
    double iterationsPerMs = 0.0; // the parent's CPU calibration; 0: measure here
    int parentPid = 0; // exit if the parent is gone (it may die before we can watch it)
    bool hangBeforeReady = false; // test-only: never report ready
    std::optional<WorkerFault> fault; // test-only
};

// The body of parviz-worker: reads commands from `inFd`, runs each task with the same code
// as ParViz's threads, and writes reports to `outFd` (see workerprotocol.h). Returns the exit
// status: 0 when its input ended or it was told to stop, 3 after a malformed command.
// A task asking to crash kills the process with SIGSEGV (tests only).
int runWorker(int inFd, int outFd, const WorkerOptions &options);

} // namespace parviz
