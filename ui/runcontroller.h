#pragma once

#include "plan/runplan.h"
#include "run/runresult.h"
#include "run/sweep.h"
#include "trace/tracesnapshot.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>

namespace parviz {

class RunSession;

// Runs a plan, or a sweep of plans, off the GUI thread and shows it to the GUI a frame at a
// time: while a run goes on, a timer pulls its trace snapshot about 60 times a second and emits
// frame(); no signal is sent per task. A run ends with runFinished(), carrying the result by
// value. A sweep runs its plans one after another, each one watched like any run, and reports a
// point as soon as that point's runs are done.
//
// GUI thread.
class RunController : public QObject
{
    Q_OBJECT

public:
    static constexpr int FrameIntervalMs = 16;

    explicit RunController(QObject *parent = nullptr);
    ~RunController() override;

    // A sweep is busy from its first run to its last, between runs too.
    bool isBusy() const { return m_session != nullptr || m_sweep.has_value(); }
    bool isSweeping() const { return m_sweep.has_value(); }
    // While sweeping: the runs finished so far and the runs in all.
    int sweepRunsDone() const { return m_sweep ? m_sweep->runsDone() : 0; }
    int sweepRunsTotal() const { return m_sweep ? m_sweep->runsTotal() : 0; }

    void run(const RunPlan &plan);
    // Runs a session made elsewhere, not yet started, watched like any run: another engine's
    // (the strategy's Python program in CPython). Ignored while busy.
    void run(std::unique_ptr<RunSession> session);
    Result<void> sweep(const SweepPlan &plan);
    // Stops the run under way (and the sweep it belongs to). runFinished() follows.
    void stop();

signals:
    void runStarted(const parviz::RunPlan &plan);
    void frame(const std::shared_ptr<const parviz::TraceSnapshot> &snapshot);
    void runFinished(const parviz::RunResult &result);
    void sweepStarted(const parviz::SweepPlan &plan);
    void sweepPoint(const parviz::SweepPoint &point, const parviz::AmdahlFit &fit);
    void sweepFinished(const parviz::SweepResult &result);
    void busyChanged(bool busy);

private:
    void start(const RunPlan &plan);
    void start(std::unique_ptr<RunSession> session);
    void tick();

    std::unique_ptr<RunSession> m_session;
    std::optional<SweepSchedule> m_sweep;
    QTimer m_timer;
    bool m_stopRequested = false;
};

} // namespace parviz
