#include "plan/runcontext.h"

#include <exception>
#include <new>

namespace parviz {

RunContext::RunContext(const RunPlan &plan, TraceRecorder &recorder, std::stop_token userStop)
    : m_plan(plan)
    , m_recorder(recorder)
    , m_forwardUserStop(std::move(userStop), ForwardStop{&m_stop})
{ }

void RunContext::fail(Error error)
{
    {
        std::scoped_lock lock(m_failureMutex);
        if (!m_failure)
            m_failure = std::move(error);
    }
    m_stop.request_stop();
}

void RunContext::failWith(const std::exception &exception)
{
    if (dynamic_cast<const std::bad_alloc *>(&exception))
        fail({QStringLiteral("out-of-memory"),
            QStringLiteral("the run failed: out of memory (run fewer tasks, or give ParViz more "
                           "memory)")});
    else
        fail({QStringLiteral("internal-error"),
            QStringLiteral("the run failed: %1").arg(QString::fromLocal8Bit(exception.what()))});
}

std::optional<Error> RunContext::failure() const
{
    std::scoped_lock lock(m_failureMutex);
    return m_failure;
}

RunContext::TaskEnd RunContext::runTask(
    int worker, const TaskSpec &task, CpuGate *gate, std::uint8_t firstRunFlags)
{
    TraceLane &lane = m_recorder.worker(worker);
    lane.begin(task.id, EventKind::Run, now(), firstRunFlags);
    try {
        const TaskResult result = executeTask(task, stopToken(), gate);
        if (result.outcome == TaskOutcome::Interrupted) {
            lane.end(now(), EventFlag::Interrupted);
            return TaskEnd::Interrupted;
        }
        lane.end(now());
        lane.countCompletedTask();
        return TaskEnd::Completed;
    } catch (const std::exception &exception) {
        if (lane.isOpen())
            lane.end(now(), EventFlag::Failed);
        fail({QStringLiteral("task-failed"),
            QStringLiteral("task %1 failed on worker %2: %3")
                .arg(task.id)
                .arg(worker)
                .arg(QString::fromUtf8(exception.what()))});
        return TaskEnd::Failed;
    } catch (...) {
        if (lane.isOpen())
            lane.end(now(), EventFlag::Failed);
        fail({QStringLiteral("task-failed"),
            QStringLiteral("task %1 failed on worker %2 with an unknown exception")
                .arg(task.id)
                .arg(worker)});
        return TaskEnd::Failed;
    }
}

} // namespace parviz
