#include "python/daskcluster.h"

#include "process/childsignals.h"

#include <csignal>
#include <unistd.h>

namespace parviz {

namespace {

// How long the cluster may take to start (many workers on a loaded machine) and to close.
constexpr int StartTimeoutMs = 60'000;
constexpr int CloseTimeoutMs = 5'000;

// Run with -c: worker processes started by spawn need no file to import.
constexpr char HolderProgram[] =
    "import sys\n"
    "from dask.distributed import LocalCluster\n"
    "workers, threads = int(sys.argv[1]), int(sys.argv[2])\n"
    "cluster = LocalCluster(n_workers=workers, threads_per_worker=threads,\n"
    "                       dashboard_address=None)\n"
    "print(cluster.scheduler_address, flush=True)\n"
    "sys.stdin.read()  # until ParViz closes it, or is gone\n"
    "cluster.close()\n";

Error failure(const QString &message)
{
    return {QStringLiteral("dask-cluster"), message};
}

} // namespace

Result<std::unique_ptr<KeptDaskCluster>> KeptDaskCluster::launch(
    const PythonInterpreter &python, int workers, int threadsPerWorker)
{
    if (!python.hasDistributed)
        return failure(QStringLiteral("%1 cannot import Dask's distributed (Debian: apt-get "
                                      "install python3-distributed)")
                           .arg(python.path));
    std::unique_ptr<KeptDaskCluster> cluster(new KeptDaskCluster);
    QProcess &process = cluster->m_process;
    // A group of its own, so that its workers go with it.
    process.setChildProcessModifier([] {
        resetSignalsInChild();
        ::setpgid(0, 0);
    });
    cluster->m_started.start();
    // QProcess forks and execs here; a program that cannot start is reported by poll().
    process.start(python.path,
        {QStringLiteral("-c"),
            QLatin1String(HolderProgram),
            QString::number(workers),
            QString::number(threadsPerWorker)});
    cluster->m_processId = process.processId();
    return cluster;
}

Result<std::unique_ptr<KeptDaskCluster>> KeptDaskCluster::start(
    const PythonInterpreter &python, int workers, int threadsPerWorker)
{
    auto launched = launch(python, workers, threadsPerWorker);
    if (!launched)
        return launched;
    KeptDaskCluster &cluster = **launched;
    State state = cluster.poll();
    while (state == State::Starting) {
        cluster.m_process.waitForReadyRead(100);
        state = cluster.poll();
    }
    if (state == State::Failed)
        return *cluster.error();
    return launched;
}

KeptDaskCluster::State KeptDaskCluster::poll()
{
    if (m_error)
        return State::Failed;
    if (!m_address.isEmpty())
        return State::Ready;
    if (m_process.canReadLine()) {
        const QString line = QString::fromUtf8(m_process.readLine()).trimmed();
        if (line.contains(QLatin1String("://"))) {
            m_address = line;
            return State::Ready;
        }
    }
    const bool ended = m_process.state() == QProcess::NotRunning;
    if (!ended && m_started.elapsed() < StartTimeoutMs)
        return State::Starting;
    if (m_process.error() == QProcess::FailedToStart) {
        m_error = failure(QStringLiteral("cannot start %1: %2")
                              .arg(m_process.program(), m_process.errorString()));
    } else {
        const QString errors =
            QString::fromLocal8Bit(m_process.readAllStandardError().right(2000)).trimmed();
        m_error =
            failure(QStringLiteral("the local Dask cluster did not start: %1")
                        .arg(errors.isEmpty() ? QStringLiteral("no answer in time") : errors));
    }
    endGroup();
    return State::Failed;
}

void KeptDaskCluster::close()
{
    if (m_closing.isValid())
        return;
    m_closing.start();
    // Still starting, or failed: there is nothing to close gracefully.
    if (poll() != State::Ready)
        endGroup();
    else
        m_process.closeWriteChannel();
}

bool KeptDaskCluster::isClosed()
{
    if (!m_closing.isValid())
        return false;
    // Reaps the holder if it has ended; returns at once.
    m_process.waitForFinished(0);
    if (m_process.state() != QProcess::NotRunning && m_closing.elapsed() < CloseTimeoutMs)
        return false;
    endGroup();
    return m_process.state() == QProcess::NotRunning || m_process.waitForFinished(0);
}

void KeptDaskCluster::endGroup()
{
    // The group keeps the holder's process id as its id, even after the holder has ended.
    if (m_processId > 0)
        ::kill(static_cast<pid_t>(-m_processId), SIGKILL);
}

KeptDaskCluster::~KeptDaskCluster()
{
    if (m_process.state() != QProcess::NotRunning) {
        if (m_address.isEmpty() || m_error)
            endGroup(); // still starting: nothing to close gracefully
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(CloseTimeoutMs))
            endGroup();
    }
    // Whatever of the cluster is left (a worker that did not close) goes now.
    endGroup();
    m_process.waitForFinished(1000);
}

} // namespace parviz
