#pragma once

#include "run/runresult.h"
#include "util/result.h"

class QIODevice;

namespace parviz {

// The version of the run JSON format. Documented in README.md; bump on any breaking change.
inline constexpr int RunJsonFormat = 1;

// Writes a run as JSON, streaming its events; false if the device refused.
bool writeRunJson(const RunResult &run, QIODevice &device);
// To a file, written whole or not at all, or to standard output for "-".
Result<void> saveRunJson(const RunResult &run, const QString &path);

} // namespace parviz
