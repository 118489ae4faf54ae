#include "stoponsignal.h"

#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <dirent.h>
#include <unistd.h>

namespace {

// Whether the process is a traced program's watchdog (GroupWatchdog): its command line names it.
bool isWatchdog(long pid)
{
    char path[64];
    std::snprintf(path, sizeof path, "/proc/%ld/cmdline", pid);
    FILE *file = std::fopen(path, "r");
    if (!file)
        return false;
    char command[4096] = {};
    const std::size_t read = std::fread(command, 1, sizeof command - 1, file);
    std::fclose(file);
    static constexpr char Name[] = "parviz-watchdog";
    // Arguments end with a NUL each: the name is one of them, whole.
    for (std::size_t at = 0; at < read; at += std::strlen(command + at) + 1) {
        if (std::strcmp(command + at, Name) == 0)
            return true;
    }
    return false;
}

// Kills the process groups that this process's children lead. A CPython program runs in a group
// of its own, with its worker processes; quitting at once must not leave them running, and no
// destructor runs after std::_Exit. Children in this process's own group are left alone, and
// so is a traced program's watchdog: it sees this process go, and removes the tracer's folder.
void killChildProcessGroups()
{
    DIR *proc = ::opendir("/proc");
    if (!proc)
        return;
    const pid_t self = ::getpid();
    while (const dirent *entry = ::readdir(proc)) {
        char *end = nullptr;
        const long pid = std::strtol(entry->d_name, &end, 10);
        if (pid <= 0 || *end != '\0')
            continue;
        char path[64];
        std::snprintf(path, sizeof path, "/proc/%ld/stat", pid);
        FILE *file = std::fopen(path, "r");
        if (!file)
            continue;
        char stat[512] = {};
        const std::size_t read = std::fread(stat, 1, sizeof stat - 1, file);
        std::fclose(file);
        stat[read] = '\0';
        // "pid (name) state ppid pgrp ...": the name may hold spaces and parentheses.
        const char *close = std::strrchr(stat, ')');
        char state = 0;
        long parent = 0;
        long group = 0;
        if (!close || std::sscanf(close + 1, " %c %ld %ld", &state, &parent, &group) != 3)
            continue;
        if (parent == self && group == pid && !isWatchdog(pid))
            ::kill(static_cast<pid_t>(-group), SIGKILL);
    }
    ::closedir(proc);
}

} // namespace

StopOnSignal::StopOnSignal(std::function<void()> onSignal)
    : m_onSignal(std::move(onSignal))
{
    sigset_t signals;
    sigemptyset(&signals);
    sigaddset(&signals, SIGINT);
    sigaddset(&signals, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &signals, nullptr);
    m_thread = std::jthread([this, signals](std::stop_token stop) {
        // Short, so that the destructor, which waits for this poll to end, keeps exit prompt.
        const timespec poll{0, 20'000'000};
        while (!stop.stop_requested()) {
            const int signal = sigtimedwait(&signals, nullptr, &poll);
            if (signal <= 0)
                continue;
            // A second signal means "now": quit without waiting for the run to wind down.
            if (m_signal.exchange(signal) != 0) {
                killChildProcessGroups();
                std::_Exit(128 + signal);
            }
            m_onSignal();
        }
    });
}

StopOnSignal::~StopOnSignal()
{
    m_thread.request_stop();
    m_thread.join();
}
