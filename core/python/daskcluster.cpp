#include "python/daskcluster.h"

#include "process/childsignals.h"

#include <QElapsedTimer>

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

Result<std::unique_ptr<KeptDaskCluster>> KeptDaskCluster::start(
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
    process.start(python.path,
        {QStringLiteral("-c"),
            QLatin1String(HolderProgram),
            QString::number(workers),
            QString::number(threadsPerWorker)});
    if (!process.waitForStarted(10'000))
        return failure(
            QStringLiteral("cannot start %1: %2").arg(python.path, process.errorString()));
    QElapsedTimer waited;
    waited.start();
    while (!process.canReadLine() && process.state() == QProcess::Running
        && waited.elapsed() < StartTimeoutMs)
        process.waitForReadyRead(100);
    const QString line = QString::fromUtf8(process.readLine()).trimmed();
    if (!line.contains(QLatin1String("://"))) {
        const QString errors = QString::fromLocal8Bit(process.readAllStandardError().right(2000));
        return failure(QStringLiteral("the local Dask cluster did not start: %1")
                           .arg(errors.trimmed().isEmpty() ? QStringLiteral("no answer in time")
                                                           : errors.trimmed()));
    }
    cluster->m_address = line;
    return cluster;
}

KeptDaskCluster::~KeptDaskCluster()
{
    const qint64 group = m_process.processId();
    if (m_process.state() != QProcess::NotRunning) {
        m_process.closeWriteChannel();
        if (!m_process.waitForFinished(CloseTimeoutMs) && group > 0)
            ::kill(static_cast<pid_t>(-group), SIGKILL);
    }
    // Whatever of the cluster is left (a worker that did not close) goes now.
    if (group > 0)
        ::kill(static_cast<pid_t>(-group), SIGKILL);
    m_process.waitForFinished(1000);
}

} // namespace parviz
