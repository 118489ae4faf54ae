#pragma once

#include <sys/types.h>
#include <vector>

namespace parviz::test {

// The processes whose parent is this process, zombies included, read from /proc.
std::vector<pid_t> childProcesses();

} // namespace parviz::test
