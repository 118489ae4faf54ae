#pragma once

#include <QElapsedTimer>
#include <QtGlobal>

class QProcess;

namespace parviz {

// A Python program's process group, as both Python engines run it (Run in CPython Too's
// program, a traced program): a group of its own, so that stopping it reaches every process
// it started, and a stop that escalates from SIGTERM to SIGKILL.
//
// The run's own thread, as the engine that owns it.
class ProgramGroup
{
public:
    // How long a stopped program may take to go before its whole group is killed.
    static constexpr int StopGraceMs = 300;

    // Makes `process` start in a group of its own, with no signal blocked (parviz-cli's
    // threads block some) nor inherited by the processes it starts. Before it starts.
    static void startAlone(QProcess &process);

    // The group led by the started process `leader` (its pid is the group's id).
    explicit ProgramGroup(qint64 leader)
        : m_group(leader)
    { }

    qint64 id() const { return m_group; }
    // Sends `signal` to every process of the group.
    void signal(int signal) const;
    // Asks the group to end: SIGTERM at the first call, SIGKILL at the first call once
    // StopGraceMs have passed since. Call while it should end (each time the engine looks).
    void stop();
    // Whether stop() has begun, and how long ago it sent SIGKILL (-1: not yet).
    bool isStopping() const { return m_terminated.isValid(); }
    qint64 msSinceKilled() const { return m_killed.isValid() ? m_killed.elapsed() : -1; }

private:
    qint64 m_group;
    QElapsedTimer m_terminated; // since SIGTERM went to the group
    QElapsedTimer m_killed; // since SIGKILL went to it
};

} // namespace parviz
