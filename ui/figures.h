#pragma once

#include "pictures.h"
#include "run/runresult.h"
#include "run/sweep.h"

#include <span>

namespace parviz {

// Pictures of finished runs and sweeps, drawn without a window by the desktop program's own
// painting code: what parviz-cli saves with --png, --svg and --pdf. Each has a caption saying
// what ran and on which machine. Need a QApplication; the offscreen platform is enough. GUI
// thread.

// The Gantt of a run, or of several runs one above the other on one time scale, so that a
// comparison shows which finished first. Each run has a heading with its makespan and speedup;
// a legend of the colours closes the picture. `width` in device-independent pixels.
Result<void> saveGanttFigure(
    std::span<const RunResult> runs, const PictureTarget &target, int width);

// The speedup chart of a sweep: the measured curve, the ideal line, the Amdahl fit and the
// efficiency, titled with the workload.
Result<void> saveSpeedupFigure(const SweepResult &sweep,
    const WorkloadSpec &workload,
    int maxWorkers,
    const PictureTarget &target,
    int width);

} // namespace parviz
