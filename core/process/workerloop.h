#pragma once

namespace parviz {

struct WorkerOptions
{
    double iterationsPerMs = 0.0; // the parent's CPU calibration; 0: measure here
    int parentPid = 0; // exit if the parent is gone (it may die before we can watch it)
    bool hangBeforeReady = false; // test-only: never report ready
};

// The body of parviz-worker: reads commands from `inFd`, runs each task with the same code
// as ParViz's threads, and writes reports to `outFd` (see workerprotocol.h). Returns the exit
// status: 0 when its input ended or it was told to stop, 3 after a malformed command.
// A task asking to crash kills the process with SIGSEGV (tests only).
int runWorker(int inFd, int outFd, const WorkerOptions &options);

} // namespace parviz
