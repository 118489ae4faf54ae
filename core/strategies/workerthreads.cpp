#include "strategies/workerthreads.h"

#include <exception>
#include <pthread.h>
#include <string>

namespace parviz {

WorkerThreads::WorkerThreads(RunContext &context, Body body)
    : m_context(context)
    , m_body(std::move(body))
    , m_uncaughtAtStart(std::uncaught_exceptions())
{ }

WorkerThreads::~WorkerThreads()
{
    // Destroyed by an exception on the caller's thread: the workers may be waiting for tasks
    // that will never be submitted. Stop them, or joining would wait forever.
    if (std::uncaught_exceptions() > m_uncaughtAtStart)
        m_context.fail({QStringLiteral("internal-error"),
            QStringLiteral("the run was abandoned after an internal error")});
    joinAll();
}

bool WorkerThreads::start(int worker)
{
    const std::int64_t requestedNs = m_context.now();
    try {
        m_threads.emplace_back([this, worker, requestedNs] {
            // Recording may run out of memory outside any task: the run fails, the program
            // goes on.
            m_context.guard([&] {
                const std::string name = "parviz-w" + std::to_string(worker);
                pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
                m_context.recorder().worker(worker).append(
                    -1, EventKind::Spawn, requestedNs, m_context.now());
                m_body(worker);
            });
        });
    } catch (const std::exception &error) {
        // std::system_error when the system has no thread to give, std::bad_alloc when there is
        // no memory for its stack or bookkeeping.
        m_context.fail({QStringLiteral("thread-start-failed"),
            QStringLiteral("the system refused to start thread %1 of this run (%2 "
                           "already running): %3")
                .arg(worker + 1)
                .arg(m_threads.size())
                .arg(QString::fromLocal8Bit(error.what()))});
        return false;
    }
    return true;
}

void WorkerThreads::startAll(int count)
{
    for (int worker = 0; worker < count && !m_context.stopRequested(); ++worker) {
        if (!start(worker))
            return;
    }
}

void WorkerThreads::joinAll()
{
    for (auto &thread : m_threads) {
        if (thread.joinable())
            thread.join();
    }
}

} // namespace parviz
