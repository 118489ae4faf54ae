#pragma once

#include "python/interpreter.h"
#include "util/result.h"

#include <QProcess>
#include <QString>

#include <memory>

namespace parviz {

// A LocalCluster that outlives one run: a Python process holding a Dask scheduler and its worker
// processes on this machine, so that the runs of a sweep share one cluster, using 1, 2, ... N of
// its workers, as they would an existing cluster's (StrategyOptions::daskScheduler). Destroying
// it closes the cluster; the whole process group goes if it does not close in time. If ParViz
// itself is killed, the program sees its standard input end and closes the cluster.
//
// The thread that made it.
class KeptDaskCluster
{
public:
    // Starts `workers` worker processes of `threadsPerWorker` threads; blocks until the
    // scheduler answers (a few seconds at most), or fails naming what went wrong.
    static Result<std::unique_ptr<KeptDaskCluster>> start(
        const PythonInterpreter &python, int workers, int threadsPerWorker);
    ~KeptDaskCluster();
    KeptDaskCluster(const KeptDaskCluster &) = delete;
    KeptDaskCluster &operator=(const KeptDaskCluster &) = delete;

    // "tcp://127.0.0.1:39041"
    const QString &address() const { return m_address; }

private:
    KeptDaskCluster() = default;

    QProcess m_process;
    QString m_address;
};

} // namespace parviz
