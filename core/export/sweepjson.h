#pragma once

#include "run/runresult.h"
#include "run/sweep.h"

#include <memory>
#include <span>

class QIODevice;

namespace parviz {

class JsonStream;

// A sweep as JSON (format 1, documented in README.md), written while it runs so that no more
// than one point's runs are ever held:
//   {"format": 1, "strategy": ..., "workload": {...}, "max_workers": W, "repeat": R,
//    "sequential": {"makespan_ns": median, "runs": [run, ...]},
//    "points": [{"workers", "makespan_ns", "speedup", "efficiency", "karp_flatt", "runs"}],
//    "amdahl": {"serial_fraction": s, "max_speedup": 1/s}, "stopped": false, "error": null}
// Each run is a whole run object, events included. One thread.
class SweepJsonWriter
{
public:
    SweepJsonWriter(QIODevice &device, const SweepPlan &plan, int cpus);
    ~SweepJsonWriter();

    // The sequential baseline's runs, once they are all done.
    void writeBaseline(std::int64_t medianNs, std::span<const RunResult> runs);
    void writePoint(const SweepPoint &point, std::span<const RunResult> runs);
    // Closes the document; false if the device refused at any point.
    bool finish(const SweepResult &sweep);

private:
    std::unique_ptr<JsonStream> m_json;
    bool m_baselineWritten = false;
    bool m_pointsOpened = false;
};

} // namespace parviz
