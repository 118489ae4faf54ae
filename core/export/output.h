#pragma once

#include "util/result.h"

#include <QString>

#include <functional>

class QIODevice;

namespace parviz {

// Writes an export to `path`: "-" is standard output; anything else is written whole or not
// at all (QSaveFile), so an interrupted or failed export never leaves half a file behind.
// `write` returns false if it could not write everything. The error names the path and why.
Result<void> writeOutput(const QString &path, const std::function<bool(QIODevice &)> &write);

} // namespace parviz
