// The duration parsers on any text, as typed after --duration or found in a preset or a run
// file. Besides not crashing: every duration that parses is within its bounds, and its text
// form (what ParViz writes into run files and presets) parses back to the same duration.

#include "fuzzcheck.h"
#include "workload/durationspec.h"

#include <QString>

#include <cmath>
#include <cstddef>
#include <cstdint>

using namespace parviz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QString text =
        QString::fromUtf8(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));

    const auto ns = parseDurationNs(text);
    if (ns) {
        FUZZ_CHECK(*ns >= 0 && *ns <= DurationSpec::MaxDurationNs);
        const auto back = parseDurationNs(durationText(*ns));
        FUZZ_CHECK(back.ok() && *back == *ns);
    } else {
        FUZZ_CHECK(!ns.error().message.isEmpty());
    }

    const auto spec = DurationSpec::parse(text);
    if (!spec) {
        FUZZ_CHECK(spec.error().code == QLatin1String("bad-duration"));
        return 0;
    }
    FUZZ_CHECK(spec->validate().ok());
    const double mean = spec->meanNs();
    FUZZ_CHECK(std::isfinite(mean) && mean >= 0.0 && mean <= DurationSpec::MaxDurationNs);
    const auto back = DurationSpec::parse(spec->toString());
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(*back == *spec);
    return 0;
}
