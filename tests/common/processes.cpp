#include "processes.h"

#include <QDir>
#include <QFile>

#include <cerrno>
#include <csignal>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace parviz::test {

std::vector<pid_t> childProcesses()
{
    return childProcessesOf(::getpid());
}

namespace {

// The fields of /proc/PID/stat after the command ("state ppid pgrp ..."); empty if the process
// is gone.
QList<QByteArray> statFields(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return {};
    // "pid (comm) state ppid pgrp ...": the command may hold spaces and parentheses.
    const QByteArray text = stat.readAll();
    return text.mid(text.lastIndexOf(')') + 2).split(' ');
}

// Every process in /proc whose stat fields satisfy `wanted`.
std::vector<pid_t> processesWhere(
    const std::function<bool(pid_t, const QList<QByteArray> &)> &wanted)
{
    std::vector<pid_t> found;
    const QStringList entries =
        QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString &entry : entries) {
        bool isPid = false;
        const pid_t pid = entry.toInt(&isPid);
        if (!isPid)
            continue;
        const QList<QByteArray> fields = statFields(pid);
        if (!fields.isEmpty() && wanted(pid, fields)) // empty: gone meanwhile
            found.push_back(pid);
    }
    return found;
}

} // namespace

std::vector<pid_t> childProcessesOf(pid_t parent)
{
    return processesWhere([parent](pid_t, const QList<QByteArray> &fields) {
        return fields.size() > 1 && fields[1].toInt() == parent;
    });
}

std::vector<pid_t> descendantsOf(pid_t ancestor)
{
    std::vector<pid_t> found = childProcessesOf(ancestor);
    for (std::size_t i = 0; i < found.size(); ++i) {
        const std::vector<pid_t> children = childProcessesOf(found[i]);
        found.insert(found.end(), children.begin(), children.end());
    }
    return found;
}

pid_t processGroupOf(pid_t pid)
{
    const QList<QByteArray> fields = statFields(pid);
    return fields.size() > 2 ? fields[2].toInt() : 0;
}

std::vector<pid_t> processesInGroups(const std::set<pid_t> &groups)
{
    return processesWhere([&groups](pid_t, const QList<QByteArray> &fields) {
        return fields.size() > 2 && fields[0] != "Z" && groups.contains(fields[2].toInt());
    });
}

QByteArray statusField(pid_t pid, const char *name)
{
    QFile status(QStringLiteral("/proc/%1/status").arg(pid));
    if (!status.open(QIODevice::ReadOnly))
        return {};
    const QByteArray prefix = QByteArray(name) + ':';
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(prefix.size()).trimmed();
    }
    return {};
}

bool processIsGone(pid_t pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray text = stat.readAll();
    const qsizetype close = text.lastIndexOf(')');
    return close > 0 && text.mid(close + 2, 1) == "Z";
}

int threadCount()
{
    return static_cast<int>(QDir(QStringLiteral("/proc/self/task"))
                                .entryList(QDir::Dirs | QDir::NoDotAndDotDot)
                                .size());
}

namespace {

// This process's address space, from /proc/self/status ("VmSize:  123456 kB").
std::size_t addressSpaceBytes()
{
    QFile status(QStringLiteral("/proc/self/status"));
    if (!status.open(QIODevice::ReadOnly))
        return 0;
    for (const QByteArray &line : status.readAll().split('\n')) {
        if (line.startsWith("VmSize:"))
            return line.mid(7).trimmed().split(' ').value(0).toULongLong() * 1024;
    }
    return 0;
}

} // namespace

ChildOutcome runInChild(
    const std::function<QByteArray()> &body, std::size_t growthBytes, unsigned safetySeconds)
{
    ChildOutcome outcome;
    int fds[2];
    if (::pipe(fds) != 0)
        return outcome;
    const std::size_t limit = addressSpaceBytes() + growthBytes;
    const pid_t pid = ::fork();
    if (pid == 0) {
        ::close(fds[0]);
        const rlimit bound{limit, limit};
        ::setrlimit(RLIMIT_AS, &bound);
        ::alarm(safetySeconds);
        const QByteArray output = body();
        for (qsizetype written = 0; written < output.size();) {
            const ssize_t n = ::write(fds[1],
                output.constData() + written,
                static_cast<std::size_t>(output.size() - written));
            if (n <= 0)
                break;
            written += n;
        }
        ::_exit(0);
    }
    ::close(fds[1]);
    if (pid < 0) {
        ::close(fds[0]);
        return outcome;
    }
    char buffer[4096];
    for (;;) {
        const ssize_t n = ::read(fds[0], buffer, sizeof buffer);
        if (n <= 0)
            break;
        outcome.output.append(buffer, n);
    }
    ::close(fds[0]);
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) { }
    outcome.returned = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    outcome.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    return outcome;
}

} // namespace parviz::test
