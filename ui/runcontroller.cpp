#include "runcontroller.h"

#include "python/daskcluster.h"
#include "run/runsession.h"
#include "strategies/strategyregistry.h"

#include <vector>

namespace parviz {

namespace {

// How often a closing cluster is looked at: it takes about a second to close its workers.
constexpr int CloseCheckIntervalMs = 100;

} // namespace

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
    m_closeTimer.setInterval(CloseCheckIntervalMs);
    connect(&m_closeTimer, &QTimer::timeout, this, &RunController::reapClosedClusters);
}

RunController::~RunController()
{
    // The session's destructor stops and joins its thread; the clusters' destructors then close
    // them, waiting a few seconds at most, as the window closes.
    if (m_session)
        m_session->requestStop();
}

bool RunController::startsCluster(const SweepPlan &plan)
{
    return plan.options.daskScheduler.isEmpty() && runsOnCluster(plan.strategy, plan.options);
}

bool RunController::isStartingCluster() const
{
    return m_cluster && m_cluster->address().isEmpty() && !m_cluster->error();
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
    if (startsCluster(plan)) {
        if (!plan.python)
            return Error{QStringLiteral("dask-cluster"),
                tr("no Python interpreter to start the Dask cluster with")};
        // Returns at once: the cluster starts while the sequential baseline runs.
        auto launched =
            KeptDaskCluster::launch(*plan.python, plan.maxWorkers, plan.options.threadsPerWorker);
        if (!launched)
            return launched.error();
        m_cluster = std::move(launched).value();
    }
    m_sweep = std::move(schedule).value();
    m_stopRequested = false;
    emit sweepStarted(plan);
    startOnCluster(*m_sweep->next());
    emit busyChanged(true);
    return {};
}

void RunController::stop()
{
    m_stopRequested = true;
    if (m_session)
        m_session->requestStop();
    else if (m_waiting)
        endWaitingSweep(std::nullopt);
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

void RunController::startOnCluster(RunPlan plan)
{
    if (!m_cluster || !runsOnCluster(plan.strategy, plan.options))
        return start(plan);
    if (m_cluster->poll() != KeptDaskCluster::State::Ready) {
        // tick() starts it once the cluster answers, or ends the sweep if it cannot.
        const int workers = m_sweep ? m_sweep->plan().maxWorkers : plan.workers;
        m_waiting = std::move(plan);
        m_timer.start();
        if (isStartingCluster())
            emit clusterStarting(workers);
        return;
    }
    plan.options.daskScheduler = m_cluster->address();
    start(plan);
}

void RunController::tick()
{
    if (m_waiting) {
        Q_ASSERT(m_cluster && !m_session);
        switch (m_cluster->poll()) {
        case KeptDaskCluster::State::Starting:
            return;
        case KeptDaskCluster::State::Failed:
            return endWaitingSweep(m_cluster->error());
        case KeptDaskCluster::State::Ready: {
            RunPlan plan = std::move(*m_waiting);
            m_waiting.reset();
            return startOnCluster(std::move(plan));
        }
        }
    }
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
        startOnCluster(*next);
        return;
    }

    // Everything ends here. The controller is idle before anyone hears of it, so a handler
    // may show a dialog (a nested event loop) without this tick seeing a half-done state.
    m_timer.stop();
    closeCluster();
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

void RunController::endWaitingSweep(std::optional<Error> error)
{
    m_waiting.reset();
    m_timer.stop();
    closeCluster();
    SweepResult sweep = m_sweep ? m_sweep->result() : SweepResult{};
    m_sweep.reset();
    sweep.error = std::move(error);
    sweep.stopped = !sweep.error;
    emit busyChanged(false);
    emit sweepFinished(sweep);
}

void RunController::closeCluster()
{
    if (!m_cluster)
        return;
    m_cluster->close();
    m_closing.push_back(std::move(m_cluster));
    reapClosedClusters();
}

void RunController::reapClosedClusters()
{
    std::erase_if(m_closing, [](const auto &cluster) { return cluster->isClosed(); });
    if (m_closing.empty())
        m_closeTimer.stop();
    else if (!m_closeTimer.isActive())
        m_closeTimer.start();
}

} // namespace parviz
