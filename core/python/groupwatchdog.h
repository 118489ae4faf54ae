#pragma once

#include <QString>

#include <memory>

class QProcess;

namespace parviz {

// Ends a program's process group and removes its folder if ParViz itself dies while the
// program runs (SIGKILL, a crash), when none of ParViz's code runs to do it. A small shell
// in a process group of its own waits on a pipe whose only writer is ParViz: end of file
// without a line means ParViz is gone. Destroyed, the watchdog is sent a line and exits
// without touching anything: ParViz ends the program and removes the folder itself.
class GroupWatchdog
{
public:
    GroupWatchdog(qint64 group, const QString &folder);
    ~GroupWatchdog();
    GroupWatchdog(const GroupWatchdog &) = delete;
    GroupWatchdog &operator=(const GroupWatchdog &) = delete;

    // Whether the shell started: without one, a ParViz killed leaves the program running.
    bool isWatching() const { return m_shell != nullptr; }

private:
    std::unique_ptr<QProcess> m_shell;
};

} // namespace parviz
