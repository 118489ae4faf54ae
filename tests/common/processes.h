#pragma once

#include <QByteArray>

#include <sys/types.h>
#include <vector>

namespace parviz::test {

// The processes whose parent is this process, zombies included, read from /proc.
std::vector<pid_t> childProcesses();
// The same for another process's children.
std::vector<pid_t> childProcessesOf(pid_t parent);
// Every process below `ancestor`: its children, their children, and so on.
std::vector<pid_t> descendantsOf(pid_t ancestor);
// A field of /proc/PID/status ("SigBlk" gives "0000000000000000"); empty if the process is
// gone.
QByteArray statusField(pid_t pid, const char *name);
// Whether a process has ended: no longer in /proc, or a zombie waiting to be reaped.
bool processIsGone(pid_t pid);
// The threads of this process, the calling one included, counted in /proc/self/task.
int threadCount();

} // namespace parviz::test
