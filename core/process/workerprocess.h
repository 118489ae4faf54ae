#pragma once

#include "util/result.h"

#include <QString>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <sys/types.h>
#include <vector>

namespace parviz {

// One worker process: started with posix_spawn (never fork(), which is unsafe in a process
// running Qt and worker threads), talked to over a socket pair that is its stdin and stdout.
// Sends never block: what the socket does not take waits in an outbox until flush().
// The destructor kills a child that is still running and reaps it: no child, no zombie.
//
// Thread affinity: the thread that owns it.
class WorkerProcess
{
public:
    struct Exit
    {
        bool signalled = false;
        int code = 0; // exit status, when not signalled
        int signal = 0; // the signal that killed it, when signalled
        QString describe() const; // "exited with status 3", "was killed by signal 9 (SIGKILL)"
    };

    static Result<std::unique_ptr<WorkerProcess>> start(
        const std::string &program, const std::vector<std::string> &arguments);
    ~WorkerProcess();
    WorkerProcess(const WorkerProcess &) = delete;
    WorkerProcess &operator=(const WorkerProcess &) = delete;

    pid_t pid() const { return m_pid; }
    // The parent's end of the socket: poll it for reading (and writing while hasOutput()).
    int fd() const { return m_fd; }

    // Queues `bytes` and sends what the socket takes now. False if the child is gone.
    bool send(std::string_view bytes);
    // Sends more of the outbox; false if the child is gone.
    bool flush();
    bool hasOutput() const { return m_sent < m_outbox.size(); }
    // No more input for the child: it sees end of file once the outbox is sent.
    void closeInput();

    // Reads what is available without blocking: the bytes, an empty string when nothing is
    // waiting, or nullopt at end of file (the child closed its output or died).
    std::optional<std::string> read();

    void kill(int signal);
    // Whether kill(SIGKILL) was sent: the process is going, whatever its output still does
    // (a child of its own may hold the socket open).
    bool killed() const { return m_killed; }
    // A descriptor that polls readable once the child has exited (a pidfd), so that its exit
    // wakes a poll() at once; -1 where the system has none, and then only tryReap() tells.
    int exitFd() const { return m_exitFd; }
    // Reaps the child if it has exited; the exit from then on.
    std::optional<Exit> tryReap();
    Exit reap(); // waits
    const std::optional<Exit> &exit() const { return m_exit; }

private:
    WorkerProcess(pid_t pid, int fd);

    pid_t m_pid;
    int m_fd;
    int m_exitFd = -1;
    std::string m_outbox;
    std::size_t m_sent = 0;
    bool m_closeAfterSending = false;
    bool m_inputClosed = false;
    bool m_killed = false;
    std::optional<Exit> m_exit;
};

QString signalName(int signal);

} // namespace parviz
