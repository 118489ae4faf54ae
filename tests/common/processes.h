#pragma once

#include <QByteArray>

#include <cstddef>
#include <functional>
#include <set>
#include <sys/types.h>
#include <vector>

namespace parviz::test {

// The processes whose parent is this process, zombies included, read from /proc.
std::vector<pid_t> childProcesses();
// The same for another process's children.
std::vector<pid_t> childProcessesOf(pid_t parent);
// Every process below `ancestor`: its children, their children, and so on.
std::vector<pid_t> descendantsOf(pid_t ancestor);
// The process group of a process, read from /proc; 0 if it is gone.
pid_t processGroupOf(pid_t pid);
// The live processes (zombies aside) in any of `groups`.
std::vector<pid_t> processesInGroups(const std::set<pid_t> &groups);
// A field of /proc/PID/status ("SigBlk" gives "0000000000000000"); empty if the process is
// gone.
QByteArray statusField(pid_t pid, const char *name);
// Whether a process has ended: no longer in /proc, or a zombie waiting to be reaped.
bool processIsGone(pid_t pid);
// The threads of this process, the calling one included, counted in /proc/self/task.
int threadCount();

// How a function run by runInChild() ended.
struct ChildOutcome
{
    bool returned = false; // it returned, rather than being ended by a signal
    int signal = 0; // otherwise, the signal that ended the child (SIGABRT: out of memory)
    QByteArray output; // what it returned
};
// Runs `body` in a forked child whose address space may grow by at most `growthBytes` beyond
// what it has at the fork (RLIMIT_AS), and which SIGALRM ends after `safetySeconds`. A read
// that would never end, or would take all the memory it can, then fails a test instead of
// taking the machine: the child aborts on std::bad_alloc, or the alarm ends it.
ChildOutcome runInChild(
    const std::function<QByteArray()> &body, std::size_t growthBytes, unsigned safetySeconds);

} // namespace parviz::test
