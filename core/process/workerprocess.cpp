#include "process/workerprocess.h"

#include "process/childsignals.h"

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace parviz {

QString signalName(int signal)
{
    const char *abbreviation = sigabbrev_np(signal);
    const char *description = sigdescr_np(signal);
    if (!abbreviation)
        return QStringLiteral("signal %1").arg(signal);
    return QStringLiteral("signal %1 (SIG%2%3)")
        .arg(signal)
        .arg(QString::fromLatin1(abbreviation))
        .arg(description ? QStringLiteral(", ") + QString::fromLocal8Bit(description) : QString());
}

QString WorkerProcess::Exit::describe() const
{
    if (signalled)
        return QStringLiteral("was killed by %1").arg(signalName(signal));
    return QStringLiteral("exited with status %1").arg(code);
}

Result<std::unique_ptr<WorkerProcess>> WorkerProcess::start(
    const std::string &program, const std::vector<std::string> &arguments)
{
    int sockets[2];
    if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sockets) != 0)
        return Error{QStringLiteral("spawn-failed"),
            QStringLiteral("cannot create a socket for a worker process: %1")
                .arg(QString::fromLocal8Bit(std::strerror(errno)))};
    const int parentEnd = sockets[0];
    const int childEnd = sockets[1];

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // dup2 clears close-on-exec on the copies: the child gets exactly stdin and stdout.
    posix_spawn_file_actions_adddup2(&actions, childEnd, STDIN_FILENO);
    posix_spawn_file_actions_adddup2(&actions, childEnd, STDOUT_FILENO);

    std::vector<char *> argv;
    argv.push_back(const_cast<char *>(program.c_str()));
    for (const std::string &argument : arguments)
        argv.push_back(const_cast<char *>(argument.c_str()));
    argv.push_back(nullptr);

    // No signal blocked, every action the default: a worker obeys SIGTERM and Ctrl+C even
    // when it is started by a thread that blocks them.
    posix_spawnattr_t attributes;
    posix_spawnattr_init(&attributes);
    setDefaultSignals(attributes);

    pid_t pid = 0;
    const int status =
        ::posix_spawn(&pid, program.c_str(), &actions, &attributes, argv.data(), environ);
    posix_spawnattr_destroy(&attributes);
    posix_spawn_file_actions_destroy(&actions);
    ::close(childEnd);
    if (status != 0) {
        ::close(parentEnd);
        return Error{QStringLiteral("spawn-failed"),
            QStringLiteral("cannot start the worker process '%1': %2")
                .arg(QString::fromStdString(program),
                    QString::fromLocal8Bit(std::strerror(status)))};
    }
    ::fcntl(parentEnd, F_SETFL, ::fcntl(parentEnd, F_GETFL) | O_NONBLOCK);
    return std::unique_ptr<WorkerProcess>(new WorkerProcess(pid, parentEnd));
}

WorkerProcess::WorkerProcess(pid_t pid, int fd)
    : m_pid(pid)
    , m_fd(fd)
#ifdef SYS_pidfd_open
    // Our own child, not yet reaped, so the pid cannot have been reused. Linux 5.3 and later.
    , m_exitFd(static_cast<int>(::syscall(SYS_pidfd_open, pid, 0)))
#endif
{ }

WorkerProcess::~WorkerProcess()
{
    if (!m_exit) {
        ::kill(m_pid, SIGKILL);
        reap();
    }
    ::close(m_fd);
    if (m_exitFd >= 0)
        ::close(m_exitFd);
}

bool WorkerProcess::send(std::string_view bytes)
{
    if (m_inputClosed)
        return false;
    if (m_sent == m_outbox.size()) {
        m_outbox.clear();
        m_sent = 0;
    }
    m_outbox.append(bytes);
    return flush();
}

bool WorkerProcess::flush()
{
    while (m_sent < m_outbox.size()) {
        // MSG_NOSIGNAL: a child that is gone gives EPIPE, not a SIGPIPE that would kill ParViz.
        const ssize_t n =
            ::send(m_fd, m_outbox.data() + m_sent, m_outbox.size() - m_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return true;
        if (n < 0)
            return false;
        m_sent += static_cast<std::size_t>(n);
    }
    if (m_closeAfterSending && !m_inputClosed) {
        ::shutdown(m_fd, SHUT_WR);
        m_inputClosed = true;
    }
    return true;
}

void WorkerProcess::closeInput()
{
    m_closeAfterSending = true;
    flush();
}

std::optional<std::string> WorkerProcess::read()
{
    std::string bytes;
    char buffer[8192];
    for (;;) {
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return bytes;
        if (n <= 0) {
            if (!bytes.empty())
                return bytes; // end of file comes with the next call
            return std::nullopt;
        }
        bytes.append(buffer, static_cast<std::size_t>(n));
        if (bytes.size() >= 64 * 1024)
            return bytes;
    }
}

void WorkerProcess::kill(int signal)
{
    if (m_exit)
        return;
    ::kill(m_pid, signal);
    m_killed = m_killed || signal == SIGKILL;
}

namespace {
WorkerProcess::Exit toExit(int status)
{
    WorkerProcess::Exit exit;
    if (WIFSIGNALED(status)) {
        exit.signalled = true;
        exit.signal = WTERMSIG(status);
    } else {
        exit.code = WEXITSTATUS(status);
    }
    return exit;
}
} // namespace

std::optional<WorkerProcess::Exit> WorkerProcess::tryReap()
{
    if (m_exit)
        return m_exit;
    int status = 0;
    const pid_t reaped = ::waitpid(m_pid, &status, WNOHANG);
    if (reaped == m_pid)
        m_exit = toExit(status);
    return m_exit;
}

WorkerProcess::Exit WorkerProcess::reap()
{
    if (m_exit)
        return *m_exit;
    int status = 0;
    pid_t reaped = 0;
    do {
        reaped = ::waitpid(m_pid, &status, 0);
    } while (reaped < 0 && errno == EINTR);
    m_exit = reaped == m_pid ? toExit(status) : Exit{};
    return *m_exit;
}

} // namespace parviz
