#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace parviz {

// CPU time at one moment, on the whole machine and in ParViz: two of them, at a run's start and
// end, say how much of the machine other processes took while the run was measured.
struct CpuSample
{
    std::int64_t wallNs = 0; // CLOCK_MONOTONIC
    // Every CPU's busy time, from /proc/stat (user, nice, system, irq, softirq, steal: a
    // hypervisor's other guests take CPUs too); -1 when it cannot be read.
    std::int64_t machineBusyNs = -1;
    // ParViz's own CPU time: this process (the window's painting too), its children that have
    // been reaped (a process pool's workers) and its children kept alive between runs (loky's).
    std::int64_t ownNs = 0;
    // How many readings in clock ticks went into the sample: each may be a tick short.
    int tickReadings = 0;
};

// What other processes took of the machine during a run, from the samples at its start and
// its end.
struct MachineLoad
{
    // Other processes' busy time over the run's wall time: the cores they kept busy on average
    // (0.8: most of a core). NaN when unknown.
    double otherCores = std::numeric_limits<double>::quiet_NaN();
    // The same, less what the readings' resolution (a tick of 1/100 s each) could explain,
    // above DisturbedCores: the run's times are not this machine's alone.
    bool disturbed = false;

    bool known() const { return otherCores == otherCores; }
};

// Others keeping a quarter of a core busy, on average over a run, disturb its measurement:
// on two cores that is an eighth of the machine.
inline constexpr double DisturbedCores = 0.25;
// /proc/stat counts in clock ticks of 1/100 s (USER_HZ on Linux).
inline constexpr std::int64_t ProcStatTickNs = 10'000'000;

// The machine's busy time from the text of /proc/stat (its first line, "cpu  user nice system
// idle iowait irq softirq steal guest guest_nice", in ticks); nullopt if malformed. Guest time
// is already counted in user and nice.
std::optional<std::int64_t> machineBusyNsOf(std::string_view procStat);
// The load between two samples. Pure: tests hand it samples.
MachineLoad machineLoadBetween(const CpuSample &start, const CpuSample &end);

// Reads the samples: /proc/stat once, getrusage twice, and /proc/<pid>/stat for each kept
// worker. Any thread.
CpuSample sampleCpu();

} // namespace parviz
