#pragma once

#include "util/result.h"

#include <QString>

#include <cstdint>
#include <vector>

namespace parviz {

// How long the tasks of a workload take: a fixed value, uniform between two bounds, exponential
// around a mean, or an explicit list (the seed's 0.1 s, 1 s, 0.3 s), cycled over the tasks.
//
// Text form, as typed on the command line:
//   100ms   0.1s   250us   uniform:50ms..150ms   exp:100ms   list:0.1s,1s,0.3s
struct DurationSpec
{
    enum class Distribution { Fixed, Uniform, Exponential, List };

    static constexpr std::int64_t MaxDurationNs = 3'600'000'000'000; // one hour per task

    Distribution distribution = Distribution::Fixed;
    std::int64_t valueNs = 100'000'000; // Fixed: the value; Uniform: lower bound; Exponential: mean
    std::int64_t upperNs = 0; // Uniform: upper bound
    std::vector<std::int64_t> listNs; // List: the values, in order

    static DurationSpec fixed(std::int64_t ns);
    static DurationSpec uniform(std::int64_t lowerNs, std::int64_t upperNs);
    static DurationSpec exponential(std::int64_t meanNs);
    static DurationSpec list(std::vector<std::int64_t> valuesNs);

    static Result<DurationSpec> parse(QStringView text);
    QString toString() const;
    Result<void> validate() const;

    // The mean duration a task is planned to take.
    double meanNs() const;

    bool operator==(const DurationSpec &) const = default;
};

// "100ms", "0.1s", "250us", "250µs", "80ns": a non-negative duration with its unit.
Result<std::int64_t> parseDurationNs(QStringView text);
// The shortest exact text parseDurationNs() reads back: "100ms", "1.5s", "80ns".
QString durationText(std::int64_t ns);

} // namespace parviz
