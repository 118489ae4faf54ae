#pragma once

#include "run/runresult.h"

#include <span>

class QIODevice;

namespace parviz {

// Runs in the Chrome Trace Event Format, which Perfetto (ui.perfetto.dev) and chrome://tracing
// open: each run a process named after its strategy, each worker a thread of it ("main",
// "worker 0", "GIL"), each event a complete ("X") event in microseconds, and a "busy workers"
// counter ("C") that shows the concurrency over time. Streamed event by event.
bool writeChromeTrace(std::span<const RunResult> runs, QIODevice &device);

} // namespace parviz
