#pragma once

#include <QString>

#include <memory>

class QProcess;

namespace parviz {

// Ends a program's process group and removes its folder if ParViz itself dies while the
// program runs (SIGKILL, a crash), when none of ParViz's code runs to do it. A small shell
// in a process group of its own waits on a pipe whose only writer is ParViz: end of file
// without a line means ParViz is gone. Destroyed, once ParViz has ended the program, the
// watchdog removes the folder, then sends the shell a line, and the shell exits without
// touching anything. Its command line names it (`parviz-watchdog`), so that parviz-cli's
// hurried exit (a second Ctrl+C), which kills the process groups of its children, leaves it
// to do its work.
class GroupWatchdog
{
public:
    GroupWatchdog(qint64 group, const QString &folder);
    ~GroupWatchdog();
    GroupWatchdog(const GroupWatchdog &) = delete;
    GroupWatchdog &operator=(const GroupWatchdog &) = delete;

private:
    QString m_folder;
    std::unique_ptr<QProcess> m_shell;
};

} // namespace parviz
