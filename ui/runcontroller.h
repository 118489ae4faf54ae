#pragma once

#include "plan/runplan.h"
#include "python/interpreter.h"
#include "run/runresult.h"
#include "run/sweep.h"
#include "trace/tracesnapshot.h"

#include <QObject>
#include <QTimer>

#include <memory>
#include <optional>
#include <vector>

namespace parviz {

class KeptDaskCluster;
class RunSession;

// Runs a plan, or a sweep of plans, off the GUI thread and shows it to the GUI a frame at a
// time: while a run goes on, a timer pulls its trace snapshot about 60 times a second and emits
// frame(); no signal is sent per task. A run ends with runFinished(), carrying the result by
// value. A sweep runs its plans one after another, each one watched like any run, and reports a
// point as soon as that point's runs are done.
//
// A sweep whose workers are a Dask cluster, and that names no scheduler of its own, starts one
// LocalCluster with the most workers for all its runs, as `parviz-cli sweep` does: the cluster
// starts in the background (seconds) while the sequential baseline runs, the first run that
// needs it waits for it, watched by the same timer, and it is closed when the sweep ends,
// however it ends.
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
    // The plan's interpreter (SweepPlan::python) runs the sweep's own Dask cluster, where it
    // starts one (startsCluster()).
    Result<void> sweep(const SweepPlan &plan);
    // Whether sweep() starts a Dask cluster for `plan`: its workers are a cluster's and it names
    // no scheduler.
    static bool startsCluster(const SweepPlan &plan);
    // The sweep's own cluster has not answered yet.
    bool isStartingCluster() const;
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
    // The sweep's next run waits for its cluster of `workers` workers to start.
    void clusterStarting(int workers);

private:
    void start(const RunPlan &plan);
    void start(std::unique_ptr<RunSession> session);
    // A sweep's run: on the sweep's cluster, once it has started.
    void startOnCluster(RunPlan plan);
    void tick();
    // Ends a sweep whose next run never started: its cluster failed, or Stop was pressed while
    // it started.
    void endWaitingSweep(std::optional<Error> error);
    void closeCluster();
    void reapClosedClusters();

    // Declared before the session, which may be using it: destroyed after it.
    std::unique_ptr<KeptDaskCluster> m_cluster;
    std::vector<std::unique_ptr<KeptDaskCluster>> m_closing; // closed, not yet gone
    std::unique_ptr<RunSession> m_session;
    std::optional<SweepSchedule> m_sweep;
    std::optional<RunPlan> m_waiting; // the sweep's run waiting for its cluster
    QTimer m_timer;
    QTimer m_closeTimer;
    bool m_stopRequested = false;
};

} // namespace parviz
