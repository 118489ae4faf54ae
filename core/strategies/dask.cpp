#include "strategies/dask.h"

namespace parviz {

StrategyInfo DaskStrategy::describe()
{
    return {
        QStringLiteral("dask"),
        QStringLiteral("Dask cluster"),
        QStringLiteral("client = Client(LocalCluster(n_workers=W)); "
                       "as_completed(client.map(f, tasks, pure=False))"),
        QStringLiteral(
            "A real Dask cluster: a scheduler and W worker processes with T threads each, "
            "started for the run (a LocalCluster on this machine) or already running "
            "elsewhere. The caller sends every task to the scheduler at once; the scheduler "
            "hands them to the workers' threads, and each result travels back through it. "
            "Every worker thread is a row, labelled with its worker's address and process id; "
            "a worker's start-up is its spawn segment, and the time a worker thread waits "
            "for its next task while tasks are still queued is dispatch: the scheduler's "
            "cost per task, which grows as tasks get shorter. A worker that dies has its "
            "task run again elsewhere, its lost attempt drawn as interrupted."),
        /*usesWorkerCount=*/true,
        /*hasCaller=*/true,
        WorkerKind::Cluster,
        HandOut::Queue,
    };
}

int DaskStrategy::laneCount(const RunPlan &plan)
{
    return plan.workers * plan.options.threadsPerWorker;
}

} // namespace parviz
