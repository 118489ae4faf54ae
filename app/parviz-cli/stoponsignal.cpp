#include "stoponsignal.h"

#include <csignal>
#include <cstdlib>
#include <ctime>

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
            if (m_signal.exchange(signal) != 0)
                std::_Exit(128 + signal);
            m_onSignal();
        }
    });
}

StopOnSignal::~StopOnSignal()
{
    m_thread.request_stop();
    m_thread.join();
}
