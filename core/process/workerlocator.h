#pragma once

#include "util/result.h"

#include <string>

namespace parviz {

// Where parviz-worker is: $PARVIZ_WORKER if it is set, else next to the running program
// (in the build tree and once installed, all of ParViz's programs sit in one folder).
// The error names the path it looked at.
Result<std::string> locateWorker();

} // namespace parviz
