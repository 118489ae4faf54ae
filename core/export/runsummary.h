#pragma once

#include "run/runresult.h"

#include <QString>

namespace parviz {

// A run in a few lines for a person: what ran, how long it took against its lower bound, the
// speedup, and where the missing speedup went. Ends with a newline.
QString runSummary(const RunResult &run);

} // namespace parviz
