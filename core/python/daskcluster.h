#pragma once

#include "python/interpreter.h"
#include "util/result.h"

#include <QElapsedTimer>
#include <QProcess>
#include <QString>

#include <memory>
#include <optional>

namespace parviz {

// A LocalCluster that outlives one run: a Python process holding a Dask scheduler and its worker
// processes on this machine, so that the runs of a sweep share one cluster, using 1, 2, ... N of
// its workers, as they would an existing cluster's (StrategyOptions::daskScheduler). Destroying
// it closes the cluster; the whole process group goes if it does not close in time. If ParViz
// itself is killed, the program sees its standard input end and closes the cluster.
//
// It starts in the background: launch() returns at once, and poll(), which never waits, says
// when the scheduler answers (a few seconds), so that a window can go on drawing meanwhile;
// start() waits for it, for a command line. close() and isClosed() end it without waiting either.
//
// The thread that made it.
class KeptDaskCluster
{
public:
    enum class State { Starting, Ready, Failed };

    // Starts `workers` worker processes of `threadsPerWorker` threads and returns at once; fails
    // at once only where the interpreter lacks Dask's distributed.
    static Result<std::unique_ptr<KeptDaskCluster>> launch(
        const PythonInterpreter &python, int workers, int threadsPerWorker);
    // launch(), then blocks until the scheduler answers (a few seconds at most), or fails naming
    // what went wrong.
    static Result<std::unique_ptr<KeptDaskCluster>> start(
        const PythonInterpreter &python, int workers, int threadsPerWorker);
    ~KeptDaskCluster();
    KeptDaskCluster(const KeptDaskCluster &) = delete;
    KeptDaskCluster &operator=(const KeptDaskCluster &) = delete;

    // Reads what the process has printed so far, without waiting: Ready once it has named the
    // scheduler's address; Failed if it ended, or gave no address in time (error() says why).
    State poll();
    // What went wrong once poll() says Failed.
    const std::optional<Error> &error() const { return m_error; }
    // "tcp://127.0.0.1:39041" once Ready; empty before.
    const QString &address() const { return m_address; }
    // The process holding the cluster, the leader of its process group; 0 before it runs.
    qint64 processId() const { return m_processId; }

    // Asks the cluster to close and returns at once: a started cluster closes its workers, one
    // still starting has its process group ended now. isClosed() then says when it is gone.
    void close();
    // Whether the cluster is gone, after close(); ends the process group once the cluster has
    // taken too long to close, and whatever of it is left (a worker that did not close) once its
    // holder has ended. Never waits.
    bool isClosed();

private:
    KeptDaskCluster() = default;
    void endGroup();

    QProcess m_process;
    // Kept: QProcess forgets it once the process has ended, and its group may outlive it.
    qint64 m_processId = 0;
    QString m_address;
    std::optional<Error> m_error;
    QElapsedTimer m_started;
    QElapsedTimer m_closing; // valid once close() was called
};

} // namespace parviz
