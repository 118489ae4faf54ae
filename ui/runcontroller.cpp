#include "runcontroller.h"

#include "run/runsession.h"

namespace parviz {

RunController::RunController(QObject *parent)
    : QObject(parent)
{
    qRegisterMetaType<parviz::RunPlan>();
    qRegisterMetaType<parviz::RunResult>();
    qRegisterMetaType<parviz::SweepPlan>();
    qRegisterMetaType<parviz::SweepPoint>();
    qRegisterMetaType<parviz::AmdahlFit>();
    qRegisterMetaType<parviz::SweepResult>();
    qRegisterMetaType<std::shared_ptr<const parviz::TraceSnapshot>>();
    m_timer.setInterval(FrameIntervalMs);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &RunController::tick);
}

RunController::~RunController()
{
    // The session's destructor stops and joins its thread.
    if (m_session)
        m_session->requestStop();
}

void RunController::run(const RunPlan &plan)
{
    if (isBusy())
        return;
    m_sweep.reset();
    m_stopRequested = false;
    start(plan);
    emit busyChanged(true);
}

void RunController::run(std::unique_ptr<RunSession> session)
{
    if (isBusy() || !session)
        return;
    m_sweep.reset();
    m_stopRequested = false;
    start(std::move(session));
    emit busyChanged(true);
}

Result<void> RunController::sweep(const SweepPlan &plan)
{
    if (isBusy())
        return Error{QStringLiteral("busy"), tr("a run is already under way")};
    auto schedule = SweepSchedule::make(plan);
    if (!schedule)
        return schedule.error();
    m_sweep = std::move(schedule).value();
    m_stopRequested = false;
    emit sweepStarted(plan);
    start(*m_sweep->next());
    emit busyChanged(true);
    return {};
}

void RunController::stop()
{
    m_stopRequested = true;
    if (m_session)
        m_session->requestStop();
}

void RunController::start(const RunPlan &plan)
{
    start(std::make_unique<RunSession>(plan));
}

void RunController::start(std::unique_ptr<RunSession> session)
{
    m_session = std::move(session);
    m_session->start();
    m_timer.start();
    emit runStarted(m_session->plan());
}

void RunController::tick()
{
    if (!m_session)
        return;
    // Read before taking the snapshot: if finished, the snapshot is already complete.
    const bool finished = m_session->isFinished();
    emit frame(m_session->snapshot());
    if (!finished)
        return;

    m_session->wait();
    const RunResult result = m_session->takeResult();
    m_session.reset();

    std::optional<SweepPoint> point;
    std::optional<RunPlan> next;
    if (m_sweep) {
        point = m_sweep->record(result);
        if (!m_stopRequested)
            next = m_sweep->next();
    }
    if (next) {
        // The sweep goes on: report this run and its point, then start the next one.
        emit runFinished(result);
        if (point)
            emit sweepPoint(*point, m_sweep->result().amdahl);
        start(*next);
        return;
    }

    // Everything ends here. The controller is idle before anyone hears of it, so a handler
    // may show a dialog (a nested event loop) without this tick seeing a half-done state.
    m_timer.stop();
    std::optional<SweepResult> sweep;
    if (m_sweep) {
        sweep = m_sweep->result();
        sweep->stopped = sweep->stopped || m_stopRequested;
        m_sweep.reset();
    }
    emit busyChanged(false);
    emit runFinished(result);
    if (point)
        emit sweepPoint(*point, sweep->amdahl);
    if (sweep)
        emit sweepFinished(*sweep);
}

} // namespace parviz
