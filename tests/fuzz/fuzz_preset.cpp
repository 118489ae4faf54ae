// The preset loader on any bytes, as a person's presets folder may hold. Besides not crashing:
// a preset that loads is saved (presetJson(), as "Save preset" does) and loads again the same,
// so a preset ParViz accepted can never become one it refuses.

#include "fuzzcheck.h"
#include "presets/preset.h"

#include <QByteArray>

#include <cstddef>
#include <cstdint>

using namespace parviz;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArray json =
        QByteArray::fromRawData(reinterpret_cast<const char *>(data), static_cast<qsizetype>(size));
    const auto preset = parsePreset(json);
    if (!preset) {
        FUZZ_CHECK(preset.error().code == QLatin1String("bad-preset")
            || !preset.error().message.isEmpty());
        return 0;
    }
    FUZZ_CHECK(preset->plan(1).ok());
    const auto back = parsePreset(presetJson(*preset));
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(back->title == preset->title);
    FUZZ_CHECK(back->explanation == preset->explanation);
    FUZZ_CHECK(back->strategy == preset->strategy);
    FUZZ_CHECK(back->workload == preset->workload);
    FUZZ_CHECK(back->workers == preset->workers);
    FUZZ_CHECK(back->options == preset->options);
    FUZZ_CHECK(back->compare == preset->compare);
    return 0;
}
