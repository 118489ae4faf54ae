#include "run/machineload.h"

#include "process/reusableworkers.h"
#include "util/clock.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <string>
#include <sys/resource.h>
#include <unistd.h>

namespace parviz {

namespace {

std::int64_t nsOf(const timeval &time)
{
    return static_cast<std::int64_t>(time.tv_sec) * 1'000'000'000
        + static_cast<std::int64_t>(time.tv_usec) * 1'000;
}

// A small file of /proc, whole: one read.
std::string readProcFile(const char *path)
{
    std::string text;
    if (FILE *file = std::fopen(path, "re")) {
        char buffer[4096];
        const std::size_t read = std::fread(buffer, 1, sizeof buffer, file);
        text.assign(buffer, read);
        std::fclose(file);
    }
    return text;
}

// A live child's CPU time, user and system, from /proc/<pid>/stat; 0 if it is gone.
std::int64_t childCpuNs(pid_t pid)
{
    const std::string text = readProcFile(("/proc/" + std::to_string(pid) + "/stat").c_str());
    // "pid (comm) state ppid ...": the name may hold spaces and brackets, so count the fields
    // from the last ')'. utime and stime are fields 14 and 15, the 12th and 13th after it.
    const std::size_t close = text.rfind(')');
    if (close == std::string::npos)
        return 0;
    std::string_view rest = std::string_view(text).substr(close + 1);
    std::int64_t ticks = 0;
    for (int field = 1; field <= 13 && !rest.empty(); ++field) {
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        const std::size_t end = std::min(rest.find(' '), rest.size());
        if (field >= 12) {
            std::int64_t value = 0;
            std::from_chars(rest.data(), rest.data() + end, value);
            ticks += value;
        }
        rest.remove_prefix(end);
    }
    return ticks * ProcStatTickNs;
}

} // namespace

std::optional<std::int64_t> machineBusyNsOf(std::string_view procStat)
{
    if (!procStat.starts_with("cpu "))
        return std::nullopt;
    std::string_view rest = procStat.substr(4);
    const std::size_t lineEnd = rest.find('\n');
    if (lineEnd != std::string_view::npos)
        rest = rest.substr(0, lineEnd);
    // user nice system idle iowait irq softirq steal: all but idle and iowait are busy.
    std::int64_t busy = 0;
    int field = 0;
    while (field < 8) {
        rest.remove_prefix(std::min(rest.find_first_not_of(' '), rest.size()));
        if (rest.empty())
            break;
        std::int64_t value = 0;
        const auto [end, error] = std::from_chars(rest.data(), rest.data() + rest.size(), value);
        if (error != std::errc() || value < 0)
            return std::nullopt;
        if (field != 3 && field != 4)
            busy += value;
        rest.remove_prefix(static_cast<std::size_t>(end - rest.data()));
        ++field;
    }
    if (field < 4) // older kernels have fewer fields, none fewer than four
        return std::nullopt;
    return busy * ProcStatTickNs;
}

MachineLoad machineLoadBetween(const CpuSample &start, const CpuSample &end)
{
    MachineLoad load;
    const std::int64_t wallNs = end.wallNs - start.wallNs;
    if (start.machineBusyNs < 0 || end.machineBusyNs < 0 || wallNs <= 0)
        return load;
    const std::int64_t machineNs = end.machineBusyNs - start.machineBusyNs;
    const std::int64_t ownNs = end.ownNs - start.ownNs;
    const std::int64_t otherNs = std::max<std::int64_t>(0, machineNs - ownNs);
    load.otherCores = static_cast<double>(otherNs) / static_cast<double>(wallNs);
    // Each reading may be a tick short; what is left beyond that is others' work.
    const std::int64_t beyondResolutionNs =
        otherNs - static_cast<std::int64_t>(start.tickReadings + end.tickReadings) * ProcStatTickNs;
    load.disturbed =
        static_cast<double>(beyondResolutionNs) > DisturbedCores * static_cast<double>(wallNs);
    return load;
}

CpuSample sampleCpu()
{
    CpuSample sample;
    rusage self{};
    rusage children{};
    getrusage(RUSAGE_SELF, &self);
    getrusage(RUSAGE_CHILDREN, &children);
    sample.ownNs = nsOf(self.ru_utime) + nsOf(self.ru_stime) + nsOf(children.ru_utime)
        + nsOf(children.ru_stime);
    for (pid_t pid : ReusableWorkers::instance().idlePids()) {
        sample.ownNs += childCpuNs(pid);
        ++sample.tickReadings;
    }
    if (const auto busy = machineBusyNsOf(readProcFile("/proc/stat"))) {
        sample.machineBusyNs = *busy;
        ++sample.tickReadings;
    }
    sample.wallNs = monotonicNowNs();
    return sample;
}

} // namespace parviz
