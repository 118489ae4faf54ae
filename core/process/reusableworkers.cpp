#include "process/reusableworkers.h"

#include "util/clock.h"

#include <future>

namespace parviz {

ReusableWorkers &ReusableWorkers::instance()
{
    static ReusableWorkers workers;
    return workers;
}

ReusableWorkers::~ReusableWorkers()
{
    clear();
    if (m_starter.joinable()) {
        m_starter.request_stop();
        std::scoped_lock lock(m_startMutex);
        m_startWanted.notify_all();
    }
}

Result<std::unique_ptr<WorkerProcess>> ReusableWorkers::start(
    const std::string &program, const std::vector<std::string> &arguments)
{
    std::packaged_task<Result<std::unique_ptr<WorkerProcess>>()> job(
        [&] { return WorkerProcess::start(program, arguments); });
    auto started = job.get_future();
    {
        std::scoped_lock lock(m_startMutex);
        if (!m_starter.joinable()) {
            m_starter = std::jthread([this](std::stop_token stop) {
                std::unique_lock lock(m_startMutex);
                while (!stop.stop_requested()) {
                    if (m_starts.empty()) {
                        m_startWanted.wait(lock);
                        continue;
                    }
                    auto next = std::move(m_starts.front());
                    m_starts.pop_front();
                    lock.unlock();
                    next();
                    lock.lock();
                }
            });
        }
        m_starts.emplace_back([&job] { job(); });
    }
    m_startWanted.notify_all();
    return started.get();
}

std::vector<std::unique_ptr<WorkerProcess>> ReusableWorkers::take(
    const std::string &program, const std::vector<std::string> &arguments, std::size_t count)
{
    std::vector<std::unique_ptr<WorkerProcess>> taken;
    std::vector<std::unique_ptr<WorkerProcess>> ending;
    {
        std::scoped_lock lock(m_mutex);
        const bool same = program == m_program && arguments == m_arguments
            && monotonicNowNs() - m_keptAtNs <= IdleTimeoutNs;
        for (auto &worker : m_idle) {
            // One that exited meanwhile (killed, or its parent's check failed) is only reaped.
            if (same && taken.size() < count && !worker->tryReap() && !worker->killed())
                taken.push_back(std::move(worker));
            else
                ending.push_back(std::move(worker));
        }
        m_idle.clear();
    }
    // Ended outside the lock: each is killed and reaped by its destructor.
    ending.clear();
    return taken;
}

void ReusableWorkers::keep(const std::string &program,
    const std::vector<std::string> &arguments,
    std::vector<std::unique_ptr<WorkerProcess>> workers)
{
    std::vector<std::unique_ptr<WorkerProcess>> ending;
    {
        std::scoped_lock lock(m_mutex);
        if (program != m_program || arguments != m_arguments) {
            ending = std::move(m_idle);
            m_idle.clear();
            m_program = program;
            m_arguments = arguments;
        }
        for (auto &worker : workers)
            m_idle.push_back(std::move(worker));
        m_keptAtNs = monotonicNowNs();
    }
}

void ReusableWorkers::clear()
{
    std::vector<std::unique_ptr<WorkerProcess>> ending;
    {
        std::scoped_lock lock(m_mutex);
        ending = std::move(m_idle);
        m_idle.clear();
    }
}

std::vector<pid_t> ReusableWorkers::idlePids() const
{
    std::scoped_lock lock(m_mutex);
    std::vector<pid_t> pids;
    for (const auto &worker : m_idle)
        pids.push_back(worker->pid());
    return pids;
}

std::size_t ReusableWorkers::idleCount() const
{
    std::scoped_lock lock(m_mutex);
    return m_idle.size();
}

} // namespace parviz
