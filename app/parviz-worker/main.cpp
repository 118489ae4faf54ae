// parviz-worker: one worker process of ParViz's process pool. ParViz starts it; it reads tasks
// on stdin and reports on stdout (core/process/workerprotocol.h). Not meant to be run by hand.

#include "process/workerloop.h"
#include "process/workerprotocol.h"
#include "workload/cpuwork.h"

#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <unistd.h>

int main(int argc, char **argv)
{
    parviz::WorkerOptions options;
    for (int i = 1; i < argc; ++i) {
        const std::string_view argument = argv[i];
        const char *value = i + 1 < argc ? argv[i + 1] : nullptr;
        if (argument == "--protocol" && value) {
            if (std::atoi(value) != parviz::protocol::Version) {
                std::fprintf(stderr,
                    "parviz-worker: speaks protocol %d, not %s\n",
                    parviz::protocol::Version,
                    value);
                return 2;
            }
            ++i;
        } else if (argument == "--calibration" && value) {
            // The parent's iterations per ms: anything else (inf, a typo) would make a CPU task
            // of a millisecond compute for minutes, or for ever.
            char *end = nullptr;
            const double rate = std::strtod(value, &end);
            if (end == value || *end != '\0'
                || !(rate >= parviz::CpuWork::MinIterationsPerMs
                    && rate <= parviz::CpuWork::MaxIterationsPerMs)) {
                std::fprintf(stderr,
                    "parviz-worker: --calibration: '%.40s' is not a calibration (iterations per "
                    "millisecond, from %g to %g)\n",
                    value,
                    parviz::CpuWork::MinIterationsPerMs,
                    parviz::CpuWork::MaxIterationsPerMs);
                return 2;
            }
            options.iterationsPerMs = rate;
            ++i;
        } else if (argument == "--parent" && value) {
            options.parentPid = std::atoi(value);
            ++i;
        } else {
            std::fprintf(stderr,
                "parviz-worker: unknown argument '%s'. This program is started by ParViz's "
                "process-pool strategy, not by hand.\n",
                argv[i]);
            return 2;
        }
    }
    // For ParViz's own tests of a worker that never starts.
    options.hangBeforeReady = std::getenv("PARVIZ_WORKER_TEST_HANG") != nullptr;
    // Test-only, for ParViz's tests of workers that die at each stage of the protocol:
    // PARVIZ_WORKER_TEST_FAULT=<stage>:<action>[:<nth task>[:<once file>]], as
    // parviz::WorkerFault describes. Read once here; unset, the worker runs as always.
    if (const char *fault = std::getenv("PARVIZ_WORKER_TEST_FAULT")) {
        options.fault = parviz::WorkerFault::parse(fault);
        if (!options.fault) {
            std::fprintf(
                stderr, "parviz-worker: cannot read PARVIZ_WORKER_TEST_FAULT='%s'\n", fault);
            return 2;
        }
    }
    return parviz::runWorker(STDIN_FILENO, STDOUT_FILENO, options);
}
