#pragma once

#include <atomic>
#include <functional>
#include <thread>

// Turns Ctrl+C (SIGINT) and SIGTERM into a call of `onSignal` on a thread of its own, so a run
// can be stopped cleanly: the tasks that finished are kept and reported. A second signal quits
// at once, killing the process groups of its children first (a CPython program and its
// workers). Construct it before
// any other thread starts (threads inherit the blocked signal mask); the main thread only.
class StopOnSignal
{
public:
    explicit StopOnSignal(std::function<void()> onSignal);
    ~StopOnSignal();

    bool signalled() const { return m_signal.load() != 0; }
    int signalNumber() const { return m_signal.load(); }

private:
    std::function<void()> m_onSignal;
    std::atomic<int> m_signal{0};
    std::jthread m_thread;
};
